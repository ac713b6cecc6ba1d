// The rule form's on-call order as a list to build, not a line to type: pick a person to add
// them at the end, move them up or down, remove them. The text field stays the form's value
// (user names, comma-separated), so the server reads and checks one thing, and the page works
// without this script. Entries the page cannot place (a name nobody has, a deactivated person)
// stay in the list, marked, so the server's message about them can be acted on.
(function () {
  "use strict";
  const box = document.querySelector("[data-on-call]");
  const field = document.getElementById("id_on_call");
  const data = document.getElementById("on-call-people");
  if (!box || !field || !data) return;
  const people = JSON.parse(data.textContent);
  const byUsername = new Map(people.map(function (p) { return [p.username, p]; }));
  const key = function (text) { return text.trim().split(/\s+/).join(" ").toLowerCase(); };
  const byName = new Map();
  people.forEach(function (p) {
    const k = key(p.name);
    byName.set(k, byName.has(k) ? null : p); // a name two people share names nobody
  });

  // The order as the field holds it: each entry a person, or the text nobody matched.
  function parse(text) {
    const out = [];
    text.split(/[,;\n，、；]/).map(function (e) { return e.trim(); }).filter(Boolean)
      .forEach(function (entry) {
        const person = byUsername.get(entry) || byName.get(key(entry));
        if (person) { out.push(person); return; }
        const words = entry.split(/\s+/);
        if (words.length > 1 && words.every(function (w) { return byUsername.has(w); })) {
          words.forEach(function (w) { out.push(byUsername.get(w)); });
          return;
        }
        out.push({ username: entry, label: entry, unknown: true });
      });
    return out;
  }

  let order = parse(field.value);
  const list = document.createElement("ol");
  list.className = "on-call-order";
  list.id = "on-call-order";
  const empty = document.createElement("p");
  empty.className = "muted small";
  empty.textContent = box.dataset.empty;
  const add = document.createElement("select");
  add.id = "on-call-add"; // named by the field's label, pointed at it below
  // Choosing is not adding: arrowing through the list added everyone passed (a trial). The
  // button, or Enter on the list, adds the one chosen.
  const adder = document.createElement("button");
  adder.type = "button";
  adder.className = "secondary small";
  adder.id = "on-call-add-button";
  adder.textContent = box.dataset.addButton;
  const picker = document.createElement("div");
  picker.className = "on-call-picker";
  picker.append(add, adder);

  function button(text, label, act) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary small";
    b.textContent = text;
    b.title = label;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", act);
    return b;
  }

  function move(from, to) {
    const [person] = order.splice(from, 1);
    order.splice(to, 0, person);
    render();
    const again = list.children[to] && list.children[to].querySelector("button:enabled");
    if (again) again.focus();
  }

  function render() {
    field.value = order.map(function (p) { return p.username; }).join(", ");
    list.replaceChildren();
    order.forEach(function (person, i) {
      const item = document.createElement("li");
      const step = document.createElement("span");
      step.className = "on-call-step";
      step.textContent = (i + 1) + ".";
      item.append(step);
      const name = document.createElement("span");
      name.className = "on-call-name";
      name.textContent = person.label;
      item.append(name);
      if (person.unknown || person.active === false) {
        item.classList.add("on-call-problem");
        const why = document.createElement("span");
        why.className = "muted small";
        why.textContent = person.unknown ? box.dataset.unknown : box.dataset.inactive;
        item.append(" ", why);
      }
      const who = person.label;
      // The first cannot go up nor the last down: their buttons stay, disabled, so that
      // every row's buttons line up.
      const up = button("↑", box.dataset.up.replace("{name}", who), function () { move(i, i - 1); });
      const down = button("↓", box.dataset.down.replace("{name}", who), function () { move(i, i + 1); });
      up.disabled = i === 0;
      down.disabled = i === order.length - 1;
      item.append(up, down);
      item.append(button("×", box.dataset.remove.replace("{name}", who), function () {
        order.splice(i, 1);
        render();
        add.focus();
      }));
      list.append(item);
    });
    empty.hidden = order.length > 0;
    add.replaceChildren(new Option(box.dataset.add, ""));
    const taken = new Set(order.map(function (p) { return p.username; }));
    people.filter(function (p) { return p.active && !taken.has(p.username); })
      .forEach(function (p) {
        // Said before saving, not only after: escalation tells them, they cannot stop it.
        const label = p.can_ack ? p.label : p.label + " " + box.dataset.cannotAck;
        add.append(new Option(label, p.username));
      });
    add.disabled = add.options.length === 1;
    adder.disabled = true;
  }

  function addChosen() {
    const person = byUsername.get(add.value);
    if (!person) return;
    order.push(person);
    render();
    add.focus();
  }
  add.addEventListener("change", function () { adder.disabled = !add.value; });
  add.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); addChosen(); }
  });
  adder.addEventListener("click", addChosen);

  field.hidden = true;
  const label = document.querySelector('label[for="id_on_call"]');
  if (label) label.htmlFor = "on-call-add";
  box.append(list, empty, picker);
  render();
})();
