// The shell's own behaviour, as a file (the Content-Security-Policy allows no inline script).
// Moves focus to an element marked data-focus-on-load, such as a form's error summary, so
// that keyboard and screen-reader users hear what went wrong first.
(function () {
  "use strict";
  var target = document.querySelector("[data-focus-on-load]");
  if (target) {
    target.focus();
  }
})();
