// Template editor: clicking a variable inserts {{ name }} at the cursor of the body.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-variable]");
    if (!button) return;
    var body = document.getElementById("id_body");
    if (!body) return;
    var text = "{{ " + button.dataset.insertVariable + " }}";
    body.focus();
    body.setRangeText(text, body.selectionStart, body.selectionEnd, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
