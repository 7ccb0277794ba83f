// Wedge-scanner capture for the line screens: a scan anywhere on the page, with no field to focus.
//
// A barcode scanner "types" its text much faster than a person (a few ms per key) and ends
// with Enter. Keys are collected until a pause longer than PAUSE_MS; an Enter that ends a
// burst of at least MIN_LENGTH keys whose *median* gap is under MAX_GAP_MS is a scan (the
// median, not every gap: a busy tablet or USB polling may delay a few keys, and a scan must
// not be cut in two by one late key; a person's median gap is well over 100 ms). The text goes to the page's
// `form[data-scan-form]` (its `[data-scan-input]` field) and the form is submitted. Slow
// keys are typing, and are left alone. The raw text is sent as read (GS included, typed by
// most scanners as Ctrl+]); the server parses GS1 element strings, symbology identifiers and
// the configured GS replacement characters. No inline script: CSP forbids it.
(function () {
  "use strict";

  var MAX_GAP_MS = 35;
  var PAUSE_MS = 600;
  var MIN_LENGTH = 4;
  var GS = "\u001d";

  var buffer = "";
  var gaps = [];
  var lastTime = 0;
  var target = null;        // the editable element the burst was typed into, if any
  var targetValue = null;   // its value before the burst, restored when the burst is a scan

  function isEditable(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable);
  }

  function reset() { buffer = ""; gaps = []; target = null; targetValue = null; }

  function median(values) {
    if (!values.length) { return Infinity; }
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    return sorted[Math.floor(sorted.length / 2)];
  }

  // A person may type a few keys just before scanning (a value, then the gauge). `gaps[i]` is the
  // gap before `text[i + 1]` (the last one before Enter). When the keys before the last slow gap
  // are not themselves a fast run (a scanner delayed once in mid-label is), they were typed: the
  // scan is what follows that gap, and the typed keys stay where they were typed.
  function splitTyped(text, gaps) {
    var slow = -1;
    for (var i = 0; i < text.length - 1; i++) { if (gaps[i] >= MAX_GAP_MS) { slow = i; } }
    if (slow >= 0) {
      var typed = text.slice(0, slow + 1);
      var fastBefore = typed.length >= 2 && median(gaps.slice(0, slow)) < MAX_GAP_MS;
      if (!fastBefore && text.length - (slow + 1) >= MIN_LENGTH) {
        return { typed: typed, scan: text.slice(slow + 1), gaps: gaps.slice(slow + 1) };
      }
    }
    return { typed: "", scan: text, gaps: gaps };
  }

  function characterOf(event) {
    if (event.key === GS || (event.ctrlKey && (event.key === "]" || event.code === "BracketRight"))) { return GS; }
    if (event.ctrlKey || event.altKey || event.metaKey) { return null; }
    return event.key && event.key.length === 1 ? event.key : null;
  }

  function deliver(text) {
    var detail = { text: text };
    var accepted = document.dispatchEvent(new CustomEvent("threadline:scan", { detail: detail, cancelable: true }));
    if (!accepted) { return; }
    var form = document.querySelector("form[data-scan-form]");
    if (!form) { return; }
    var input = form.querySelector("[data-scan-input]");
    if (input) { input.value = text; }
    if (window.htmx && form.hasAttribute("hx-post")) { window.htmx.trigger(form, "submit"); }
    else if (form.requestSubmit) { form.requestSubmit(); }
    else { form.submit(); }
  }

  document.addEventListener("keydown", function (event) {
    var now = event.timeStamp || performance.now();
    var gap = now - lastTime;
    lastTime = now;
    if (event.key === "Enter") {
      var burst = splitTyped(buffer, gaps.concat([gap]));
      var text = burst.scan;
      var wasTarget = target;
      var before = targetValue;
      var isScan = text.length >= MIN_LENGTH && median(burst.gaps) < MAX_GAP_MS;
      reset();
      if (!isScan) { return; }
      event.preventDefault();
      event.stopPropagation();
      if (wasTarget && before !== null && !wasTarget.hasAttribute("data-scan-input")) {
        wasTarget.value = before + burst.typed;  // what the person typed stays; the scan does not
      }
      deliver(text);
      return;
    }
    var character = characterOf(event);
    if (character === null) {
      // Modifiers come with GS (Ctrl+]) and capitals (Shift): they do not break a burst.
      if (["Shift", "Control", "Alt", "AltGraph", "Meta"].indexOf(event.key) < 0) { reset(); }
      return;
    }
    if (gap > PAUSE_MS || buffer === "") {
      // After a pause a new burst begins: it may be the first key of a scan, or a person typing.
      reset();
      target = isEditable(event.target) ? event.target : null;
      targetValue = target ? target.value : null;
    } else {
      gaps.push(gap);
    }
    buffer += character;
    if (!isEditable(event.target) || character === GS) {
      // Nothing to type into (or GS, which no field should receive): keep the key from scrolling the page.
      event.preventDefault();
    }
  }, true);

  window.ThreadlineScanner = { MAX_GAP_MS: MAX_GAP_MS, PAUSE_MS: PAUSE_MS, MIN_LENGTH: MIN_LENGTH };
})();
