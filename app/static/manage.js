// app/static/manage.js — the manage page: sends Checkout's signed answer to verify, reopens payment, shows times in the viewer's zone too.
(function () {
  "use strict";
  var root = document.getElementById("manage");
  if (!root) { return; }
  var message = document.getElementById("verify-message");

  function say(text, kind) {
    message.innerHTML = "";
    var div = document.createElement("div");
    div.className = "notice " + (kind || "info");
    div.textContent = text;
    message.appendChild(div);
  }

  // A booking made without the client's zone (by the consultant): the viewer's own time, next to the consultant's.
  // (With it, the page already shows the client's time first.)
  var viewerZone = null;
  try { viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { viewerZone = null; }
  var aliases = { "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Saigon": "Asia/Ho_Chi_Minh" };
  viewerZone = aliases[viewerZone] || viewerZone;
  if (viewerZone && !root.getAttribute("data-client-tz") && viewerZone !== root.getAttribute("data-consultant-tz")) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-instant]"), function (el) {
      var d = new Date(el.getAttribute("data-instant"));
      if (isNaN(d)) { return; }
      var local = new Intl.DateTimeFormat("en-IN", { timeZone: viewerZone, weekday: "short", day: "numeric",
        month: "short", hour: "numeric", minute: "2-digit", hour12: true }).format(d);
      var span = document.createElement("span");
      span.className = "viewer-time";
      span.textContent = local + " your time (" + viewerZone + ") · ";
      el.parentNode.insertBefore(span, el);  // the viewer's own time first
    });
    var note = document.getElementById("viewer-tz");
    if (note) { note.textContent = "; yours is " + viewerZone.replace(/_/g, " "); }
  }

  // Back from Checkout (or the local checkout page) with its signed answer: verify it once, then show the page clean.
  var params = new URLSearchParams(window.location.search);
  if (params.get("razorpay_payment_id")) {
    say("Confirming your payment…");
    fetch("/api/v1/payments/verify", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ razorpay_order_id: params.get("razorpay_order_id"),
        razorpay_payment_id: params.get("razorpay_payment_id"), razorpay_signature: params.get("razorpay_signature") })
    }).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); })
      .then(function (r) {
        if (r.status === 200 || r.status === 202) {
          var done = r.status === 202 ? "pending" : (r.body.status === "refunding" ? "refunding" : "paid");
          window.location.replace(window.location.pathname + "?done=" + done);
        } else {
          say((r.body.error && r.body.error.message) || "The payment could not be confirmed.", "bad");
        }
      })
      .catch(function () { say("We could not reach Nakksha to confirm the payment; reload this page in a moment.", "warn"); });
  }

  var payNow = document.getElementById("pay-now");
  if (payNow) {
    payNow.addEventListener("click", function () {
      var checkout = JSON.parse(payNow.getAttribute("data-checkout"));
      var path = window.location.pathname;
      if (checkout.checkout_url) {
        window.location.assign(checkout.checkout_url + "?return_to=" + encodeURIComponent(path));
        return;
      }
      if (!window.Razorpay) { say("The payment window could not open; please reload the page.", "bad"); return; }
      new window.Razorpay({
        key: checkout.key_id, order_id: checkout.order_id, amount: checkout.amount, currency: checkout.currency,
        name: checkout.name, description: checkout.description, prefill: checkout.prefill, notes: checkout.notes,
        handler: function (answer) {
          window.location.assign(path + "?razorpay_order_id=" + encodeURIComponent(answer.razorpay_order_id) +
            "&razorpay_payment_id=" + encodeURIComponent(answer.razorpay_payment_id) +
            "&razorpay_signature=" + encodeURIComponent(answer.razorpay_signature));
        }
      }).open();
    });
  }
}());
// Test: pytest tests/e2e/test_booking_flow.py
