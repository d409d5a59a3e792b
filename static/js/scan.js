/* Badge scanner: the phone's camera reads a badge's QR code (the browser's BarcodeDetector
   where there is one, else jsQR shipped in static/vendor/), or the code is typed; the scan is
   posted to the page's form URL. Two modes: "check-in" (organizers at the door) and "contact"
   (a participant keeps someone's contact).

   Sending is the outbox's (static/js/outbox.js), as for every action taken on the phone: a
   scan made without a network waits there and is sent, exactly once, when the network is
   back; the page's "waiting to send" bar counts it. Offline, the organizer's phone says at
   once who it is from the attendee list it keeps (hashes of the badge tokens, never the
   tokens, with names), and refuses a badge that is not on it. Logout clears both. */
(function () {
  "use strict";
  var root = document.querySelector("[data-scanner]");
  if (!root) { return; }
  var form = document.querySelector("[data-scanner-form]");
  var result = root.querySelector("[data-scanner-result]");
  var video = root.querySelector("[data-scanner-video]");
  var view = root.querySelector("[data-scanner-view]");
  var startButton = root.querySelector("[data-scanner-start]");
  var stopButton = root.querySelector("[data-scanner-stop]");
  var mode = root.dataset.mode;
  var listKey = "mm-attendees-" + root.dataset.listKey;  // outbox.js drops other users' lists
  var stream = null, detector = null, canvas = null, lastText = "", lastAt = 0;
  var waiting = 0, inFlight = 0;  // actions in the outbox; scans whose answer this page awaits

  // --- what was read ---------------------------------------------------------------------
  function tokenOf(text) {
    var candidate = String(text || "").trim().replace(/\/+$/, "").split("/").pop();
    return /^[A-Za-z0-9_-]{16,64}$/.test(candidate) ? candidate : null;
  }

  function show(message, kind) {
    result.hidden = false;
    result.className = "alert mb-2 alert-" + kind;
    result.textContent = message;
  }

  function showAnswer(answer) {
    var text = answer.message;
    if (answer.shared) {
      Object.keys(answer.shared).forEach(function (k) { text += " · " + k + ": " + answer.shared[k]; });
    }
    show(text, answer.ok ? (answer.status === "already" ? "info" : "success") : "danger");
  }

  // --- the attendee list kept for offline check-in ---------------------------------------
  function refreshList() {
    if (!root.dataset.listUrl || !navigator.onLine) { return; }
    fetch(root.dataset.listUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { localStorage.setItem(listKey, JSON.stringify(data.attendees)); } })
      .catch(function () {});
  }

  function hash(token) {
    if (!(window.crypto && crypto.subtle)) { return Promise.resolve(null); }
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)).then(function (buf) {
      return Array.prototype.map.call(new Uint8Array(buf), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  // Who the badge is by the kept list: {known, name} (known is false only when the list is
  // there and the badge is not on it).
  function lookUp(text) {
    if (mode !== "check-in") { return Promise.resolve({known: true, name: ""}); }
    var token = tokenOf(text);
    return hash(token || "").then(function (digest) {
      var list = [];
      try { list = JSON.parse(localStorage.getItem(listKey)) || []; } catch (e) { list = []; }
      var found = list.filter(function (a) { return a.hash === digest; })[0];
      return {known: !!token && !(digest && list.length && !found),
              name: found ? found.name + " (" + found.company + "): " : ""};
    });
  }

  // --- sending, through the outbox ---------------------------------------------------------
  function handle(scan) {
    var checked = navigator.onLine ? Promise.resolve({known: true}) : lookUp(scan.text);
    return checked.then(function (badge) {
      if (!badge.known) { show(root.dataset.textUnknownOffline, "danger"); return; }
      var data = new FormData();
      data.append("token", scan.text);
      if (mode === "contact") {
        data.append("note", scan.note || "");
        if (scan.follow_up) { data.append("follow_up", "y"); }
      }
      var label = root.dataset.textLabel.replace("{code}", "…" + String(scan.text).slice(-6));
      inFlight += 1;
      return window.Outbox.send(root.dataset.postUrl, data, {label: label, json: true, tellsRefusal: true})
        .then(function (sent) { inFlight -= 1; return answered(scan, sent); });
    });
  }

  function answered(scan, sent) {
    if (sent.answer) {
      showAnswer(sent.answer);
      if (sent.answer.ok) { form.reset(); }
      refreshList();
      return null;
    }
    if (sent.state === "refused" || sent.state === "sent") {  // no JSON: an error page, a replay
      show(sent.state === "sent" ? root.dataset.textSent : root.dataset.textRefused,
           sent.state === "sent" ? "info" : "danger");
      return null;
    }
    form.reset();  // kept on the phone: ready for the next person in the line
    return lookUp(scan.text).then(function (badge) {
      show(badge.name + root.dataset.textQueued, "warning");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var note = form.querySelector("[name=note]"), follow = form.querySelector("[name=follow_up]");
    handle({text: form.querySelector("[name=token]").value, note: note ? note.value : "",
            follow_up: follow ? follow.checked : false});
  });

  // --- the camera ------------------------------------------------------------------------
  function loadJsQR() {
    if (window.jsQR) { return Promise.resolve(); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = root.dataset.decoderUrl;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function decode() {
    if (detector) {
      return detector.detect(video).then(function (codes) { return codes.length ? codes[0].rawValue : null; });
    }
    canvas = canvas || document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    if (!canvas.width) { return Promise.resolve(null); }
    var context = canvas.getContext("2d", {willReadFrequently: true});
    context.drawImage(video, 0, 0);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, {inversionAttempts: "dontInvert"});
    return Promise.resolve(code ? code.data : null);
  }

  function tick() {
    if (!stream) { return; }
    decode().then(function (text) {
      // the same badge stays in front of the camera for a while: read it once
      if (text && (text !== lastText || Date.now() - lastAt > 4000)) {
        lastText = text;
        lastAt = Date.now();
        if (navigator.vibrate) { navigator.vibrate(80); }
        var note = form.querySelector("[name=note]"), follow = form.querySelector("[name=follow_up]");
        handle({text: text, note: note ? note.value : "", follow_up: follow ? follow.checked : false});
      }
    }).catch(function () {}).then(function () { setTimeout(tick, 250); });
  }

  function start() {
    var ready = ("BarcodeDetector" in window) ?
      window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") >= 0) { detector = new window.BarcodeDetector({formats: ["qr_code"]}); }
        else { return loadJsQR(); }
      }) : loadJsQR();
    ready.then(function () {
      return navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false});
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      view.hidden = false;
      startButton.hidden = true;
      stopButton.hidden = false;
      return video.play();
    }).then(tick).catch(function () { show(root.dataset.textCameraOff, "warning"); stop(); });
  }

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    view.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = !(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
  }

  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  stop();
  // outbox.js loads after this page's scripts: listen once everything is in place.
  document.addEventListener("DOMContentLoaded", function () {
    window.Outbox.onChange(function (count) {  // what waited here went out: say so
      if (waiting && !count && !inFlight) { show(root.dataset.textSent, "info"); refreshList(); }
      waiting = count;
    });
    waiting = window.Outbox.count();
  });
  refreshList();
})();
