// The de-identification editor: draw boxes to blur or black out, and one crop.
// Boxes are kept relative to the image (0..1) and sent as JSON in the hidden
// "edits" field; the server does the pixel work. Pointer events serve mouse,
// pen and touch alike. No inline handlers: the CSP forbids them (S35).
(function () {
  "use strict";
  var form = document.getElementById("deid-form");
  if (!form) return;
  var stage = document.getElementById("deid-stage");
  var layer = document.getElementById("deid-layer");
  var list = document.getElementById("deid-boxes");
  var field = document.getElementById("id_edits");
  var status = document.getElementById("deid-status");
  var MIN = 0.01;
  var state = { crop: null, boxes: [] };
  var seed = document.getElementById("deid-suggestions");
  // A form sent back with an error keeps the boxes already drawn.
  var kept = null;
  try {
    kept = JSON.parse(field.value || "null");
  } catch (error) {
    kept = null;
  }
  if (kept && Array.isArray(kept.boxes)) {
    state.crop = kept.crop || null;
    state.boxes = kept.boxes;
  } else if (seed) {
    JSON.parse(seed.textContent).forEach(function (box) {
      box.suggested = true;
      state.boxes.push(box);
    });
  }
  var drawing = null;
  var preview = null;
  // Without dragging (WCAG 2.5.7): a tap sets one corner, a second tap the other.
  var corner = null;

  function tool() {
    var checked = form.querySelector("input[name=deid-tool]:checked");
    return checked ? checked.value : "blur";
  }

  function relative(event) {
    var rect = stage.getBoundingClientRect();
    return {
      x: Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)),
      y: Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)),
    };
  }

  function rectOf(a, b) {
    return {
      x: Math.min(a.x, b.x), y: Math.min(a.y, b.y),
      w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y),
    };
  }

  function place(node, box) {
    node.style.left = box.x * 100 + "%";
    node.style.top = box.y * 100 + "%";
    node.style.width = box.w * 100 + "%";
    node.style.height = box.h * 100 + "%";
  }

  function plain(box) {
    return { x: box.x, y: box.y, w: box.w, h: box.h, cover: box.cover };
  }

  function render() {
    layer.textContent = "";
    list.textContent = "";
    state.boxes.forEach(function (box, index) {
      var node = document.createElement("div");
      node.className = "deid-box deid-" + box.cover;
      place(node, box);
      layer.appendChild(node);
      var item = document.createElement("li");
      var label = document.createElement("span");
      var cover = box.cover === "black" ? gettext("Black out") : gettext("Blur");
      label.textContent = box.suggested
        ? interpolate(gettext("%(cover)s (face found)"), { cover: cover }, true)
        : cover;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = gettext("Remove");
      remove.setAttribute("aria-label", interpolate(gettext("Remove box %(number)s"), { number: index + 1 }, true));
      remove.addEventListener("click", function () {
        state.boxes.splice(index, 1);
        render();
      });
      item.appendChild(label);
      item.appendChild(remove);
      list.appendChild(item);
    });
    if (corner) {
      var mark = document.createElement("div");
      mark.className = "deid-box deid-corner";
      place(mark, { x: corner.x, y: corner.y, w: 0, h: 0 });
      layer.appendChild(mark);
    }
    if (state.crop) {
      var crop = document.createElement("div");
      crop.className = "deid-box deid-crop";
      place(crop, state.crop);
      layer.appendChild(crop);
    }
    field.value = JSON.stringify({
      crop: state.crop ? plain(state.crop) : null,
      boxes: state.boxes.map(plain),
    });
  }

  stage.addEventListener("pointerdown", function (event) {
    if (event.button !== undefined && event.button > 0) return;
    event.preventDefault();
    stage.setPointerCapture(event.pointerId);
    drawing = relative(event);
    preview = document.createElement("div");
    preview.className = "deid-box deid-drawing";
    layer.appendChild(preview);
  });

  stage.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    place(preview, rectOf(drawing, relative(event)));
  });

  function finish(event) {
    if (!drawing) return;
    var point = relative(event);
    var box = rectOf(drawing, point);
    drawing = null;
    if (box.w < MIN || box.h < MIN) {
      if (!corner) {
        corner = point;
        status.textContent = gettext("Corner set: tap the opposite corner of the box.");
        render();
        return;
      }
      box = rectOf(corner, point);
    }
    corner = null;
    if (box.w >= MIN && box.h >= MIN) {
      var chosen = tool();
      if (chosen === "crop") {
        state.crop = box;
        status.textContent = gettext("Crop set: only the framed part is kept.");
      } else {
        box.cover = chosen;
        state.boxes.push(box);
        var count = state.boxes.length;
        status.textContent = interpolate(
          ngettext("%(count)s box to cover.", "%(count)s boxes to cover.", count), { count: count }, true);
      }
    }
    render();
  }
  stage.addEventListener("pointerup", finish);
  stage.addEventListener("pointercancel", function () {
    drawing = null;
    render();
  });

  document.getElementById("deid-undo").addEventListener("click", function () {
    state.boxes.pop();
    render();
  });
  document.getElementById("deid-clear-crop").addEventListener("click", function () {
    state.crop = null;
    render();
  });
  render();
})();
