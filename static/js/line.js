// The line screens' behaviour besides scanning (scanner.js) and the connection banner (threadline.js):
// scans queued one at a time, a failed send retried with the same idempotency key, and the idle timeout.
(function () {
  "use strict";

  // "Signed off" and "Step moved on" are said once, from the URL that brought us here: a reload
  // must not say them again.
  if (/[?&](signed_off|moved_from)=/.test(window.location.search) && window.history.replaceState) {
    window.history.replaceState(null, "", window.location.pathname);
  }

  // A page the browser restores from its back-forward cache is a copy of the past (its step may be
  // signed off, its keys used): never let it take a scan; ask the server for the page as it is now.
  // (The server also sends Cache-Control: no-store, which keeps most browsers from caching it at all.)
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  // --- Every step fits: stacked (portrait), a step whose instruction and controls do not fit the
  // screen keeps the first lines of its instruction, with a button to read the rest. The controls are
  // never collapsed; side by side (landscape) the instruction has its own column and stays whole. ---
  var SIDE_BY_SIDE = "(min-width: 1000px) and (min-aspect-ratio: 1/1)";
  function fitInstruction() {
    var instruction = document.getElementById("step-instruction");
    var toggle = document.querySelector("[data-instruction-toggle]");
    if (!instruction || !toggle) { return; }
    if (window.matchMedia(SIDE_BY_SIDE).matches) {  // its own column: always whole, nothing to toggle
      instruction.classList.remove("is-collapsed");
      toggle.hidden = true;
      return;
    }
    if (toggle.dataset.chosen) { toggle.hidden = false; return; }  // stacked: the operator's choice stands
    instruction.classList.remove("is-collapsed");
    var lines = instruction.getBoundingClientRect().height / (parseFloat(getComputedStyle(instruction).lineHeight) || 40);
    var tooMuch = !window.matchMedia(SIDE_BY_SIDE).matches && lines > 3.5 &&
      document.documentElement.scrollHeight > window.innerHeight;
    instruction.classList.toggle("is-collapsed", tooMuch);
    toggle.hidden = !tooMuch;
    toggle.setAttribute("aria-expanded", tooMuch ? "false" : "true");
    toggle.textContent = tooMuch ? toggle.dataset.more : toggle.dataset.less;
  }
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest ? event.target.closest("[data-instruction-toggle]") : null;
    var instruction = document.getElementById("step-instruction");
    if (!toggle || !instruction) { return; }
    toggle.dataset.chosen = "1";
    var collapsed = instruction.classList.toggle("is-collapsed");
    toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
    toggle.textContent = collapsed ? toggle.dataset.more : toggle.dataset.less;
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fitInstruction); }
  else { fitInstruction(); }
  window.addEventListener("resize", fitInstruction);
  window.addEventListener("load", fitInstruction);  // pictures change the height of the page

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
    if (busy || pending.length || resending) { queue.push(event.detail.text); return; }
    sendScan(event.detail.text);
  });

  // The next scan waits until the region holding the scan form was re-rendered (with a new key):
  // swapped as a request's target, or out of band (a step POST answers step-work beside the outcome).
  var REGIONS = ["step-work", "station-units", "sign-in-forms"];
  function isRegion(element) { return !!element && REGIONS.indexOf(element.id) >= 0; }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!isRegion(event.target) && !isRegion(event.detail && event.detail.target)) { return; }
    if (event.target && event.target.id === "step-work") { restoreTyped(); }
    busy = false;
    if (queue.length && !pending.length && !resending) { sendScan(queue.shift()); }
  });

  // A value typed but not yet sent survives a new step-work (a scan of the gauge, of a part, ...);
  // the value a successful result just recorded does not come back.
  var typed = {};
  var sentValue = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    var form = elt && elt.closest ? elt.closest("form[data-characteristic]") : null;
    if (!form) { return; }  // a keepalive or a help call between a result and its answer changes nothing
    var input = form.querySelector("input[name=value]");
    sentValue = input ? input.id : null;
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.status >= 400) { sentValue = null; }  // refused: the operator corrects what they typed
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "step-work") { return; }
    typed = {};
    target.querySelectorAll("input[name=value]").forEach(function (input) {
      if (input.value && input.id !== sentValue) { typed[input.id] = input.value; }
    });
  });
  function restoreTyped() {
    Object.keys(typed).forEach(function (id) {
      var input = document.getElementById(id);
      if (input && !input.value && !input.disabled) { input.value = typed[id]; }
    });
    typed = {};
    sentValue = null;
  }

  // A replayed answer (the first one was lost on the way) may be older than the line: read step-work again.
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var work = document.getElementById("step-work");
    if (!xhr || !work || !work.dataset.refreshUrl || !window.htmx) { return; }
    if (xhr.getResponseHeader("Idempotent-Replayed") !== "true") { return; }
    window.htmx.ajax("GET", work.dataset.refreshUrl, { target: "#step-work", swap: "outerHTML" });
  });

  // --- Retry: requests that never reached the server are sent again, oldest first, one at a time,
  // with what they carried (the same idempotency key): a later swap may have replaced their form. ---
  var pending = [];
  var resending = null;

  function snapshot(event) {
    var config = event.detail && event.detail.requestConfig;
    var elt = event.detail && event.detail.elt;
    var form = elt && (elt.closest ? elt.closest("form") : null);
    if (!config || !form || !form.hasAttribute("data-retry")) { return null; }
    var values = {};
    if (config.formData && config.formData.forEach) {
      config.formData.forEach(function (value, name) { values[name] = value; });
    }
    var target = config.target && config.target.id ? "#" + config.target.id : null;
    return { verb: config.verb, path: config.path, values: values, target: target,
             swap: form.getAttribute("hx-swap") || "innerHTML", key: values.idempotency_key || "" };
  }

  var RESEND = "X-Threadline-Resend";
  function isResend(event) {
    var config = event.detail && event.detail.requestConfig;
    return !!(resending && config && config.headers && config.headers[RESEND] === "1");
  }

  document.addEventListener("htmx:sendError", function (event) {
    if (isResend(event)) { pending.unshift(resending); resending = null; return; }  // still offline
    var request = snapshot(event);
    if (!request) { return; }
    var known = pending.some(function (item) { return item.key && item.key === request.key; });
    if (!known) { pending.push(request); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!isResend(event) || !xhr || xhr.status === 0) { return; }
    resending = null;  // it reached the server (whatever the answer): the next one may go
    setTimeout(retry, 0);
  });

  function retry() {
    if (resending || !pending.length || !navigator.onLine || !window.htmx) { return; }
    resending = pending.shift();
    var headers = {};
    headers[RESEND] = "1";
    var options = { source: document.body, values: resending.values, swap: resending.swap, headers: headers };
    if (resending.target && document.querySelector(resending.target)) { options.target = resending.target; }
    window.htmx.ajax(resending.verb.toUpperCase(), resending.path, options);
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
    document.addEventListener("htmx:afterRequest", function (event) {
      var elt = event.detail && event.detail.elt;
      if (elt && elt.hasAttribute && elt.hasAttribute("data-poll")) { return; }  // the screen asked, not a person
      lastKeepalive = Date.now();
      lastActivity = Date.now();
    });
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
