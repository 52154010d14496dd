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
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (!window.confirm(f.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
})();
