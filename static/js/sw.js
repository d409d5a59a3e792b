// The phone app's service worker: pages a participant needs on the fair floor (Now/Next, the
// agenda, counterparts' cards, the table plan, the event page with the programme) stay
// readable offline. Actions taken offline are not its business: static/js/outbox.js queues
// them in the page (POSTs pass through here untouched). Their copies live in a cache named after
// the logged-in user ("mm-u" + key, given by the page); another user's key deletes them, and
// logout clears all site storage (Clear-Site-Data). Nothing here loads from another origin.
"use strict";

var STATIC_CACHE = "mm-static-v2";  // a new name drops the old copies (activate)
var USER_PREFIX = "mm-u";
// ... and the badge scanners (static/js/scan.js), which keep working offline for the evening.
var KEPT_PAGE = /^\/events\/\d+(\/(now|agenda|tables|scan|contacts|companies\/\d+))?$|^\/organizer\/events\/\d+\/scan$/;
var queue = Promise.resolve();

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("mm-static-") === 0 && n !== STATIC_CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function userCache() {
  return caches.keys().then(function (names) {
    var name = names.find(function (n) { return n.indexOf(USER_PREFIX) === 0; });
    return name ? caches.open(name) : null;
  });
}

function setUser(key) {
  var mine = USER_PREFIX + key;
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf(USER_PREFIX) === 0 && n !== mine; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return caches.open(mine); });
}

// Linked pages are fetched again only when their copy is older than this: every page
// links the agenda, the cards, the plan, and a slow network must not fetch them all each time
// (a page the person opens comes fresh from the network anyway).
var PAGE_FRESH_MS = 10 * 60 * 1000;

function keep(urls) {
  return userCache().then(function (cache) {
    if (!cache) { return null; }
    return Promise.all(urls.map(function (url) {
      return cache.match(url).then(function (hit) {
        if (hit && !isStale(hit, PAGE_FRESH_MS)) { return null; }
        return fetchAndKeep(cache, url);
      });
    }));
  });
}

function fetchAndKeep(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && !response.redirected) { return cache.put(url, response); }
    return null;
  }).catch(function () { return null; });
}

function keepAssets(urls) {
  var own = urls.filter(function (url) {
    var parsed = new URL(url);
    return parsed.origin === self.location.origin && isStatic(parsed);
  });
  return caches.open(STATIC_CACHE).then(function (cache) {
    return Promise.all(own.map(function (url) {
      return cache.match(url).then(function (hit) { return hit || cache.add(url); })
        .catch(function () { return null; });
    }));
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "user" && /^[0-9a-f]{16}$/.test(data.key)) {
    queue = queue.then(function () { return setUser(data.key); });
  } else if (data.type === "keep" && Array.isArray(data.urls)) {
    queue = queue.then(function () {
      return Promise.all([keep(data.urls.filter(function (url) { return KEPT_PAGE.test(url); })),
                          keepAssets(data.assets || [])]);
    }).then(function () { if (event.source) { event.source.postMessage({ type: "kept" }); } });
  }
  event.waitUntil(queue);
});

var STATIC_FRESH_MS = 60 * 60 * 1000;

// When the server sent it (the first Date header: a static file may carry two, joined).
function isStale(response, maxAge) {
  var found = /\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT/.exec(response.headers.get("date") || "");
  var date = found ? Date.parse(found[0]) : NaN;
  return !date || Date.now() - date > (maxAge || STATIC_FRESH_MS);
}

var revalidating = {};  // url → the fetch under way: one per file, however many <use> ask

function fetchStatic(cache, request) {
  var url = request.url.split("#")[0];
  if (!revalidating[url]) {
    revalidating[url] = fetch(request).then(function (response) {
      if (response.ok) { cache.put(request, response.clone()); }
      return response;
    }).finally(function () { delete revalidating[url]; });
  }
  return revalidating[url].then(function (response) { return response.clone(); });
}

function isStatic(url) {
  return url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/bootstrap/static/") === 0;
}

function fromNetworkKeeping(request, url) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected && KEPT_PAGE.test(url.pathname)) {
      var copy = response.clone();
      userCache().then(function (cache) { if (cache) { cache.put(url.pathname, copy); } });
    }
    return response;
  }).catch(function () {
    return userCache().then(function (cache) {
      return cache ? cache.match(url.pathname) : undefined;
    }).then(function (kept) { return kept || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (isStatic(url)) {
    // The kept copy at once; asked for again in the background at most once an hour, so
    // that a slow fair-floor network is not spent on styles every page (a deploy reaches
    // the phone within the hour, or at once when STATIC_CACHE is renamed).
    event.respondWith(caches.open(STATIC_CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        if (hit && !isStale(hit)) { return hit; }
        var fresh = fetchStatic(cache, request);
        if (hit) { fresh.catch(function () { return null; }); }
        return hit || fresh;
      });
    }));
  } else if (request.mode === "navigate" && KEPT_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(fromNetworkKeeping(request, url));
  }
});
