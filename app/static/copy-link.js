// app/static/copy-link.js — "Copy link" buttons: the clipboard API where it is available, else the selected text copied the old way, else selected for the person to copy; "Copied" said aloud and shown.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-target]"), function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    var label = button.textContent;
    var timer = null;
    if (!input || !status) { return; }
    button.hidden = false;  // without JavaScript the field alone shows (select it to copy)

    function say(text, bad) {
      status.textContent = text;
      status.className = "copy-status" + (bad ? " bad" : "");
      button.textContent = bad ? label : "Copied ✓";
      clearTimeout(timer);
      timer = setTimeout(function () { button.textContent = label; status.textContent = ""; }, 4000);
    }

    function fallback() {
      input.focus();
      input.select();
      input.setSelectionRange(0, input.value.length);
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      if (done) { say("Copied — the link is on your clipboard."); }
      else { say("Press Ctrl+C (⌘C on a Mac) to copy the selected link.", true); }
    }

    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () {
          say("Copied — the link is on your clipboard.");
        }, fallback);
      } else {
        fallback();
      }
    });
  });
}());
// Test: pytest tests/e2e/test_quotation_items.py
