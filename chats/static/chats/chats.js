// Chat inbox enhancements: keyboard, live rows, messages and counters, file names,
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

  // --- live updates (static/js/live.js polls; this file applies what changed) -----------

  function openThread() { return document.querySelector("#thread[data-conversation-id]"); }
  function listBox() { return document.getElementById("conversation-list"); }

  function lastMessageId() {
    var last = 0;
    document.querySelectorAll("#thread-messages [data-message-id]").forEach(function (el) {
      last = Math.max(last, parseInt(el.getAttribute("data-message-id"), 10) || 0);
    });
    return last;
  }

  document.addEventListener("live:params", function (event) {
    if (!root()) return;
    var params = event.detail.params;
    if (listBox()) {
      params.set("list", "1");
      new URLSearchParams(window.location.search).forEach(function (value, key) {
        if (["tab", "q", "group", "product", "sort"].indexOf(key) !== -1) params.set(key, value);
      });
    }
    var thread = openThread();
    if (thread) {
      params.set("conversation", thread.getAttribute("data-conversation-id"));
      params.set("after", String(lastMessageId()));
      // A message the seller can see on screen is read; one that came to a hidden tab is not.
      if (document.visibilityState === "visible" && document.hasFocus()) params.set("read", "1");
    }
  });

  function sortKey(row) {
    return [parseInt(row.getAttribute("data-sort"), 10) || 0, parseInt(row.getAttribute("data-conv-id"), 10) || 0];
  }
  function newer(a, b) { return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]); }

  function placeRow(box, row) {
    var id = row.getAttribute("data-conv-id");
    var old = document.getElementById("conv-row-" + id);
    var wasActive = old && old.classList.contains("conv-active");
    if (old) old.remove();
    var thread = openThread();
    var active = wasActive || (thread && thread.getAttribute("data-conversation-id") === id);
    row.classList.toggle("conv-active", !!active);
    if (active) row.setAttribute("aria-current", "true");
    var key = sortKey(row);
    var existing = Array.prototype.slice.call(box.querySelectorAll(":scope > [data-conv-row]"));
    for (var i = 0; i < existing.length; i++) {
      if (newer(key, sortKey(existing[i]))) { box.insertBefore(row, existing[i]); return true; }
    }
    // Older than every loaded row: it belongs to a page not loaded yet, unless this is the end.
    if (box.querySelector(":scope > .list-more")) return false;
    var tail = box.querySelector(":scope > .list-error");
    box.insertBefore(row, tail);
    return true;
  }

  function applyRows(html) {
    var box = listBox();
    if (!box) return;
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var incoming = Array.prototype.slice.call(holder.content.querySelectorAll("[data-conv-row]"));
    incoming.reverse().forEach(function (row) {
      if (placeRow(box, row) && window.htmx) window.htmx.process(row);
    });
    var empty = box.querySelector(":scope > .empty-state");
    if (empty && box.querySelector(":scope > [data-conv-row]")) empty.remove();
  }

  function applyMessages(data) {
    var thread = openThread();
    var box = document.getElementById("thread-messages");
    if (!thread || !box || String(data.conversation) !== thread.getAttribute("data-conversation-id")) return;
    var nearEnd = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    var holder = document.createElement("template");
    holder.innerHTML = data.messages;
    var placeholder = box.querySelector(":scope > .empty-state");
    if (placeholder) placeholder.remove();
    var newerLink = box.querySelector(":scope > .newer-link");
    if (newerLink) return; // an older window is shown: the seller jumps to the latest by hand
    Array.prototype.slice.call(holder.content.children).forEach(function (message) {
      if (document.getElementById(message.id)) return;
      box.appendChild(message);
      if (window.htmx) window.htmx.process(message);
    });
    if (nearEnd) box.scrollTop = box.scrollHeight;
  }

  function setUnread(unread) {
    var counter = document.getElementById("inbox-unread");
    if (!counter) return;
    counter.textContent = "";
    if (!unread.conversations) return;
    var conv = document.createElement("span");
    conv.className = "unread-conv";
    conv.title = counter.getAttribute("data-title-conv") || "";
    conv.textContent = String(unread.conversations);
    counter.appendChild(conv);
    if (unread.messages > unread.conversations) {
      var msg = document.createElement("span");
      msg.className = "unread-msg";
      msg.title = counter.getAttribute("data-title-msg") || "";
      msg.textContent = " · " + unread.messages;
      counter.appendChild(msg);
    }
  }

  document.addEventListener("live:update", function (event) {
    if (!root()) return;
    var data = event.detail;
    setUnread(data.unread);
    if (data.messages) applyMessages(data);
    (data.drop || []).forEach(function (id) {
      var row = document.getElementById("conv-row-" + id);
      if (row && !row.classList.contains("conv-active")) row.remove();
    });
    if (data.rows) applyRows(data.rows);
    if (data.reload_list && listBox() && window.htmx) {
      window.htmx.ajax("GET", window.location.pathname + window.location.search, { target: "#conversation-list", swap: "outerHTML" });
    }
  });

  function pollNow() { if (window.SellerDeskLive) window.SellerDeskLive.poll(); }

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

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (target && target.id === "thread") {
      // Opened (now read) or replied to: the row and counters change, show it at once.
      pollNow();
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

  document.addEventListener("DOMContentLoaded", scrollThreadToEnd);
})();
