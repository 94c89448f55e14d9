"""Reads that cover the whole catalogue (issue 16): what one anonymous GET costs a running hub, at each catalogue size.

    .venv/bin/python bench/catalogue_reads.py --data /work/growth-cache/w/data-1000 --data … [--runs 5] [--evaluate-upto 10000]
    .venv/bin/python bench/catalogue_reads.py --quick    # a smoke run: a hub seeded with the embedded catalogue

Anyone may send these requests, as often as they like: the ministry's reports, the DCAT-AP export, the feeds, the
lists of publishers, adoptions, reviews and sources. For each data folder (a catalogue with its index and served site,
as ``bench/growth.py`` leaves it; its clone address kept, so the site is not built again) a real ``hub serve --workers
1`` is started; once its site shows the head, each route is asked ``--runs`` times one after another (a cheap one for two seconds: ``/proc`` counts in ticks of
10 ms), and the figures
are the server's process group CPU time per request (``/proc``, before and after) and the median wall-clock time.
``/api/v1/health`` is the baseline of the same run. Last, ``/api/v1/health``'s wall time (median, p99) idle and while
eight clients ask DCAT-AP pages as fast as they are answered (the pages are made in the export worker, not in the
server process).

Then, in this process, what the code before this round did for two of those routes on every request, up to
``--evaluate-upto`` packages (at 50,000 each takes minutes): the maturity report evaluated from the catalogue
(``hub.maturity.reports.maturity_report``, what ``/api/v1/reports/maturity`` computed) and the whole catalogue's DCAT-AP
(``hub.federation.dcat.export_dcat`` without a page, what ``/api/v1/export/dcat.ttl`` answered).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import options, quick, write_results  # noqa: E402
from bench.growth import PORT, Served, group_cpu, port_of, settle_disk  # noqa: E402

ROUTES = {
    "health": "/api/v1/health",
    "search": "/api/v1/packages",
    "reports_maturity": "/api/v1/reports/maturity",
    "reports_history": "/api/v1/reports/history",
    "reports_workbook": "/api/v1/reports/all.xlsx",
    "dcat_first_page": "/api/v1/export/dcat.ttl",
    "dcat_last_page": "/api/v1/export/dcat.ttl?page={last}",
    "dcat_jsonld": "/api/v1/export/dcat.jsonld",
    "atom": "/api/v1/feeds/packages.atom",
    "atom_500": "/api/v1/feeds/packages.atom?limit=500",
    "publishers": "/api/v1/publishers",
    "adoptions": "/api/v1/adoptions",
    "reviews": "/api/v1/reviews",
    "sources": "/api/v1/sources",
}


def ready(url: str, limit: float = 3600) -> int:
    """Wait until the served site shows the head and its reports name it; the catalogue's package count."""
    deadline = time.monotonic() + limit
    with httpx.Client(timeout=30) as client:
        while time.monotonic() < deadline:
            health = client.get(f"{url}/api/v1/health").json()
            if health.get("site_commit") == health.get("commit") and not health.get("starting"):
                report = client.get(f"{url}/api/v1/reports/maturity")
                if report.status_code == 200 and report.json().get("commit") == health["commit"]:
                    return int(health["packages"])
            time.sleep(0.5)
    raise SystemExit(f"{url}: the served site did not show the head within {limit} s")


