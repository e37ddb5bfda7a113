// Live updates on every page of a shop: polls the shop's change cursor (chats' live view).
// An unchanged shop answers 204 from the cache alone; a change returns counters, the list's
// changed rows and the open conversation's new messages as JSON, which this file hands to
// the page ("live:update" on document) and announces ("live:changed" on body, which the
// menu badges listen to). It also keeps the unread count in the title and plays a sound /
// shows a desktop notification for new buyer messages when the seller turned them on.
(function () {
  "use strict";

  var body = document.body;
  var baseUrl = body.getAttribute("data-live-url");
  if (!baseUrl) return;
  var since = body.getAttribute("data-live-since") || "0";
  var interval = parseInt(body.getAttribute("data-live-interval"), 10) || 1500;
  var failures = 0;
  var timer = null;
  var inFlight = false;
  var again = false;
  var lastMessages = null; // unread buyer messages at the previous answer
  var PREFS_KEY = "sellerdesk.live.";
  // A full answer now and then brings a fresh token (they last minutes, see core/live.py).
  var FULL_EVERY_MS = 4 * 60 * 1000;
  var lastFull = Date.now();

  function pref(name) { try { return localStorage.getItem(PREFS_KEY + name) === "1"; } catch (e) { return false; } }
  function setPref(name, on) { try { localStorage.setItem(PREFS_KEY + name, on ? "1" : "0"); } catch (e) { /* private mode */ } }

  function setTitle(count) {
    var rest = document.title.replace(/^\(\d+\)\s*/, "");
    document.title = (count > 0 ? "(" + count + ") " : "") + rest;
  }

  function setBadges(unread) {
    document.querySelectorAll("[data-live-badge]").forEach(function (badge) {
      badge.textContent = unread.conversations > 0 ? String(unread.conversations) : "";
      badge.title = unread.messages > 0 ? String(unread.messages) : "";
    });
  }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
      tone.onended = function () { audio.close(); };
    } catch (e) { /* autoplay blocked until the page got a click: stay silent */ }
  }

  function alertNew(newest) {
    var openId = document.querySelector("#thread[data-conversation-id]");
    var watching = openId && openId.getAttribute("data-conversation-id") === String(newest.id) &&
      document.visibilityState === "visible";
    if (watching) return; // the seller is looking at it
    body.setAttribute("data-live-alerts", String((parseInt(body.getAttribute("data-live-alerts"), 10) || 0) + 1));
    if (pref("sound")) beep();
    if (pref("notify") && "Notification" in window && Notification.permission === "granted") {
      var note = new Notification(body.getAttribute("data-live-notify-title") || "SellerDesk", {
        body: newest.buyer + ": " + newest.excerpt,
        tag: "sellerdesk-chat-" + newest.id,
      });
      note.onclick = function () { window.focus(); window.location.href = newest.url; };
    }
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () { poll(Date.now() - lastFull > FULL_EVERY_MS); }, delay);
  }

  function poll(force) {
    if (inFlight) { again = again || force; return; }
    inFlight = true;
    var params = new URLSearchParams();
    params.set("since", since);
    if (force) params.set("force", "1");
    document.dispatchEvent(new CustomEvent("live:params", { detail: { params: params } }));
    var initial = lastMessages === null;
    fetch(baseUrl + "&" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 204) return null;
        if (response.redirected || !response.ok) throw new Error("live " + response.status);
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (!data) return;
        if (data.reload) { window.location.reload(); return; }
        if (force) lastFull = Date.now();
        since = String(data.cursor);
        if (data.token) baseUrl = baseUrl.replace(/([?&]t=)[^&]*/, "$1" + encodeURIComponent(data.token));
        setTitle(data.unread.messages);
        setBadges(data.unread);
        document.dispatchEvent(new CustomEvent("live:update", { detail: data }));
        body.dispatchEvent(new CustomEvent("live:changed"));
        if (!initial && data.newest && data.unread.messages > lastMessages) alertNew(data.newest);
        lastMessages = data.unread.messages;
      })
      .catch(function () { failures += 1; })
      .then(function () {
        inFlight = false;
        if (again) { again = false; poll(true); return; }
        // Back off while the server is unreachable, up to half a minute.
        schedule(failures ? Math.min(30000, interval * Math.pow(2, failures)) : interval);
      });
  }

  // Other scripts (chats.js) ask for an immediate check after the seller did something.
  window.SellerDeskLive = { poll: function () { poll(true); } };

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("[data-live-pref]")) return;
    var name = box.getAttribute("data-live-pref");
    if (name === "notify" && box.checked && "Notification" in window && Notification.permission !== "granted") {
      Notification.requestPermission().then(function (answer) {
        var granted = answer === "granted";
        box.checked = granted;
        setPref(name, granted);
        var hint = document.querySelector(".live-notify-denied");
        if (hint) hint.hidden = granted;
      });
      return;
    }
    setPref(name, box.checked);
  });

  document.querySelectorAll("[data-live-pref]").forEach(function (box) {
    box.checked = pref(box.getAttribute("data-live-pref"));
  });
  if (!("Notification" in window)) {
    var notifyBox = document.getElementById("live-notify");
    if (notifyBox) notifyBox.disabled = true;
  }
  // The first check is forced: it fills the counters and the title without a database
  // query at page render, and catches what changed between render and script start.
  poll(true);
})();
