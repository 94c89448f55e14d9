"""A primary and a read replica on 127.0.0.1: read latency on both while publishers write to the primary (issue 16).

    .venv/bin/python bench/replica.py [--seconds 5] [--rounds 3] [--publishers 0,1,4,8]

The primary is ``hub serve`` (one worker) on the seeded catalogue; the replica is ``hub serve --follow``
(one worker, its own data folder; its index, clone exports and site are copied from the primary's
folder before it starts, its catalogue is fetched over HTTP). For each number of concurrent
publishers, for ``seconds``: the publishers (threads, each with its own connection) publish new
packages of the test factory (BPMN, form, config, README) through ``POST /api/v1/packages`` with a
token, one after the other; meanwhile one reader per hub requests ``GET /api/v1/packages/<id>`` of a
random seeded package every 50 ms (paced, so the readers do not add load of their own). Reported per
phase: read p50/p99 on the replica and on the primary, publishes per second, the median time of one publish
(request to answer), the CPU the primary's process group (server, worker, site child, budget workers) spent
per publish, and how long the replica needed after the phase to serve the primary's last commit. The phases run ``rounds`` times in turn
(0, 1, 4, 8, 0, 1, …) on the same two hubs; each figure is the median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, options, process_group_cpu, quick, write_results
from tests.factory import archive, make_package, package_files
from tests.server import Server, start_server

BIN = Path(sys.executable).parent
ORG = "stadt-messung"
BASE = {"HUB_BASE_URL": "http://hub.bench/"}  # the same on both hubs, so the copied site stays current


def prepare(root: Path) -> tuple[Server, Server, float]:
    seed = root / "seed"
    subprocess.run([str(BIN / "hub"), "--data", str(seed), "init"], check=True, capture_output=True)
    # one commit of today before measuring (the first commit of a month re-renders every page once)
    folder = make_package(root / "src", f"{ORG}/vorlauf", "1.0.0")
    record = root / "org.yaml"
    record.write_text(f"id: {ORG}\nname: Stadt Messung\ntype: stadt\n", encoding="utf-8")
    subprocess.run([str(BIN / "hub"), "--data", str(seed), "organisation", "add", str(record)], check=True, capture_output=True)
    subprocess.run([str(BIN / "hub"), "--data", str(seed), "publish", str(folder)], check=True, capture_output=True)
    primary = start_server(seed, env=BASE)
    shutil.copytree(
        seed, root / "replica", ignore=shutil.ignore_patterns("catalog.git", "catalog.versions.sqlite*", "tokens.sqlite", "*.lock")
    )
    started = time.monotonic()
    replica = start_server(root / "replica", env=BASE, args=("--follow", primary.url))
    return primary, replica, time.monotonic() - started


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def reader(server: Server, ids: list[str], stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = client.get(f"/api/v1/packages/{random.choice(ids)}")
            elapsed = time.perf_counter() - started
            if response.status_code == 200:
                out.append(elapsed * 1000)
            stop.wait(max(0.0, 0.05 - elapsed))


def publisher(
    server: Server, token: str, name: str, stop: threading.Event, done: list[float], failed: list[str], took: list[float]
) -> None:
    with httpx.Client(base_url=server.url, timeout=120, headers={"Authorization": f"Bearer {token}"}) as client:
        i = 0
        while not stop.is_set():
            i += 1
            pid = f"{ORG}/{name}-{i}"
            files = {"archive": ("p.zip", archive(package_files(pid, "1.0.0", name=f"Messpaket {name} {i}")), "application/zip")}
            started = time.perf_counter()
            response = client.post("/api/v1/packages", files=files)
            if response.status_code == 201:
                took.append((time.perf_counter() - started) * 1000)
                done.append(time.monotonic())
            else:
                failed.append(f"{response.status_code} {response.text[:200]}")


def phase(primary: Server, replica: Server, token: str, ids: list[str], publishers: int, seconds: float, tag: str) -> dict:
    stop = threading.Event()
    reads: dict[str, list[float]] = {"replica": [], "primary": []}
    done: list[float] = []
    failed: list[str] = []
    took: list[float] = []
    threads = [
        threading.Thread(target=reader, args=(server, ids, stop, reads[name]))
        for name, server in (("replica", replica), ("primary", primary))
    ]
    threads += [
        threading.Thread(target=publisher, args=(primary, token, f"{tag}-{n}", stop, done, failed, took)) for n in range(publishers)
    ]
    cpu = process_group_cpu(primary.process.pid, reaped=True)  # the primary, its worker, site child and budget workers
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    ended = time.monotonic()
    primary_cpu = process_group_cpu(primary.process.pid, reaped=True) - cpu
    # how long until the replica serves the primary's last commit (health: catalogue and index there)
    head = httpx.get(primary.url + "/api/v1/health", timeout=30).json()["commit"]
    while True:
        state = httpx.get(replica.url + "/api/v1/health", timeout=30).json()
        if state["commit"] == state["index_commit"] == head:
            break
        time.sleep(0.05)
    return {
        "publishers": publishers,
        "publishes_per_s": len(done) / (ended - started),
        "publishes": len(done),
        "publish_p50_ms": statistics.median(took) if took else 0.0,
        "primary_cpu_ms_per_publish": primary_cpu * 1000 / len(done) if done else 0.0,
        "failed": failed[:3],
        "replica_p50_ms": statistics.median(reads["replica"]),
        "replica_p99_ms": percentile(reads["replica"], 0.99),
        "replica_reads": len(reads["replica"]),
        "primary_p50_ms": statistics.median(reads["primary"]),
        "primary_p99_ms": percentile(reads["primary"], 0.99),
        "primary_reads": len(reads["primary"]),
        "replica_caught_up_s": time.monotonic() - ended,
    }


def median_row(runs: list[dict]) -> dict:
    row = {key: statistics.median(run[key] for run in runs) for key in runs[0] if isinstance(runs[0][key], int | float)}
    row["failed"] = [f for run in runs for f in run["failed"]][:3]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--publishers", default="0,1,4,8")
    args = quick(parser.parse_args(), seconds=1.0, rounds=1, publishers="0,1")
    root = Path(tempfile.mkdtemp(prefix="hub-bench-replica-"))
    cpu = time.process_time()
    primary, replica, ready = prepare(root)
    try:
        token = json.loads(primary.hub("token", "create", "--org", ORG, "--role", "publisher", "--json"))["token"]
        ids = [p["id"] for p in httpx.get(primary.url + "/api/v1/packages", params={"limit": 100}).json()["items"]]
        counts = [int(n) for n in args.publishers.split(",")]
        runs = [phase(primary, replica, token, ids, n, args.seconds, f"r{r}p{n}") for r in range(args.rounds) for n in counts]
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(root, ignore_errors=True)
    rows = [median_row([run for run in runs if run["publishers"] == n]) for n in counts]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    results = {
        "cpu_bench_s": time.process_time() - cpu,
        "cpu_hubs_and_cli_s": children.ru_utime + children.ru_stime,
        "machine": machine(),
        "seconds_per_phase": args.seconds,
        "rounds": args.rounds,
        "replica_ready_s": ready,
        "phases": rows,
        "runs": runs,
    }
    print(f"replica ready after {ready:.1f} s (catalogue fetched over HTTP, derived folders copied)")
    print(
        "publishers | publishes/s | publish p50 ms | primary CPU ms/publish | replica p50 / p99 ms | primary p50 / p99 ms | replica caught up after"
    )
    for r in rows:
        print(
            f"{r['publishers']:>10.0f} | {r['publishes_per_s']:>11.2f} | {r['publish_p50_ms']:>14.0f} | {r['primary_cpu_ms_per_publish']:>22.0f} | "
            f"{r['replica_p50_ms']:>8.1f} / {r['replica_p99_ms']:>6.1f} | "
            f"{r['primary_p50_ms']:>8.1f} / {r['primary_p99_ms']:>6.1f} | {r['replica_caught_up_s']:.2f} s"
            + (f"  (failed: {r['failed']})" if r["failed"] else "")
        )
    print(f"CPU: bench process {results['cpu_bench_s']:.1f} s, hubs and CLI runs {results['cpu_hubs_and_cli_s']:.1f} s")
    print(f"results: {write_results('replica', results, args)}")


if __name__ == "__main__":
    main()
