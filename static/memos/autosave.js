// Memo forms: keep what is typed in this browser until the server has it, quick phrases,
// one submission per click. Works without it too: the server keeps drafts on errors and
// across an expired session; this covers a closed tab, a lost connection or a crash.
(function () {
  "use strict";
  var PREFIX = "ita-autosave:";

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  document.querySelectorAll("[data-autosave-clear]").forEach(function (el) {
    var s = store();
    if (s) s.removeItem(PREFIX + el.getAttribute("data-autosave-clear"));
  });

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && !el.disabled &&
        ["hidden", "file", "submit", "button", "reset"].indexOf(el.type) === -1;
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var s = store();
    if (!s) return;
    var key = PREFIX + form.getAttribute("data-autosave");
    var offer = document.querySelector('[data-autosave-offer="' + form.getAttribute("data-autosave") + '"]');
    var saved = null;
    try { saved = JSON.parse(s.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.values) {
      var differs = fields(form).some(function (el) {
        var v = saved.values[el.name];
        return typeof v === "string" && v !== "" && v !== el.value;
      });
      if (differs && offer) {
        offer.hidden = false;
        offer.querySelector("[data-autosave-restore]").addEventListener("click", function () {
          fields(form).forEach(function (el) {
            if (typeof saved.values[el.name] === "string") el.value = saved.values[el.name];
          });
          offer.hidden = true;
        });
        offer.querySelector("[data-autosave-discard]").addEventListener("click", function () {
          s.removeItem(key);
          offer.hidden = true;
        });
      }
    }
    var timer = null;
    function save() {
      var values = {};
      fields(form).forEach(function (el) { values[el.name] = el.value; });
      try { s.setItem(key, JSON.stringify({ at: Date.now(), values: values })); } catch (e) { /* full */ }
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(save, 300);
    });
    form.addEventListener("submit", save);
  });

  document.querySelectorAll("[data-phrase]").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = button.closest("form").querySelector("textarea[name=comment]");
      var phrase = button.getAttribute("data-phrase");
      area.value = area.value.trim() ? area.value.replace(/\s+$/, "") + " " + phrase : phrase;
      area.dispatchEvent(new Event("input", { bubbles: true }));
      area.focus();
    });
  });

  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { event.preventDefault(); return; }
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      // The clicked button's name/value must still be posted, so disable after this tick.
      setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
})();
