// One-click fill of the reply box with the playbook's suggested template.
// Without JavaScript the suggested text stays visible to copy by hand.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.use-suggested");
    if (!button) return;
    var field = document.getElementById(button.dataset.target);
    if (!field) return;
    field.value = button.dataset.text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });
})();
