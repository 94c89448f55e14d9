"""A running hub follows the catalogue's HEAD: delay from a CLI commit to search and clone, and workers' throughput (issue 10).

    .venv/bin/python bench/live.py delay [--runs 50]
    .venv/bin/python bench/live.py workers [--packages 2000] [--seconds 10] [--rounds 3]

``delay``: ``hub serve`` on the seeded catalogue; ``runs`` times ``hub publish`` (the CLI, a process of its
own) of a new version. A thread polls ``refs/heads/main`` every millisecond and notes when the commit
landed; the script then polls the API search (until the new version is the hit's version) and
``git ls-remote`` of ``/git/<id>.git`` (until the new tag is listed) and notes when both show it.
Reports median and max of the delay from the commit, and from the CLI's end.

``workers``: a generated catalogue of ``packages`` packages; ``hub serve --workers 1`` and ``--workers 2``
alternately, ``rounds`` times; wrk (Debian package ``wrk``) requests ``GET /api/v1/packages/<id>`` of a
random package each time (a Lua script picks from all ids), 16 connections. Reports median req/s and
the ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import WrkOutput, generate_catalog, machine, options, package_id, process_group_cpu, quick, write_results
from tests.factory import make_package
from tests.server import start_server

BIN = Path(sys.executable).parent


def ref(data: Path) -> str:
    """``refs/heads/main`` as git stores it (loose, else packed)."""
    loose = data / "catalog.git" / "refs" / "heads" / "main"
    try:
        return loose.read_text().strip()
    except OSError:
        packed = (data / "catalog.git" / "packed-refs").read_text()
        found = re.search(r"^([0-9a-f]{40}) refs/heads/main$", packed, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"{data} has no refs/heads/main") from None
        return found.group(1)


def delay(runs: int) -> dict:
    data = Path(tempfile.mkdtemp()) / "data"
    subprocess.run([str(BIN / "hub"), "--data", str(data), "init"], check=True, capture_output=True)
    server = start_server(data, workers=1)
    source = Path(tempfile.mkdtemp())
    pid = "stadt-messung/verzoegerung"
    from_commit, from_exit = [], []
    try:
        for n in range(runs):
            version = f"1.{n}.0"
            folder = make_package(source / str(n), pid, version, name="Verzögerungsmessung")
            before = ref(data)
            landed: list[float] = []

            def watch(before: str = before, landed: list[float] = landed) -> None:
                while ref(data) == before:
                    time.sleep(0.001)
                landed.append(time.monotonic())

            watcher = threading.Thread(target=watch)
            watcher.start()
            subprocess.run([str(BIN / "hub"), "--data", str(data), "publish", str(folder)], check=True, capture_output=True)
            exited = time.monotonic()
            watcher.join()
            searched = cloned = None
            while searched is None or cloned is None:
                now = time.monotonic()
                if searched is None:
                    with urllib.request.urlopen(f"{server.url}/api/v1/packages?q=Verz%C3%B6gerungsmessung") as response:
                        if f'"version":"{version}"' in response.read().decode():
                            searched = now
                if cloned is None:
                    refs = subprocess.run(
                        ["git", "ls-remote", f"{server.url}/git/{pid}.git"], capture_output=True, text=True, check=False
                    ).stdout
                    if f"refs/tags/v{version}" in refs:
                        cloned = now
                if searched is None or cloned is None:
                    time.sleep(0.01)
            visible = max(searched, cloned)
            from_commit.append(visible - landed[0])
            from_exit.append(max(0.0, visible - exited))
            print(
                f"run {n + 1}/{runs}: {from_commit[-1] * 1000:.0f} ms after the commit, {from_exit[-1] * 1000:.0f} ms after the CLI ended",
                flush=True,
            )
    finally:
        server.stop()
        shutil.rmtree(data.parent, ignore_errors=True)
        shutil.rmtree(source, ignore_errors=True)
    return {
        "runs": runs,
        "from_commit_ms": [t * 1000 for t in from_commit],
        "from_commit_median_ms": statistics.median(from_commit) * 1000,
        "from_commit_max_ms": max(from_commit) * 1000,
        "from_cli_end_median_ms": statistics.median(from_exit) * 1000,
        "from_cli_end_max_ms": max(from_exit) * 1000,
    }


LUA = """
local ids = {}
for line in io.lines("%s") do ids[#ids + 1] = line end
math.randomseed(%d)
request = function()
  return wrk.format("GET", "/api/v1/packages/" .. ids[math.random(#ids)])
end
"""


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the live processes of a process group (``hub serve`` and its workers)."""
    return process_group_cpu(pgid, reaped=False)


def wrk(url: str, script: Path, seconds: int, pgid: int | None = None) -> tuple[float, float, float, float]:
    """req/s, the machine's busy share during the run, the share of the machine wrk itself used, and the cores the server used."""
    before, rusage = cpu_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before, started = (group_cpu(pgid) if pgid else 0.0), time.monotonic()
    out = WrkOutput.run(url, seconds, script=script, latency=False)
    after, used = cpu_ticks(), resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cores = ((group_cpu(pgid) - server_before) / (time.monotonic() - started)) if pgid else 0.0
    busy = (after[0] - before[0]) / max(1, after[1] - before[1])
    wrk_share = (used.ru_utime + used.ru_stime - rusage.ru_utime - rusage.ru_stime) / (seconds * (os.cpu_count() or 1))
    return out.rps, busy, wrk_share, server_cores


def workers(packages: int, seconds: int, rounds: int) -> dict:
    if shutil.which("wrk") is None:
        sys.exit("wrk fehlt: apt-get install wrk")
    base = Path(tempfile.mkdtemp())
    data = base / "data"
    data.mkdir()
    generate_catalog(data / "catalog.git", packages)
    subprocess.run([str(BIN / "hub"), "--data", str(data), "init"], check=True, capture_output=True)
    ids = base / "ids.txt"
    ids.write_text("\n".join(package_id(i) for i in range(packages)) + "\n")
    script = base / "random.lua"
    script.write_text(LUA % (ids, 1))
    rates: dict[int, list[float]] = {1: [], 2: []}
    busy: dict[int, list[float]] = {1: [], 2: []}
    wrk_share: list[float] = []
    used: dict[int, list[float]] = {1: [], 2: []}
    cpu_ms: dict[int, list[float]] = {1: [], 2: []}
    try:
        for _ in range(rounds):
            for n in (1, 2):
                # measured once every worker has ended its start (follower's first step, site and forkserver warm-up)
                server = start_server(data, workers=n, timeout=600).settled(workers=n, timeout=600)
                try:
                    wrk(server.url, script, 2)  # warm-up: every worker's caches and imports
                    rate, load, share, cores = wrk(server.url, script, seconds, os.getpgid(server.process.pid))
                finally:
                    server.stop()
                rates[n].append(rate)
                busy[n].append(load)
                wrk_share.append(share)
                used[n].append(cores)
                cpu_ms[n].append(cores / rate * 1000)
                print(
                    f"--workers {n}: {rate:.0f} req/s, server used {cores:.2f} cores ({cores / rate * 1000:.2f} ms CPU per request), "
                    f"machine busy {load:.0%}, wrk {share:.0%} of the machine",
                    flush=True,
                )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    return {
        "packages": packages,
        "seconds": seconds,
        "rounds": rounds,
        "workers_1_rps": one,
        "workers_2_rps": two,
        "ratio": two / one,
        "workers_1_busy": statistics.median(busy[1]),
        "workers_2_busy": statistics.median(busy[2]),
        "wrk_share": statistics.median(wrk_share),
        "workers_1_server_cores": statistics.median(used[1]),
        "workers_2_server_cores": statistics.median(used[2]),
        "workers_1_cpu_ms_per_request": statistics.median(cpu_ms[1]),
        "workers_2_cpu_ms_per_request": statistics.median(cpu_ms[2]),
        "cores": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("delay", parents=[options()])
    p.add_argument("--runs", type=int, default=50)
    p = sub.add_parser("workers", parents=[options()])
    p.add_argument("--packages", type=int, default=2000)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--rounds", type=int, default=3)
    args = quick(parser.parse_args(), runs=2, packages=50, seconds=1, rounds=1)
    results = {"machine": machine()}
    if args.what == "delay":
        results |= delay(args.runs)
        print(
            f"delay from the commit: median {results['from_commit_median_ms']:.0f} ms, max {results['from_commit_max_ms']:.0f} ms; "
            f"from the CLI's end: median {results['from_cli_end_median_ms']:.0f} ms, max {results['from_cli_end_max_ms']:.0f} ms"
        )
    else:
        results |= workers(args.packages, args.seconds, args.rounds)
        print(
            f"GET package, random of {args.packages}: --workers 1 {results['workers_1_rps']:.0f} req/s, "
            f"--workers 2 {results['workers_2_rps']:.0f} req/s, ratio {results['ratio']:.2f}; machine busy with 1 worker "
            f"{results['workers_1_busy']:.0%}, with 2 {results['workers_2_busy']:.0%}; wrk used {results['wrk_share']:.0%} of the machine; "
            f"server cores {results['workers_1_server_cores']:.2f} / {results['workers_2_server_cores']:.2f}, CPU per request "
            f"{results['workers_1_cpu_ms_per_request']:.2f} / {results['workers_2_cpu_ms_per_request']:.2f} ms"
        )
    print(f"machine: {results['machine']}")
    print(f"results: {write_results('live_' + args.what, results, args)}")


if __name__ == "__main__":
    main()
