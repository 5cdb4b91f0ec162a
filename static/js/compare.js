/* Comparison: choosing photos or the view reloads the page; in overlay view the
 * slider (or the arrow keys) reveals the later photo over the earlier one. */
(function () {
  "use strict";
  var form = document.querySelector(".compare-form");
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("select, input[type=radio]"), function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
  }
  var slider = document.getElementById("overlay-slider");
  var top = document.getElementById("overlay-top");
  if (!slider || !top) { return; }
  function apply() {
    top.style.clipPath = "inset(0 0 0 " + slider.value + "%)";
  }
  slider.addEventListener("input", apply);
  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    if (tag === "select" || (tag === "input" && e.target !== slider)) { return; }
    if (e.target === slider) { return; }
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      slider.value = String(Number(slider.value) + (e.key === "ArrowLeft" ? -5 : 5));
      apply();
    }
  });
  apply();
})();
