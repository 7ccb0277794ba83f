// The line screens' behaviour besides scanning (scanner.js) and the connection banner (threadline.js):
// scans queued one at a time, a failed send retried with the same idempotency key, and the idle timeout.
(function () {
  "use strict";

  // --- Scans: one request at a time; the next scan waits for the fresh form (and its new key). ---
  var queue = [];
  var busy = false;

  function scanForm() { return document.querySelector("form[data-scan-form]"); }

  function sendScan(text) {
    var form = scanForm();
    if (!form) { return; }
    var input = form.querySelector("[data-scan-input]");
    if (input) { input.value = text; }
    busy = true;
    if (window.htmx && form.hasAttribute("hx-post")) { window.htmx.trigger(form, "submit"); }
    else { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  }

  document.addEventListener("threadline:scan", function (event) {
    event.preventDefault();  // delivered here, not by scanner.js's fallback
    if (busy || pending) { queue.push(event.detail.text); return; }
    sendScan(event.detail.text);
  });

  // The next scan waits until the region holding the scan form was re-rendered (with a new key).
  var REGIONS = ["step-work", "station-units", "sign-in-forms"];
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || REGIONS.indexOf(target.id) < 0) { return; }
    busy = false;
    if (queue.length && !pending) { sendScan(queue.shift()); }
  });

  // After a POST on the step screen the server says "step-changed": reload the needs and actions.
  document.addEventListener("step-changed", function (event) {
    var work = document.getElementById("step-work");
    if (!work || !work.dataset.refreshUrl || !window.htmx) { busy = false; return; }
    var url = work.dataset.refreshUrl;
    var gauge = event.detail && event.detail.gauge;
    if (gauge) { url += "?gauge=" + encodeURIComponent(gauge); }
    var typed = {};  // a value typed before the gauge was scanned survives the refresh
    if (gauge) {
      work.querySelectorAll("input[name=value]").forEach(function (input) { if (input.value) { typed[input.id] = input.value; } });
    }
    window.htmx.ajax("GET", url, { target: "#step-work", swap: "outerHTML" }).then(function () {
      Object.keys(typed).forEach(function (id) {
        var input = document.getElementById(id);
        if (input && !input.value) { input.value = typed[id]; }
      });
    });
  });

  // --- Retry: a request that never reached the server is sent again, same form, same key. ---
  var pending = null;

  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && (elt.closest ? elt.closest("form") : null);
    if (form && form.hasAttribute("data-retry")) { pending = form; }
  });

  function retry() {
    if (!pending || !navigator.onLine) { return; }
    var form = pending;
    pending = null;
    if (!document.body.contains(form)) { return; }
    window.htmx.trigger(form, "submit");
  }
  window.addEventListener("online", function () { setTimeout(retry, 300); });
  setInterval(retry, 5000);

  // --- Idle timeout: warn, then sign everyone out (the server enforces the same limit). ---
  var idle = document.getElementById("idle");
  if (idle) {
    var timeout = parseInt(idle.dataset.idleTimeout, 10) * 1000;
    var warning = parseInt(idle.dataset.idleWarning, 10) * 1000;
    var keepaliveUrl = idle.dataset.keepaliveUrl;
    var dialog = document.getElementById("idle-warning");
    var seconds = dialog ? dialog.querySelector(".idle-seconds") : null;
    var lastActivity = Date.now();
    var lastKeepalive = Date.now();

    var keepalive = function () {
      lastKeepalive = Date.now();
      if (window.htmx) { window.htmx.ajax("POST", keepaliveUrl, { source: document.body, swap: "none" }); }
    };
    var activity = function () {
      lastActivity = Date.now();
      if (dialog && !dialog.hidden) { dialog.hidden = true; keepalive(); }
      else if (Date.now() - lastKeepalive > Math.min(60000, timeout / 3)) { keepalive(); }
    };
    ["pointerdown", "keydown"].forEach(function (name) { document.addEventListener(name, activity, true); });
    document.addEventListener("htmx:afterRequest", function () { lastKeepalive = Date.now(); lastActivity = Date.now(); });
    var stay = document.getElementById("idle-stay");
    if (stay) { stay.addEventListener("click", function () { dialog.hidden = true; keepalive(); }); }

    setInterval(function () {
      var left = timeout - (Date.now() - lastActivity);
      if (left <= 0) {
        var form = document.getElementById("idle-form");
        if (form) { form.submit(); }
        return;
      }
      if (dialog && left <= warning) {
        dialog.hidden = false;
        if (seconds) { seconds.textContent = String(Math.ceil(left / 1000)); }
      }
    }, 1000);
  }
})();
