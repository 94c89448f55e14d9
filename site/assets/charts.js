// Dashboard charts: the values on hover and touch, and the Themenfeld filter without reloading.
// Without JavaScript the charts are complete SVGs, the numbers are in the tables beside them, and
// the filter is a list of links to one page per Themenfeld.
(function () {
  "use strict";
  var tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.setAttribute("role", "status");
  tip.hidden = true;
  document.body.appendChild(tip);

  function text(group, cls) {
    var d = group.querySelector("desc." + cls);
    return d ? d.textContent : "";
  }

  function show(bar, x, y) {
    var group = bar.closest(".bar, .dot, .slice");
    if (!group) { return; }
    var label = text(group, "x_label"), series = text(group, "label"), value = text(group, "value");
    tip.textContent = (label ? label + " · " : "") + (series ? series + ": " : "") + value;
    tip.hidden = false;
    tip.style.left = (x + window.scrollX + 12) + "px";
    tip.style.top = (y + window.scrollY + 12) + "px";
  }

  function wire(root) {
    root.querySelectorAll("svg.pygal-chart .reactive").forEach(function (bar) {
      // pointer only: a chart is one image to assistive technology; its numbers are in the table beside it
      bar.addEventListener("mousemove", function (e) { show(bar, e.clientX, e.clientY); });
      bar.addEventListener("mouseleave", function () { tip.hidden = true; });
      bar.addEventListener("touchstart", function (e) { var t = e.touches[0]; show(bar, t.clientX, t.clientY); }, {passive: true});
    });
  }

  // the filter: fetch the Themenfeld's page and put its charts in place of these
  var filter = document.querySelector("[data-filter=themenfeld]");
  function load(href, push) {
    fetch(href).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("main");
      if (!fresh) { window.location.href = href; return; }
      var main = document.querySelector("main");
      // links in the fetched page are relative to its own folder
      fresh.querySelectorAll("a[href]").forEach(function (a) { a.setAttribute("href", new URL(a.getAttribute("href"), new URL(href, window.location.href)).href); });
      main.innerHTML = fresh.innerHTML;
      document.title = doc.title;
      if (push) { history.pushState({href: href}, "", href); }
      wire(main);
      filterLinks();
      var h1 = main.querySelector("h1");
      if (h1) { h1.setAttribute("tabindex", "-1"); h1.focus(); }
    }).catch(function () { window.location.href = href; });
  }
  function filterLinks() {
    var nav = document.querySelector("[data-filter=themenfeld]");
    if (!nav || !window.fetch || window.location.protocol === "file:") { return; }
    nav.querySelectorAll("a").forEach(function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); load(a.href, true); });
    });
  }
  window.addEventListener("popstate", function () { load(window.location.href, false); });
  wire(document);
  if (filter) { filterLinks(); }
})();
