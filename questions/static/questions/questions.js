// One-click fills: the already-asked suggestion and the ready decline replies.
// Without JavaScript the texts stay visible to copy by hand.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.use-suggestion, button.use-reason");
    if (!button) return;
    var field = document.getElementById(button.dataset.target);
    if (!field) return;
    field.value = button.dataset.text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });
})();
