// The comment list by keyboard: j/k move between rows, a/u/s/d approve, unapprove, spam and
// reject the focused row, r opens its reply page, z undoes the last change, ? shows the keys.
// The keys press the row's own buttons, so they do exactly what a click does (htmx, or a plain
// POST without it). Nothing happens while the moderator types in a field.
(function () {
  "use strict";
  var ACTIONS = { a: "approve", u: "unapprove", s: "spam", d: "reject", r: "reply", z: "undo" };
  var NAMES = { approve: "Approve", unapprove: "Unapprove", spam: "Spam", reject: "Reject", reply: "Reply", undo: "Undo" };
  var lastActed = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#result_list tbody tr"));
  }

  function say(text) {
    var live = document.getElementById("moderation-said");
    if (live) { live.textContent = text; }
  }

  function currentRow() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("#result_list tbody tr") : null;
  }

  function focusRow(row) {
    rows().forEach(function (each) { each.classList.remove("is-keyed"); });
    row.classList.add("is-keyed");
    row.setAttribute("tabindex", "-1");
    row.focus();
    var name = row.querySelector(".row-commenter");
    var status = row.querySelector(".row-status");
    say((name ? name.textContent.trim() : "Comment") + ", " + (status ? status.textContent.trim() : ""));
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(currentRow());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    focusRow(all[next]);
  }

  function typing(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function undoButton() {
    var row = currentRow();
    var candidates = [row, lastActed].filter(function (each) { return each && each.isConnected; });
    for (var i = 0; i < candidates.length; i += 1) {
      var own = candidates[i].querySelector('[data-action="undo"]');
      if (own) { return own; }
    }
    return document.querySelector('#result_list [data-action="undo"]');
  }

  function act(action) {
    var row = currentRow();
    var control = action === "undo" ? undoButton() : row && row.querySelector('[data-action="' + action + '"]');
    if (!control) {
      say(row || action === "undo" ? "Nothing to " + NAMES[action].toLowerCase() + " here." : "Press j to choose a comment first.");
      return;
    }
    lastActed = control.closest("tr");
    if (lastActed && action !== "reply") { focusRow(lastActed); }
    // htmx wires a freshly swapped row up only when it settles (20 ms later); a key pressed
    // before then would click an unwired button and reload the whole page, so wire it now.
    if (window.htmx && lastActed) { window.htmx.process(lastActed); }
    control.click();
  }

  function toggleKeys() {
    var keys = document.getElementById("moderation-keys");
    if (!keys) { return; }
    keys.open = !keys.open;
    if (keys.open) { keys.querySelector("summary").focus(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (event.key === "?") { toggleKeys(); event.preventDefault(); return; }
    if (event.key === "j" || event.key === "k") { move(event.key === "j" ? 1 : -1); event.preventDefault(); return; }
    var action = ACTIONS[event.key];
    if (action) { act(action); event.preventDefault(); }
  });
})();
