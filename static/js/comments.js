// Admin "Reply as coach": choosing a canned reply fills the box to edit, unless the moderator
// has already written something of their own there. Without this file the server uses the
// chosen canned reply when the box is left empty.
(function () {
  "use strict";
  function ready() {
    var select = document.getElementById("id_canned");
    var box = document.getElementById("id_body");
    var data = document.getElementById("canned-replies");
    if (!select || !box || !data) { return; }
    var bodies = JSON.parse(data.textContent);
    var filled = "";
    select.addEventListener("change", function () {
      var text = bodies[select.value] || "";
      if (box.value.trim() === "" || box.value === filled) {
        box.value = text;
        filled = text;
        box.focus();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
