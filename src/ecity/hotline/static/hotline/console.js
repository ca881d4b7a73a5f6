// The agent console, progressively enhanced: the caller's earlier tickets follow the phone
// number as it is typed, and the knowledge base answers as the agent types a search or the
// caller's request. Without this script both work through their buttons.
(function () {
  "use strict";
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }
  function fragment(url, target) {
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var replacement = holder.querySelector("#" + target.id);
        if (replacement) { target.innerHTML = replacement.innerHTML; } else { target.innerHTML = html; }
      })
      .catch(function () { /* the buttons still work */ });
  }
  var phone = document.getElementById("id_caller_phone");
  var history = document.getElementById("caller-history");
  if (phone && history && history.dataset.url) {
    phone.addEventListener("input", debounce(function () {
      var digits = phone.value.replace(/\D/g, "");
      if (digits.length >= 7) {
        fragment(history.dataset.url + "?caller_phone=" + encodeURIComponent(digits), history);
      }
    }, 400));
  }
  var form = document.getElementById("knowledge-form");
  var box = document.getElementById("knowledge-q");
  var results = document.getElementById("knowledge-results");
  var description = document.getElementById("id_description");
  if (form && box && results) {
    var search = function (text) {
      text = (text || "").trim().slice(0, 60);
      if (text.length >= 2) {
        fragment(form.getAttribute("action") + "?q=" + encodeURIComponent(text), results);
      }
    };
    box.addEventListener("input", debounce(function () { search(box.value); }, 300));
    if (description) {
      description.addEventListener("input", debounce(function () {
        if (!box.value.trim()) { search(description.value); }
      }, 600));
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search(box.value);
    });
  }
})();
