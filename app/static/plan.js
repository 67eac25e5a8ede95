// app/static/plan.js — the plan page: "Authorise payment" opens Razorpay Checkout with the subscription (the link is its hosted page without script), and back from it the page asks again until the charge is recorded.
(function () {
  "use strict";
  var box = document.getElementById("subscription");
  if (!box) { return; }

  // Razorpay Checkout for a subscription takes the key and subscription_id (no amount or order); its answer is not
  // trusted: the page only waits for the worker to record the charge it fetches (docs/payments.md "Billing as built").
  var authorise = document.getElementById("authorise");
  if (authorise && authorise.dataset.key && window.Razorpay) {
    authorise.addEventListener("click", function (event) {
      event.preventDefault();
      var rzp = new window.Razorpay({
        key: authorise.dataset.key, subscription_id: authorise.dataset.subscription, name: "Nakksha",
        description: authorise.dataset.description, prefill: { email: authorise.dataset.email },
        handler: function () { window.location.assign(authorise.dataset.back); },
        modal: { ondismiss: function () { authorise.focus(); } }
      });
      rzp.open();
    });
  }

  // "We are confirming your payment": fetch the page every few seconds; once the subscription's state differs,
  // show the page as it is now. Gives up after about three minutes and says what to do.
  if (box.dataset.confirming !== "1") { return; }
  var status = box.dataset.status, tries = 0, MAX_TRIES = 60;
  function later() {
    if (tries < MAX_TRIES) { window.setTimeout(poll, 3000); return; }
    var say = document.getElementById("confirming");
    if (say) {
      say.textContent = "This is taking longer than usual. Reload this page in a few minutes: your plan changes " +
        "once the payment is confirmed, and you are never charged twice for it.";
    }
  }
  function poll() {
    tries += 1;
    window.fetch(window.location.pathname, { headers: { accept: "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        var next = html && new DOMParser().parseFromString(html, "text/html").getElementById("subscription");
        if (!html || (next && next.dataset.status === status)) { later(); return; }
        window.location.replace(window.location.pathname);
      }, later);
  }
  later();
})();
// Test: pytest tests/e2e/test_plan_page.py
