/* The phone camera page (imaging/capture.html), and the patient's own at home
 * (sharing/patient/capture.html: a front/rear switch, a number of photos asked).
 * A full-screen rear camera (getUserMedia) with the ghost of the last photo of the
 * chosen region and side. Each shot goes to the visit's upload endpoint in the
 * background while shooting goes on; the strip shows each one uploading, stored or
 * refused (with the reason) and offers a retry that sends the same shot again.
 * Where getUserMedia is missing, the shutter is the capture="environment" file input.
 * Nothing is written to the device: shots live in memory until they are stored. */
(function () {
  "use strict";
  var form = document.getElementById("capture");
  if (!form) { return; }
  var video = document.getElementById("capture-video");
  var ghost = document.getElementById("capture-ghost");
  var flash = document.getElementById("capture-flash");
  var hint = document.getElementById("capture-hint");
  var region = document.getElementById("capture-region");
  var opacityBox = document.getElementById("capture-opacity-box");
  var opacity = document.getElementById("capture-opacity");
  var shutter = document.getElementById("capture-shutter");
  var fileInput = document.getElementById("capture-file");
  var fileLabel = document.getElementById("capture-file-label");
  var strip = document.getElementById("capture-strip");
  var status = document.getElementById("capture-status");
  var done = document.getElementById("capture-done");
  var count = document.getElementById("capture-count");
  var ghosts = JSON.parse(document.getElementById("capture-ghosts").textContent || "{}");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var facingButton = document.getElementById("capture-facing");
  var facing = "environment";
  // The patient's page: at most this many photos are taken (the server counts too).
  var most = form.hasAttribute("data-most") ? parseInt(form.getAttribute("data-most"), 10) : Infinity;
  var shots = [];
  var inFlight = 0;
  var leaving = false;
  var warnedUnstored = false;
  var stream = null;

  form.addEventListener("submit", function (e) { e.preventDefault(); });

  function say(text) { status.textContent = text; }
  function side() {
    var checked = form.querySelector("input[name=laterality]:checked");
    return checked ? checked.value : "";
  }
  function siteLabel(shot) {
    var label = region.querySelector("option[value='" + shot.region + "']").textContent;
    var sides = {
      left: gettext("left"), right: gettext("right"), both: gettext("both sides"), "": gettext("no side")
    };
    return interpolate(gettext("%(region)s, %(side)s"), { region: label, side: sides[shot.side] }, true);
  }

  // The ghost: the newest photo of exactly this region and side (never the other side).
  function updateGhost() {
    var url = ghosts[region.value + ":" + side()];
    if (url) {
      if (ghost.getAttribute("src") !== url) { ghost.src = url; }
      ghost.hidden = false;
      opacityBox.hidden = false;
    } else {
      ghost.removeAttribute("src");
      ghost.hidden = true;
      opacityBox.hidden = true;
    }
    ghost.style.opacity = String(opacity.value / 100);
  }
  region.addEventListener("change", updateGhost);
  Array.prototype.forEach.call(form.querySelectorAll("input[name=laterality]"), function (el) {
    el.addEventListener("change", updateGhost);
  });
  opacity.addEventListener("input", updateGhost);

  function unstored() {
    return shots.filter(function (s) { return s.state !== "stored"; }).length;
  }
  function stored() {
    return shots.filter(function (s) { return s.state === "stored"; });
  }
  function updateCount() {
    var n = stored().length;
    count.textContent = n ? " · " + n : "";
    var full = shots.filter(function (s) { return s.state !== "refused"; }).length >= most;
    form.setAttribute("data-full", full ? "yes" : "no");
    if (full) { say(form.getAttribute("data-full-message")); }
  }

  // One random key per shot, sent again with its retries: the server answers the
  // stored photo instead of storing it twice when only the answer was lost.
  function uploadKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function refused(reason) {
    return interpolate(gettext("Refused: %(reason)s"), { reason: reason }, true);
  }

  function setState(shot, state, text) {
    shot.state = state;
    shot.li.setAttribute("data-state", state);
    shot.label.textContent = text;
    shot.retry.hidden = state !== "refused";
    shot.li.title = siteLabel(shot) + ": " + text;
    updateCount();
  }

  function leaveWhenSettled() {
    if (!leaving || inFlight > 0) { return; }
    if (unstored() && !warnedUnstored) {
      warnedUnstored = true;
      leaving = false;
      var left = unstored();
      say(interpolate(ngettext(
        "%(count)s photo not stored. Tap Retry on it, or tap Done again to leave without it.",
        "%(count)s photos not stored. Tap Retry on them, or tap Done again to leave without them.",
        left), { count: left }, true));
      return;
    }
    var uuids = stored().map(function (s) { return s.photo; });
    var url = form.getAttribute("data-timeline-url");
    if (!form.hasAttribute("data-visit")) { window.location.href = url; return; }
    if (uuids.length) { url += "?new=" + uuids.join(","); }
    window.location.href = url + "#visit-" + form.getAttribute("data-visit");
  }

  function upload(shot) {
    setState(shot, "uploading", gettext("Uploading…"));
    var data = new FormData();
    data.append("body_region", shot.region);
    data.append("laterality", shot.side);
    data.append("source", "camera");
    data.append("photo", shot.blob, shot.name);
    inFlight += 1;
    fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf, "X-Upload-Key": shot.key },
      body: data
    }).then(function (response) {
      return response.json().then(function (body) { return body; }, function () { return null; })
        .then(function (body) { return { status: response.status, body: body }; });
    }).then(function (res) {
      var body = res.body;
      if (body && body.results && body.results.length) {
        var verdict = body.results[0];
        if (verdict.stored) {
          shot.photo = verdict.photo;
          setState(shot, "stored", verdict.message || gettext("Stored."));  // with any processing notes
        } else {
          setState(shot, "refused", refused(verdict.message));
        }
      } else if (body && body.error) {
        setState(shot, "refused", refused(body.error));
      } else {
        setState(shot, "refused", interpolate(
          gettext("Not stored: the server answered %(status)s. Retry."), { status: res.status }, true));
      }
    }, function () {
      setState(shot, "refused", gettext("Not stored: the connection dropped. Retry when online."));
    }).then(function () {
      inFlight -= 1;
      if (shot.state === "refused") {
        say(interpolate(gettext("Shot %(number)s (%(site)s) %(verdict)s"),
          { number: shot.number, site: siteLabel(shot), verdict: shot.label.textContent }, true));
      }
      leaveWhenSettled();
    });
  }

  function addShot(blob, name) {
    var shot = { blob: blob, name: name, region: region.value, side: side(), number: shots.length + 1, key: uploadKey() };
    var li = document.createElement("li");
    var img = document.createElement("img");
    img.src = URL.createObjectURL(blob);
    img.alt = interpolate(gettext("Shot %(number)s, %(site)s"), { number: shot.number, site: siteLabel(shot) }, true);
    var label = document.createElement("span");
    label.className = "capture-shot-state";
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "capture-retry";
    retry.textContent = gettext("Retry");
    retry.setAttribute("aria-label", interpolate(gettext("Retry shot %(number)s"), { number: shot.number }, true));
    retry.addEventListener("click", function () { warnedUnstored = false; upload(shot); });
    li.appendChild(img);
    li.appendChild(label);
    li.appendChild(retry);
    strip.appendChild(li);
    shot.li = li; shot.label = label; shot.retry = retry;
    shots.push(shot);
    if (li.scrollIntoView) { li.scrollIntoView({ block: "nearest", inline: "end" }); }
    upload(shot);
  }

  function regionChosen() {
    if (region.value) { return true; }
    say(gettext("Choose the body region first, then take the photo."));
    region.focus();
    return false;
  }

  // The shutter answers at once where the user is looking: a flash over the view.
  function flashNow() {
    flash.classList.remove("on");
    void flash.offsetWidth; // restart the animation
    flash.classList.add("on");
    if (navigator.vibrate) { navigator.vibrate(30); }
  }

  function roomLeft() {
    if (form.getAttribute("data-full") !== "yes") { return true; }
    say(form.getAttribute("data-full-message"));
    return false;
  }

  function shoot() {
    if (!regionChosen() || !roomLeft()) { return; }
    if (!video.videoWidth) { say(gettext("The camera is still starting. Try again in a moment.")); return; }
    flashNow();
    var canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob(function (blob) {
      var stamp = new Date().toISOString().replace(/[:.]/g, "-");
      addShot(blob, "camera-" + stamp + ".jpg");
    }, "image/jpeg", 0.92);
  }

  // The fallback: the phone's own camera through the file input.
  function useFileInput(reason) {
    form.setAttribute("data-camera", "fallback");
    shutter.hidden = true;
    fileLabel.hidden = false;
    fileInput.hidden = false;
    fileInput.disabled = false;
    if (reason) { say(reason); }
  }
  fileLabel.addEventListener("click", function (e) {
    if (!regionChosen() || !roomLeft()) { e.preventDefault(); }
  });
  fileInput.addEventListener("change", function () {
    Array.prototype.forEach.call(fileInput.files, function (file) {
      flashNow();
      addShot(file, file.name || "camera.jpg");
    });
    fileInput.value = "";
  });

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
  }

  function startCamera() {
    stopCamera();
    form.removeAttribute("data-camera");
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: facing, width: { ideal: 4032 }, height: { ideal: 3024 } },
      audio: false
    }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      hint.hidden = true;
      if (facingButton) { facingButton.hidden = false; }
    }).catch(function () {
      useFileInput(gettext(
        "The camera could not be opened here (allow camera access to use it). The shutter opens the phone's camera instead."
      ));
    });
  }

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    fileLabel.hidden = true;
    fileInput.hidden = true;
    fileInput.disabled = true;
    shutter.hidden = false;
    video.addEventListener("loadedmetadata", function () { form.setAttribute("data-camera", "ready"); });
    startCamera();
    shutter.addEventListener("click", shoot);
    // Rear or front: a patient photographing their own face or back needs both.
    if (facingButton) {
      facingButton.addEventListener("click", function () {
        facing = facing === "environment" ? "user" : "environment";
        facingButton.setAttribute("aria-pressed", facing === "user" ? "true" : "false");
        startCamera();
      });
    }
  } else {
    useFileInput("");
  }
  updateGhost();

  // The patient's first photo: nothing to preselect, so one tap over the camera view
  // picks region and side together (the bar below changes them later).
  var sheet = document.getElementById("capture-sheet");
  if (sheet) {
    sheet.hidden = false;
    Array.prototype.forEach.call(sheet.querySelectorAll("[data-region]"), function (button) {
      button.addEventListener("click", function () {
        var value = button.getAttribute("data-side");
        region.value = button.getAttribute("data-region");
        form.querySelector("input[name=laterality][value='" + value + "']").checked = true;
        sheet.hidden = true;
        say(interpolate(gettext("%(site)s: ready."), { site: siteLabel({ region: region.value, side: value }) }, true));
        updateGhost();
        (shutter.hidden ? fileLabel : shutter).focus();
      });
    });
  }

  done.addEventListener("click", function (e) {
    e.preventDefault();
    leaving = true;
    if (inFlight > 0) {
      say(interpolate(ngettext("Finishing %(count)s upload…", "Finishing %(count)s uploads…", inFlight),
        { count: inFlight }, true));
    }
    leaveWhenSettled();
  });
  window.addEventListener("pagehide", stopCamera);
  window.addEventListener("beforeunload", function (e) {
    if (inFlight > 0 || (unstored() && !warnedUnstored)) { e.preventDefault(); e.returnValue = ""; }
  });
})();
