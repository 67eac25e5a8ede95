// app/static/quotation.js — the quotation builder: the final amount as you type (base less discount, half up to the paisa, in integer paise).
(function () {
  "use strict";
  var base = document.getElementById("base_amount");
  var discount = document.getElementById("discount_percentage");
  var out = document.getElementById("final-amount");
  if (!base || !discount || !out) { return; }

  // "1499.5" -> 149950 (hundredths), or null when it is not a plain amount with at most two decimals.
  function hundredths(text) {
    var m = /^(\d{1,10})(?:\.(\d{0,2}))?$/.exec(text.trim().replace(/,/g, ""));
    if (!m) { return null; }
    return parseInt(m[1], 10) * 100 + parseInt(((m[2] || "") + "00").slice(0, 2), 10);
  }

  // Indian grouping as the server's `inr` filter: 14999950 -> ₹1,49,999.50.
  function inr(paise) {
    var whole = String(Math.floor(paise / 100));
    var tail = whole.slice(-3);
    var head = whole.slice(0, -3);
    var groups = [];
    while (head.length > 2) { groups.unshift(head.slice(-2)); head = head.slice(0, -2); }
    if (head) { groups.unshift(head); }
    groups.push(tail);
    return "₹" + groups.join(",") + "." + String(paise % 100).padStart(2, "0");
  }

  function update() {
    var amount = hundredths(base.value);                                    // paise
    var off = discount.value.trim() === "" ? 0 : hundredths(discount.value); // basis points (12.5% = 1250)
    if (amount === null || off === null || off > 10000) { out.textContent = "—"; return; }
    // paise × (100% − discount) / 100%, rounded half up: all in integers, well under 2^53.
    out.textContent = inr(Math.floor((amount * (10000 - off) + 5000) / 10000));
  }

  base.addEventListener("input", update);
  discount.addEventListener("input", update);
  update();
}());
// Test: pytest tests/e2e/test_quotation_pages.py
