// The phone menu: folds the navigation behind a "Menu" button (aria-expanded) on narrow
// screens. Without this script the menu simply stays open, so every item is reachable.
(function () {
  "use strict";
  var button = document.querySelector(".nav-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) { return; }
  document.documentElement.classList.add("js");
  button.hidden = false;
  function set(open) {
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () { set(!menu.classList.contains("open")); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.classList.contains("open")) { set(false); button.focus(); }
  });
  // Mark the current section for screen readers and the eye.
  var here = window.location.pathname;
  var best = null;
  menu.querySelectorAll(".site-nav a").forEach(function (a) {
    var path = a.getAttribute("href");
    if (here.indexOf(path) === 0 && (!best || path.length > best.getAttribute("href").length)) { best = a; }
  });
  if (best) { best.setAttribute("aria-current", "page"); }
})();
