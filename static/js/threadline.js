// Threadline's only script besides htmx: connection state and small conveniences.
// No inline script anywhere (the Content-Security-Policy forbids it).
(function () {
  "use strict";

  function setOffline(offline) {
    var banner = document.getElementById("network-banner");
    if (banner) { banner.hidden = !offline; }
    document.body.classList.toggle("is-offline", offline);
    document.querySelectorAll("[data-needs-network]").forEach(function (el) {
      if (offline) { el.setAttribute("disabled", ""); el.dataset.disabledByNetwork = "1"; }
      else if (el.dataset.disabledByNetwork) { delete el.dataset.disabledByNetwork; if (!el.dataset.disabledByServer) { el.removeAttribute("disabled"); } }
    });
  }

  window.addEventListener("offline", function () { setOffline(true); });
  window.addEventListener("online", function () { setOffline(false); });
  document.addEventListener("htmx:sendError", function () { setOffline(true); });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail && event.detail.xhr && event.detail.xhr.status > 0) { setOffline(false); }
  });
  document.addEventListener("DOMContentLoaded", function () { if (!navigator.onLine) { setOffline(true); } });

  window.Threadline = { setOffline: setOffline };
})();
