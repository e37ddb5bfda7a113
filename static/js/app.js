// Small progressive enhancements shared by every page. Pages work without this file.
(function () {
  "use strict";
  // Keep the CSRF token fresh for htmx requests made after a login in another tab.
  document.addEventListener("htmx:configRequest", function (event) {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  });
  // Show server errors instead of failing silently.
  document.addEventListener("htmx:responseError", function (event) {
    var target = event.detail.target;
    if (target && event.detail.xhr.status >= 500) {
      target.setAttribute("data-error", "1");
    }
  });
})();