def measure_routes(data: Path, runs: int) -> dict:
    port = port_of(data) if (data / PORT).is_file() else None
    with Served(data, port=port) as served:
        packages = ready(served.url)
        time.sleep(2)  # what the follower's first step left behind (the deferred dashboard) ends before the clock starts
        last = max(1, -(-packages // 100))
        figures: dict[str, dict] = {}
        with httpx.Client(timeout=600) as client:
            for name, path in ROUTES.items():
                url = served.url + path.format(last=last)
                client.get(url)  # the first request of a route registers it (routes few requests need) and loads its modules
                walls: list[float] = []
                size = 0
                cpu = group_cpu(served.process.pid)
                began = time.perf_counter()
                # at least ``runs`` requests, and a cheap route until two seconds have passed: /proc counts in 10 ms ticks
                while len(walls) < runs or (time.perf_counter() - began < 2 and len(walls) < 5_000):
                    start = time.perf_counter()
                    answer = client.get(url)
                    walls.append(time.perf_counter() - start)
                    if answer.status_code != 200:
                        raise SystemExit(f"{url}: {answer.status_code} {answer.text[:300]}")
                    size = len(answer.content)
                cpu = group_cpu(served.process.pid) - cpu
                figures[name] = {
                    "cpu_ms": cpu * 1000 / len(walls),
                    "wall_ms": statistics.median(walls) * 1000,
                    "bytes": size,
                    "requests": len(walls),
                }
        under = health_under_dcat(served.url, last)
    base = figures["health"]["cpu_ms"]
    for f in figures.values():
        f["to_health"] = f["cpu_ms"] / base if base else None
    return {"packages": packages, "routes": figures, "health_under_dcat": under}


def health_under_dcat(url: str, pages: int, askers: int = 8, probes: int = 100) -> dict:
    """``/api/v1/health``'s wall time, median and p99 of ``probes`` requests (one connection): idle, then while
    ``askers`` clients ask DCAT-AP pages as fast as they are answered."""

    def timings() -> list[float]:
        found = []
        with httpx.Client(timeout=60) as client:
            client.get(f"{url}/api/v1/health")
            for _ in range(probes):
                start = time.perf_counter()
                client.get(f"{url}/api/v1/health")
                found.append((time.perf_counter() - start) * 1000)
                time.sleep(0.02)
        return found

    def summary(found: list[float]) -> dict:
        ordered = sorted(found)
        return {"p50_ms": statistics.median(ordered), "p99_ms": ordered[max(0, int(len(ordered) * 0.99) - 1)]}

    idle = timings()
    stop = threading.Event()
    answered = [0]

    def asking(n: int) -> None:
        with httpx.Client(timeout=600) as client:
            while not stop.is_set():
                client.get(f"{url}/api/v1/export/dcat.ttl?page={n % pages + 1}")
                answered[0] += 1
                n += askers

    threads = [threading.Thread(target=asking, args=(n,)) for n in range(askers)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    start = time.perf_counter()
    busy = timings()
    seconds = time.perf_counter() - start
    stop.set()
    for thread in threads:
        thread.join()
    return {"idle": summary(idle), "busy": summary(busy), "askers": askers, "pages_per_s": answered[0] / (seconds + 2)}


def measure_evaluated(data: Path) -> dict:
    """What the code before this round did per request, in this process: CPU seconds (``time.process_time``)."""
    from hub.config import HubConfig
    from hub.federation.dcat import export_dcat
    from hub.maturity.reports import maturity_report
    from hub.services import Services

    found = {}
    with Services.attach(HubConfig(data_dir=data)) as services:
        for key, work in (
            ("maturity_report_s", lambda: maturity_report(services.catalog)),
            ("dcat_whole_s", lambda: export_dcat(services.catalog, "http://127.0.0.1:8000/", "turtle")),
        ):
            start = time.process_time()
            work()
            found[key] = time.process_time() - start
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, parents=[options()])
    parser.add_argument("--data", type=Path, action="append", default=[], help="a data folder (repeat for several sizes)")
    parser.add_argument("--runs", type=int, default=5, help="requests per route")
    parser.add_argument("--evaluate-upto", type=int, default=10_000, help="the code before this round measured up to this many packages")
    args = quick(parser.parse_args(), runs=2)
    with tempfile.TemporaryDirectory() as scratch:
        folders = [Path(scratch)] if args.quick else args.data  # --quick: a hub seeds an empty folder
        if not folders:
            parser.error("--data or --quick")
        sizes = {}
        for data in folders:
            settle_disk()
            found = measure_routes(data, args.runs)
            if found["packages"] <= args.evaluate_upto:
                found["evaluated"] = measure_evaluated(data)
            sizes[str(found["packages"])] = found
            print(found["packages"], {k: round(v["cpu_ms"], 2) for k, v in found["routes"].items()}, found.get("evaluated"), flush=True)
    write_results("catalogue_reads", {"runs": args.runs, "sizes": sizes}, args)


if __name__ == "__main__":
    main()
