// app/static/dashboard.js — the dashboard home updates itself: on a server-sent `changed` event it fetches the page again and swaps in the fresh metrics and charts.
(function () {
  "use strict";
  var parts = document.querySelectorAll("[data-live]");
  var status = document.getElementById("live-status");
  if (!parts.length || !window.EventSource) { return; }
  var timer = null;
  var busy = false;

  function refresh() {
    if (busy) { timer = setTimeout(refresh, 500); return; }
    busy = true;
    fetch(window.location.href, { headers: { Accept: "text/html", "X-Nakksha-Live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var next = fresh.getElementById(el.id);
          if (next) { el.replaceWith(document.importNode(next, true)); }
        });
        if (status) { status.textContent = "Updated just now with the latest booking or payment."; }
      })
      .catch(function () { /* the next event tries again */ })
      .then(function () { busy = false; });
  }

  var source = new EventSource("/dashboard/events");
  source.addEventListener("changed", function () {
    // Several writes in a burst: one refresh.
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
// Test: pytest tests/e2e/test_dashboard_home.py
