// One-click fixes for the live reply check: edit the textarea at the server's offsets,
// then let the live check run again (it listens to the textarea's input event).
// Pages work without this file; the server guards every send anyway.
(function () {
  "use strict";
  if (window.replycheckLoaded) return;
  window.replycheckLoaded = true;

  function revealFixes(root) {
    (root || document).querySelectorAll(".replycheck-fix[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function tidy(left, right) {
    // Removing a span should not leave doubled spaces or a space before punctuation.
    left = left.replace(/[ \t]+$/, "");
    right = right.replace(/^[ \t]+/, "");
    if (left && right && !/^[\s.,!?;:，。！？；：]/.test(right) && !/\s$/.test(left)) {
      return left + " " + right;
    }
    return left + right;
  }

  function applyFix(button) {
    var field = document.getElementById(button.dataset.field);
    if (!field) return;
    // Offsets count code points (the server is Python); Array.from splits the same way.
    var chars = Array.from(field.value);
    var panel = button.closest(".replycheck-findings");
    if (panel && String(chars.length) !== panel.dataset.length) {
      // The text changed since it was checked: the offsets no longer fit, check again.
      field.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var start = parseInt(button.dataset.start, 10);
    var end = parseInt(button.dataset.end, 10);
    if (isNaN(start) || isNaN(end) || start < 0 || end > chars.length || start > end) return;
    var left = chars.slice(0, start).join("");
    var right = chars.slice(end).join("");
    var text = button.dataset.text || "";
    var action = button.dataset.action;
    var value;
    if (action === "remove") {
      value = tidy(left, right);
    } else {
      // "Добрый день!" -> "Здравствуйте, Анна!" must not leave "!!" behind.
      if (/[.!?。！？]$/.test(text) && /^[.!?。！？]/.test(right)) right = right.replace(/^[.!?。！？]+/, "");
      value = left + text + right;
    }
    field.value = value;
    var caret = Array.from(action === "remove" ? left : left + text).join("").length;
    field.focus();
    try { field.setSelectionRange(caret, caret); } catch (e) { /* not a text field */ }
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
    if (!target || !target.classList) return;
    revealFixes(document);  // also a refusal that a page swapped in (any swap style)
    if (!target.classList.contains("replycheck-live")) return;
    // The live panel now shows the current text's state: drop an older server refusal
    // rendered into the same form, so the two never disagree.
    var form = target.closest("form");
    if (form && target.innerHTML.trim()) {
      form.querySelectorAll(".replycheck-static").forEach(function (old) { old.remove(); });
    }
  });

  document.addEventListener("DOMContentLoaded", function () { revealFixes(document); });
})();
