/* Overlay comparison: the slider reveals the later photo over the earlier one. */
(function () {
  "use strict";
  var slider = document.getElementById("overlay-slider");
  var top = document.getElementById("overlay-top");
  if (!slider || !top) { return; }
  function apply() {
    top.style.clipPath = "inset(0 0 0 " + slider.value + "%)";
  }
  slider.addEventListener("input", apply);
  document.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT" && e.target !== slider) { return; }
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      if (e.target === slider) { return; }
      slider.value = String(Number(slider.value) + (e.key === "ArrowLeft" ? -5 : 5));
      apply();
    }
  });
  apply();
  var form = document.querySelector(".compare-form");
  if (form) {
    Array.prototype.forEach.call(form.querySelectorAll("select, input[type=radio]"), function (el) {
      el.addEventListener("change", function () { form.submit(); });
    });
  }
})();
