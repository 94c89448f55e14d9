"""Search in the browser on 10,000 packages (issue 5): own prebuilt index vs. Pagefind.

    HUB_FSYNC=0 .venv/bin/python bench/site_search.py [--packages 10000]

Builds the site of a generated catalogue, serves it on 127.0.0.1, and in Debian's
Chromium (Playwright) measures for each query the time from the keystroke (an input
event) to the results being in the page, for
- our index (suche/index.json, site/assets/search.js): the search page's own handler;
- Pagefind (PyPI ``pagefind[bin]``), indexing the same built pages: ``pagefind.search``
  plus loading the first 20 results, as its UI does.
Reports build/index times, index sizes, median and p95 latency.
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

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.common import generate_catalog, machine, write_results  # noqa: E402
from hub.site import build_site  # noqa: E402
from hub.store import Catalog  # noqa: E402
from tests.browser import launch, serve_directory  # noqa: E402

QUERIES = ["Gewerbe", "Antrag", "Paket 42", "Lösungspaket Nummer 9", "Messungen", "Termine", "Anmeldung", "Querschnitt", "Kommune", "Nummer 123"]


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict = {"machine": machine(), "packages": args.packages}
    with tempfile.TemporaryDirectory() as tmp:
        generate_catalog(Path(tmp) / "catalog.git", args.packages)
        out = Path(tmp) / "site"
        start = time.perf_counter()
        build_site(Catalog(Path(tmp) / "catalog.git"), out)
        results["site_build_s"] = time.perf_counter() - start
        results["own_index_bytes"] = size(out / "suche" / "index.json")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(out), "--glob", "pakete/**/index.html"], check=True, capture_output=True)
        results["pagefind_index_s"] = time.perf_counter() - start
        results["pagefind_bytes"] = size(out / "pagefind")
        server, url = serve_directory(out)
        own, pagefind = [], []
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            page.goto(url + "/suche/index.html")
            page.wait_for_selector("#suche[data-ready=true]", timeout=60_000)
            for _ in range(args.rounds):
                for query in QUERIES:
                    own.append(page.evaluate(
                        """(q) => { const input = document.getElementById('q'); const t = performance.now();
                           input.value = q; input.dispatchEvent(new Event('input'));
                           return new Promise(r => requestAnimationFrame(() => r(performance.now() - t))); }""", query))
            page.goto(url + "/index.html")
            page.evaluate("async () => { window.pf = await import('./pagefind/pagefind.js'); await window.pf.init(); }")
            for _ in range(args.rounds):
                for query in QUERIES:
                    pagefind.append(page.evaluate(
                        """async (q) => { const t = performance.now(); const s = await window.pf.search(q);
                           await Promise.all(s.results.slice(0, 20).map(r => r.data())); return performance.now() - t; }""", query))
            browser.close()
        server.shutdown()
    results["own_ms"] = {"median": statistics.median(own), "p95": percentile(own, 0.95)}
    results["pagefind_ms"] = {"median": statistics.median(pagefind), "p95": percentile(pagefind, 0.95)}
    print(f"machine: {results['machine']}")
    print("| search | index build | index size | keystroke → results, median | p95 | goal |\n|---|---|---|---|---|---|")
    print(f"| own index (suche/index.json) | part of the site build | {results['own_index_bytes'] / 1e6:.1f} MB | {results['own_ms']['median']:.1f} ms | {results['own_ms']['p95']:.1f} ms | ≤ 100 ms |")
    print(f"| Pagefind | {results['pagefind_index_s']:.1f} s | {results['pagefind_bytes'] / 1e6:.1f} MB | {results['pagefind_ms']['median']:.1f} ms | {results['pagefind_ms']['p95']:.1f} ms | ≤ 100 ms |")
    print(f"site build: {results['site_build_s']:.1f} s; results: {write_results('site_search', results)}")


if __name__ == "__main__":
    main()
