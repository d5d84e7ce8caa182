// Small behaviours shared by every staff page; HTMX does the rest.
document.addEventListener("htmx:afterSwap", function (event) {
  var focus = event.detail.target.querySelector("[data-autofocus]");
  if (focus) { focus.focus(); }
});

// Customer form: show the name fields that fit the chosen kind (person or organisation).
function patronToggleKind() {
  var kind = document.getElementById("id_kind");
  if (!kind) { return; }
  document.querySelectorAll("[data-only-kind]").forEach(function (field) {
    field.hidden = field.getAttribute("data-only-kind") !== kind.value;
  });
}
document.addEventListener("DOMContentLoaded", patronToggleKind);
document.addEventListener("change", function (event) {
  if (event.target && event.target.id === "id_kind") { patronToggleKind(); }
});
