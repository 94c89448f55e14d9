"""Cold start of hub serve with an existing index on 10,000 packages (issue 4).

    .venv/bin/python bench/coldstart.py [--packages 10000] [--runs 3]

Generates a catalogue into a data directory, lets ``hub init`` plus one ``hub serve``
build the index and the clone exports, then measures from process start to the first
answer of /api/v1/health, ``runs`` times. Baseline in the same run: the same for a
bare Litestar app (bench/bare_app.py) under the same server.
"""

from __future__ import annotations

import argparse
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

from bench.common import generate_catalog, machine, options, quick, write_results  # noqa: E402
from bench.server import free_port  # noqa: E402

BIN = Path(sys.executable).parent


def started(cmd: list[str], url: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=1) as r:
                        if r.status == 200:
                            return time.perf_counter() - start
                except OSError:
                    if proc.poll() is not None:
                        log.seek(0)
                        tail = log.read().decode(errors="replace")[-3000:]
                        raise RuntimeError(f"{cmd} ended early (exit {proc.returncode}):\n{tail}") from None
                    time.sleep(0.02)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = quick(parser.parse_args(), packages=30, runs=1)
    with tempfile.TemporaryDirectory() as data:
        generate_catalog(Path(data) / "catalog.git", args.packages)
        env = {**os.environ, "HUB_DATA": data, "PYTHONPATH": str(ROOT)}
        first = time.perf_counter()
        port = free_port()
        started([str(BIN / "hub"), "serve", "--port", str(port)], f"http://127.0.0.1:{port}/api/v1/health", env)
        first = time.perf_counter() - first
        ours, bare = [], []
        for _ in range(args.runs):
            port = free_port()
            ours.append(started([str(BIN / "hub"), "serve", "--port", str(port)], f"http://127.0.0.1:{port}/api/v1/health", env))
            port = free_port()
            bare.append(
                started(
                    [str(BIN / "granian"), "--interface", "asgi", "--port", str(port), "--workers", "1", "bench.bare_app:app"],
                    f"http://127.0.0.1:{port}/const",
                    env,
                )
            )
    results = {
        "machine": machine(),
        "packages": args.packages,
        "first_start_s": first,
        "cold_start_s": statistics.median(ours),
        "bare_start_s": statistics.median(bare),
        "runs": ours,
    }
    print(f"machine: {results['machine']}")
    print("| figure | median | goal |\n|---|---|---|")
    print(f"| first start (builds index and exports) | {first:.1f} s | |")
    print(f"| cold start with existing index | {results['cold_start_s']:.2f} s | ≤ 5 s |")
    print(f"| baseline: bare Litestar app, same server | {results['bare_start_s']:.2f} s | |")
    print(f"results: {write_results('coldstart', results, args)}")


if __name__ == "__main__":
    main()
