// The import pages' small behaviours, kept out of the HTML (the Content-Security-Policy allows
// no inline script): the upload's status line, the checking's next step, the revert question.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  var status = document.getElementById("upload-status");
  if (form && status) {
    form.addEventListener("submit", function () {
      status.hidden = false;
    });
  }
  // Checking goes on by itself, chunk by chunk; without JavaScript the button does it.
  var check = document.getElementById("check-form");
  if (check) {
    check.submit();
  }
  // An apply or a revert on the task worker: its progress is asked for every few seconds and
  // the page is loaded again when it is over (without JavaScript, the page refreshes itself).
  var job = document.getElementById("job");
  if (job && window.fetch) {
    var bar = document.getElementById("job-progress");
    var text = document.getElementById("job-text");
    var every = 1000 * (parseInt(job.getAttribute("data-every"), 10) || 2);
    var ask = function () {
      window
        .fetch(job.getAttribute("data-url"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          return response.json();
        })
        .then(function (state) {
          if (state.status !== job.getAttribute("data-status")) {
            window.location.reload(); // started, or over: the page says what happened
            return;
          }
          if (state.status === "running") {
            bar.max = state.total;
            bar.value = state.done;
            bar.textContent = state.percent + "%";
            text.textContent = state.done + " / " + state.total + " (" + state.percent + "%)";
          }
          window.setTimeout(ask, every);
        })
        .catch(function () {
          window.setTimeout(ask, every);
        });
    };
    window.setTimeout(ask, every);
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (!window.confirm(f.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
