/* PixioDoc signature pad: draw with a finger, pen or mouse (pointer events).
 * Self-hosted, no dependency. The drawing is sent as a PNG data URL in the hidden
 * field marked data-signature-value; an empty pad sends nothing (the server says so).
 */
(function () {
  "use strict";

  function setUp(pad) {
    var canvas = pad.querySelector("[data-signature-canvas]");
    var clear = pad.querySelector("[data-signature-clear]");
    var form = pad.closest("form");
    var field = form.querySelector("[data-signature-value]");
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;

    function size() {
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      var kept = drawn ? canvas.toDataURL("image/png") : null;
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
      if (kept) { restore(kept); }
    }

    function restore(dataUrl) {
      var image = new Image();
      image.onload = function () {
        var rect = canvas.getBoundingClientRect();
        context.drawImage(image, 0, 0, rect.width, rect.height);
        drawn = true;
      };
      image.src = dataUrl;
    }

    function point(event) {
      var rect = canvas.getBoundingClientRect();
      return { x: event.clientX - rect.left, y: event.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      if (!events.length) { events = [event]; }
      events.forEach(function (each) {
        var next = point(each);
        context.beginPath();
        context.moveTo(last.x, last.y);
        context.lineTo(next.x, next.y);
        context.stroke();
        last = next;
      });
    });
    function stop() {
      if (drawing) { drawing = false; field.value = canvas.toDataURL("image/png"); }
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("lostpointercapture", stop);

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      field.value = "";
    });
    form.addEventListener("submit", function () {
      field.value = drawn ? canvas.toDataURL("image/png") : "";
    });
    window.addEventListener("resize", size);
    size();
    // A form sent back with an error keeps the signature already drawn.
    if (field.value && field.value.indexOf("data:image/png;base64,") === 0) {
      restore(field.value);
    }
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
