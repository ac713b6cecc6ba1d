// The inbox's tick boxes: "tick all" for the page, a count, and the bulk buttons enabled only
// while something is ticked. Rows swapped by an inline action come back unticked: recount.
(function () {
  "use strict";
  const form = document.getElementById("bulk");
  if (!form) return;
  const all = document.getElementById("pick-all");
  const count = document.getElementById("bulk-count");
  const boxes = function () {
    return Array.from(document.querySelectorAll('input[name="ids"][form="bulk"]'));
  };
  const update = function () {
    const ticked = boxes().filter(function (b) { return b.checked; }).length;
    count.textContent = ticked ? count.dataset.some.replace("{n}", ticked) : count.dataset.none;
    form.querySelectorAll("button").forEach(function (b) { b.disabled = ticked === 0; });
    form.classList.toggle("has-picks", ticked > 0);
    if (all) {
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
    }
  };
  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches('input[name="ids"]')) update();
  });
  // Closing many at once asks first (one click on a ticked page closed fifty alerts).
  form.addEventListener("submit", function (e) {
    const button = e.submitter;
    const ticked = boxes().filter(function (b) { return b.checked; }).length;
    if (button && button.dataset.confirm && ticked > 1 &&
        !window.confirm(button.dataset.confirm.replace("{n}", ticked))) {
      e.preventDefault();
    }
  });
  document.body.addEventListener("htmx:afterSwap", update);
  update();
  // The bar sticks below the sticky top bar, whose height changes with the width and with
  // its menu: at top 0 it slid under it and could not be clicked.
  const topbar = document.querySelector(".topbar");
  if (topbar && window.ResizeObserver) {
    new ResizeObserver(function () {
      form.style.top = topbar.offsetHeight + "px";
    }).observe(topbar);
  }
})();
