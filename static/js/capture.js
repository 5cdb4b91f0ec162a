/* Upload files for one visit (imaging/add.html); the camera is capture-camera.js.
 * Each file goes in its own request with its own progress bar and verdict, so one
 * refused file never stops the others; nothing is written to the device. */
(function () {
  "use strict";
  var form = document.getElementById("photo-form");
  if (!form) { return; }
  var queue = document.getElementById("queue");
  var queueTitle = document.getElementById("queue-title");
  var regionSelect = form.querySelector("[name=body_region]");
  var submit = document.getElementById("photo-submit");
  var pickers = form.querySelectorAll("input[type=file]");
  var running = 0;

  function field(name) {
    var el = form.querySelector("[name=" + name + "]");
    if (!el) { return ""; }
    return el.type === "checkbox" ? (el.checked ? "on" : "") : el.value;
  }

  function addRow(name) {
    queueTitle.hidden = false;
    var li = document.createElement("li");
    var label = document.createElement("span");
    label.className = "name";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", interpolate(gettext("Upload progress of %(name)s"), { name: name }, true));
    var verdict = document.createElement("span");
    verdict.className = "verdict";
    verdict.textContent = gettext("Waiting…");
    li.appendChild(label); li.appendChild(bar); li.appendChild(verdict);
    queue.appendChild(li);
    return { li: li, bar: bar, verdict: verdict };
  }

  function verdictOf(row, ok, message) {
    row.li.className = ok ? "ok" : "refused";
    row.verdict.textContent = ok ? gettext("Stored")
      : interpolate(gettext("Refused: %(reason)s"), { reason: message }, true);
    row.bar.value = 100;
  }

  function uploadOne(file, name, source) {
    if (!regionSelect.value) {
      regionSelect.focus();
      var r = addRow(name);
      verdictOf(r, false, gettext("choose a body region first, then add the photo again."));
      return;
    }
    send(addRow(name), file, name, source, uploadKey(), 0);
  }

  // One random key per photo: a retry after a lost answer is recognised by the
  // server, which answers the stored photo again instead of storing a duplicate.
  function uploadKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var RETRY_DELAYS = [2000, 5000];

  function send(row, file, name, source, key, attempt) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken"));
    ["body_region", "laterality", "tags", "note", "place_by_capture_date"].forEach(function (n) {
      var v = field(n);
      if (v) { data.append(n, v); }
    });
    data.append("source", source || "upload");
    data.append("photo", file, name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", field("csrfmiddlewaretoken"));
    xhr.setRequestHeader("X-Upload-Key", key);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { row.bar.value = Math.round((e.loaded / e.total) * 95); }
      row.verdict.textContent = gettext("Uploading…");
    });
    running += 1;
    xhr.addEventListener("loadend", function () {
      running -= 1;
      var lost = xhr.status === 0 || xhr.status === 502 || xhr.status === 504;
      if (lost && attempt < RETRY_DELAYS.length) {
        // The answer was lost, not necessarily the photo: send it again, same key.
        row.verdict.textContent = gettext("Connection lost, trying again…");
        window.setTimeout(function () {
          send(row, file, name, source, key, attempt + 1);
        }, RETRY_DELAYS[attempt]);
        return;
      }
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (body && body.results && body.results.length) {
        var res = body.results[0];
        verdictOf(row, res.stored, res.message);
        if (res.stored) {
          var link = document.createElement("a");
          link.href = res.viewer; link.textContent = gettext("View");
          row.li.appendChild(document.createTextNode(" "));
          row.li.appendChild(link);
        }
      } else if (body && body.error) {
        verdictOf(row, false, body.error);
      } else if (xhr.status === 0) {
        verdictOf(row, false, gettext("the connection dropped. Check the network and add the photo again."));
      } else {
        verdictOf(row, false, interpolate(
          gettext("the server could not take it (%(status)s). Try again."), { status: xhr.status }, true));
      }
    });
    xhr.send(data);
  }

  function sendFiles(files) {
    Array.prototype.forEach.call(files, function (file) {
      uploadOne(file, file.webkitRelativePath || file.name, "upload");
    });
  }

  // With JavaScript, choosing files uploads them at once, each on its own.
  Array.prototype.forEach.call(pickers, function (input) {
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, function (file) {
        uploadOne(file, file.webkitRelativePath || file.name, "upload");
      });
      input.value = "";
    });
  });
  submit.hidden = true;
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  // Drag and drop, folders included where the browser exposes entries.
  var zone = document.getElementById("dropzone");
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function () { zone.classList.remove("over"); });
  });
  function walk(entry, path) {
    if (entry.isFile) {
      entry.file(function (file) { uploadOne(file, path + file.name, "upload"); });
    } else if (entry.isDirectory) {
      var reader = entry.createReader();
      var readAll = function () {
        reader.readEntries(function (entries) {
          if (!entries.length) { return; }
          entries.forEach(function (child) { walk(child, path + entry.name + "/"); });
          readAll();
        });
      };
      readAll();
    }
  }
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    var items = e.dataTransfer.items;
    if (items && items.length && items[0].webkitGetAsEntry) {
      Array.prototype.forEach.call(items, function (item) {
        var entry = item.webkitGetAsEntry();
        if (entry) { walk(entry, ""); }
      });
    } else {
      sendFiles(e.dataTransfer.files);
    }
  });

  window.addEventListener("beforeunload", function (e) {
    if (running > 0) { e.preventDefault(); e.returnValue = ""; }
  });
})();
