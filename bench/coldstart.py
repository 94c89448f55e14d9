"""Cold start of hub serve with an existing index (issues 4 and 16).

    .venv/bin/python bench/coldstart.py [--packages 10000] [--runs 3]
    .venv/bin/python bench/coldstart.py --catalog /tmp/copy/cat/10000/catalog.git --before main --figure coldstart-10k  # a copy of the growth cache
    .venv/bin/python bench/coldstart.py --data /tmp/copy/first-10000 --figure coldstart-10k  # a copied data folder, index built

Makes a data directory with a catalogue (generated, or ``--catalog``: a grown one, hard-linked in,
as bench/growth.py does) and times its first ``hub serve``: until health answers (tags and search index
built before it) and until health no longer says ``starting`` (the site and the clone exports, built behind the first
answers); or takes a data folder whose first start is behind it (``--data``). Then it measures from process start to
the first answer of /api/v1/health, ``runs`` times: the seconds, and the CPU seconds of the server's process group
until then (the parent ``hub serve``, its worker, and whatever child processes they started before that answer:
the site's and the writer's, the forkserver, the budget workers; the machine is shared, CPU is the work itself).
``bench/growth.py``'s start step measures the same, the same way. Each server is ``hub serve`` as installed: the
console script, from compiled bytecode (``bench.common.installed``), each started once uncounted before the runs.
Whether the first answer came while the server was still ``starting`` (health says so) is counted too. Baseline in
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
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import generate_catalog, installed, machine, options, process_group_cpu, quick, write_results  # noqa: E402
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
                # the figures are taken: a server whose follower is in a long first step (a whole site's build at
                # 50,000 packages) waits for it before it ends, which no run needs to wait for
                proc.wait(timeout=5)
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


def hub_serve(root: Path, data: str, port: int, base_url: str | None = None) -> tuple[list[str], str, dict[str, str]]:
    """``hub serve`` as installed: the console script, from compiled bytecode (``bench.common.installed``).

    The checkout at ``root`` comes first on the path; ``base_url``: the address the data folder's pages were built for,
    when the server listens on another one."""
    env = installed({**os.environ, "HUB_DATA": data, "PYTHONPATH": str(root)})
    if base_url:
        env["HUB_BASE_URL"] = base_url
    cmd = [str(console_script(root)), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return cmd, f"http://127.0.0.1:{port}/api/v1/health", env


def console_script(root: Path) -> Path:
    """The ``hub`` command of the project at ``root`` as pip installs it: this checkout's is the venv's; another
    checkout's (``--before``) is written next to it from its own ``pyproject.toml``, since the entry point it names
    may differ (the script is a process's main module: multiprocessing's forkserver imports it too)."""
    if root == ROOT:
        return BIN / "hub"
    entry = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["hub"]
    module, function = entry.split(":")
    script = root / "hub-command"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nfrom {module} import {function}\nif __name__ == '__main__':\n    sys.exit({function}())\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


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
        "--data",
        type=Path,
        default=None,
        help="a data folder whose first start is behind it (index built), used as it is (a copy of your own: the servers write"
        " into it); its pages' address is read from its bench-port file (bench/growth.py's); no first start is timed",
    )
    parser.add_argument(
        "--before", default=None, help="a commit of the project whose hub serve is timed alternately with this one, same data folder"
    )
    parser.add_argument("--figure", default="coldstart", help="name of the results (docs/figures/NAME.json with --record)")
    args = quick(parser.parse_args(), packages=30, runs=1)
    port = free_port()  # one address for every start: the pages name it in their clone commands
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as other:
        before_commit = checkout(args.before, Path(other)) if args.before else None
        data, base_url = scratch, None
        if args.data is not None:
            data = str(args.data)
            known = args.data / "bench-port"
            base_url = f"http://127.0.0.1:{known.read_text().strip()}/" if known.is_file() else None
        elif args.catalog is not None:
            subprocess.run(["cp", "-al", str(args.catalog), str(Path(data) / "catalog.git")], check=True)
        else:
            generate_catalog(Path(data) / "catalog.git", args.packages)
        settled: list[float] = []
        first: tuple[float, float, bool] | None = None
        if args.data is None:
            first = started(*hub_serve(ROOT, data, port), settled=settled)  # also writes this checkout's bytecode

        def bare_app() -> tuple[float, float, bool]:
            bare_port = free_port()
            return started(
                [str(BIN / "granian"), "--interface", "asgi", "--port", str(bare_port), "--workers", "1", "bench.bare_app:app"],
                f"http://127.0.0.1:{bare_port}/const",
                installed({**os.environ, "PYTHONPATH": str(ROOT)}),
            )

        # one start of each that is not counted: each writes the bytecode of what changed since the last run
        bare_app()
        if args.data is not None:
            started(*hub_serve(ROOT, data, port, base_url))
        if args.before is not None:
            started(*hub_serve(Path(other), data, port, base_url))
        ours, before, bare = [], [], []
        for _ in range(args.runs):
            ours.append(started(*hub_serve(ROOT, data, port, base_url)))
            if args.before is not None:
                before.append(started(*hub_serve(Path(other), data, port, base_url)))
            bare.append(bare_app())
        packages = count_packages(Path(data))
    results = {
        "machine": machine(),
        "packages": packages,
        "catalog": "grown" if args.catalog is not None or args.data is not None else "generated",
        "cold_start_s": statistics.median(r[0] for r in ours),
        "cold_start_cpu_s": statistics.median(r[1] for r in ours),
        "answered_while_starting": sum(r[2] for r in ours),
        "bare_start_s": statistics.median(r[0] for r in bare),
        "bare_start_cpu_s": statistics.median(r[1] for r in bare),
        "runs": [r[0] for r in ours],
        "cpu_runs": [r[1] for r in ours],
    }
    if first is not None:
        results |= {
            "first_start_s": first[0],
            "first_start_cpu_s": first[1],
            "first_settled_s": settled[0],
            "first_settled_cpu_s": settled[1],
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
    if first is not None:
        print(f"| first start until health answers (tags and index built) | {first[0]:.1f} s | {first[1]:.1f} s | |")
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
