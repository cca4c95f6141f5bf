/* The progress bar of a background job: a large ledger upload checked or imported, or a large export.

   The page carries a <progress data-progress-url> element; this script asks that
   URL (a small JSON answer: running, percent, text) every second and moves the
   bar. When the background run has ended the page is loaded again, and shows
   the preview or the result. Without this script the page says the same on
   each reload. No inline script: the CSP allows only our own files. */
(function () {
  "use strict";

  var INTERVAL_MS = 1000;
  var bar = document.querySelector("progress[data-progress-url]");
  if (!bar) { return; }
  var label = document.getElementById(bar.getAttribute("aria-describedby"));

  function show(data) {
    if (data.percent === null || data.percent === undefined) {
      bar.removeAttribute("value");  // indeterminate while queued
    } else {
      bar.value = data.percent;
    }
    if (label && data.text) { label.textContent = data.text; }
  }

  function poll() {
    fetch(bar.getAttribute("data-progress-url"), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.running) {
          window.setTimeout(poll, INTERVAL_MS);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        // A lost answer (the phone lost its signal): ask again a little later.
        window.setTimeout(poll, INTERVAL_MS * 5);
      });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
