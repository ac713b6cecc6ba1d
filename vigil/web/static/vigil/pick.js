// Tick-box lists (div.pick-list): a filter box over a long list hides the names that do not
// match what is typed; ticked names come first and always stay in view, so nobody unticks
// one unseen.
(function () {
  "use strict";
  const LONG = 8;
  document.querySelectorAll("input.pick-filter[data-pick]").forEach(function (box) {
    const list = document.getElementById(box.dataset.pick);
    if (!list) return;
    const rows = Array.from(list.children);
    if (rows.length <= LONG) return;
    box.hidden = false;
    // A saved rule's people come first: in a long list they were out of sight below.
    rows.filter(function (row) { return row.querySelector("input:checked"); })
      .reverse().forEach(function (row) { list.prepend(row); });
    const none = document.createElement("p");
    none.className = "muted small pick-none";
    none.textContent = box.dataset.none || "";
    none.hidden = true;
    list.after(none);
    box.addEventListener("input", function () {
      const wanted = box.value.trim().toLowerCase();
      let matches = 0;
      rows.forEach(function (row) {
        const ticked = row.querySelector("input:checked") !== null;
        const found = !wanted || row.textContent.toLowerCase().includes(wanted);
        row.hidden = !(found || ticked);
        matches += found ? 1 : 0;
      });
      none.hidden = matches > 0;
    });
  });
})();
