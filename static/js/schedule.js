// The schedule pages: the generator's progress. Progressive enhancement: without this file
// the progress page has a reload link. (Print buttons are wired in app.js.)
(function () {
  "use strict";

  document.querySelectorAll("[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });

  var card = document.querySelector("[data-run-status]");
  if (!card || !card.querySelector("[data-run-fallback]")) { return; }
  var bar = card.querySelector("progress");
  var message = card.querySelector("[data-run-message]");
  var failures = 0;

  function poll() {
    fetch(card.getAttribute("data-run-status"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (run) {
        bar.value = run.progress;
        message.textContent = run.message;
        if (run.status === "done") { window.location.assign(card.getAttribute("data-run-done")); }
        else if (run.status === "failed") { window.location.reload(); }
        else { setTimeout(poll, 700); }
      })
      .catch(function () {
        failures += 1;  // after a few failures leave it to the reload link
        if (failures < 5) { setTimeout(poll, 2000); }
      });
  }
  setTimeout(poll, 400);
})();
