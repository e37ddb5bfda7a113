// Chat inbox enhancements: keyboard, live unread counter in the title and menu, file names,
// Ctrl/Cmd+Enter to send, scrolling to the newest message. Without it the page still works.
(function () {
  "use strict";

  function root() { return document.querySelector("[data-chats]"); }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-conv-row]")); }
  function isTyping(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function scrollThreadToEnd() {
    var box = document.getElementById("thread-messages");
    if (!box) return;
    var hit = box.querySelector(".msg-hit");
    if (hit) { hit.scrollIntoView({ block: "center" }); return; }
    box.scrollTop = box.scrollHeight;
  }

  function markActive(link) {
    // Opening marks the conversation read on the server; show it at once in the list too.
    link.classList.remove("conv-unread");
    var badge = link.querySelector(".unread-badge");
    if (badge) badge.remove();
    rows().forEach(function (row) {
      row.classList.toggle("conv-active", row === link);
      if (row === link) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    });
  }

  function updateTitle(count) {
    var base = root() ? root().getAttribute("data-title-base") : null;
    if (!base) return;
    var rest = document.title.replace(/^\(\d+\)\s*/, "");
    document.title = (count > 0 ? "(" + count + ") " : "") + rest;
  }

  function updateCounters(counter) {
    var text = (counter.textContent || "").trim();
    var count = parseInt(text, 10) || 0;
    updateTitle(count);
    var url = counter.getAttribute("hx-get");
    document.querySelectorAll(".nav-badge[hx-get='" + url + "']").forEach(function (badge) {
      badge.textContent = count > 0 ? String(count) : "";
    });
  }

  document.addEventListener("keydown", function (event) {
    if (!root()) return;
    var active = document.activeElement;
    // Ctrl/Cmd+Enter sends from the reply box.
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && active && active.id === "reply-text") {
      event.preventDefault();
      active.form.requestSubmit();
      return;
    }
    // Ctrl/Cmd+K focuses the search from anywhere, even while typing.
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      document.getElementById("chat-q").focus();
      return;
    }
    if (event.key === "Escape" && active && active.id === "chat-q") { active.blur(); return; }
    // In-conversation search: Enter on the same words steps to the next (earlier) hit,
    // Shift+Enter back to the later one, like a browser's find bar.
    if (event.key === "Enter" && active && active.id === "thread-find-q" && active.value &&
        active.value === active.getAttribute("data-current")) {
      var step = document.getElementById(event.shiftKey ? "hit-next" : "hit-prev");
      event.preventDefault();
      if (step) step.click();
      return;
    }
    // The rest are single keys: never steal them from a text field ("/" in the reply box
    // belongs to the template picker).
    if (isTyping(active) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") {
      event.preventDefault();
      document.getElementById("chat-q").focus();
      return;
    }
    var list = rows();
    if (!list.length) return;
    var index = list.indexOf(active);
    if (index === -1) index = list.findIndex(function (row) { return row.classList.contains("conv-active"); });
    var next = null;
    if (event.key === "j" || event.key === "ArrowDown") next = list[Math.min(index + 1, list.length - 1)];
    if (event.key === "k" || event.key === "ArrowUp") next = list[Math.max(index - 1, 0)];
    if (event.key === "r" && document.getElementById("reply-text")) {
      event.preventDefault();
      document.getElementById("reply-text").focus();
      return;
    }
    if (next) {
      event.preventDefault();
      next.focus();
      next.scrollIntoView({ block: "nearest" });
    }
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-conv-row]");
    if (link) markActive(link);
  });

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "reply-files") {
      var names = Array.prototype.map.call(event.target.files, function (f) { return f.name; });
      var out = document.getElementById("reply-file-names");
      if (out) out.textContent = names.join(", ");
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.hasAttribute && target.hasAttribute("data-unread-counter")) updateCounters(target);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.id === "thread") {
      scrollThreadToEnd();
      var text = document.getElementById("reply-text");
      if (text && document.getElementById("reply-text-errors")) text.focus();
    }
  });
  // Errors and lost connections: say so where the content should have been.
  function showError(event) {
    var target = event.detail.target;
    if (target && (target.id === "conversation-list" || target.id === "thread")) target.setAttribute("data-error", "1");
    var error = target && target.querySelector && target.querySelector(".list-error");
    if (error) error.hidden = false;
  }
  document.addEventListener("htmx:responseError", showError);
  document.addEventListener("htmx:sendError", showError);

  document.addEventListener("DOMContentLoaded", function () {
    scrollThreadToEnd();
    var counter = document.querySelector("[data-unread-counter]");
    if (counter) updateCounters(counter);
  });
})();
