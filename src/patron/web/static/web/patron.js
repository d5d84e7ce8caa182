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

// "/" jumps to the search box, as in most products people already use.
document.addEventListener("keydown", function (event) {
  var tag = (event.target && event.target.tagName) || "";
  if (event.key !== "/" || /INPUT|TEXTAREA|SELECT/.test(tag) || event.target.isContentEditable) { return; }
  var search = document.querySelector("input[type=search]");
  if (search) { event.preventDefault(); search.focus(); search.select(); }
});
