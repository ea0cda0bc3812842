// Guided stretches (After your run): every stretch step in turn, each side in turn, with a few
// seconds to get into position, a beep and a buzz at the end of each hold, and the screen kept
// awake while it runs. A step is ticked through its own form (htmx's hx-post, as a tap on it
// would) once its last side is held. Every change is said in the #timer-status live region.
// The steps come from the page: each stretch's timer carries data-stretch, data-step,
// data-label, data-sides (2: left then right) and data-duration, the runner's hold in seconds,
// read afresh at each hold so a new choice applies from the next one.
// Without Web Audio, vibration or the Wake Lock API the rest works the same.
(function () {
  "use strict";
  var GAP_MS = 5000;  // to get into position, change sides or change stretch
  var BEEP_SECONDS = 0.25;
  var BUZZ_MS = 300;
  var shared = window.checklistTimers;

  var run = null;  // the guided run under way, or null
  var lock = null;  // the Screen Wake Lock sentinel while held
  var locking = false;
  var audio = null;

  function panel() { return document.getElementById("guided-panel"); }

  function part(name) { return panel().querySelector('[data-guided-part="' + name + '"]'); }

  function button(action) { return document.querySelector('[data-guided-action="' + action + '"]'); }

  function stretches(count) { return count + (count === 1 ? " stretch" : " stretches"); }

  function items() {
    var list = [];
    var number = 0;
    document.querySelectorAll("[data-timer][data-stretch]").forEach(function (timer) {
      var sides = Number(timer.dataset.sides) === 2 ? ["left side", "right side"] : [""];
      number += 1;
      sides.forEach(function (side, index) {
        list.push({
          step: timer.dataset.step,
          label: timer.dataset.label,
          side: side,
          number: number,
          last: index === sides.length - 1
        });
      });
    });
    return list;
  }

  function describe(item) { return item.label + (item.side ? ", " + item.side : ""); }

  function holdLength(item) {
    var timer = document.querySelector('[data-timer][data-step="' + item.step + '"]');
    return Number(timer.dataset.duration) * 1000;
  }

  // --- what keeps the runner company: the screen, the sound, the buzz

  function acquireLock() {
    if (lock || locking || !("wakeLock" in navigator)) { return; }
    locking = true;
    navigator.wakeLock.request("screen").then(function (sentinel) {
      locking = false;
      if (!run || run.paused || document.hidden) { sentinel.release(); return; }
      lock = sentinel;
      sentinel.addEventListener("release", function () {
        if (lock === sentinel) { lock = null; }
      });
    }, function () {
      // Refused (power saving, say): the stretches run all the same.
      locking = false;
    });
  }

  function releaseLock() {
    if (!lock) { return; }
    var sentinel = lock;
    lock = null;
    sentinel.release();
  }

  // Made on the Start press: browsers let a page make sound only after the user acted on it.
  function prepareSound() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (audio || !Context) { return; }
    audio = new Context();
  }

  function signal() {
    if (audio) {
      if (audio.state === "suspended") { audio.resume(); }
      var tone = audio.createOscillator();
      var volume = audio.createGain();
      tone.frequency.value = 880;
      volume.gain.value = 0.3;
      tone.connect(volume);
      volume.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + BEEP_SECONDS);
    }
    if (typeof navigator.vibrate === "function") { navigator.vibrate(BUZZ_MS); }
  }

  // --- the run

  function halt() {
    if (run.handle !== null) {
      window.clearInterval(run.handle);
      run.handle = null;
    }
  }

  function go() {
    // Counted against the clock, not the intervals: a busy phone delays them, not the end.
    run.endsAt = Date.now() + run.remaining;
    run.handle = window.setInterval(update, 250);
  }

  function phase(name, prompt, length) {
    run.phase = name;
    run.prompt = prompt;
    run.remaining = length;
    halt();
    if (!run.paused) { go(); }
  }

  function update() {
    run.remaining = run.endsAt - Date.now();
    if (run.remaining <= 0) { advance(); }
    paint();
  }

  function tick(item) {
    var form = document.getElementById("step-form-" + item.step);
    // Only tick: a step the runner already ticked by hand stays ticked.
    if (form && form.dataset.action === "tick") { form.requestSubmit(); }
    run.done += 1;
  }

  function advance() {
    var item = run.items[run.index];
    if (run.phase === "ready") {
      var length = holdLength(item);
      phase("hold", "Hold", length);
      shared.announce("Hold " + length / 1000 + " s: " + describe(item) + ".");
      return;
    }
    signal();
    var said = "";
    if (item.last) {
      tick(item);
      said = "Done and ticked: " + item.label + ". ";
    }
    moveTo(run.index + 1, said);
  }

  function moveTo(index, said) {
    var before = run.items[run.index];
    run.index = index;
    var item = run.items[index];
    if (!item) {
      end(said + "Guided stretches finished: " + stretches(run.done) + " done.");
      return;
    }
    if (item.step === before.step) {
      phase("ready", "Switch sides", GAP_MS);
      shared.announce(said + "Switch sides: now the " + item.side + ".");
    } else {
      phase("ready", "Next stretch", GAP_MS);
      shared.announce(said + "Next: " + describe(item) + ".");
    }
  }

  function end(said) {
    halt();
    run = null;
    releaseLock();
    paint();
    shared.announce(said);
    button("start").focus();
  }

  var actions = {
    start: function () {
      var list = items();
      if (run || !list.length) { return; }
      prepareSound();
      run = { items: list, index: 0, handle: null, paused: false, done: 0 };
      phase("ready", "Get ready", GAP_MS);
      acquireLock();
      paint();
      var total = list[list.length - 1].number;
      shared.announce(
        "Guided stretches started: " + stretches(total) + ", " + holdLength(list[0]) / 1000 +
        " s each side. Get ready: " + describe(list[0]) + "."
      );
      button("pause").focus();
    },
    pause: function () {
      if (run.paused) {
        run.paused = false;
        go();
        acquireLock();
        shared.announce("Resumed: " + shared.format(run.remaining) + " to go.");
      } else {
        halt();
        run.remaining = run.endsAt - Date.now();
        run.paused = true;
        releaseLock();
        shared.announce("Paused at " + shared.format(run.remaining) + ". Press Resume to carry on.");
      }
      paint();
    },
    skip: function () {
      var skipped = run.items[run.index];
      var index = run.index;
      while (run.items[index] && run.items[index].step === skipped.step) { index += 1; }
      if (run.paused) {
        run.paused = false;
        acquireLock();
      }
      moveTo(index, "Skipped: " + skipped.label + ". ");
      paint();
    },
    stop: function () {
      end("Guided stretches stopped: " + stretches(run.done) + " done.");
    }
  };

  function paint() {
    var guided = panel();
    if (!guided) { return; }
    document.querySelector(".guided-start").hidden = run !== null;
    guided.hidden = run === null;
    document.querySelectorAll(".checklist-step.is-current").forEach(function (step) {
      step.classList.remove("is-current");
    });
    if (!run) { return; }
    var item = run.items[run.index];
    var current = document.getElementById("step-" + item.step);
    if (current) { current.classList.add("is-current"); }
    part("phase").textContent = run.prompt;
    part("stretch").textContent = item.label;
    part("side").textContent = item.side ? item.side.charAt(0).toUpperCase() + item.side.slice(1) : "";
    part("clock").textContent = shared.format(run.remaining);
    part("count").textContent = "Stretch " + item.number + " of " + run.items[run.items.length - 1].number;
    button("pause").textContent = run.paused ? "Resume" : "Pause";
  }

  document.addEventListener("click", function (event) {
    var pressed = event.target.closest("[data-guided-action]");
    if (pressed) { actions[pressed.dataset.guidedAction](); }
  });

  // The page's wake lock ends when it is hidden; take it again on return if still running.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      releaseLock();
    } else if (run && !run.paused) {
      acquireLock();
    }
  });
  window.addEventListener("pagehide", releaseLock);

  // A tick swaps its step's markup: mark the current one again.
  document.addEventListener("htmx:load", paint);
  paint();
})();
