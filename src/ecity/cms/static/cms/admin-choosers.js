// Starts Wagtail's date, date-time and time pickers where its widgets would have used an inline
// script (blocked by ecity's Content-Security-Policy): see cms/templates/wagtailadmin/widgets/.
(function () {
  "use strict";
  var starters = {
    date: "initDateChooser",
    datetime: "initDateTimeChooser",
    time: "initTimeChooser",
  };
  function start(root) {
    root.querySelectorAll("[data-ecity-chooser]:not([data-ecity-chooser-started])").forEach(function (marker) {
      var starter = window[starters[marker.dataset.ecityChooser]];
      if (typeof starter !== "function") {
        return;
      }
      marker.setAttribute("data-ecity-chooser-started", "");
      var config = {};
      try {
        config = JSON.parse(marker.dataset.ecityChooserConfig || "{}");
      } catch (error) {
        config = {};
      }
      starter(marker.dataset.ecityChooserId, config);
    });
  }
  function startAll() {
    start(document);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
  // Filters and dialogs loaded later (Wagtail swaps parts of the page in).
  new MutationObserver(startAll).observe(document.documentElement, { childList: true, subtree: true });
})();
