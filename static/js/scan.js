/* Badge scanner: the phone's camera reads a badge's QR code (the browser's BarcodeDetector
   where there is one, else jsQR shipped in static/vendor/), or the code is typed; the scan is
   posted to the page's form URL. Two modes: "check-in" (organizers at the door) and "contact"
   (a participant keeps someone's contact).

   Offline: the organizer's phone keeps the event's attendee list (hashes of the badge tokens,
   never the tokens, with names) to say who it is at once, and every scan made without a
   network waits in a queue in localStorage, sent when the network is back. The server is
   idempotent (one check-in per person, one contact per pair), so sending twice is harmless.
   This queue is the badge scanner's own ("badgeScanQueue"); the participants' general offline
   action queue is another module. Logout clears both (Clear-Site-Data: "storage"). */
(function () {
  "use strict";
  var root = document.querySelector("[data-scanner]");
  if (!root) { return; }
  var form = document.querySelector("[data-scanner-form]");
  var result = root.querySelector("[data-scanner-result]");
  var queueLine = root.querySelector("[data-scanner-queue]");
  var video = root.querySelector("[data-scanner-video]");
  var view = root.querySelector("[data-scanner-view]");
  var startButton = root.querySelector("[data-scanner-start]");
  var stopButton = root.querySelector("[data-scanner-stop]");
  var mode = root.dataset.mode;
  var queueKey = "matchmaker.badgeScanQueue." + root.dataset.queueKey;
  var listKey = "matchmaker.badgeAttendees." + root.dataset.queueKey;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var stream = null, detector = null, canvas = null, lastText = "", lastAt = 0, sending = false;

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

  // --- the queue -------------------------------------------------------------------------
  function readQueue() {
    try { return JSON.parse(localStorage.getItem(queueKey)) || []; } catch (e) { return []; }
  }

  function writeQueue(items) {
    localStorage.setItem(queueKey, JSON.stringify(items));
    queueLine.textContent = items.length ?
      root.dataset.textWaiting.replace("{n}", items.length) : "";
    root.dataset.waiting = String(items.length);
  }

  function enqueue(scan) {
    var items = readQueue();
    items.push(scan);
    writeQueue(items);
    form.reset();  // ready for the next person in the line
  }

  // Sends one scan; resolves to the server's JSON answer, or null when it did not get one
  // (no network, logged out, server error): then the scan stays queued.
  function send(scan) {
    var data = new FormData();
    data.append("csrf_token", csrf);
    data.append("token", scan.text);
    if (mode === "contact") {
      data.append("note", scan.note || "");
      if (scan.follow_up) { data.append("follow_up", "y"); }
    }
    return fetch(root.dataset.postUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf}
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return json && response.status < 500 ? response.json() : null;
    }).catch(function () { return null; });
  }

  function flush() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    var items = readQueue();
    if (!items.length) { return Promise.resolve(); }
    sending = true;
    var left = [];
    return items.reduce(function (chain, scan) {
      return chain.then(function () {
        return send(scan).then(function (answer) { if (!answer) { left.push(scan); } });
      });
    }, Promise.resolve()).then(function () {
      sending = false;
      writeQueue(left.concat(readQueue().slice(items.length)));
      if (!left.length) { show(root.dataset.textSent, "info"); }
      refreshList();
    });
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

  function offline(scan) {
    var token = tokenOf(scan.text);
    if (mode !== "check-in") {
      enqueue(scan);
      show(root.dataset.textQueued, "warning");
      return Promise.resolve();
    }
    return hash(token || "").then(function (digest) {
      var list = [];
      try { list = JSON.parse(localStorage.getItem(listKey)) || []; } catch (e) { list = []; }
      var found = list.filter(function (a) { return a.hash === digest; })[0];
      if (!token || (digest && list.length && !found)) {
        show(root.dataset.textUnknownOffline, "danger");
        return;
      }
      enqueue(scan);
      show((found ? found.name + " (" + found.company + "): " : "") + root.dataset.textQueued, "warning");
    });
  }

  function handle(scan) {
    if (!navigator.onLine) { return offline(scan); }
    return send(scan).then(function (answer) {
      if (!answer) { return offline(scan); }
      var text = answer.message;
      if (answer.shared) {
        Object.keys(answer.shared).forEach(function (k) { text += " · " + k + ": " + answer.shared[k]; });
      }
      show(text, answer.ok ? (answer.status === "already" ? "info" : "success") : "danger");
      if (answer.ok) { form.reset(); }
      refreshList();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var note = form.querySelector("[name=note]"), follow = form.querySelector("[name=follow_up]");
    handle({text: form.querySelector("[name=token]").value, note: note ? note.value : "",
            follow_up: follow ? follow.checked : false, at: Date.now()});
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
        handle({text: text, note: note ? note.value : "", follow_up: follow ? follow.checked : false,
                at: Date.now()});
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
  writeQueue(readQueue());
  window.addEventListener("online", flush);
  flush();
  refreshList();
})();
