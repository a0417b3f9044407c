// Flock's small enhancements; every page works without them.
(function () {
  "use strict";

  // Characters left in a compose box; the submit button waits for 1 to 280 characters.
  function updateCounter(textarea) {
    var limit = parseInt(textarea.dataset.counter, 10);
    var form = textarea.form;
    var output = form.querySelector(".counter");
    var length = Array.from(textarea.value.normalize("NFC")).length;
    var left = limit - length;
    if (output) {
      output.textContent = left;
      output.classList.toggle("over", left < 0);
      output.classList.toggle("near", left >= 0 && left <= 20);
    }
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = left < 0 || textarea.value.trim() === "";
  }

  function setUpCounters(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(updateCounter);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-counter]")) {
      updateCounter(event.target);
    }
  });

  // Say which images are chosen; more than the limit is refused before anything is sent.
  function updateChosen(input) {
    var output = input.form.querySelector(".chosen");
    if (!output) return;
    var files = Array.from(input.files || []);
    var limit = parseInt(input.dataset.maxFiles, 10);
    var over = files.length > limit;
    output.classList.toggle("over", over);
    output.textContent = over
      ? "At most " + limit + " images"
      : files.map(function (file) { return file.name; }).join(", ");
    input.setCustomValidity(over ? "Attach at most " + limit + " images." : "");
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-files]")) {
      updateChosen(event.target);
    }
  });

  // After htmx posted a compose box successfully, empty it (a refusal keeps the text).
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.matches || !form.matches("form[data-reset-on-success]")) return;
    var refused = event.detail.xhr.getResponseHeader("HX-Retarget");
    if (event.detail.successful && !refused) {
      form.reset();
      var error = form.querySelector(".error");
      if (error) error.textContent = "";
      form.querySelectorAll("input[type=file][data-max-files]").forEach(updateChosen);
      setUpCounters(form);
    }
  });

  // Relative times ("5m") stay current; the exact time is in the title.
  function relative(seconds) {
    if (seconds < 60) return "now";
    if (seconds < 3600) return Math.floor(seconds / 60) + "m";
    if (seconds < 86400) return Math.floor(seconds / 3600) + "h";
    if (seconds < 7 * 86400) return Math.floor(seconds / 86400) + "d";
    return null;
  }

  function refreshTimes() {
    document.querySelectorAll(".when time[datetime]").forEach(function (node) {
      var text = relative((Date.now() - Date.parse(node.getAttribute("datetime"))) / 1000);
      if (text) node.textContent = text;
    });
  }

  // Live updates: say on <body> whether the stream is open (`data-live`), for styles and tests.
  document.addEventListener("htmx:sseOpen", function () {
    document.body.dataset.live = "open";
  });
  document.addEventListener("htmx:sseError", function () {
    document.body.dataset.live = "closed";
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpCounters(document);
    setInterval(refreshTimes, 30000);
  });
  document.addEventListener("htmx:load", function (event) {
    setUpCounters(event.detail.elt.parentNode || document);
  });
})();
