// Small behaviours shared by every staff page; HTMX does the rest.
document.addEventListener("htmx:afterSwap", function (event) {
  var focus = event.detail.target.querySelector("[data-autofocus]");
  if (focus) { focus.focus(); }
});
