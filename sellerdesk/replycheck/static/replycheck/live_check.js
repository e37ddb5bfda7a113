// One-click fixes for the live reply check: edit the textarea by offsets, then let the
// live check run again (it listens to the textarea's input event). Pages work without it.
(function () {
  "use strict";
  if (window.replycheckLoaded) return;
  window.replycheckLoaded = true;

  // Greeting-like openings the "add thanks" fix should follow rather than precede.
  var GREETING_END = /^[^\n.!?！？。]{0,60}[.!?！？。,，]\s*/;

  function revealFixes(root) {
    (root || document).querySelectorAll(".replycheck-fix[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function insertAt(value, index, piece) {
    var before = value.slice(0, index);
    var after = value.slice(index);
    if (before && !/\s$/.test(before)) piece = " " + piece;
    if (after && !/^\s/.test(after)) piece = piece + " ";
    return before + piece + after;
  }

  function applyFix(button) {
    var field = document.getElementById(button.dataset.field);
    if (!field) return;
    var value = field.value;
    var action = button.dataset.action;
    if (action === "insert") {
      var text = button.dataset.text || "";
      var position = button.dataset.position;
      if (position === "start") {
        value = insertAt(value.replace(/^\s+/, ""), 0, text);
      } else if (position === "end") {
        value = insertAt(value.replace(/\s+$/, ""), value.replace(/\s+$/, "").length, text);
      } else {
        var trimmed = value.replace(/^\s+/, "");
        var match = trimmed.match(GREETING_END);
        value = insertAt(trimmed, match ? match[0].length : 0, text);
      }
    } else if (action === "remove") {
      var start = parseInt(button.dataset.start, 10);
      var end = parseInt(button.dataset.end, 10);
      // Offsets count code points (the server is Python); convert to UTF-16 indexes.
      var chars = Array.from(value);
      if (isNaN(start) || isNaN(end) || end > chars.length) return;
      var left = chars.slice(0, start).join("");
      var right = chars.slice(end).join("");
      value = (left.replace(/[ \t]+$/, "") + (right && left ? " " : "") + right.replace(/^[ \t]+/, "")).trim();
    }
    field.value = value;
    field.focus();
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".replycheck-fix");
    if (!button) return;
    event.preventDefault();
    applyFix(button);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("replycheck-live")) return;
    revealFixes(target);
    // The live panel now shows the current state: hide an older server refusal in the same form.
    var form = target.closest("form");
    if (form && target.innerHTML.trim()) {
      form.querySelectorAll(".replycheck-static").forEach(function (old) { old.remove(); });
    }
  });

  document.addEventListener("DOMContentLoaded", function () { revealFixes(document); });
})();
