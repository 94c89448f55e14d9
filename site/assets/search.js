// Client-side search over suche/index.json.gz and its parts: the same analysis, matching and ranking as the
// API's index, line for line (hub/index/text.py; a test compares both on a corpus of queries).
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
  const EXACT = 4, PREFIX = 3, PART = 2, TYPO = 1;
  let index = null, cfg = null, WORD = null, UMLAUT = null, STOP = null, selected = {}, shown = PAGE;

  // -- hub/index/text.py, in the same order ------------------------------------------------------

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ß/g, "ss");
  }
  function words(text) {
    return (fold(text).match(WORD) || []).map((w) => w.replace(UMLAUT, "$1"));
  }
  function replaceAll(text, from, to) { return text.split(from).join(to); }
  function stem(word) {
    if (word.length < 4 || /[0-9]/.test(word)) return word;
    let w = replaceAll(replaceAll(replaceAll(word, "sch", "$"), "ei", "%"), "ie", "&");
    w = w.replace(/(.)\1/g, "$1*");
    while (w.length > 3) {
      if (w.endsWith("nis")) break;
      const two = w.slice(-2);
      if (w.length > 5 && (two === "em" || two === "er" || two === "nd")) w = w.slice(0, -2);
      else if ("esn".includes(w[w.length - 1])) w = w.slice(0, -1);
      else break;
    }
    w = w.replace(/(.)\*/g, "$1$1");
    if (w.endsWith("niss")) w = w.slice(0, -1);
    return replaceAll(replaceAll(replaceAll(w, "&", "ie"), "%", "ei"), "$", "sch");
  }
  function queryTerms(query) {
    const found = words(Array.from(query).slice(0, cfg.max_query_chars).join(""));
    let kept = found.filter((w) => !STOP.has(w));
    if (!kept.length) kept = found;
    const terms = new Map();
    for (const w of kept) {
      const t = stem(w);
      const typo = w.length >= cfg.typo_min_word && !/[0-9]/.test(w);
      terms.set(t, (terms.get(t) || false) || typo);
    }
    return [...terms.entries()].slice(0, cfg.max_query_terms);
  }
  function oneEdit(a, b) {
    const la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1 || a === b) return false;
    let i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    if (la < lb) return a.slice(i) === b.slice(i + 1);
    return a.slice(i + 1) === b.slice(i);
  }
  function matchQuality(t, v, typo) {
    if (v === t) return EXACT;
    const n = t.length;
    if (n < cfg.prefix_min) return 0;
    if (v.startsWith(t)) return PREFIX;
    if (n >= cfg.part_min && v.indexOf(t, cfg.part_min_head) !== -1) return PART;
    if (typo && n >= 4) {
      if (oneEdit(t, v)) return TYPO;
      if (n >= cfg.typo_min_word && v.length > n && (oneEdit(t, v.slice(0, n)) || oneEdit(t, v.slice(0, n + 1)) || oneEdit(t, v.slice(0, n - 1)))) return TYPO;
    }
    return 0;
  }
  // every query term must match; per term the best field weight × quality, typo matches only when
  // nothing else matched; order: typo-only terms, points, then the tie order (the docs' order)
  function rank(terms) {
    const vocab = index.terms, postings = index.postings, points = cfg.mask_points;
    let found = null;
    for (const [t, typo] of terms) {
      const exact = new Map(), near = new Map();
      for (let i = 0; i < vocab.length; i++) {
        const q = matchQuality(t, vocab[i], typo);
        if (!q) continue;
        const best = q === TYPO ? near : exact;
        for (const packed of postings[i]) {
          const doc = Math.floor(packed / 32);
          const p = points[packed % 32] * q;
          if (p > (best.get(doc) || 0)) best.set(doc, p);
        }
      }
      const step = new Map();
      for (const doc of new Set([...exact.keys(), ...near.keys()])) {
        if (found !== null && !found.has(doc)) continue;
        const [p, typos] = found !== null ? found.get(doc) : [0, 0];
        step.set(doc, exact.has(doc) ? [p + exact.get(doc), typos] : [p + near.get(doc), typos + 1]);
      }
      found = step;
      if (!found.size) break;
    }
    const ranked = [...(found || new Map()).entries()].map(([doc, [p, typos]]) => [typos * cfg.typo_key - p, doc]);
    ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return ranked.map(([, doc]) => index.docs[doc]);
  }

  // -- the page ----------------------------------------------------------------------------------

  function passes(doc, skip) {
    for (const key of Object.keys(selected)) {
      if (key === skip || selected[key].size === 0) continue;
      if (!doc.f[key].some((x) => selected[key].has(x))) return false;
    }
    return true;
  }

  function search() {
    const started = performance.now();
    const terms = queryTerms(input.value);
    const matched = terms.length ? rank(terms) : index.docs;
    const hits = matched.filter((d) => passes(d, null));
    renderFacets(matched);
    renderHits(hits);
    const params = new URLSearchParams();
    if (input.value) params.set("q", input.value);
    for (const [k, set] of Object.entries(selected)) for (const v of set) params.append(k, v);
    history.replaceState(null, "", params.toString() ? "?" + params : location.pathname);
    window.__lastSearchMs = performance.now() - started;
    list.dataset.ids = JSON.stringify(hits.map((d) => d.id));
    list.dataset.query = input.value;
  }

  function renderFacets(matched) {
    facetBox.textContent = "";
    for (const facet of index.facets) {
      const counts = new Map();
      for (const doc of matched) {
        if (!passes(doc, facet.key)) continue;
        for (const x of doc.f[facet.key]) counts.set(x, (counts.get(x) || 0) + 1);
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
    for (const doc of hits.slice(0, shown)) {
      const li = document.createElement("li");
      li.className = "card";
      const h = document.createElement("h3");
      const a = document.createElement("a");
      a.href = base + "pakete/" + doc.id + "/index.html";
      a.textContent = doc.n;
      h.appendChild(a);
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = doc.p + " · Version " + doc.v + " · " + doc.f.themenfeld[0];
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

  // The index is stored gzip-compressed (small on any host); a host that already sends it with
  // Content-Encoding: gzip hands over plain JSON, which the first two bytes tell apart.
  async function load(url) {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return JSON.parse(new TextDecoder().decode(bytes));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  // The index comes in parts (hub/site/searchindex.py): the head names them, each holds some packages
  // with their terms. Merged here into one: the packages in the API's tie order (each carries its
  // place, "o", then the id decides), every term's postings as (global doc × 32 + field mask).
  function compareOrder(a, b) {
    for (let i = 0; i < a.o.length; i++) if (a.o[i] !== b.o[i]) return a.o[i] - b.o[i];
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }
  function merge(head, parts) {
    cfg = head.search;
    WORD = new RegExp(cfg.word, "g");
    UMLAUT = new RegExp(cfg.umlaut_spelling, "g");
    STOP = new Set(cfg.stopwords);
    const publishers = head.facets.find((f) => f.key === "publisher");
    const docs = [];
    for (const part of parts) for (const doc of part.docs) docs.push(doc);
    docs.sort(compareOrder);
    const place = new Map(docs.map((doc, i) => [doc, i]));
    const postings = new Map();
    for (const part of parts) {
      part.terms.forEach((term, i) => {
        let local = 0;
        let row = postings.get(term);
        if (!row) postings.set(term, (row = []));
        for (const packed of part.postings[i]) {
          local += Math.floor(packed / 32);
          row.push(place.get(part.docs[local]) * 32 + (packed % 32));
        }
      });
    }
    for (const doc of docs) {
      const f = {};
      head.facets.forEach((facet, i) => {
        const v = doc.f[i];
        f[facet.key] = Array.isArray(v) ? v : [v];
      });
      doc.f = f;
      doc.p = publishers.labels[f.publisher[0]] || f.publisher[0];
    }
    return { levels: head.levels, facets: head.facets, docs, terms: [...postings.keys()], postings: [...postings.values()] };
  }

  async function loadAll(url) {
    const head = await load(url);
    const folder = url.slice(0, url.lastIndexOf("/") + 1);
    return merge(head, await Promise.all(head.shards.map((name) => load(folder + name))));
  }

  loadAll(root.dataset.index).then((data) => {
    index = data;
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
