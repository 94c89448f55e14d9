// Process diagrams: zoom and pan by mouse (drag, Ctrl + wheel), touch (drag, pinch) and keyboard
// (+ − 0 1 and the arrow keys on the focused figure), with @panzoom/panzoom from our vendor folder.
// Without JavaScript every diagram is a complete SVG fitted to the column's width.
(function () {
  "use strict";
  if (!window.Panzoom) { return; }

  function button(label, text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.addEventListener("click", onClick);
    return b;
  }

  document.querySelectorAll("figure.bpmn-figure").forEach(function (figure) {
    var svg = figure.querySelector("svg.bpmn-diagram");
    if (!svg) { return; }
    var stage = document.createElement("div");
    stage.className = "bpmn-stage";
    svg.parentNode.insertBefore(stage, svg);
    stage.appendChild(svg);
    var pz = Panzoom(svg, {maxScale: 10, minScale: 0.5, step: 0.3, animate: false, origin: "0 0", cursor: "grab", touchAction: "pan-y"});
    var natural = svg.viewBox.baseVal.width;
    var level = document.createElement("output");
    level.className = "bpmn-zoom-level";

    function show() {
      var scale = pz.getScale() * svg.clientWidth / natural;
      level.textContent = Math.round(scale * 100) + " %";
      svg.style.touchAction = pz.getScale() > 1.01 ? "none" : "pan-y"; // fitted: a swipe scrolls the page
    }
    // the smallest label's size in the diagram's own units: the large view scales it to at least 11 px
    var smallest = 12;
    svg.querySelectorAll("text").forEach(function (text) {
      var size = parseFloat(window.getComputedStyle(text).fontSize);
      if (size > 0) { smallest = Math.min(smallest, size); }
    });
    function actual(factor) { // 100 %: the diagram's own size
      pz.reset({animate: false});
      pz.zoom(natural / svg.clientWidth * (typeof factor === "number" ? factor : 1), {animate: false});
      pz.pan(0, 0, {animate: false});
    }
    var toolbar = document.createElement("div");
    toolbar.className = "bpmn-toolbar";
    toolbar.append(
      button("Verkleinern", "−", function () { pz.zoomOut(); }),
      button("Vergrößern", "+", function () { pz.zoomIn(); }),
      button("Auf Breite einpassen", "Einpassen", function () { pz.reset(); }),
      button("Originalgröße (100 %)", "100 %", actual),
      button("Großansicht über die ganze Fensterbreite", "Großansicht", function () {
        var large = figure.classList.toggle("is-large");
        this.setAttribute("aria-pressed", String(large));
        this.textContent = large ? "Schließen" : "Großansicht";
        pz.reset({animate: false});
        if (large) { actual(Math.max(1, 11.5 / smallest)); }
        figure.focus();
      }),
      level
    );
    figure.insertBefore(toolbar, stage);
    stage.addEventListener("wheel", function (e) {
      if (e.ctrlKey || e.metaKey || figure.classList.contains("is-large")) { pz.zoomWithWheel(e); }
    }, {passive: false});
    svg.addEventListener("panzoomchange", show);
    figure.addEventListener("keydown", function (e) {
      var step = 60, handled = true;
      if (e.key === "+" || e.key === "=") { pz.zoomIn(); }
      else if (e.key === "-" || e.key === "_") { pz.zoomOut(); }
      else if (e.key === "0") { pz.reset(); }
      else if (e.key === "1") { actual(); }
      else if (e.key === "ArrowLeft") { pz.pan(step, 0, {relative: true}); }
      else if (e.key === "ArrowRight") { pz.pan(-step, 0, {relative: true}); }
      else if (e.key === "ArrowUp") { pz.pan(0, step, {relative: true}); }
      else if (e.key === "ArrowDown") { pz.pan(0, -step, {relative: true}); }
      else if (e.key === "Escape" && figure.classList.contains("is-large")) { toolbar.querySelectorAll("button")[4].click(); }
      else { handled = false; }
      if (handled && e.target === figure) { e.preventDefault(); }
    });
    window.addEventListener("resize", show);
    show();
  });
})();
