// app/static/quotation.js — the quotation builder: add and remove line rows, each line's amount and the total as you type (integer paise, half up, as the database rounds).
(function () {
  "use strict";
  var list = document.getElementById("line-list");
  var discount = document.getElementById("discount_percentage");
  var subtotalOut = document.getElementById("subtotal");
  var totalOut = document.getElementById("final-amount");
  var addButton = document.getElementById("add-line");
  if (!list || !discount || !totalOut) { return; }

  // "1499.5" -> 149950 (hundredths), or null when it is not a plain number with at most two decimals.
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

  function rows() { return Array.prototype.slice.call(list.querySelectorAll(".line-row")); }
  function field(row, name) { return row.querySelector("[name='item_" + name + "']"); }
  function blank(row) { return ["description", "quantity", "unit_price"].every(function (n) { return !field(row, n).value.trim(); }); }

  // A line's amount in paise: quantity (hundredths, 1 when empty) × price (paise) / 100, half up; null if unreadable.
  function lineAmount(row) {
    var qtyText = field(row, "quantity").value;
    var qty = qtyText.trim() === "" ? 100 : hundredths(qtyText);
    var price = hundredths(field(row, "unit_price").value);
    if (qty === null || price === null || qty === 0) { return null; }
    return Math.floor((qty * price + 50) / 100);
  }

  function update() {
    var sum = 0;
    var readable = true;
    var any = false;
    rows().forEach(function (row) {
      var out = row.querySelector(".line-total");
      if (blank(row)) { out.textContent = "—"; return; }
      var amount = lineAmount(row);
      out.textContent = amount === null ? "—" : inr(amount);
      if (amount === null) { readable = false; } else { sum += amount; any = true; }
    });
    var off = discount.value.trim() === "" ? 0 : hundredths(discount.value); // basis points (12.5% = 1250)
    if (!readable || !any || off === null || off > 10000) {
      totalOut.textContent = "—";
      if (subtotalOut) { subtotalOut.textContent = readable && any ? inr(sum) : "—"; }
      return;
    }
    if (subtotalOut) { subtotalOut.textContent = inr(sum); }
    totalOut.textContent = inr(Math.floor((sum * (10000 - off) + 5000) / 10000));
  }

  // Labels and ids follow the rows' order, so "Line 2" is always the second row on screen.
  function renumber() {
    rows().forEach(function (row, i) {
      ["description", "quantity", "unit_price"].forEach(function (name) {
        var input = field(row, name);
        var label = row.querySelector("label[for='" + input.id + "']");
        input.id = "item-" + i + "-" + name;
        if (label) {
          label.htmlFor = input.id;
          if (name === "description") { label.textContent = "Line " + (i + 1) + ": description"; }
        }
      });
      row.querySelector(".line-total").setAttribute("aria-label", "Line " + (i + 1) + " amount");
      var remove = row.querySelector(".remove-line");
      remove.querySelector(".visually-hidden").textContent = " line " + (i + 1);
      remove.hidden = rows().length < 2;
    });
  }

  function addRow() {
    var last = rows()[rows().length - 1];
    var row = last.cloneNode(true);
    Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) {
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    Array.prototype.forEach.call(row.querySelectorAll(".field-error"), function (p) { p.remove(); });
    list.appendChild(row);
    renumber();
    update();
    field(row, "description").focus();
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest(".remove-line");
    if (!button || rows().length < 2) { return; }
    var row = button.closest(".line-row");
    var index = rows().indexOf(row);
    row.remove();
    renumber();
    update();
    // Focus stays in the lines: the row that took its place, or the one before.
    var next = rows()[Math.min(index, rows().length - 1)];
    field(next, "description").focus();
  });
  // A field shown with the server's error is marked fixed once changed (the server checks it again on saving).
  document.getElementById("quotation-form").addEventListener("input", function (event) {
    var input = event.target;
    if (input.getAttribute("aria-invalid") !== "true") { return; }
    input.removeAttribute("aria-invalid");
    var error = document.getElementById("err-" + (input.name.indexOf("item_") === 0
      ? "items-" + rows().indexOf(input.closest(".line-row")) + "-" + input.name.slice(5) : input.name));
    if (error) {
      error.hidden = true;
      var rest = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== error.id; });
      if (rest.length) { input.setAttribute("aria-describedby", rest.join(" ")); } else { input.removeAttribute("aria-describedby"); }
    }
  });
  list.addEventListener("input", update);
  discount.addEventListener("input", update);
  if (addButton) {
    // With JavaScript a row is added here, without a round trip (the button posts the form without it).
    addButton.addEventListener("click", function (event) { event.preventDefault(); addRow(); });
  }
  renumber();
  update();
}());
// Test: pytest tests/e2e/test_quotation_items.py tests/e2e/test_quotation_pages.py
