// peelpipe report.html: filter every force-tagged row and section by force name and region.
// The filter lives in the address (#force=...&region=...) so a filtered view can be shared.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var forceBox = document.getElementById("force-filter");
  var regionBox = document.getElementById("region-filter");
  var status = document.getElementById("filter-status");
  var matrixRows = document.querySelectorAll(".matrix tbody tr[data-force]");
  var tagged = document.querySelectorAll("[data-force]");
  form.hidden = false;

  function apply() {
    var text = forceBox.value.trim().toLowerCase();
    var region = regionBox.value;
    tagged.forEach(function (el) {
      var show = (!text || el.dataset.name.indexOf(text) !== -1 || el.dataset.force === text) &&
        (!region || el.dataset.region === region);
      el.hidden = !show;
    });
    var shown = 0;
    matrixRows.forEach(function (row) { if (!row.hidden) { shown += 1; } });
    status.textContent = (text || region)
      ? "Showing " + shown + " of " + matrixRows.length + " forces."
      : "Showing all " + matrixRows.length + " forces.";
    var params = new URLSearchParams();
    if (text) { params.set("force", forceBox.value.trim()); }
    if (region) { params.set("region", region); }
    var hash = params.toString();
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", hash ? "#" + hash : window.location.pathname);
    }
  }

  var initial = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  if (initial.has("force")) { forceBox.value = initial.get("force"); }
  if (initial.has("region")) { regionBox.value = initial.get("region"); }
  forceBox.addEventListener("input", apply);
  regionBox.addEventListener("change", apply);
  document.getElementById("filter-reset").addEventListener("click", function () {
    forceBox.value = "";
    regionBox.value = "";
    apply();
    forceBox.focus();
  });
  if (initial.has("force") || initial.has("region")) { apply(); }

  // A link to a force's history (#force-<id>) opens it.
  function openHistory() {
    var target = document.getElementById(window.location.hash.replace(/^#/, ""));
    if (target && target.classList.contains("history")) {
      target.hidden = false;
      target.querySelector("details").open = true;
    }
  }
  window.addEventListener("hashchange", openHistory);
  openHistory();
})();
