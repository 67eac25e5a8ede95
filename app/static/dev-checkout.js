// app/static/dev-checkout.js — the local checkout page sends Checkout's signed answer to verify, as a booking page would.
(function () {
  "use strict";
  var payload = document.getElementById("verify-payload");
  var out = document.getElementById("verify-result");
  if (!payload || !out) { return; }
  fetch("/api/v1/payments/verify", {
    method: "POST", headers: {"Content-Type": "application/json"}, body: payload.textContent
  }).then(function (r) { return r.json().then(function (body) { return {status: r.status, body: body}; }); })
    .then(function (r) {
      out.textContent = r.status < 300 ? "Verify answered: " + r.body.status
                                       : "Verify refused: " + (r.body.error && r.body.error.message);
    })
    .catch(function () { out.textContent = "Verify could not be reached."; });
}());
// Test: pytest tests/http/test_payments.py -k local_checkout
