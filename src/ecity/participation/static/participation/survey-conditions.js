/* Survey taking page: hide a conditional question until its condition holds.
 * Progressive enhancement only: without this script every question shows, with a hint; the
 * server decides in any case which questions count (answers of hidden ones are dropped).
 * A question is shown when the question it depends on is shown and one of the given options
 * is chosen there; evaluated top to bottom, so chains of conditions work. */
(function () {
  "use strict";
  function update(form) {
    var shown = {};
    form.querySelectorAll("fieldset.survey-question").forEach(function (fieldset) {
      var parent = fieldset.getAttribute("data-condition");
      var visible = true;
      if (parent) {
        var wanted = (fieldset.getAttribute("data-condition-options") || "").split(" ");
        visible = shown[parent] === true && wanted.some(function (id) {
          var input = form.querySelector('input[name="' + parent + '"][value="' + id + '"]');
          return input !== null && input.checked;
        });
      }
      fieldset.hidden = !visible;
      shown[fieldset.id] = visible;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.survey-form").forEach(function (form) {
      form.querySelectorAll("fieldset.survey-question[data-condition] > p.hint:first-of-type")
        .forEach(function (hint) { hint.hidden = true; });
      form.addEventListener("change", function () { update(form); });
      update(form);
    });
  });
})();
