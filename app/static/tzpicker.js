// app/static/tzpicker.js — a searchable time-zone combobox (WAI-ARIA list autocomplete) over the server's IANA names.
// The page lists every accepted name in a <datalist> (app/schemas_tz.py); this turns it into a labelled, filtered
// list: "Dubai — Gulf Standard Time (UTC+04:00)". The chosen IANA name goes to a hidden input; onChange is told.
(function () {
  "use strict";
  var ALIASES = { "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Saigon": "Asia/Ho_Chi_Minh",
                  "Asia/Rangoon": "Asia/Yangon", "Europe/Kiev": "Europe/Kyiv", "Etc/UTC": "UTC", "Etc/GMT": "UTC" };

  // Minutes east of UTC at this instant, from the zone's wall clock (no dependence on Intl's offset styles).
  function offsetMinutes(zone, when) {
    var v = {};
    new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit" }).formatToParts(when).forEach(function (p) { v[p.type] = Number(p.value); });
    var wall = Date.UTC(v.year, v.month - 1, v.day, v.hour % 24, v.minute);
    return Math.round((wall - Math.floor(when.getTime() / 60000) * 60000) / 60000);
  }
  function utcLabel(minutes) {
    var sign = minutes < 0 ? "−" : "+", m = Math.abs(minutes);
    return "UTC" + sign + String(Math.floor(m / 60)).padStart(2, "0") + ":" + String(m % 60).padStart(2, "0");
  }
  function longName(zone, when) {
    try {
      var parts = new Intl.DateTimeFormat("en-IN", { timeZone: zone, timeZoneName: "long" }).formatToParts(when);
      for (var i = 0; i < parts.length; i++) { if (parts[i].type === "timeZoneName") { return parts[i].value; } }
    } catch (e) { /* an engine without the zone: the name alone */ }
    return "";
  }
  // A zone's place: its last part (Asia/Dubai: Dubai); an old country-named link keeps its country (US/Eastern:
  // US Eastern), as "Eastern" alone names no place.
  var AREAS = /^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)\//;
  function city(zone) {
    if (zone === "UTC") { return "UTC"; }
    return (AREAS.test(zone) ? zone.split("/").pop() : zone.replace(/\//g, " ")).replace(/_/g, " ");
  }

  // One zone's words: its city, the zone's long name (unless it is only "GMT+4"), and its offset now.
  function describe(zone, when) {
    var offset = offsetMinutes(zone, when), name = longName(zone, when);
    var label = city(zone) + (name && !/^GMT/.test(name) ? " — " + name : "") + " (" + utcLabel(offset) + ")";
    return { zone: zone, offset: offset, label: label, search: (label + " " + zone.replace(/_/g, " ")).toLowerCase() };
  }

  function browserZone() {
    var z = null;
    try { z = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { z = null; }
    return ALIASES[z] || z;
  }

  window.NakkshaZonePicker = function (input, hidden, datalist, onChange) {
    var now = new Date();
    var zones = Array.prototype.map.call(datalist.options, function (o) { return o.value; });
    var known = {};
    zones.forEach(function (z) { known[z] = true; });
    var items = zones.map(function (z) { return describe(z, now); });
    items.sort(function (a, b) { return a.offset - b.offset || a.label.localeCompare(b.label); });
    var byZone = {};
    items.forEach(function (it) { byZone[it.zone] = it; });

    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.id = input.id + "-list";
    list.className = "tz-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Time zones");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.parentNode.appendChild(list);
    var shown = [], active = -1, current = null;

    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function mark() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      if (active >= 0 && list.children[active]) {
        input.setAttribute("aria-activedescendant", list.children[active].id);
        list.children[active].scrollIntoView({ block: "nearest" });
      } else { input.removeAttribute("aria-activedescendant"); }
    }
    function open(query) {
      var q = (query || "").trim().toLowerCase().replace(/_/g, " ");
      // Matches where what was typed starts a word (of the city, the zone's long name or its IANA name) come
      // first, then matches inside a word ("ist" finds Istanbul before Christmas Island); each group in offset order.
      if (q) {
        var starts = [], inside = [];
        items.forEach(function (it) {
          var at = it.search.indexOf(q);
          if (at === -1) { return; }
          (at === 0 || /[\s(—\/-]/.test(it.search.charAt(at - 1)) ? starts : inside).push(it);
        });
        shown = starts.concat(inside);
      } else { shown = items; }
      list.innerHTML = "";
      shown.forEach(function (it, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.zone = it.zone;
        li.textContent = it.label + " ";
        var id = document.createElement("span");
        id.className = "tz-id";
        id.textContent = it.zone;  // tells apart two cities of one name (America/Indianapolis, America/Indiana/…)
        li.appendChild(id);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep focus in the input
        li.addEventListener("click", function () { choose(it.zone, true); });
        list.appendChild(li);
      });
      if (!shown.length) {
        var none = document.createElement("li");
        none.className = "none"; none.setAttribute("role", "option"); none.setAttribute("aria-disabled", "true");
        none.id = list.id + "-none"; none.textContent = "No time zone matches “" + query.trim() + "”.";
        list.appendChild(none);
      }
      active = q && shown.length ? 0 : -1;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark();
    }
    function choose(zone, tell) {
      current = zone;
      hidden.value = zone;
      input.value = byZone[zone] ? byZone[zone].label : zone;
      close();
      if (tell && onChange) { onChange(zone); }
    }

    input.addEventListener("input", function () { open(input.value); });
    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("click", function () { if (list.hidden) { open(""); } });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) { open(""); }
        var n = shown.length;
        if (!n) { return; }
        active = e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1);
        mark();
      } else if (e.key === "Enter") {
        if (!list.hidden && active >= 0 && shown[active]) { e.preventDefault(); choose(shown[active].zone, true); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { e.preventDefault(); close(); input.value = byZone[current] ? byZone[current].label : current; }
      }
    });
    input.addEventListener("blur", function () {
      // Typed an exact IANA name: take it; anything else goes back to the zone in use.
      var typed = input.value.trim();
      close();
      if (known[typed] && typed !== current) { choose(typed, true); return; }
      input.value = byZone[current] ? byZone[current].label : current;
    });

    var start = browserZone();
    choose(start && known[start] ? start : (known[hidden.dataset.fallback] ? hidden.dataset.fallback : "Asia/Kolkata"), false);
    return { zone: function () { return current; }, label: function (z) { return byZone[z] ? byZone[z].label : z; },
             city: city };
  };
}());
// Test: pytest tests/e2e/test_booking_flow.py
