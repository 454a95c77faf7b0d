// A long list of checkboxes (web/includes/checkboxes.html) gets a filter box: typing narrows
// the list to the choices whose label holds the text; ticked choices stay in view. Without
// JavaScript the filter stays hidden and the whole list works as it is.
(function () {
  "use strict";
  var lists = document.querySelectorAll("[data-checklist]");
  Array.prototype.forEach.call(lists, function (list) {
    var filter = list.querySelector("[data-checklist-filter]");
    if (!filter) {
      return;
    }
    var input = filter.querySelector("input");
    var found = filter.querySelector("[data-checklist-found]");
    var options = list.querySelectorAll("[data-checklist-option]");
    filter.hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(options, function (option) {
        var box = option.querySelector("input");
        var label = option.textContent.toLowerCase();
        var show = !wanted || label.indexOf(wanted) !== -1 || (box && box.checked);
        option.hidden = !show;
        if (show) {
          shown += 1;
        }
      });
      found.textContent = wanted ? shown + " of " + options.length + " shown" : "";
    });
  });
})();
