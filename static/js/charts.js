// The diary's charts (legs/templatetags/charts.py): a tap near a bar or point, a hover, or the
// keyboard's focus shows that value beside it. Each chart is one Tab stop; the arrow keys, Home
// and End move along its values. Without script every value still takes the focus with its name,
// and the table under the chart holds them all.
(function () {
  "use strict";
  var TAP_REACH = 40; // px from a mark's centre a tap still picks it

  function marks(svg) { return Array.prototype.slice.call(svg.querySelectorAll(".chart-mark")); }

  function tipOf(figure) {
    var tip = figure.querySelector(".chart-tip");
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tip";
      tip.hidden = true;
      tip.setAttribute("aria-hidden", "true"); // the focused mark already says its value
      figure.appendChild(tip);
    }
    return tip;
  }

  function enhance(root) {
    root.querySelectorAll("svg.chart:not([data-enhanced])").forEach(function (svg) {
      svg.setAttribute("data-enhanced", "");
      var all = marks(svg);
      all.forEach(function (mark, index) { mark.tabIndex = index === all.length - 1 ? 0 : -1; });
      tipOf(svg.closest("figure"));
    });
  }

  function hide(svg) {
    var figure = svg.closest("figure");
    tipOf(figure).hidden = true;
    marks(svg).forEach(function (mark) { mark.classList.remove("is-active"); });
  }

  function show(mark) {
    var svg = mark.closest("svg.chart");
    var figure = svg.closest("figure");
    var tip = tipOf(figure);
    hide(svg);
    mark.classList.add("is-active");
    tip.textContent = mark.getAttribute("aria-label");
    tip.hidden = false;
    var box = mark.getBoundingClientRect();
    var frame = figure.getBoundingClientRect();
    var left = box.left + box.width / 2 - frame.left - tip.offsetWidth / 2;
    left = Math.max(0, Math.min(left, frame.width - tip.offsetWidth));
    tip.style.left = left + "px";
    tip.style.top = Math.max(0, box.top - frame.top - tip.offsetHeight - 8) + "px";
  }

  function nearest(svg, x, y) {
    var best = null;
    var bestDistance = TAP_REACH;
    marks(svg).forEach(function (mark) {
      var box = mark.getBoundingClientRect();
      var dx = x - (box.left + box.width / 2);
      // A bar is picked anywhere in its column; a point by its distance.
      var distance = mark.tagName.toLowerCase() === "rect" ? Math.abs(dx) : Math.hypot(dx, y - (box.top + box.height / 2));
      if (distance < bestDistance) { best = mark; bestDistance = distance; }
    });
    return best;
  }

  function moveTo(mark) {
    marks(mark.closest("svg.chart")).forEach(function (other) { other.tabIndex = -1; });
    mark.tabIndex = 0;
    mark.focus();
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("chart-mark")) { show(event.target); }
  });
  document.addEventListener("focusout", function (event) {
    if (event.target.classList && event.target.classList.contains("chart-mark")) { hide(event.target.closest("svg.chart")); }
  });
  document.addEventListener("keydown", function (event) {
    var mark = event.target;
    if (!mark.classList || !mark.classList.contains("chart-mark")) { return; }
    var all = marks(mark.closest("svg.chart"));
    var index = all.indexOf(mark);
    var next = {
      ArrowRight: index + 1, ArrowUp: index + 1, ArrowLeft: index - 1, ArrowDown: index - 1,
      Home: 0, End: all.length - 1
    }[event.key];
    if (event.key === "Escape") { hide(mark.closest("svg.chart")); return; }
    if (next === undefined) { return; }
    event.preventDefault();
    moveTo(all[Math.max(0, Math.min(next, all.length - 1))]);
  });
  document.addEventListener("click", function (event) {
    var svg = event.target.closest && event.target.closest("svg.chart[data-enhanced]");
    if (!svg) { return; }
    var mark = nearest(svg, event.clientX, event.clientY);
    if (mark) { moveTo(mark); show(mark); } else { hide(svg); }
  });
  document.addEventListener("mouseover", function (event) {
    var mark = event.target;
    if (mark.classList && mark.classList.contains("chart-mark")) { show(mark); }
  });
  document.addEventListener("mouseout", function (event) {
    var mark = event.target;
    if (mark.classList && mark.classList.contains("chart-mark") && mark !== document.activeElement) {
      hide(mark.closest("svg.chart"));
    }
  });

  enhance(document);
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.target); });
})();
