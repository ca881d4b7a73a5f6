// Suggestions as you type on the search page (progressive enhancement: without this script the
// form works the same, the datalist simply stays empty).
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("search-suggestions");
  if (!input || !list) { return; }
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var prefix = input.value.trim();
      if (!prefix || prefix === last) { return; }
      last = prefix;
      fetch(form.dataset.suggestUrl + "?prefix=" + encodeURIComponent(prefix), {
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      }).then(function (data) {
        list.textContent = "";
        (data.suggestions || []).forEach(function (text) {
          var option = document.createElement("option");
          option.value = text;
          list.appendChild(option);
        });
      }).catch(function () { /* suggestions are optional */ });
    }, 150);
  });
}());
