// app/static/booking.js — the booking flow on a consultant's page: type, time zone, day, time, details, payment.
// Talks to the public JSON API; a time taken meanwhile shows a message and fresh times, never an error page.
// Times are the visitor's own first (their zone from tzpicker.js), the consultant's second.
(function () {
  "use strict";
  var root = document.getElementById("booking");
  if (!root) { return; }
  var slug = root.dataset.slug;
  var consultantTz = root.dataset.consultantTz, consultantName = root.dataset.consultantName;
  var daysEl = document.getElementById("days");
  var timesEl = document.getElementById("times");
  var message = document.getElementById("book-message");
  var stepTime = document.getElementById("step-time");
  var stepDetails = document.getElementById("step-details");
  var chosenEl = document.getElementById("chosen");
  var payButton = document.getElementById("pay-button");
  var weekPrev = document.getElementById("week-prev");
  var weekNext = document.getElementById("week-next");
  var weekLabel = document.getElementById("week-label");
  // Free times are fetched a week at a time (the days shown), in the visitor's zone: `from` is the local
  // midnight the week starts at; `next` is the server's word on whether anything can be booked after it.
  var WEEK = 7, SEARCH_WEEKS = 8;
  var state = { type: "personal", slots: [], day: null, slot: null, key: null, from: null, next: null, seq: 0,
               busy: false };

  function say(text, kind) {
    message.innerHTML = "";
    if (!text) { return; }
    var div = document.createElement("div");
    div.className = "notice " + (kind || "info");
    div.textContent = text;
    message.appendChild(div);
  }

  function inr(amount, currency) {
    var value = Number(amount);
    if (currency && currency !== "INR") { return currency + " " + value.toFixed(2); }
    return new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", minimumFractionDigits: 2 }).format(value);
  }

  // The visitor's zone: the browser's, preselected; any IANA name can be searched for and chosen.
  var picker = window.NakkshaZonePicker(document.getElementById("tz-search"), document.getElementById("tz"),
    document.getElementById("tz-names"), function () { state.day = null; load(dayStart(new Date()), SEARCH_WEEKS); });
  function zone() { return picker.zone(); }
  function dayKey(iso) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone(), year: "numeric", month: "2-digit", day: "2-digit" })
      .format(new Date(iso));
  }
  function dayLabel(iso) {
    return new Intl.DateTimeFormat("en-IN", { timeZone: zone(), weekday: "short", day: "numeric", month: "short" })
      .format(new Date(iso));
  }
  function timeLabel(iso, tz) {
    return new Intl.DateTimeFormat("en-IN", { timeZone: tz || zone(), hour: "numeric", minute: "2-digit", hour12: true })
      .format(new Date(iso));
  }
  // "10:00 am your time (Asia/Dubai) · 11:30 am for Asha (Asia/Kolkata)"; one zone when both are the same.
  function bothTimes(iso) {
    if (zone() === consultantTz) { return timeLabel(iso) + " (" + zone() + ", also " + consultantName + "'s time)"; }
    var theirs = timeLabel(iso, consultantTz);
    if (dayKey(iso) !== new Intl.DateTimeFormat("en-CA", { timeZone: consultantTz, year: "numeric", month: "2-digit",
      day: "2-digit" }).format(new Date(iso))) {
      theirs = new Intl.DateTimeFormat("en-IN", { timeZone: consultantTz, weekday: "short", day: "numeric", month: "short" })
        .format(new Date(iso)) + ", " + theirs;
    }
    return timeLabel(iso) + " your time (" + zone() + ") · " + theirs + " for " + consultantName + " (" + consultantTz + ")";
  }
  function zoneName(iso) {
    var parts = new Intl.DateTimeFormat("en-IN", { timeZone: zone(), timeZoneName: "short" }).formatToParts(new Date(iso));
    for (var i = 0; i < parts.length; i++) { if (parts[i].type === "timeZoneName") { return parts[i].value; } }
    return zone();
  }
  function longLabel(iso) {
    return new Intl.DateTimeFormat("en-IN", { timeZone: zone(), weekday: "long", day: "numeric", month: "long",
      year: "numeric", hour: "numeric", minute: "2-digit", hour12: true }).format(new Date(iso)) + " " + zoneName(iso);
  }

  // Calendar days in the chosen zone. Intl gives the wall time at an instant; the instant a local date starts
  // is found from the zone's offset (twice, so a DST change on that day settles).
  function wallParts(instant) {
    var v = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone(), hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(instant)
      .forEach(function (p) { v[p.type] = Number(p.value); });
    return v;
  }
  function offsetMs(instant) {
    var v = wallParts(instant);
    return Date.UTC(v.year, v.month - 1, v.day, v.hour % 24, v.minute, v.second) - Math.floor(instant.getTime() / 1000) * 1000;
  }
  function dayStart(instant, plusDays) {
    var v = wallParts(instant);
    var guess = Date.UTC(v.year, v.month - 1, v.day + (plusDays || 0));
    var t = guess - offsetMs(new Date(guess));
    return new Date(guess - offsetMs(new Date(t)));
  }
  function shortDay(date) {
    return new Intl.DateTimeFormat("en-IN", { timeZone: zone(), weekday: "short", day: "numeric", month: "short" }).format(date);
  }

  function button(text, pressed, onClick, extra) {
    var b = document.createElement("button");
    b.type = "button";
    if (typeof text === "string") { b.textContent = text; } else { text.forEach(function (n) { b.appendChild(n); }); }
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    if (extra) { b.setAttribute("aria-label", extra); }
    b.addEventListener("click", onClick);
    return b;
  }

  function weekEnd() { return dayStart(state.from, WEEK); }

  // The day strip scrolls sideways; its arrows scroll it a screenful, and at either end move a week.
  function atStart() { return daysEl.scrollLeft <= 1; }
  function atEnd() { return daysEl.scrollLeft + daysEl.clientWidth >= daysEl.scrollWidth - 1; }
  function renderNav() {
    var last = dayStart(state.from, WEEK - 1);
    weekLabel.textContent = shortDay(state.from) + " – " + shortDay(last);
    weekPrev.disabled = state.busy || (atStart() && state.from.getTime() <= dayStart(new Date()).getTime());
    weekNext.disabled = state.busy || (atEnd() && !state.next);
  }
  daysEl.addEventListener("scroll", function () { if (!state.busy) { renderNav(); } });
  function span(cls, text) { var e = document.createElement("span"); e.className = cls; e.textContent = text; return e; }

  function render() {
    var byDay = {}, order = [];
    state.slots.forEach(function (s) {
      var k = dayKey(s.starts_at);
      if (!byDay[k]) { byDay[k] = []; order.push(k); }
      byDay[k].push(s);
    });
    daysEl.innerHTML = ""; timesEl.innerHTML = "";
    document.getElementById("times-zone").textContent = "";
    renderNav();
    if (!order.length) {
      daysEl.innerHTML = '<p class="muted small">' + (state.searched || !state.next
        ? "No free times in the coming weeks. Please check again later."
        : "No free times these days. Try later days.") + "</p>";
      return;
    }
    if (!state.day || !byDay[state.day]) { state.day = order[0]; }
    order.forEach(function (k) {
      var when = new Date(byDay[k][0].starts_at), fmt = function (o) {
        return new Intl.DateTimeFormat("en-IN", Object.assign({ timeZone: zone() }, o)).format(when);
      };
      var b = button([span("dow", fmt({ weekday: "short" })), span("dom", fmt({ day: "numeric", month: "short" }))],
        k === state.day, function () {
          state.day = k; render();
          var now = daysEl.querySelector('[aria-pressed="true"]');
          if (now) { now.focus(); }
        },
        fmt({ weekday: "long", day: "numeric", month: "long" }) + ", " + byDay[k].length + (byDay[k].length === 1 ? " free time" : " free times"));
      b.dataset.day = k;
      daysEl.appendChild(b);
    });
    var first = byDay[state.day][0].starts_at;
    document.getElementById("times-zone").textContent = "Times in your zone: " + picker.label(zone()) +
      (zone() === consultantTz ? ", the same as " + consultantName + "'s." : ". " + consultantName + " is in " +
       picker.city(consultantTz) + " (" + consultantTz + "): your " + timeLabel(first) + " is " +
       timeLabel(first, consultantTz) + " for " + consultantName + ".");
    byDay[state.day].forEach(function (s) {
      var label = timeLabel(s.starts_at) + (s.session_type === "webinar" ? " · " + s.remaining + " seats" : "");
      var b = button(label, false, function () { choose(s); },
        "Book " + longLabel(s.starts_at) + (zone() === consultantTz ? "" : " (" + timeLabel(s.starts_at, consultantTz) +
        " for " + consultantName + ")"));
      timesEl.appendChild(b);
    });
    var pressed = daysEl.querySelector('[aria-pressed="true"]');
    if (state.toEnd) { daysEl.scrollLeft = daysEl.scrollWidth; state.toEnd = false; }
    else if (pressed && (pressed.offsetLeft < daysEl.scrollLeft ||
             pressed.offsetLeft + pressed.offsetWidth > daysEl.scrollLeft + daysEl.clientWidth)) {
      daysEl.scrollLeft = pressed.offsetLeft - daysEl.offsetLeft;
    }
    renderNav();
  }

  // One range of free times; the server may end its answer early (a very full week): then the rest follows.
  function fetchRange(from, to, into) {
    var url = "/api/v1/public/consultants/" + encodeURIComponent(slug) + "/slots?type=" + state.type +
      "&from=" + encodeURIComponent(from.toISOString()) + "&to=" + encodeURIComponent(to.toISOString());
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error("slots " + r.status); }
      return r.json();
    }).then(function (body) {
      into.push.apply(into, body.items || []);
      if (body.next && new Date(body.to) < to) { return fetchRange(new Date(body.next.from), to, into); }
      return body.next;
    });
  }

  // The week starting at `from`; with `search`, an empty week moves on by itself (a few weeks at most) so the
  // visitor first sees the nearest free times.
  function load(from, search, chained) {
    var token = ++state.seq;
    state.searched = search > 0 || Boolean(chained);
    state.busy = true;
    state.from = from || state.from || dayStart(new Date());
    daysEl.innerHTML = '<p class="muted small">Loading free times…</p>'; timesEl.innerHTML = "";
    renderNav();
    var items = [];
    return fetchRange(state.from, weekEnd(), items).then(function (next) {
      if (token !== state.seq) { return; }  // a newer request (another week, type or zone) won
      state.next = next;
      if (!items.length && next && search > 0) { return load(weekEnd(), search - 1, true); }
      state.busy = false;
      state.slots = items;
      render();
    }).catch(function () {
      if (token !== state.seq) { return; }
      state.busy = false; renderNav();
      say("We could not load free times. Check your connection and reload the page.", "bad");
    });
  }

  weekPrev.addEventListener("click", function () {
    if (!atStart()) { daysEl.scrollBy({ left: -Math.max(daysEl.clientWidth * 0.8, 60) }); return; }
    var back = dayStart(state.from, -WEEK), today = dayStart(new Date());
    state.day = null; state.toEnd = true; load(back < today ? today : back, 0);
  });
  weekNext.addEventListener("click", function () {
    if (!atEnd()) { daysEl.scrollBy({ left: Math.max(daysEl.clientWidth * 0.8, 60) }); return; }
    state.day = null; load(weekEnd(), 0);
  });

  function price() {
    return state.type === "webinar" ? root.dataset.webinarPrice : root.dataset.personalPrice;
  }

  function choose(slot) {
    state.slot = slot;
    state.key = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
    var title = state.type === "webinar" ? root.dataset.webinarTitle : root.dataset.personalTitle;
    var p = price();
    var minutes = Math.round((new Date(slot.ends_at) - new Date(slot.starts_at)) / 60000);
    chosenEl.innerHTML = "";
    var head = document.createElement("strong");
    head.textContent = title + " · " + minutes + " min · " + (Number(p) > 0 ? inr(p, root.dataset.currency) : "Free");
    var when = document.createElement("div");
    when.id = "chosen-when";
    when.textContent = dayLabel(slot.starts_at) + " · " + bothTimes(slot.starts_at);
    chosenEl.appendChild(head); chosenEl.appendChild(when);
    payButton.textContent = Number(p) > 0 ? "Continue to pay " + inr(p, root.dataset.currency) : "Confirm booking";
    stepTime.hidden = true; stepDetails.hidden = false; say("");
    document.getElementById("client-name").focus();
  }

  document.getElementById("back-button").addEventListener("click", function () {
    stepDetails.hidden = true; stepTime.hidden = false; say("");
  });
  Array.prototype.forEach.call(document.querySelectorAll('input[name="session_type"]'), function (input) {
    input.addEventListener("change", function () {
      state.type = input.value; state.day = null; load(dayStart(new Date()), SEARCH_WEEKS);
    });
  });

  function managePath(url) { try { return new URL(url).pathname; } catch (e) { return url; } }

  function pay(booking) {
    var path = managePath(booking.manage_url);
    var checkout = booking.checkout;
    if (checkout.checkout_url) {   // the local gateway (development): its page returns here signed
      window.location.assign(checkout.checkout_url + "?return_to=" + encodeURIComponent(path));
      return;
    }
    if (!window.Razorpay) {
      say("The payment window could not open. Your time is held: pay from your booking page.", "warn");
      window.location.assign(path);
      return;
    }
    var rzp = new window.Razorpay({
      key: checkout.key_id, order_id: checkout.order_id, amount: checkout.amount, currency: checkout.currency,
      name: checkout.name, description: checkout.description, prefill: checkout.prefill, notes: checkout.notes,
      handler: function (answer) {
        window.location.assign(path + "?razorpay_order_id=" + encodeURIComponent(answer.razorpay_order_id) +
          "&razorpay_payment_id=" + encodeURIComponent(answer.razorpay_payment_id) +
          "&razorpay_signature=" + encodeURIComponent(answer.razorpay_signature));
      },
      modal: { ondismiss: function () { window.location.assign(path); } }
    });
    rzp.open();
  }

  // Every problem with the details at once, each beside its field in plain words; what was typed stays.
  var FIELDS = { name: "client-name", email: "client-email", phone: "client-phone", notes: "client-notes",
                 state_code: "billing-state_code", country: "billing-country", gstin: "billing-gstin",
                 billing_name: "billing-billing_name", address: "billing-address", postal_code: "billing-postal_code" };
  function fieldError(name, text) {
    var input = document.getElementById(FIELDS[name]), out = document.getElementById(FIELDS[name] + "-error");
    if (!input) { return; }  // a free page has no billing fields
    if (text && input.closest("details")) { input.closest("details").open = true; }
    out.textContent = text || ""; out.hidden = !text;
    input.closest(".field").classList.toggle("invalid", Boolean(text));
    if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }
  function checkDetails(client, phone, billing, place) {
    var errors = {};
    if (!client.name) { errors.name = "Please enter your name."; }
    if (!client.email) { errors.email = "Please enter your email address: the confirmation goes there."; }
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/.test(client.email)) {
      errors.email = "This does not look like an email address. Check it reads like name@example.com.";
    }
    var digits = phone.replace(/[\s()\-]/g, "");
    if (phone && !/^\+?\d{6,15}$/.test(digits)) {
      errors.phone = "Use 6 to 15 digits, with a + and the country code if you like (spaces and hyphens are fine).";
    }
    // A regular-scheme consultant's paid session: the tax invoice names the client's address (GST rule 46).
    var billingBox = document.getElementById("billing");
    var paidTypes = billingBox ? String(billingBox.getAttribute("data-paid-types") || "").split(/\s+/) : [];
    if (paidTypes.indexOf(state.type) >= 0) {
      if (!place) { errors.state_code = "Choose your State (or Outside India): it decides the GST on your invoice."; }
      if (!billing.address) { errors.address = "Enter your address: the tax invoice names it."; }
      if (place !== "abroad" && !billing.postal_code) { errors.postal_code = "Enter your six-digit PIN code."; }
    }
    // "Outside India" means a country, on every page (else the server would read the details as India's).
    if (place === "abroad" && !billing.country) { errors.country = "Enter your country's two letters, like US."; }
    if (billing.postal_code && billing.state_code && !/^[1-9]\d{5}$/.test(billing.postal_code)) {
      errors.postal_code = "A PIN code is six digits, like 560001.";
    }
    return errors;
  }
  function showErrors(errors) {
    Object.keys(FIELDS).forEach(function (name) { fieldError(name, errors[name]); });
    var names = Object.keys(FIELDS).filter(function (n) { return errors[n]; });
    if (names.length) {
      say(names.length === 1 ? "One detail needs fixing; it is marked below." : names.length + " details need fixing; they are marked below.", "bad");
      document.getElementById(FIELDS[names[0]]).focus();
    }
    return names.length > 0;
  }
  // The server's word on a field (client.email, notes, …) in the same place, in plain words.
  var PLAIN = { email: "This address cannot receive mail. Check it, or use another one.",
                phone: "Use 6 to 15 digits, with a + and the country code if you like.", name: "Please enter your name." };
  function serverFieldError(err) {
    var name = String(err.field || "").replace(/^(client|billing)\./, "");
    if (!FIELDS[name]) { return false; }
    var errors = {};
    errors[name] = PLAIN[name] || String(err.message || "").replace(/^[\w.]+: /, "");
    return showErrors(errors);
  }

  var placeSelect = document.getElementById("billing-state_code");
  if (placeSelect) {
    placeSelect.addEventListener("change", function () {
      document.getElementById("field-country").hidden = placeSelect.value !== "abroad";
      // A PIN is digits; a postal code abroad may have letters (a phone shows the keyboard that fits).
      var pin = document.getElementById("billing-postal_code");
      if (pin) { pin.setAttribute("inputmode", placeSelect.value === "abroad" ? "text" : "numeric"); }
    });
  }

  stepDetails.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = new FormData(stepDetails);
    var client = { name: String(form.get("name") || "").trim(), email: String(form.get("email") || "").trim() };
    var phone = String(form.get("phone") || "").trim();
    if (phone) { client.phone = phone; }
    // For the GST invoice: the State (or a country abroad), the address and PIN code, a GSTIN, the name to invoice.
    var billing = {}, place = String(form.get("billing_state") || "");
    if (place === "abroad") { billing.country = String(form.get("billing_country") || "").trim().toUpperCase(); }
    else if (place) { billing.state_code = place; }
    [["gstin", "billing_gstin"], ["billing_name", "billing_name"], ["address", "billing_address"],
     ["postal_code", "billing_postal_code"]].forEach(function (pair) {
      var value = String(form.get(pair[1]) || "").trim();
      if (value) { billing[pair[0]] = value; }
    });
    if (showErrors(checkDetails(client, phone, billing, place))) { return; }
    var body = { slot_id: state.slot.slot_id, session_type: state.type, client: client, timezone: zone() };
    var notes = String(form.get("notes") || "").trim();
    if (notes) { body.notes = notes; }
    if (Object.keys(billing).length) { body.billing = billing; }
    payButton.disabled = true;
    say("Booking your time…");
    fetch("/api/v1/public/consultants/" + encodeURIComponent(slug) + "/bookings", {
      method: "POST", headers: { "Content-Type": "application/json", "Idempotency-Key": state.key },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (b) { return { status: r.status, body: b, retryAfter: r.headers.get("Retry-After") }; });
    })
      .then(function (r) {
        payButton.disabled = false;
        if (r.status === 200 || r.status === 201) {
          if (r.body.next_step === "pay") { say("Opening the payment…"); pay(r.body); }
          else { window.location.assign(managePath(r.body.manage_url) + "?done=booked"); }
          return;
        }
        var err = r.body.error || {};
        if (r.status === 409 && err.code !== "idempotency_key_in_use") {
          say("Sorry — that time was just taken. Here are the times still free.", "warn");
          stepDetails.hidden = true; stepTime.hidden = false; load(state.from, 0);
        } else if (r.status === 429) {
          var wait = Math.ceil(Number(r.retryAfter || 60) / 60);
          say((err.message || "Too many bookings just now.") + " You can try again in about " + wait +
            (wait === 1 ? " minute." : " minutes."), "bad");
        } else if (r.status === 422 && serverFieldError(err)) {
          return;
        } else if (r.status === 422) {
          say(String(err.message || "Please check your details.").replace(/^[\w.]+: /, ""), "bad");
        } else {
          say(err.message || "Something went wrong. Please try again.", "bad");
        }
      })
      .catch(function () { payButton.disabled = false; say("We could not reach Nakksha. Check your connection and try again.", "bad"); });
  });

  load(dayStart(new Date()), SEARCH_WEEKS);
}());
// Test: pytest tests/e2e/test_booking_flow.py
