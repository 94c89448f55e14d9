// Client-side search over suche/index.json: folded, lightly stemmed German, disjunctive facets.
// Works on any static host; no server involved.
(function () {
  "use strict";
  const root = document.getElementById("suche");
  if (!root) return;
  const input = document.getElementById("q");
  const facetBox = document.getElementById("facetten");
  const list = document.getElementById("treffer");
  const count = document.getElementById("anzahl");
  const base = root.dataset.root;
  const PAGE = 50;
  let index = null, selected = {}, shown = PAGE;

  // Must match hub/site/searchindex.py fold(): lower case, umlauts and their ae/oe/ue spellings folded.
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/ß/g, "ss").replace(/ae/g, "a").replace(/oe/g, "o").replace(/ue/g, "u");
  }
  const SUFFIXES = ["ungen", "innen", "ern", "en", "em", "er", "es", "e", "n", "s"];
  function stem(word) {
    for (const s of SUFFIXES) {
      if (word.endsWith(s) && word.length - s.length >= 4) return s === "ungen" ? word.slice(0, -5) + "ung" : word.slice(0, -s.length);
    }
    return word;
  }
  function terms(query) {
    return fold(query).split(/[^a-z0-9]+/).filter((w) => w.length > 1).map(stem);
  }

  function matches(doc, words) {
    let score = 0;
    for (const w of words) {
      if (doc.fn.includes(w)) score += 6;
      else if (doc.fk.includes(w)) score += 3;
      else if (doc.fx.includes(w)) score += 1;
      else return 0;
    }
    return score;
  }

  function facetValue(doc, key) { return doc.f[key]; }

  function passes(doc, skip) {
    for (const key of Object.keys(selected)) {
      if (key === skip || selected[key].size === 0) continue;
      const v = facetValue(doc, key);
      const values = Array.isArray(v) ? v : [v];
      if (!values.some((x) => selected[key].has(String(x)))) return false;
    }
    return true;
  }

  function search() {
    const started = performance.now();
    const words = terms(input.value);
    const scored = [];
    for (const doc of index.docs) {
      const s = words.length ? matches(doc, words) : 1;
      if (s) scored.push([s, doc]);
    }
    const hits = scored.filter(([, d]) => passes(d, null));
    hits.sort((a, b) => b[0] - a[0] || (b[1].m ?? -1) - (a[1].m ?? -1) || a[1].n.localeCompare(b[1].n, "de"));
    renderFacets(scored);
    renderHits(hits);
    const params = new URLSearchParams();
    if (input.value) params.set("q", input.value);
    for (const [k, set] of Object.entries(selected)) for (const v of set) params.append(k, v);
    history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
    window.__lastSearchMs = performance.now() - started;
    list.dataset.query = input.value;
  }

  function renderFacets(scored) {
    facetBox.textContent = "";
    for (const facet of index.facets) {
      const counts = new Map();
      for (const [, doc] of scored) {
        if (!passes(doc, facet.key)) continue;
        const v = facetValue(doc, facet.key);
        for (const x of Array.isArray(v) ? v : [v]) counts.set(String(x), (counts.get(String(x)) || 0) + 1);
      }
      for (const v of selected[facet.key] || []) if (!counts.has(v)) counts.set(v, 0);
      if (!counts.size) continue;
      const fs = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = facet.label;
      fs.appendChild(legend);
      const entries = [...counts.entries()].sort((a, b) => b[1] - a[1] || label(facet, a[0]).localeCompare(label(facet, b[0]), "de"));
      entries.forEach(([value, n], i) => {
        const id = "f-" + facet.key + "-" + i;
        const box = document.createElement("input");
        box.type = "checkbox"; box.id = id; box.value = value;
        box.checked = (selected[facet.key] || new Set()).has(value);
        box.addEventListener("change", () => {
          const set = selected[facet.key] || (selected[facet.key] = new Set());
          box.checked ? set.add(value) : set.delete(value);
          shown = PAGE; search();
          const again = document.getElementById(id); if (again) again.focus();
        });
        const lab = document.createElement("label");
        lab.htmlFor = id;
        lab.append(box, " " + label(facet, value) + " (" + n + ")");
        fs.appendChild(lab);
      });
      facetBox.appendChild(fs);
    }
  }

  function label(facet, value) { return (facet.labels && facet.labels[value]) || value; }

  function renderHits(hits) {
    list.textContent = "";
    count.textContent = hits.length === 1 ? "1 Paket gefunden" : hits.length + " Pakete gefunden";
    for (const [, doc] of hits.slice(0, shown)) {
      const li = document.createElement("li");
      li.className = "card";
      const h = document.createElement("h3");
      const a = document.createElement("a");
      a.href = base + "pakete/" + doc.id + "/index.html";
      a.textContent = doc.n;
      h.appendChild(a);
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = doc.p + " · Version " + doc.v + " · " + doc.f.themenfeld;
      const summary = document.createElement("p");
      summary.textContent = doc.s;
      const level = document.createElement("p");
      level.className = "hit-level";
      level.textContent = doc.m === null ? "ohne Reifegrad" : "Reifegrad " + doc.m + " · " + index.levels[doc.m];
      li.append(h, meta, summary, level);
      list.appendChild(li);
    }
    if (hits.length > shown) {
      const li = document.createElement("li");
      const more = document.createElement("button");
      more.type = "button";
      more.textContent = "Weitere " + Math.min(PAGE, hits.length - shown) + " anzeigen";
      more.addEventListener("click", () => { shown += PAGE; search(); });
      li.appendChild(more);
      list.appendChild(li);
    }
  }

  fetch(root.dataset.index).then((r) => r.json()).then((data) => {
    index = data;
    for (const doc of index.docs) { doc.fn = fold(doc.n); doc.fk = fold(doc.k.join(" ")); doc.fx = fold(doc.x); }
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    for (const facet of index.facets) {
      const values = params.getAll(facet.key);
      if (values.length) selected[facet.key] = new Set(values);
    }
    input.addEventListener("input", () => { shown = PAGE; search(); });
    search();
    root.dataset.ready = "true";
  }).catch(() => { count.textContent = "Der Suchindex konnte nicht geladen werden."; });
})();
