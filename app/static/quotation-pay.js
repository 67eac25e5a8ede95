// app/static/quotation-pay.js — "Accept and pay" in one step: back on the quotation page just accepted (?pay=now), open the payment at once.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var payNow = document.getElementById("pay-now");
  if (params.get("pay") !== "now" || !payNow) { return; }
  // Once: a reload or Back after closing Checkout shows the page with its "Pay" button, not Checkout again.
  params.delete("pay");
  var rest = params.toString();
  window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
  payNow.click();  // manage.js's handler: Razorpay Checkout (or the local gateway's page)
}());
// Test: pytest tests/e2e/test_quotation_items.py
