// Live progress for long jobs (erasure, export): refresh a fragment until it says done.
// An element with data-poll-url is replaced by the server's fragment every few seconds;
// the fragment carries data-poll-url again while the job is still running.
(function () {
  "use strict";
  function poll(element) {
    var url = element.getAttribute("data-poll-url");
    var every = parseInt(element.getAttribute("data-poll-every") || "2000", 10);
    window.setTimeout(function () {
      fetch(url, { headers: { "X-Poll": "1" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.text();
        })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.firstElementChild;
          if (!fresh) { return; }
          element.replaceWith(fresh);
          if (fresh.hasAttribute("data-poll-url")) { poll(fresh); }
          else if (fresh.hasAttribute("data-reload-when-done")) { window.location.reload(); }
        })
        .catch(function () {
          element.setAttribute("data-poll-error", "1");
          poll(element);
        });
    }, every);
  }
  document.querySelectorAll("[data-poll-url]").forEach(poll);
})();
