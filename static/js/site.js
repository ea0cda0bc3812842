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
