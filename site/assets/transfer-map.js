// Transfer map filter: by Themenfeld and by date. Each line (and table row) carries its status
// history (data-history="2022-05-02:planned,2022-10-04:pilot"); at the chosen month it shows the
// status it had then, or hides if it had not started. Without JavaScript the map shows today.
(function () {
  "use strict";
  var form = document.querySelector("[data-map-filter]");
  if (!form) { return; }
  form.hidden = false;
  var select = form.elements.themenfeld, range = form.elements.monat, output = form.querySelector("output");
  var months = range.getAttribute("data-months").split(",");
  var count = form.querySelector("[data-map-count]");
  var STATUSES = ["planned", "pilot", "production", "ended"];

  function statusAt(history, month) {
    var status = null;
    history.split(",").forEach(function (entry) {
      var parts = entry.split(":");
      if (parts[0].slice(0, 7) <= month) { status = parts[1]; }
    });
    return status;
  }

  function apply() {
    var month = months[Number(range.value)] || "9999-99", theme = select.value, shown = 0;
    output.textContent = month;
    document.querySelectorAll(".transfer-map .edge, table.map-edges tr[data-history]").forEach(function (el) {
      var status = statusAt(el.getAttribute("data-history"), month);
      var visible = status !== null && (!theme || el.getAttribute("data-themenfeld") === theme);
      el.style.display = visible ? "" : "none";
      if (el.classList.contains("edge")) {
        STATUSES.forEach(function (s) { el.classList.remove("at-" + s); });
        if (status) { el.classList.add("at-" + status); }
        if (visible && el.closest("[data-view=netz]")) { shown += 1; }
      }
    });
    count.textContent = shown + " Nachnutzungen sichtbar";
  }
  select.addEventListener("change", apply);
  range.addEventListener("input", apply);
  apply();
})();
