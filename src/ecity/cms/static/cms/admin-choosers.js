// Starts Wagtail's date, date-time and time pickers and its page chooser where its widgets would
// have used an inline script (blocked by ecity's Content-Security-Policy): see
// cms/templates/wagtailadmin/widgets/ and ecity/cms/admin_widgets.py.
(function () {
  "use strict";
  var starters = {
    date: function (id, config) { window.initDateChooser(id, config); },
    datetime: function (id, config) { window.initDateTimeChooser(id, config); },
    time: function (id, config) { window.initTimeChooser(id, config); },
    page: function (id, config) { return new window.PageChooser(id, config); },
  };
  var needs = {
    date: "initDateChooser",
    datetime: "initDateTimeChooser",
    time: "initTimeChooser",
    page: "PageChooser",
  };
  function start(root) {
    root.querySelectorAll("[data-ecity-chooser]:not([data-ecity-chooser-started])").forEach(function (marker) {
      var kind = marker.dataset.ecityChooser;
      if (!starters[kind] || typeof window[needs[kind]] !== "function") {
        return;
      }
      marker.setAttribute("data-ecity-chooser-started", "");
      var config = {};
      try {
        config = JSON.parse(marker.dataset.ecityChooserConfig || "{}");
      } catch (error) {
        config = {};
      }
      starters[kind](marker.dataset.ecityChooserId, config);
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
