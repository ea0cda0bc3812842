// Site-wide behaviour kept out of the HTML so the CSP can forbid inline script.
(function () {
  "use strict";
  function notice(show) {
    var box = document.getElementById("htmx-error");
    if (box) {
      box.hidden = !show;
      if (show) { box.scrollIntoView({ block: "nearest" }); }
    }
  }
  // A failed htmx request would otherwise leave the page unchanged with no word of why.
  document.body.addEventListener("htmx:responseError", function () { notice(true); });
  document.body.addEventListener("htmx:sendError", function () { notice(true); });
  document.body.addEventListener("htmx:timeout", function () { notice(true); });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) { notice(false); }
  });
})();
// The menus are <details> and work without script; with it, Escape or a click elsewhere closes
// them as a menu would, and Escape gives the focus back to the menu's summary.
(function () {
  "use strict";
  var MENUS = "details.site-menu, details.account-menu";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.activeElement && document.activeElement.closest("details[open]");
    if (open && open.matches(MENUS)) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll(MENUS).forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });
})();
// htmx restores a page from its history snapshot, which holds the fields' values as first
// served, not as typed: after Back or Forward the search box would disagree with the list.
// A GET search form always says what the address says.
(function () {
  "use strict";
  document.addEventListener("htmx:historyRestore", function () {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[role='search']").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.type !== "submit") { field.value = params.get(field.name) || ""; }
      });
    });
  });
})();
// Sign-up: the time zone select proposes the browser's zone while it still shows the site's
// default (data-default-zone); a zone the runner chose, or one the list lacks, is left alone.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  document.querySelectorAll("select[data-default-zone]").forEach(function (select) {
    if (!zone || select.value !== select.getAttribute("data-default-zone")) { return; }
    var known = Array.prototype.some.call(select.options, function (option) { return option.value === zone; });
    if (known) { select.value = zone; }
  });
})();
