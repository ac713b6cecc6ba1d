// A form marked data-submit-once sends once: its submit button is disabled, and says so, while
// the page waits for the answer. A zh trial's double click reported one warning twice, and
// everyone was told twice. Coming back to the page (the back button) enables it again.
(function () {
  "use strict";
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    const buttons = function () {
      return Array.from(form.querySelectorAll('button[type="submit"], button:not([type])'));
    };
    form.addEventListener("submit", function (e) {
      if (form.dataset.sending) {
        e.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      // After this event: a button disabled before the form is submitted is left out of it.
      window.setTimeout(function () {
        buttons().forEach(function (b) {
          b.disabled = true;
          if (b.dataset.sending) {
            b.dataset.idle = b.textContent;
            b.textContent = b.dataset.sending;
          }
        });
      }, 0);
    });
    window.addEventListener("pageshow", function () {
      delete form.dataset.sending;
      buttons().forEach(function (b) {
        b.disabled = false;
        if (b.dataset.idle) b.textContent = b.dataset.idle;
      });
    });
  });
})();
