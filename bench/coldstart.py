"""Cold start of hub serve with an existing index (issues 4 and 16).

    .venv/bin/python bench/coldstart.py [--packages 10000] [--runs 3]
    .venv/bin/python bench/coldstart.py --catalog /tmp/copy/cat/10000/catalog.git --before main --figure coldstart-10k  # a copy of the growth cache

Makes a data directory with a catalogue (generated, or ``--catalog``: a grown one, hard-linked in,
as bench/growth.py does) and times its first ``hub serve``: until health answers (tags and search index
built before it) and until health no longer says ``starting`` (the site and the clone exports, built behind the first
answers). Then it measures from process start to the first answer of /api/v1/health, ``runs`` times: the
seconds, and the CPU seconds of the server's process group until then (its workers and the
children they started count: the machine is shared, CPU is the work itself). Whether the first
answer came while the server was still ``starting`` (health says so) is counted too. Baseline in
the same run: the same for a bare Litestar app (bench/bare_app.py) under the same server; with
``--before REV``, also ``hub serve`` of the project at another commit (e.g. main before a change,
unpacked with ``git archive``), started alternately with this one on the same data folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import generate_catalog, machine, options, process_group_cpu, quick, write_results  # noqa: E402
from bench.server import free_port  # noqa: E402

BIN = Path(sys.executable).parent


def started(
    cmd: list[str], url: str, env: dict[str, str], timeout: float = 7200, settled: list[float] | None = None
) -> tuple[float, float, bool]:
    """Seconds until ``url`` answered 200, CPU seconds of the process group until then, and whether it said ``starting``.

    With ``settled`` (health's url), the server is kept running until health no longer says ``starting`` (the
    follower's first step done: clone exports and site at HEAD); its seconds and CPU seconds until then are appended.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=env["PYTHONPATH"], env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
        try:
            while time.perf_counter() - start < timeout:
                try:
                    with urllib.request.urlopen(url, timeout=1) as r:
                        if r.status == 200:
                            seconds = time.perf_counter() - start
                            cpu = process_group_cpu(proc.pid, reaped=True)
                            body = r.read()
                            starting = url.endswith("/health") and bool(json.loads(body).get("starting"))
                            if settled is not None:
                                settled.extend(until_settled(url, start, timeout, proc.pid))
                            return seconds, cpu, starting
                except OSError:
                    if proc.poll() is not None:
                        log.seek(0)
                        tail = log.read().decode(errors="replace")[-3000:]
                        raise RuntimeError(f"{cmd} ended early (exit {proc.returncode}):\n{tail}") from None
                    time.sleep(0.02)
            raise RuntimeError(f"{cmd}: no answer from {url} within {timeout} s")
        finally:
            os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait(timeout=30)


def until_settled(url: str, start: float, timeout: float, pgid: int) -> tuple[float, float]:
    """Seconds since ``start`` and CPU seconds of the process group when health first no longer says ``starting``."""
    while time.perf_counter() - start < timeout:
        with urllib.request.urlopen(url, timeout=30) as r:
            if not json.loads(r.read()).get("starting"):
                return time.perf_counter() - start, process_group_cpu(pgid, reaped=True)
        time.sleep(0.2)
    raise RuntimeError(f"{url}: still starting after {timeout} s")


def compiled(env: dict[str, str], pycache: Path) -> dict[str, str]:
    """``env`` for a server that starts from compiled bytecode, as an installed hub does (pip compiles it at install,
    a checkout writes it at its first start): without it, a shell that sets ``PYTHONDONTWRITEBYTECODE`` (this machine's
    does) has every start compile the hub's few hundred modules from source again, about a quarter of a second of
    CPU that no deployment spends. The bytecode goes to ``pycache`` (``PYTHONPYCACHEPREFIX``), not into the checkout."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(pycache)}


def hub_serve(root: Path, data: str, port: int, pycache: Path) -> tuple[list[str], str, dict[str, str]]:
    # the checkout's hub package comes first
    env = compiled({**os.environ, "HUB_DATA": data, "PYTHONPATH": str(root)}, pycache)
    cmd = [sys.executable, "-m", "hub", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return cmd, f"http://127.0.0.1:{port}/api/v1/health", env


def checkout(revision: str, folder: Path) -> str:
    """The project at ``revision`` unpacked into ``folder``; returns the commit."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", revision], capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return commit


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--catalog", type=Path, default=None, help="a grown catalogue repository to start on (hard-linked in) instead of a generated one"
    )
    parser.add_argument(
        "--before", default=None, help="a commit of the project whose hub serve is timed alternately with this one, same data folder"
    )
    parser.add_argument("--figure", default="coldstart", help="name of the results (docs/figures/NAME.json with --record)")
    args = quick(parser.parse_args(), packages=30, runs=1)
    port = free_port()  # one address for every start: the pages name it in their clone commands
    with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as other, tempfile.TemporaryDirectory() as pycache:
        before_commit = checkout(args.before, Path(other)) if args.before else None
        if args.catalog is not None:
            subprocess.run(["cp", "-al", str(args.catalog), str(Path(data) / "catalog.git")], check=True)
        else:
            generate_catalog(Path(data) / "catalog.git", args.packages)
        cache = Path(pycache)
        settled: list[float] = []
        first, first_cpu, _ = started(*hub_serve(ROOT, data, port, cache), settled=settled)  # also compiles this checkout

        def bare_app() -> tuple[float, float, bool]:
            bare_port = free_port()
            return started(
                [str(BIN / "granian"), "--interface", "asgi", "--port", str(bare_port), "--workers", "1", "bench.bare_app:app"],
                f"http://127.0.0.1:{bare_port}/const",
                compiled({**os.environ, "PYTHONPATH": str(ROOT)}, cache),
            )

        # one start of each that is not counted: each compiles its modules once, as ours did at its first start
        bare_app()
        if args.before is not None:
            started(*hub_serve(Path(other), data, port, cache))
        ours, before, bare = [], [], []
        for _ in range(args.runs):
            ours.append(started(*hub_serve(ROOT, data, port, cache)))
            if args.before is not None:
                before.append(started(*hub_serve(Path(other), data, port, cache)))
            bare.append(bare_app())
        packages = count_packages(Path(data))
    results = {
        "machine": machine(),
        "packages": packages,
        "catalog": "grown" if args.catalog is not None else "generated",
        "first_start_s": first,
        "first_start_cpu_s": first_cpu,
        "first_settled_s": settled[0],
        "first_settled_cpu_s": settled[1],
        "cold_start_s": statistics.median(r[0] for r in ours),
        "cold_start_cpu_s": statistics.median(r[1] for r in ours),
        "answered_while_starting": sum(r[2] for r in ours),
        "bare_start_s": statistics.median(r[0] for r in bare),
        "bare_start_cpu_s": statistics.median(r[1] for r in bare),
        "runs": [r[0] for r in ours],
        "cpu_runs": [r[1] for r in ours],
    }
    if before:
        results |= {
            "before_commit": before_commit,
            "before_cold_start_s": statistics.median(r[0] for r in before),
            "before_cold_start_cpu_s": statistics.median(r[1] for r in before),
            "before_runs": [r[0] for r in before],
        }
    print(f"machine: {results['machine']}")
    print("| figure | median | CPU | goal |\n|---|---|---|---|")
    print(f"| first start until health answers (tags and index built) | {first:.1f} s | {first_cpu:.1f} s | |")
    print(f"| first start until settled (site and clone exports too) | {settled[0]:.1f} s | {settled[1]:.1f} s | ≤ 30 s at 10k |")
    print(f"| cold start with existing index | {results['cold_start_s']:.2f} s | {results['cold_start_cpu_s']:.2f} s | ≤ 1 s |")
    if before:
        print(f"| the same, --before checkout | {results['before_cold_start_s']:.2f} s | {results['before_cold_start_cpu_s']:.2f} s | |")
    print(f"| baseline: bare Litestar app, same server | {results['bare_start_s']:.2f} s | {results['bare_start_cpu_s']:.2f} s | |")
    print(f"answered while starting: {results['answered_while_starting']} of {args.runs}")
    print(f"results: {write_results(args.figure, results, args)}")


def count_packages(data: Path) -> int:
    from hub.store import Catalog

    return len(Catalog.open(data / "catalog.git").package_ids())


if __name__ == "__main__":
    main()
