// Checklist step timers and troubleshooter focus. A static file, so the CSP can forbid inline
// script. Each timed step carries data-step, data-duration (seconds), data-sides (2 for a
// stretch held on each side), data-form (the id of the step's tick form) and data-label; at zero
// on the first of two sides the timer says switch and runs again, and at the last zero it submits
// that form (htmx sends it as the usual hx-post), saying so in the #timer-status live region.
(function () {
  "use strict";
  // Timer state lives here, keyed by step id, not in the DOM: htmx replaces a step's markup
  // when it is ticked, and the countdown must carry on across that swap.
  var timers = {};

  function format(ms) {
    var total = Math.max(0, Math.ceil(ms / 1000));
    var seconds = total % 60;
    return Math.floor(total / 60) + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function box(step) {
    return document.querySelector('[data-timer][data-step="' + step + '"]');
  }

  function announce(text) {
    var status = document.getElementById("timer-status");
    if (status) { status.textContent = text; }
  }

  // The length and sides are read afresh on every reset: the runner may have chosen another hold.
  function measure(timer, element) {
    timer.duration = Number(element.dataset.duration) * 1000;
    timer.sides = Number(element.dataset.sides) || 1;
    timer.side = 1;
    timer.remaining = timer.duration;
  }

  function state(step) {
    if (!timers[step]) {
      timers[step] = { endsAt: 0, handle: null };
      measure(timers[step], box(step));
    }
    return timers[step];
  }

  function show(step) {
    var element = box(step);
    var timer = timers[step];
    if (!element || !timer) { return; }
    element.querySelector(".timer-display").textContent = format(timer.remaining);
    element.classList.toggle("is-running", timer.handle !== null);
  }

  function halt(timer) {
    if (timer.handle !== null) {
      window.clearInterval(timer.handle);
      timer.handle = null;
    }
  }

  function finish(step) {
    var timer = timers[step];
    halt(timer);
    var element = box(step);
    var label = element ? element.dataset.label : "";
    if (timer.side < timer.sides) {
      timer.side += 1;
      timer.remaining = timer.duration;
      run(step);
      announce("Switch sides: " + label + ". " + format(timer.remaining) + " on the other side.");
      return;
    }
    timer.remaining = 0;
    show(step);
    var form = element ? document.getElementById(element.dataset.form) : null;
    // Only tick: if the runner already ticked the step by hand, its form now unticks.
    if (form && form.dataset.action === "tick") {
      form.requestSubmit();
      announce("Time's up: " + label + ". Step ticked.");
    } else {
      announce("Time's up: " + label + ".");
    }
  }

  function update(step) {
    var timer = timers[step];
    timer.remaining = timer.endsAt - Date.now();
    if (timer.remaining <= 0) { finish(step); } else { show(step); }
  }

  function run(step) {
    var timer = timers[step];
    // Count against the clock, not the number of intervals: a busy or backgrounded phone
    // delays intervals, never the end time.
    timer.endsAt = Date.now() + timer.remaining;
    timer.handle = window.setInterval(function () { update(step); }, 250);
    show(step);
  }

  var actions = {
    start: function (step) {
      var timer = state(step);
      if (timer.handle !== null) { return; }
      if (timer.remaining <= 0) { measure(timer, box(step)); }
      run(step);
      announce("Timer started: " + format(timer.remaining) + " to go.");
    },
    pause: function (step) {
      var timer = state(step);
      if (timer.handle === null) { return; }
      halt(timer);
      timer.remaining = timer.endsAt - Date.now();
      show(step);
      announce("Timer paused at " + format(timer.remaining) + ".");
    },
    reset: function (step) {
      var timer = state(step);
      halt(timer);
      measure(timer, box(step));
      show(step);
      announce("Timer reset to " + format(timer.remaining) + ".");
    }
  };

  // The guided stretches (static/js/stretches.js, loaded after this file) share the clock face
  // and the live region.
  window.checklistTimers = { format: format, announce: announce };

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-timer-action]");
    if (!button) { return; }
    actions[button.dataset.timerAction](button.closest("[data-timer]").dataset.step);
  });

  // The buttons stay hidden without JavaScript, where they could not work.
  function reveal(root) {
    root.querySelectorAll("[data-timer]").forEach(function (element) {
      element.querySelector(".timer-controls").hidden = false;
      show(element.dataset.step);
    });
  }
  reveal(document);
  document.addEventListener("htmx:load", function (event) { reveal(event.detail.elt); });

  // After htmx swaps in the next question or the result, move focus to it so keyboard and
  // screen-reader users start there rather than at the top of the page.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var focus = target ? target.querySelector("[data-focus-after-swap]") : null;
    if (focus) { focus.focus(); }
  });
})();
