// The threat banner's countdown (6b(3)(a)), as a file (the Content-Security-Policy allows no
// inline script). The server renders the time left and the due time in UTC; this only keeps
// the words current, once a second, for each element marked data-countdown-due.
(function () {
  "use strict";
  var marked = document.querySelectorAll("[data-countdown-due]");
  if (!marked.length) {
    return;
  }
  function words(seconds) {
    var span = Math.abs(seconds);
    var hours = Math.floor(span / 3600);
    var minutes = Math.floor((span % 3600) / 60);
    var secs = span % 60;
    var text = (hours ? hours + " h " : "") + minutes + " min " + (secs < 10 ? "0" : "") + secs + " s";
    return seconds >= 0 ? text + " left" : "overdue by " + text;
  }
  function tick() {
    var now = Date.now();
    marked.forEach(function (element) {
      var due = Date.parse(element.getAttribute("data-countdown-due"));
      if (!isNaN(due)) {
        element.textContent = words(Math.floor((due - now) / 1000));
      }
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
