// "Remember my name and email in this browser": an opt-in tick box on visitors' comment forms.
// The name and email are kept in this browser's localStorage only; the server never sets them
// and the box has no name, so it is never sent: a cached page holds nothing of anyone's.
(function () {
  "use strict";
  var KEY = "lighterlegs.commenter";

  function stored() {
    try { return JSON.parse(window.localStorage.getItem(KEY)); } catch (error) { return null; }
  }

  function fill(root) {
    if (!root || !root.querySelectorAll) { return; }
    var saved = stored();
    root.querySelectorAll("input[data-remember]").forEach(function (box) {
      var wrap = box.closest(".remember-me");
      if (wrap) { wrap.hidden = false; }
      if (!saved || !box.form) { return; }
      box.checked = true;
      ["name", "email"].forEach(function (name) {
        var field = box.form.elements[name];
        if (field && !field.value && typeof saved[name] === "string") { field.value = saved[name]; }
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var box = form.querySelector && form.querySelector("input[data-remember]");
    if (!box) { return; }
    try {
      if (box.checked) {
        window.localStorage.setItem(KEY, JSON.stringify({
          name: form.elements.name ? form.elements.name.value : "",
          email: form.elements.email ? form.elements.email.value : "",
        }));
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (error) { /* storage refused (private mode): the form is sent all the same */ }
  }, true);
  // Reply forms and redrawn threads arrive through htmx.
  document.addEventListener("htmx:load", function (event) { fill(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { fill(document); });
  } else {
    fill(document);
  }
})();
