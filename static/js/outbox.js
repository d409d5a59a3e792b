// The outbox: actions taken on the phone (a meeting held or not, a note, a badge scanned to
// check someone in or to keep a contact) are sent at once when the network is there and otherwise kept on the
// phone and sent when it comes back, each exactly once.
//
// API (window.Outbox):
//   Outbox.send(url, formData, {label, json, tellsRefusal}) -> Promise of {state, answer}
//       Queues a POST of formData to url (same origin) and tries to deliver the queue.
//       state: "sent" (the server took it),
//              "queued" (no network or a server error: kept, retried later),
//              "refused" (the server answered 4xx: dropped, told in the waiting bar),
//              "login" (the session is gone: kept until the person logs in again).
//       label: the action in the person's words, shown if the server refuses it.
//       json: ask for JSON (Accept: application/json); answer is the server's JSON when it
//             took or refused the action during this call (a badge scan shows it at once).
//       tellsRefusal: the caller shows a refusal during this call itself (the waiting bar
//             still tells refusals of actions sent later).
//       Leave csrf_token out or in: the outbox always sends a fresh one.
//   Outbox.count() -> the number of actions waiting.
//   Outbox.flush() -> Promise; sends what waits (called on load, when the network returns,
//       every 20 s while something waits, and after each send).
//   Outbox.onChange(fn) -> fn(count) after every change of the queue.
//   Outbox.wire(root) -> wires the data-outbox forms under root (content a script put in).
//   <form data-outbox data-outbox-label="..."> forms are wired automatically: a submit is
//       queued instead of navigating; the form gets data-outbox-state="queued"/"sent"/...
//
// Exactly once: every action gets a random Idempotency-Key when queued and keeps it on every
// retry; routes decorated with matchmaker.idempotency.idempotent record the key with their
// work, so a retry after a lost answer is answered from that record and does nothing again.
//
// CSRF: a queued action may be sent hours later, after the token of the page it was taken on
// has expired. Before each round of sending the outbox fetches a fresh token from
// /app/csrf-token (same origin, needs the session cookie, so no other site can read it); if
// the server still answers 400 with X-CSRF-Failed, it fetches another and sends once more.
//
// Per user: the queue lives in localStorage under the user's offline key (body
// data-offline-key), so a second person logging in on the same phone never sends the first
// one's actions; logout clears all site storage (Clear-Site-Data) and, with it, the queue.
(function () {
  "use strict";

  var body = document.body;
  var userKey = body.dataset.offlineKey;
  var STORE = "mm-outbox-" + userKey;
  var TOKEN_URL = "/app/csrf-token";
  var listeners = [];
  var flushing = null;
  var told = {};  // keys whose sender shows a refusal itself, while its send() waits

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function save(items) {
    localStorage.setItem(STORE, JSON.stringify(items));
    listeners.forEach(function (fn) { fn(items.length); });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function fields(formData) {
    var out = [];
    formData.forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") { out.push([name, value]); }
    });
    return out;
  }

  function freshToken() {
    return fetch(TOKEN_URL, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.redirected || !r.ok) { throw new Error("login"); }  // sent to the login page
      return r.json();
    }).then(function (json) { return json.token; });
  }

  // One action: "sent", "refused", "csrf", or throws (no network, server error: kept).
  // A JSON answer is kept on the item (item.answer) for the sender waiting on it.
  function deliver(item, token) {
    var data = new FormData();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.append("csrf_token", token);
    var headers = { "Idempotency-Key": item.key };
    if (item.json) { headers.Accept = "application/json"; }
    return fetch(item.url, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual", headers: headers
    }).then(function (r) {
      if (r.type === "opaqueredirect" || (r.status >= 200 && r.status < 300)) {
        return readAnswer(item, r).then(function () { return "sent"; });
      }
      if (r.status === 400 && r.headers.get("X-CSRF-Failed")) { return "csrf"; }
      if (r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) {
        return readAnswer(item, r).then(function () { return "refused"; });
      }
      throw new Error("retry later");
    });
  }

  // The server's words: its JSON, or for a refusal the page's error message (a flash, or the
  // error page). Never fails: a body that cannot be read leaves the reason empty.
  function readAnswer(item, response) {
    var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
    var read = isJson ? response.json() : response.ok ? Promise.resolve(null) : response.text();
    return read.then(function (body) {
      if (isJson) { item.answer = body; item.reason = (body && body.message) || ""; }
      else if (body) { item.reason = reasonIn(body); }
    }, function () {});
  }

  function reasonIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var found = doc.querySelector("main .alert-danger") || doc.querySelector("main .lead");
    return found ? found.textContent.trim().slice(0, 300) : "";
  }

  function remove(key) { save(load().filter(function (i) { return i.key !== key; })); }

  function refuse(item) {
    remove(item.key);
    if (told[item.key]) { return; }
    var refused = JSON.parse(sessionStorage.getItem(STORE + "-refused") || "[]");
    refused.push((item.label || item.url) + (item.reason ? ": " + item.reason : ""));
    sessionStorage.setItem(STORE + "-refused", JSON.stringify(refused));
    showRefused();
  }

  // Oldest first, one at a time: a note sent after a held mark arrives after it.
  function sendAll() {
    var results = {};
    if (!load().length) { return Promise.resolve(results); }
    return freshToken().then(function (token) {
      function next(index) {
        var items = load();
        if (index >= items.length) { return results; }
        var item = items[index];
        return deliver(item, token).then(function (outcome) {
          if (outcome !== "csrf") { return outcome; }
          return freshToken().then(function (t) { token = t; return deliver(item, token); })
            .then(function (again) { return again === "csrf" ? "refused" : again; });
        }).then(function (outcome) {
          results[item.key] = { state: outcome, answer: item.answer };
          if (outcome === "sent") { remove(item.key); return next(index); }
          refuse(item);
          return next(index);
        });
      }
      return next(0);
    }).catch(function (error) {
      if (error && error.message === "login") { results.login = true; }
      return results;  // offline or the server is down: everything stays queued
    });
  }

  function flush() {
    if (flushing) { return flushing; }
    var run = navigator.locks  // two open tabs never send the same queue side by side
      ? navigator.locks.request("mm-outbox", sendAll) : sendAll();
    flushing = run.then(function (results) { flushing = null; return results; },
      function () { flushing = null; return {}; });
    return flushing;
  }

  function send(url, formData, options) {
    var target = new URL(url, location.href);
    if (target.origin !== location.origin) { return Promise.reject(new Error("same origin only")); }
    options = options || {};
    var item = { key: newKey(), url: target.pathname, fields: fields(formData),
                 label: options.label || "", json: !!options.json, queuedAt: Date.now() };
    var items = load();
    items.push(item);
    save(items);
    if (options.tellsRefusal) { told[item.key] = true; }
    return flush().then(function (results) {
      delete told[item.key];
      return results[item.key] || { state: results.login ? "login" : "queued" };
    });
  }

  // --- what the person sees --------------------------------------------------------------
  function showCount(n) {
    document.querySelectorAll("[data-outbox-count]").forEach(function (box) {
      box.classList.toggle("d-none", n === 0);
      var text = box.querySelector("[data-outbox-text]");
      if (text) { text.textContent = box.dataset.template.replace("{n}", n); }
    });
  }

  function showRefused() {
    var refused = JSON.parse(sessionStorage.getItem(STORE + "-refused") || "[]");
    document.querySelectorAll("[data-outbox-refused]").forEach(function (box) {
      if (!refused.length) { return; }
      box.replaceChildren();
      var title = document.createElement("div");
      title.textContent = box.dataset.title;
      box.appendChild(title);
      refused.forEach(function (label) {
        var line = document.createElement("div");
        line.className = "small";
        line.textContent = label;
        box.appendChild(line);
      });
      box.classList.remove("d-none");
    });
    sessionStorage.removeItem(STORE + "-refused");
  }

  function wireForm(form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = new FormData(form, e.submitter || undefined);
      form.dataset.outboxState = "queued";
      if (e.submitter && e.submitter.name) {  // a choice of buttons: show the one chosen
        form.querySelectorAll("button[name='" + e.submitter.name + "']").forEach(function (b) {
          b.setAttribute("aria-pressed", b === e.submitter ? "true" : "false");
        });
      }
      var status = form.querySelector("[data-outbox-status]");
      send(form.action, data, { label: form.dataset.outboxLabel }).then(function (result) {
        form.dataset.outboxState = result.state;
        if (status) { status.textContent = status.dataset[result.state] || ""; }
      });
    });
  }

  // After a script replaced part of the page (app.js's refresh): wire its forms, show counts.
  function wire(root) {
    root.querySelectorAll("form[data-outbox]").forEach(wireForm);
    if (userKey) { showCount(load().length); }
  }

  window.Outbox = {
    send: send, flush: flush, count: function () { return load().length; },
    onChange: function (fn) { listeners.push(fn); }, wire: wire
  };

  if (!userKey) { return; }  // not logged in: nothing to send (the API stays, for scripts)
  // Another person logged in on this phone (their session ran out without a logout): what
  // the previous one left here (queued actions, agenda snapshots) goes, unsent and unread.
  Object.keys(localStorage).forEach(function (name) {
    if (/^mm-(outbox|agenda|attendees)-/.test(name) && name.indexOf("-" + userKey) === -1) {
      localStorage.removeItem(name);
    }
  });
  listeners.push(showCount);
  showCount(load().length);
  showRefused();
  wire(document);
  // Logging out clears the phone: say so when actions are still waiting.
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var n = load().length;
      if (n && !window.confirm(form.dataset.outboxWarning.replace("{n}", n))) { e.preventDefault(); }
    });
  });
  // The "online" event does not always come (flaky or emulated networks): also look every
  // 2 s for the network coming back, and retry every 20 s while something waits.
  var offline = !navigator.onLine;
  var ticks = 0;
  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { offline = true; });
  setInterval(function () {
    ticks += 1;
    if (!navigator.onLine) { offline = true; return; }
    if (load().length && (offline || ticks % 10 === 0)) { offline = false; flush(); }
  }, 2000);
  if (navigator.onLine) { flush(); }
})();
