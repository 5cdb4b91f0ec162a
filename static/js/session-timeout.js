// Idle logoff warning (S4). The server ends a session after 15 idle minutes
// whatever this script does; this only warns shortly before and offers to stay.
// "Stay signed in" POSTs to the keep-alive URL; any page load also counts as use.
// Tabs share the time of the last activity through localStorage.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) { return; }
  var idle = parseInt(box.dataset.idleSeconds, 10) * 1000;
  var warn = parseInt(box.dataset.warnSeconds, 10) * 1000;
  var keepAliveUrl = box.dataset.keepaliveUrl;
  var loginUrl = box.dataset.loginUrl;
  var countdown = box.querySelector("[data-countdown]");
  var form = box.querySelector("form");
  var KEY = "pixiodoc-last-activity";

  function now() { return Date.now(); }
  function lastActivity() {
    var mine = window.__pixiodocLast || now();
    var shared = 0;
    try { shared = parseInt(window.localStorage.getItem(KEY) || "0", 10); } catch (e) { shared = 0; }
    return Math.max(mine, shared);
  }
  function touch() {
    window.__pixiodocLast = now();
    try { window.localStorage.setItem(KEY, String(window.__pixiodocLast)); } catch (e) { /* private mode */ }
  }
  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function tick() {
    var left = idle - (now() - lastActivity());
    if (left <= 0) {
      window.location.assign(loginUrl + "&next=" + encodeURIComponent(window.location.pathname));
      return;
    }
    if (left <= warn) {
      countdown.textContent = format(left);
      if (box.hidden) { box.hidden = false; box.querySelector("button").focus(); }
    } else if (!box.hidden) {
      box.hidden = true;
    }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var token = document.querySelector("meta[name=csrf-token]");
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.content : "", "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) { touch(); box.hidden = true; }
      else { window.location.assign(loginUrl); }
    });
  });
  touch();
  window.setInterval(tick, 1000);
})();
