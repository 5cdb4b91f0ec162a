/* Photo viewer: arrow keys move between photos; annotations are SVG vectors over
 * the image (relative coordinates), shown or hidden, saved as JSON. The pixels
 * of the photo are never touched. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var figure = document.getElementById("viewer");
  var svg = document.getElementById("marks");
  var image = document.getElementById("viewer-image");
  if (!figure || !svg || !image) { return; }
  var W = svg.viewBox.baseVal.width, H = svg.viewBox.baseVal.height;
  var shapes = JSON.parse(document.getElementById("shapes").textContent || "[]");
  var toggle = document.getElementById("marks-toggle");
  var status = document.getElementById("marks-status");
  var mayEdit = figure.getAttribute("data-may-edit") === "1";

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  var stroke = Math.max(2, Math.round(W / 250));
  function draw() {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var defs = el("defs", {});
    shapes.forEach(function (s, i) {
      var colour = s.colour || "#ffcc00";
      if (s.kind === "arrow") {
        var marker = el("marker", { id: "head" + i, viewBox: "0 0 10 10", refX: "8", refY: "5",
          markerWidth: "5", markerHeight: "5", orient: "auto-start-reverse" });
        marker.appendChild(el("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
        defs.appendChild(marker);
        svg.appendChild(el("line", { x1: s.x1 * W, y1: s.y1 * H, x2: s.x2 * W, y2: s.y2 * H,
          stroke: colour, "stroke-width": stroke, "marker-end": "url(#head" + i + ")", "data-kind": "arrow" }));
      } else if (s.kind === "circle") {
        svg.appendChild(el("circle", { cx: s.x * W, cy: s.y * H, r: s.r * W, fill: "none",
          stroke: colour, "stroke-width": stroke, "data-kind": "circle" }));
      } else if (s.kind === "text") {
        var t = el("text", { x: s.x * W, y: s.y * H, fill: colour, "font-size": Math.round(W / 30),
          "font-family": "sans-serif", stroke: "#000", "stroke-width": Math.max(1, stroke / 3),
          "paint-order": "stroke", "data-kind": "text" });
        t.textContent = s.text;
        svg.appendChild(t);
      }
    });
    svg.insertBefore(defs, svg.firstChild);
  }
  draw();

  toggle.addEventListener("change", function () { svg.classList.toggle("hidden", !toggle.checked); });

  document.addEventListener("keydown", function (e) {
    var tag = (e.target.tagName || "").toLowerCase();
    // Arrow keys belong to text fields, lists and radio groups; not to the page there.
    if (tag === "textarea" || tag === "select") { return; }
    if (tag === "input" && e.target.type !== "checkbox") { return; }
    var link = null;
    if (e.key === "ArrowLeft") { link = document.getElementById("viewer-prev"); }
    if (e.key === "ArrowRight") { link = document.getElementById("viewer-next"); }
    if (link) { e.preventDefault(); window.location.href = link.href; }
    if (e.key === "a" || e.key === "A") { toggle.checked = !toggle.checked; toggle.dispatchEvent(new Event("change")); }
  });

  if (!mayEdit) { return; }
  // Marks not yet saved: leaving the page (a link, the arrow keys, closing) asks first.
  var edits = 0, savedEdits = 0;
  function changed() { edits += 1; draw(); status.textContent = gettext("Not saved yet."); }
  window.addEventListener("beforeunload", function (e) {
    if (edits !== savedEdits) { e.preventDefault(); e.returnValue = ""; }
  });
  function point(e) {
    var box = svg.getBoundingClientRect();
    // The SVG keeps the photo's aspect ratio: map the pointer into the photo.
    var scale = Math.min(box.width / W, box.height / H);
    var offX = (box.width - W * scale) / 2, offY = (box.height - H * scale) / 2;
    var x = (e.clientX - box.left - offX) / (W * scale);
    var y = (e.clientY - box.top - offY) / (H * scale);
    return { x: Math.min(1, Math.max(0, x)), y: Math.min(1, Math.max(0, y)) };
  }
  function tool() {
    var checked = document.querySelector("input[name=tool]:checked");
    return checked ? checked.value : "arrow";
  }
  var start = null;
  svg.addEventListener("pointerdown", function (e) {
    e.preventDefault();
    start = point(e);
    if (tool() === "text") {
      var text = document.getElementById("mark-text").value.trim();
      if (!text) {
        status.textContent = gettext("Type the text first, then click where it goes.");
        start = null;
        return;
      }
      shapes.push({ kind: "text", x: start.x, y: start.y, text: text });
      start = null;
      changed();
    }
  });
  svg.addEventListener("pointerup", function (e) {
    if (!start) { return; }
    var end = point(e);
    var k = tool();
    var dx = end.x - start.x, dy = (end.y - start.y) * H / W;
    var before = shapes.length;
    if (k === "arrow" && (Math.abs(end.x - start.x) + Math.abs(end.y - start.y)) > 0.01) {
      shapes.push({ kind: "arrow", x1: start.x, y1: start.y, x2: end.x, y2: end.y });
    } else if (k === "circle") {
      shapes.push({ kind: "circle", x: start.x, y: start.y, r: Math.max(0.01, Math.sqrt(dx * dx + dy * dy)) });
    }
    start = null;
    if (shapes.length !== before) { changed(); }
  });
  document.getElementById("marks-undo").addEventListener("click", function () {
    if (shapes.length) { shapes.pop(); changed(); }
  });
  document.getElementById("marks-save").addEventListener("click", function () {
    var token = document.cookie.match(/csrftoken=([^;]+)/);
    var csrf = document.querySelector("[name=csrfmiddlewaretoken]");
    status.textContent = gettext("Saving…");
    var sending = edits;
    fetch(figure.getAttribute("data-annotate-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : (token ? token[1] : "") },
      body: JSON.stringify({ shapes: shapes })
    }).then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (res.ok) { savedEdits = sending; }
        status.textContent = res.ok ? gettext("Annotations saved.")
          : interpolate(gettext("Not saved: %(reason)s"), { reason: res.body.error || gettext("try again.") }, true);
      }).catch(function () { status.textContent = gettext("Not saved: the connection dropped. Try again."); });
  });
})();
