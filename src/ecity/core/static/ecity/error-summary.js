// GOV.UK pattern: after a failed submit, move focus to the error summary so that keyboard
// and screen reader users hear the problems first (the summary has tabindex="-1").
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (!summary) return;
  if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
  summary.focus();
});
