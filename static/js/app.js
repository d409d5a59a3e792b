// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  function initTagPicker(picker) {
    var search = picker.querySelector("[data-tag-search]");
    var count = picker.querySelector("[data-tag-count]");
    var empty = picker.querySelector("[data-tag-empty]");
    var countTemplate = count ? count.textContent.replace(/\d+/, "{n}") : "";

    function updateCounts() {
      var total = picker.querySelectorAll("input[name=tags]:checked").length;
      if (count) { count.textContent = countTemplate.replace("{n}", total); }
      picker.querySelectorAll("[data-tag-family]").forEach(function (family) {
        var n = family.querySelectorAll("input[name=tags]:checked").length;
        var label = family.querySelector("[data-family-count]");
        if (label) { label.textContent = n ? "(" + n + ")" : ""; }
      });
    }

    function filter() {
      var words = search.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      var anyVisible = false;
      picker.querySelectorAll("[data-tag-family]").forEach(function (family) {
        var visibleInFamily = 0;
        family.querySelectorAll("[data-tag-item]").forEach(function (item) {
          var text = item.getAttribute("data-tag-text");
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          item.classList.toggle("d-none", !match);
          if (match) { visibleInFamily += 1; }
        });
        family.classList.toggle("d-none", visibleInFamily === 0);
        var body = family.querySelector(".accordion-collapse");
        if (words.length && visibleInFamily) { body.classList.add("show"); }
        anyVisible = anyVisible || visibleInFamily > 0;
      });
      if (empty) { empty.classList.toggle("d-none", anyVisible); }
    }

    if (search) {
      search.addEventListener("input", filter);
      search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    }
    picker.addEventListener("change", updateCounts);
  }

  // Suggested tags: ask the server which tags the typed texts speak of; one click ticks one.
  function initSuggestedTags(box) {
    var form = box.closest("form");
    var list = box.querySelector("[data-suggested-list]");
    var none = box.querySelector("[data-suggested-none]");
    var timer = null;

    function tick(tagId) {
      var checkbox = form.querySelector("input[name=tags][value='" + tagId + "']");
      if (checkbox && !checkbox.checked) {
        checkbox.checked = true;
        checkbox.dispatchEvent(new Event("change", { bubbles: true }));
        var panel = checkbox.closest(".accordion-collapse");
        if (panel) { panel.classList.add("show"); }
      }
    }

    function render(tags) {
      list.replaceChildren();
      tags.forEach(function (tag) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary me-1 mb-1";
        button.setAttribute("data-add-tag", tag.id);
        button.textContent = "+ " + tag.label;
        list.appendChild(button);
      });
      none.hidden = tags.length > 0;
    }

    function refresh() {
      var data = new FormData();
      data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      data.append("text", ["description", "offers", "seeks"].map(function (name) {
        return form.elements[name].value;
      }).join("\n"));
      data.append("chosen", Array.prototype.map.call(
        form.querySelectorAll("input[name=tags]:checked"), function (c) { return c.value; }).join(" "));
      fetch(box.getAttribute("data-url"), { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
        .then(function (json) { render(json.tags || []); })
        .catch(function () { /* suggestions are a convenience: keep the current ones */ });
    }

    box.addEventListener("click", function (e) {
      var button = e.target.closest("[data-add-tag]");
      if (!button) { return; }
      tick(button.getAttribute("data-add-tag"));
      button.remove();
      none.hidden = list.children.length > 0;
    });
    ["description", "offers", "seeks"].forEach(function (name) {
      form.elements[name].addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(refresh, 600);
      });
    });
  }

  // Sortable tables: click a header with data-sort; cells may carry data-value to sort by.
  function initSortable(table) {
    table.querySelectorAll("th[data-sort]").forEach(function (header, column) {
      header.tabIndex = 0;
      function sort() {
        var numeric = header.getAttribute("data-sort") === "number";
        var descending = header.getAttribute("aria-sort") !== "descending";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-value") || a.cells[column].textContent.trim();
          var y = b.cells[column].getAttribute("data-value") || b.cells[column].textContent.trim();
          var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        table.querySelectorAll("th[data-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function initConfirm(form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  }

  document.querySelectorAll("[data-tag-picker]").forEach(initTagPicker);
  document.querySelectorAll("[data-suggested-tags]").forEach(initSuggestedTags);
  document.querySelectorAll("table[data-sortable]").forEach(initSortable);
  // Print buttons start hidden where they would do nothing without this script.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.classList.remove("d-none");
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(initConfirm);
})();

// --- Events: tick or untick every box of a group (availability grid, vetting queue) ---------
(function () {
  "use strict";

  function boxes(name) {
    return document.querySelectorAll("input[type=checkbox][name='" + name + "']");
  }

  function setAll(name, checked) {
    boxes(name).forEach(function (box) { box.checked = checked; });
  }

  document.querySelectorAll("[data-check-all], [data-check-none]").forEach(function (button) {
    var name = button.getAttribute("data-check-all") || button.getAttribute("data-check-none");
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      setAll(name, button.hasAttribute("data-check-all"));
    });
  });

  document.querySelectorAll("[data-check-all-box]").forEach(function (master) {
    var name = master.getAttribute("data-check-all-box");
    master.classList.remove("d-none");
    master.addEventListener("change", function () { setAll(name, master.checked); });
  });

  // The phone app: the service worker keeps this user's Now/Next, agenda and counterparts'
  // cards for offline reading (static/js/sw.js).
  var body = document.body;
  if (body.dataset.serviceWorker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      worker.postMessage({ type: "user", key: body.dataset.offlineKey });
      var urls = [location.pathname];
      document.querySelectorAll("a[data-offline]").forEach(function (link) {
        urls.push(new URL(link.href).pathname);
      });
      // The styles, scripts and icons of this page, so that the offline copies look right.
      var assets = [];
      document.querySelectorAll("link[rel=stylesheet], script[src], img[src], use[href]")
        .forEach(function (el) {
          assets.push(new URL(el.getAttribute("href") || el.getAttribute("src"), location.href)
            .href.split("#")[0]);
        });
      worker.postMessage({ type: "keep", urls: urls, assets: assets });
    }).catch(function () { /* no offline copies; the pages still work online */ });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "kept") { body.dataset.offlineReady = "1"; }
    });
  }

  // Offline: say how old the page is; back online: reload it and tell what changed.
  var asOf = document.querySelector("[data-as-of]");
  function showOffline() { if (asOf) { asOf.classList.toggle("d-none", navigator.onLine); } }
  showOffline();
  window.addEventListener("offline", showOffline);

  // What changed: each fresh page with an agenda snapshot (data-agenda-snapshot, the user's
  // meetings: whom, when, where) is compared with the one remembered from the last fresh page,
  // then remembered in its place. Copies from the offline cache carry the snapshot they were
  // saved with (no newer than the remembered one) and are not compared. Kept per user (the
  // offline key) and cleared with all site storage at logout.
  var SNAPSHOTS = "mm-agenda-" + body.dataset.offlineKey + "-";

  function changesBetween(before, after, box) {
    function say(template, meeting) {
      return template.replace("{company}", meeting.company).replace("{when}", meeting.when);
    }
    var lines = [];
    Object.keys(after).forEach(function (id) {
      if (!before[id]) { lines.push(say(box.dataset.added, after[id])); }
      else if (before[id].when !== after[id].when) { lines.push(say(box.dataset.moved, after[id])); }
    });
    Object.keys(before).forEach(function (id) {
      if (!after[id]) { lines.push(say(box.dataset.dropped, before[id])); }
    });
    return lines;
  }

  // The changes since the remembered snapshot (null: nothing to compare), remembering this one.
  function compareAndRemember(root, box) {
    var el = root.querySelector("[data-agenda-snapshot]");
    if (!el || !body.dataset.offlineKey) { return null; }
    var store = SNAPSHOTS + el.dataset.agendaSnapshot;
    var fresh = { rendered: Number(el.dataset.rendered), meetings: JSON.parse(el.dataset.meetings) };
    var before = null;
    try { before = JSON.parse(localStorage.getItem(store) || "null"); } catch (e) { before = null; }
    if (before && before.rendered >= fresh.rendered) { return null; }
    localStorage.setItem(store, JSON.stringify(fresh));
    return before ? changesBetween(before.meetings, fresh.meetings, box) : null;
  }

  function tell(box, lines) {
    box.replaceChildren();
    lines.forEach(function (line) {
      var item = document.createElement("div");
      item.textContent = line;
      box.appendChild(item);
    });
    box.classList.remove("d-none");
  }

  var firstBox = document.querySelector("[data-changes]");
  if (firstBox) {
    var sinceLastTime = compareAndRemember(document, firstBox);
    if (sinceLastTime && sinceLastTime.length) { tell(firstBox, sinceLastTime); }
  }

  // The network often comes back in fits: a failed refresh is tried again a few times.
  function refresh(triesLeft) {
    var box = document.querySelector("[data-changes]");
    if (!box) { return; }
    fetch(location.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error("not refreshed"); }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var lines = compareAndRemember(fresh, box) || [];
      var main = document.querySelector("main");
      main.replaceChildren.apply(main, Array.from(fresh.querySelector("main").childNodes));
      box = document.querySelector("[data-changes]");
      asOf = document.querySelector("[data-as-of]");
      tell(box, lines.length ? lines : [box.dataset.same]);
      if (window.Outbox) { window.Outbox.wire(main); }
    }).catch(function () {  // still unreachable: the offline copy stays
      if (triesLeft > 0) { setTimeout(function () { refresh(triesLeft - 1); }, 1500); }
    });
  }
  // The "online" event does not always come (emulated or flaky networks): also look every 2 s.
  var offline = !navigator.onLine;
  function backOnline() {
    if (offline && navigator.onLine) { offline = false; showOffline(); refresh(4); }
  }
  window.addEventListener("offline", function () { offline = true; });
  window.addEventListener("online", backOnline);
  setInterval(backOnline, 2000);

  // The table plan: typing "t12" keeps the tables whose name or directions say so.
  document.querySelectorAll("[data-table-filter-box]").forEach(function (box) {
    var input = box.querySelector("[data-table-filter]");
    box.classList.remove("d-none");
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      document.querySelectorAll("[data-table-text]").forEach(function (item) {
        var text = item.getAttribute("data-table-text");
        item.classList.toggle("d-none", !words.every(function (w) {
          return text.split(/[\s,]+/).some(function (t) { return t.indexOf(w) === 0; });
        }));
      });
    });
  });

  // On a phone the event's tabs (and the pills under them) scroll sideways: start with the
  // open one in view.
  document.querySelectorAll(".event-nav, .schedule-nav").forEach(function (nav) {
    var open = nav.querySelector(".nav-link.active");
    if (open && nav.scrollWidth > nav.clientWidth) {
      nav.scrollLeft = open.parentElement.offsetLeft - (nav.clientWidth - open.offsetWidth) / 2;
    }
  });
})();
