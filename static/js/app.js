// Small progressive enhancements shared by every page. Pages work without this file.
(function () {
  "use strict";
  // Keep the CSRF token fresh for htmx requests made after a login in another tab.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  });
  // One-click fills (a suggested answer, a ready decline reason, a playbook template):
  // <button type="button" data-fill-target="FIELD_ID" data-fill-text="…">. The field's
  // input event re-runs the live check. Without JavaScript the text stays visible to copy.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-fill-target]");
    if (!button) return;
    var field = document.getElementById(button.dataset.fillTarget);
    if (!field) return;
    field.value = button.dataset.fillText;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });
  // The shell's height (it wraps to two lines on a phone) for panes that fill the rest.
  function measureShell() {
    var header = document.querySelector(".shell-header");
    if (header) document.documentElement.style.setProperty("--shell-height", header.offsetHeight + "px");
  }
  window.addEventListener("resize", measureShell);
  document.addEventListener("DOMContentLoaded", measureShell);
  // Show server errors instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target && event.detail.xhr.status >= 500) {
      target.setAttribute("data-error", "1");
    }
  });
})();
