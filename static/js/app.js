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

  function initConfirm(form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  }

  document.querySelectorAll("[data-tag-picker]").forEach(initTagPicker);
  document.querySelectorAll("form[data-confirm]").forEach(initConfirm);
})();
