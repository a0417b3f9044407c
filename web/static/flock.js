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
      form.querySelectorAll("input[type=file][data-max-files]").forEach(updateAlts);
      setUpCounters(form);
    }
  });

  // Times in the reader's zone: "now", "5m", "3h", "2d", then the date ("Dec 4", with the
  // year when it is not this one); the exact local time in the title. The server's UTC text is
  // what shows without JavaScript.
  function shown(date, now) {
    var seconds = (now - date) / 1000;
    if (seconds < 60) return "now";
    if (seconds < 3600) return Math.floor(seconds / 60) + "m";
    if (seconds < 86400) return Math.floor(seconds / 3600) + "h";
    if (seconds < 7 * 86400) return Math.floor(seconds / 86400) + "d";
    var options = { month: "short", day: "numeric" };
    if (date.getFullYear() !== new Date(now).getFullYear()) options.year = "numeric";
    return date.toLocaleDateString(undefined, options);
  }

  function refreshTimes(root) {
    var now = Date.now();
    root.querySelectorAll("time[data-relative]").forEach(function (node) {
      var date = new Date(node.getAttribute("datetime"));
      if (isNaN(date)) return;
      node.textContent = shown(date, now);
      node.title = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    });
  }

  // Share a post: the system's share sheet on a phone, else its link copied; the buttons are
  // hidden without JavaScript (the time is the post's link).
  function say(text) {
    var toast = document.getElementById("toast");
    if (!toast) return;
    toast.textContent = text;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { toast.textContent = ""; }, 4000);
  }

  function showShareButtons(root) {
    root.querySelectorAll("button[data-share][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-share]");
    if (!button) return;
    var url = new URL(button.dataset.share, location.href).href;
    var phone = window.matchMedia("(pointer: coarse)").matches;
    if (phone && navigator.share) {
      navigator.share({ url: url }).catch(function () {});
    } else if (navigator.clipboard) {
      navigator.clipboard.writeText(url).then(
        function () { say("Link copied"); },
        function () { say("Could not copy the link: " + url); }
      );
    } else {
      say(url);
    }
  });

  // A post's images full size, one at a time: Escape or the close button ends it, the arrow keys
  // and a swipe go to the next or previous one; focus goes back to the image it opened from.
  // Without JavaScript the image opens in a new tab.
  var viewer = null;

  function buildViewer() {
    var dialog = document.createElement("dialog");
    dialog.className = "viewer";
    dialog.innerHTML =
      '<figure class="viewer-frame"><img alt=""><figcaption></figcaption></figure>' +
      '<button type="button" class="viewer-close" aria-label="Close">\u00d7</button>' +
      '<button type="button" class="viewer-prev" aria-label="Previous image">\u2039</button>' +
      '<button type="button" class="viewer-next" aria-label="Next image">\u203a</button>';
    document.body.appendChild(dialog);
    dialog.querySelector(".viewer-close").addEventListener("click", function () { dialog.close(); });
    dialog.querySelector(".viewer-prev").addEventListener("click", function () { step(-1); });
    dialog.querySelector(".viewer-next").addEventListener("click", function () { step(1); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") { step(1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { step(-1); event.preventDefault(); }
    });
    var startX = null;
    dialog.addEventListener("touchstart", function (event) {
      startX = event.changedTouches[0].clientX;
    }, { passive: true });
    dialog.addEventListener("touchend", function (event) {
      if (startX === null) return;
      var dx = event.changedTouches[0].clientX - startX;
      startX = null;
      if (Math.abs(dx) > 50) step(dx < 0 ? 1 : -1);
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target.classList.contains("viewer-frame")) dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (dialog.opener) dialog.opener.focus();
    });
    return dialog;
  }

  function show(index) {
    var links = viewer.links;
    viewer.index = (index + links.length) % links.length;
    var link = links[viewer.index];
    var img = viewer.querySelector("img");
    var alt = link.querySelector("img").getAttribute("alt");
    img.src = link.href;
    img.alt = alt;
    viewer.querySelector("figcaption").textContent = alt;
    viewer.setAttribute("aria-label", "Image " + (viewer.index + 1) + " of " + links.length);
    viewer.querySelector(".viewer-prev").hidden = links.length < 2;
    viewer.querySelector(".viewer-next").hidden = links.length < 2;
  }

  function step(by) { show(viewer.index + by); }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-viewer]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    viewer = viewer || buildViewer();
    viewer.links = Array.from(link.closest(".media-grid").querySelectorAll("a[data-viewer]"));
    viewer.opener = link;
    show(viewer.links.indexOf(link));
    viewer.showModal();
    viewer.querySelector(".viewer-close").focus();
  });

  // The compose box asks for as many descriptions as images chosen, named after the files.
  function updateAlts(input) {
    var files = Array.from(input.files || []);
    input.form.querySelectorAll(".alt-field").forEach(function (field, n) {
      field.hidden = n >= files.length;
      field.querySelector("span").textContent =
        "Describe image " + (n + 1) + (files[n] ? " (" + files[n].name + ")" : "");
    });
    var details = input.form.querySelector("details.alts");
    if (details) {
      details.hidden = files.length === 0;
      if (files.length) details.open = true;
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[type=file][data-max-files]")) {
      updateAlts(event.target);
    }
  });

  // Live updates: say on <body> whether the stream is open (`data-live`), for styles and tests.
  document.addEventListener("htmx:sseOpen", function () {
    document.body.dataset.live = "open";
  });
  document.addEventListener("htmx:sseError", function () {
    document.body.dataset.live = "closed";
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUpCounters(document);
    document.querySelectorAll("input[type=file][data-max-files]").forEach(updateAlts);
    refreshTimes(document);
    showShareButtons(document);
    setInterval(function () { refreshTimes(document); }, 30000);
  });
  document.addEventListener("htmx:load", function (event) {
    setUpCounters(event.detail.elt.parentNode || document);
    refreshTimes(event.detail.elt.parentNode || document);
    showShareButtons(event.detail.elt.parentNode || document);
  });
})();
