// The harvest progress page (workspace, served hub only). While the run goes on, this asks the hub for the
// run's small JSON status every second and puts its words into the page (the summary, each source's state
// and result); when the run has ended it loads the page once more, for the full result with links to the
// packages taken. It holds no text of its own: the hub words everything. Without this script the page
// refreshes itself every two seconds (<noscript> meta refresh) and shows the same.
(function () {
  "use strict";
  var status = document.getElementById("ernte-stand");
  if (!status || !window.fetch || status.getAttribute("data-state") !== "running") return;
  var url = status.getAttribute("data-stand");

  function show(answer) {
    status.textContent = answer.summary;
    answer.sources.forEach(function (source) {
      var rows = document.querySelectorAll("tr[data-source]");
      for (var i = 0; i < rows.length; i++) {
        if (rows[i].getAttribute("data-source") !== source.name) continue;
        rows[i].querySelector(".step-state").textContent = source.label;
        rows[i].querySelector(".step-result").textContent = source.state === "done" ? source.text : "";
      }
    });
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (!response.ok || type.indexOf("json") < 0) throw new Error("no status");  // e.g. signed out meanwhile
        return response.json();
      })
      .then(function (answer) {
        show(answer);
        if (answer.state === "running") window.setTimeout(poll, 1000);
        else window.location.reload();
      })
      .catch(function () {
        window.setTimeout(function () { window.location.reload(); }, 2000);
      });
  }

  window.setTimeout(poll, 1000);
})();
