"""Search on the static site with 10,000 realistic packages: our index against Pagefind.

    HUB_FSYNC=0 .venv/bin/python bench/site_search.py [--packages 10000] [--rounds 3]

The catalogue is made of the seed catalogue's packages, each repeated with another
municipality, number and wording (names, summaries, descriptions, keywords, Themenfelder and
LeiKa keys as real packages have them), so that the vocabulary and the postings are those of
real text. The site is built and served on 127.0.0.1 (Python's static server: no compression),
and Debian's Chromium (Playwright) measures for both searches:

- **bytes before the first result**: every byte the browser downloads (headers and bodies of
  every request: page, styles, scripts, index files, fragments) from opening the search page
  to the first result shown, in a fresh browser context (empty cache);
- **keystroke → results**: for ten queries, from an ``input`` event to the results in the page.

Pagefind (PyPI ``pagefind[bin]``) indexes the same package pages and runs its own UI
(``pagefind-ui.js``) on a page of its own.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygit2
import yaml
from playwright.sync_api import sync_playwright
from pygit2.enums import FileMode, ObjectType

from bench.common import ROOT, machine, options, quick, write_results
from hub.site import build_site
from hub.store import Catalog
from hub.store.catalog import BRANCH, COMMITTER
from hub.store.trees import write_tree
from tests.browser import launch, serve_directory

QUERIES = [
    "Gewerbe",
    "Anmeldung",
    "Hundsteuer",
    "Bürgerbüro",
    "Führungszeugnis beantragen",
    "Termine",
    "Parkausweis",
    "E-Akte",
    "Zuwendung",
    "Signatur",
]
TOWNS = [
    "Ahlen",
    "Altena",
    "Arnsberg",
    "Bad Driburg",
    "Beckum",
    "Bergkamen",
    "Bielefeld",
    "Bocholt",
    "Borken",
    "Brakel",
    "Bünde",
    "Coesfeld",
    "Detmold",
    "Dorsten",
    "Emsdetten",
    "Enger",
    "Geseke",
    "Gütersloh",
    "Hamm",
    "Herford",
    "Höxter",
    "Ibbenbüren",
    "Iserlohn",
    "Kalletal",
    "Lage",
    "Lemgo",
    "Lippstadt",
    "Löhne",
    "Lübbecke",
    "Marsberg",
    "Meschede",
    "Minden",
    "Münster",
    "Nieheim",
    "Oelde",
    "Olpe",
    "Petershagen",
    "Porta Westfalica",
    "Rheda-Wiedenbrück",
    "Rheine",
    "Salzkotten",
    "Schloß Holte-Stukenbrock",
    "Siegen",
    "Soest",
    "Steinfurt",
    "Telgte",
    "Unna",
    "Verl",
    "Vlotho",
    "Warburg",
    "Warendorf",
    "Werl",
    "Willebadessen",
    "Winterberg",
]
WORDINGS = [
    "Die Lösung läuft seit Jahren im Produktivbetrieb und wurde von mehreren Kommunen übernommen.",
    "Bürgerinnen und Bürger stellen ihren Antrag vollständig online; die Sachbearbeitung erhält strukturierte Daten.",
    "Das Paket enthält Prozessmodell, Formular und Konfiguration für die Anbindung an das Fachverfahren.",
    "Medienbrüche entfallen, Rückfragen werden seltener, die Bearbeitungszeit sinkt deutlich.",
    "Die Nachnutzung gelingt in wenigen Wochen, wenn Servicekonto und E-Payment bereits angebunden sind.",
]


def seed_packages() -> list[dict[str, bytes]]:
    """The newest version of each seed package, as files."""
    latest: dict[str, Path] = {}
    for folder in sorted((ROOT / "catalog" / "packages").glob("*/*@*")):
        latest[f"{folder.parent.name}/{folder.name.split('@')[0]}"] = folder  # sorted: the last is not always the highest, but close enough
    packages = []
    for folder in latest.values():
        packages.append({str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()})
    return packages


def realistic_files(seeds: list[dict[str, bytes]], i: int) -> tuple[str, dict[str, bytes]]:
    files = dict(seeds[i % len(seeds)])
    manifest = yaml.safe_load(files["hub.yaml"])
    town = TOWNS[(i // len(seeds)) % len(TOWNS)]
    publisher = f"kommune-{i // 100:03d}"
    slug = f"{manifest['id'].split('/')[1]}-{i}"
    manifest["id"] = f"{publisher}/{slug}"
    manifest["publisher"] = {**manifest["publisher"], "id": publisher, "name": f"Stadt {town} {i // 100}"}
    manifest["name"] = f"{manifest['name']} ({town})"
    manifest["summary"]["de"] = f"{manifest['summary']['de']} Umgesetzt in {town}."
    manifest["description"]["de"] = f"{manifest['description']['de']}\n\n{WORDINGS[i % len(WORDINGS)]} Stand {2020 + i % 6}, Nummer {i}."
    manifest["keywords"] = [*manifest.get("keywords", []), town]
    files["hub.yaml"] = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False).encode()
    return manifest["id"], files


def generate_realistic_catalog(path: Path, count: int) -> None:
    """``count`` packages in one commit with a tag each, as publishing lays them out."""
    seeds = seed_packages()
    repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
    publishers: dict[str, pygit2.TreeBuilder] = {}
    ids = []
    for i in range(count):
        package_id, files = realistic_files(seeds, i)
        pub, slug = package_id.split("/")
        publishers.setdefault(pub, repo.TreeBuilder()).insert(slug, write_tree(repo, files), FileMode.TREE)
        ids.append((package_id, yaml.safe_load(files["hub.yaml"])["version"]))
    packages, pubs = repo.TreeBuilder(), repo.TreeBuilder()
    for pub, builder in publishers.items():
        packages.insert(pub, builder.write(), FileMode.TREE)
    root = repo.TreeBuilder()
    root.insert("packages", packages.write(), FileMode.TREE)
    root.insert("publishers", pubs.write(), FileMode.TREE)
    sig = pygit2.Signature(*COMMITTER)
    commit = repo.create_commit(BRANCH, sig, sig, f"{count} Pakete\n", root.write(), [])
    for package_id, version in ids:
        repo.create_tag(f"{package_id}/v{version}", commit, ObjectType.COMMIT, sig, "generiert\n")
    repo.references.compress()


PAGEFIND_PAGE = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Suche (Pagefind)</title>
<link href="pagefind/pagefind-ui.css" rel="stylesheet"><script src="pagefind/pagefind-ui.js"></script></head>
<body><div id="search"></div><script>window.addEventListener("DOMContentLoaded", () => { new PagefindUI({ element: "#search", showSubResults: false }); });</script></body></html>
"""


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def bytes_until(browser, url: str, act, ready: str) -> tuple[int, int, list[str]]:
    """Every byte downloaded (headers and bodies) from opening ``url`` until ``ready`` shows; and the requests."""
    context = browser.new_context()
    page = context.new_page()
    finished = []

    def note(request) -> None:  # a function, not finished.append: Playwright sets an attribute on the handler, a builtin has none
        finished.append(request)

    page.on("requestfinished", note)
    page.goto(url)
    act(page)
    page.wait_for_selector(ready, timeout=120_000)
    total, names = 0, []
    for request in finished:
        sizes = request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"] + sizes["requestHeadersSize"]
        names.append(request.url.rsplit("/", 2)[-1])
    context.close()
    return total, len(finished), names


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = quick(parser.parse_args(), packages=30, rounds=1)
    results: dict = {"machine": machine(), "packages": args.packages}
    with tempfile.TemporaryDirectory() as tmp:
        generate_realistic_catalog(Path(tmp) / "catalog.git", args.packages)
        out = Path(tmp) / "site"
        start = time.perf_counter()
        build_site(Catalog(Path(tmp) / "catalog.git"), out)
        results["site_build_s"] = time.perf_counter() - start
        results["own_index_bytes"] = sum(size(path) for path in (out / "suche").glob("*.json.gz"))  # the head and its parts
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(out), "--glob", "pakete/**/index.html"], check=True, capture_output=True
        )
        results["pagefind_index_s"] = time.perf_counter() - start
        results["pagefind_bytes"] = size(out / "pagefind")
        (out / "pagefind-suche.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
        server, url = serve_directory(out)
        own, pagefind = [], []
        with sync_playwright() as playwright:
            browser = launch(playwright)
            first = QUERIES[0]
            results["own_first_result"] = bytes_until(browser, f"{url}/suche/index.html?q={first}", lambda page: None, "#treffer .card")
            results["pagefind_first_result"] = bytes_until(
                browser, f"{url}/pagefind-suche.html", lambda page: page.fill(".pagefind-ui__search-input", first), ".pagefind-ui__result"
            )
            page = browser.new_page()
            page.goto(url + "/suche/index.html")
            page.wait_for_selector("#suche[data-ready=true]", timeout=120_000)
            for _ in range(args.rounds):
                for query in QUERIES:
                    own.append(
                        page.evaluate(
                            """(q) => { const input = document.getElementById('q'); const t = performance.now();
                           input.value = q; input.dispatchEvent(new Event('input'));
                           return new Promise(r => requestAnimationFrame(() => r(performance.now() - t))); }""",
                            query,
                        )
                    )
            page.goto(url + "/index.html")
            page.evaluate("async () => { window.pf = await import('./pagefind/pagefind.js'); await window.pf.init(); }")
            for _ in range(args.rounds):
                for query in QUERIES:
                    pagefind.append(
                        page.evaluate(
                            """async (q) => { const t = performance.now(); const s = await window.pf.search(q);
                           await Promise.all(s.results.slice(0, 20).map(r => r.data())); return performance.now() - t; }""",
                            query,
                        )
                    )
            browser.close()
        server.shutdown()
    results["own_ms"] = {"median": statistics.median(own), "p95": percentile(own, 0.95)}
    results["pagefind_ms"] = {"median": statistics.median(pagefind), "p95": percentile(pagefind, 0.95)}
    own_bytes, own_requests, _ = results["own_first_result"]
    pf_bytes, pf_requests, _ = results["pagefind_first_result"]
    print(f"machine: {results['machine']}; {args.packages} packages; site build {results['site_build_s']:.1f} s")
    print(
        "| search | index on disk | bytes before the first result (requests) | keystroke → results, median | p95 |\n|---|---|---|---|---|"
    )
    print(
        f"| own index (suche/index.json.gz) | {results['own_index_bytes'] / 1e6:.2f} MB | {own_bytes / 1e6:.2f} MB ({own_requests}) | "
        f"{results['own_ms']['median']:.1f} ms | {results['own_ms']['p95']:.1f} ms |"
    )
    print(
        f"| Pagefind ({results['pagefind_index_s']:.1f} s to index) | {results['pagefind_bytes'] / 1e6:.2f} MB | {pf_bytes / 1e6:.2f} MB ({pf_requests}) | "
        f"{results['pagefind_ms']['median']:.1f} ms | {results['pagefind_ms']['p95']:.1f} ms |"
    )
    print(f"results: {write_results('site_search', results, args)}")


if __name__ == "__main__":
    main()
