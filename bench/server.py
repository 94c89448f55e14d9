"""API throughput against a real server on loopback, as a ratio to a bare Litestar route (issues 4 and 16).

    .venv/bin/python bench/server.py [--seconds 5] [--rounds 3] [--catalogue DATA] [--packages N]

Needs ``wrk`` (Debian package ``wrk``). For each ASGI server (uvicorn, granian; one
worker each, so server and load generator get one core each) it alternates the
bare route and ``GET /api/v1/packages/<id>`` on the seeded catalogue, ``rounds``
times, and reports median requests/s and the ratio ours / bare. That one package is
answered from the in-memory cache after the first request.

Then, on granian only and in the same rounds, ``GET /api/v1/packages/<id>`` of a *random*
package of a larger catalogue (a copy of the data folder ``--catalogue``, e.g. one grown by
``bench/growth.py``; without it ``--packages`` generated minimal packages) with the in-memory
cache turned off (``HUB_ANSWER_CACHE_MB=0``), so that every request misses it: once answered
from the answers the search index stores (``hub.index.answers``) before Litestar routes the request
(``hub.api.fast_reads``, the app as served), once the same with Litestar routing every request
(``bench/routed_app.py``, what the route cost before the fast path), and once from a second copy
whose index holds no stored answers, so that every request reads the package from the catalogue
(what a miss cost before the stored answers). Beside req/s it reads the server's CPU time per
request from ``/proc``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import WrkOutput, generate_catalog, machine, options, process_group_cpu, quick, write_results  # noqa: E402

PACKAGE = "/api/v1/packages/stadt-paderborn/gewerbeanmeldung"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(server: str, target: str, port: int) -> list[str]:
    if server == "uvicorn":
        return [str(BIN / "uvicorn"), target, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    return [
        str(BIN / "granian"),
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-ws",
        target,
    ]


def wait(url: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


def wrk(url: str, seconds: int) -> tuple[float, float]:
    out = WrkOutput.run(url, seconds)
    return out.rps, out.latency_ms(50)


def measure(server: str, target: str, path: str, env: dict[str, str], seconds: int) -> tuple[float, float]:
    port = free_port()
    proc = subprocess.Popen(command(server, target, port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait(f"http://127.0.0.1:{port}{path}")
        wrk(f"http://127.0.0.1:{port}{path}", 1)  # warm-up
        return wrk(f"http://127.0.0.1:{port}{path}", seconds)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


LUA = """
local ids = {}
for line in io.lines("%s") do ids[#ids + 1] = line end
math.randomseed(%d)
request = function()
  return wrk.format("GET", "/api/v1/packages/" .. ids[math.random(#ids)])
end
"""


def health(url: str) -> dict:
    with urllib.request.urlopen(url + "/api/v1/health", timeout=30) as r:
        return json.loads(r.read())


def settled(url: str, timeout: float = 1800) -> None:
    """Wait until the served site shows HEAD and the process has ended its start (the follower's first step, the site's
    warm-up): a first start renders the site in a child process, and neither may share the measurement."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = health(url)
        if state.get("site_commit") == state["commit"] == state["index_commit"] and not state.get("starting"):
            return
        time.sleep(1)
    raise RuntimeError(f"the hub at {url} did not settle")


def wrk_random(url: str, script: Path, seconds: int, pgid: int) -> dict:
    """req/s, p50 and the server's CPU ms per request of wrk requesting random packages."""
    before = process_group_cpu(pgid, reaped=False)
    out = WrkOutput.run(url, seconds, script=script)
    cpu = process_group_cpu(pgid, reaped=False) - before
    return {"rps": out.rps, "p50_ms": out.latency_ms(50), "cpu_ms": cpu * 1000 / max(1, out.requests)}


@contextmanager
def granian(target: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, str]]:
    """``target`` under granian over ``env``, in its own process group (its CPU is read from /proc by group,
    and stopping it stops its workers); the process and its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        command("granian", target, port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def measure_random(env: dict[str, str], script: Path, seconds: int, target: str = "hub.api.asgi:app") -> dict:
    """granian with one worker serving ``target`` over ``env``'s data folder, the in-memory answer cache off, wrk over random packages."""
    with granian(target, {**env, "HUB_ANSWER_CACHE_MB": "0"}) as (proc, url):
        wait(url + "/api/v1/health", timeout=1800)
        settled(url)
        wrk_random(url, script, 1, proc.pid)  # warm-up: imports, SQLite pages, libgit2's caches
        return wrk_random(url, script, seconds, proc.pid)


def first_start(env: dict[str, str]) -> None:
    """Start and stop the hub once over ``env``'s data folder: the index (rebuilt when its schema is older),
    the clone exports and the served site are then in place, and no round measures their making."""
    with granian("hub.api.asgi:app", env) as (_, url):
        wait(url + "/api/v1/health", timeout=3600)
        settled(url, timeout=3600)


def random_catalogue(args: argparse.Namespace, base: Path) -> tuple[dict[str, str], dict[str, str], Path, int]:
    """Two data folders of the same catalogue, one whose index stores answers and one whose index holds none;
    the environments to serve each, the wrk script requesting random packages, and the number of packages."""
    from hub.store.catalog import Catalog

    stored, read = base / "stored", base / "read"
    if not stored.exists():
        if args.catalogue:
            shutil.copytree(args.catalogue, stored, symlinks=True)
        else:
            stored.mkdir()
            generate_catalog(stored / "catalog.git", args.packages)
    envs = {}
    for data in (stored, read):
        env = {**os.environ, "HUB_DATA": str(data), "HUB_FSYNC": "0", "PYTHONPATH": str(ROOT)}
        if data == read and not read.exists():
            shutil.copytree(stored, read, symlinks=True)
        first_start(env)
        envs[data.name] = env
    with sqlite3.connect(read / "index.sqlite") as conn:  # the index of the same commit, without the stored answers
        conn.execute("DELETE FROM answers")
    ids = Catalog.open(stored / "catalog.git").package_ids()
    (base / "ids.txt").write_text("\n".join(ids) + "\n")
    script = base / "random.lua"
    script.write_text(LUA % (base / "ids.txt", 1))
    return envs["stored"], envs["read"], script, len(ids)


def measure_cpu(env: dict[str, str], seconds: int) -> float:
    """The bare route's server CPU ms per request (granian), measured the way measure_random measures ours."""
    with granian("bench.bare_app:app", env) as (proc, base):
        url = base + "/const"
        wait(url)
        wrk(url, 1)
        before = process_group_cpu(proc.pid, reaped=False)
        out = WrkOutput.run(url, seconds, latency=False)
        return (process_group_cpu(proc.pid, reaped=False) - before) * 1000 / max(1, out.requests)


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", default="uvicorn,granian")
    parser.add_argument("--catalogue", type=Path, help="a data folder to copy for the random packages (e.g. one grown by bench/growth.py)")
    parser.add_argument("--packages", type=int, default=1000, help="without --catalogue: generated minimal packages")
    parser.add_argument(
        "--work", type=Path, help="keep the two prepared data folders here and reuse them in the next run (default: a temporary folder)"
    )
    args = quick(parser.parse_args(), seconds=1, rounds=1, servers="granian", catalogue=None, packages=20, work=None)
    if shutil.which("wrk") is None:
        sys.exit("wrk fehlt: apt-get install wrk")
    data = tempfile.mkdtemp()
    env = {**os.environ, "HUB_DATA": data, "PYTHONPATH": str(ROOT)}
    subprocess.run([str(BIN / "hub"), "init"], env=env, check=True, capture_output=True)
    first_start(env)
    results: dict = {"machine": machine()}
    base = args.work or Path(tempfile.mkdtemp())
    base.mkdir(parents=True, exist_ok=True)
    stored_env, read_env, script, count = random_catalogue(args, base)
    random_runs: dict[str, list[dict]] = {"stored": [], "routed": [], "read": []}
    # the app as served (fast path), the same with Litestar routing every request, and no stored answers
    variants = (
        ("stored", stored_env, "hub.api.asgi:app"),
        ("routed", stored_env, "bench.routed_app:app"),
        ("read", read_env, "hub.api.asgi:app"),
    )
    for server in args.servers.split(","):
        bare, ours, ours_p50, bare_p50 = [], [], [], []
        for _ in range(args.rounds):
            rps, p50 = measure(server, "bench.bare_app:app", "/const", env, args.seconds)
            bare.append(rps)
            bare_p50.append(p50)
            rps, p50 = measure(server, "hub.api.asgi:app", PACKAGE, env, args.seconds)
            ours.append(rps)
            ours_p50.append(p50)
            if server == "granian":
                for name, served, target in variants:
                    random_runs[name].append(measure_random(served, script, args.seconds, target))
                    print(f"random packages, {name}: {random_runs[name][-1]}", flush=True)
        results[server] = {
            "version": importlib.metadata.version(server),
            "bare_rps": statistics.median(bare),
            "package_rps": statistics.median(ours),
            "bare_p50_ms": statistics.median(bare_p50),
            "package_p50_ms": statistics.median(ours_p50),
            "ratio": statistics.median(ours) / statistics.median(bare),
        }
        if server == "granian":
            bare_cpu = [measure_cpu(env, args.seconds) for _ in range(args.rounds)]
            random = {
                name: {
                    "rps": statistics.median(r["rps"] for r in runs),
                    "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                    "cpu_ms": statistics.median(r["cpu_ms"] for r in runs),
                }
                for name, runs in random_runs.items()
            }
            results["random"] = {
                "catalogue": str(args.catalogue) if args.catalogue else f"{args.packages} generated minimal packages",
                "packages": count,
                "bare_cpu_ms": statistics.median(bare_cpu),
                **random,
                "ratio": random["stored"]["rps"] / statistics.median(bare),
                "ratio_routed": random["routed"]["rps"] / statistics.median(bare),
                "ratio_before": random["read"]["rps"] / statistics.median(bare),
                "cpu_ratio": statistics.median(bare_cpu) / random["stored"]["cpu_ms"],
                "cpu_ratio_routed": statistics.median(bare_cpu) / random["routed"]["cpu_ms"],
                "cpu_ratio_before": statistics.median(bare_cpu) / random["read"]["cpu_ms"],
            }
    shutil.rmtree(data, ignore_errors=True)
    if not args.work:
        shutil.rmtree(base, ignore_errors=True)
    print(f"machine: {results['machine']}")
    print("| server | bare route req/s | GET package req/s | ratio | bare p50 | package p50 |")
    print("|---|---|---|---|---|---|")
    for server in args.servers.split(","):
        r = results[server]
        print(
            f"| {server} | {r['bare_rps']:.0f} | {r['package_rps']:.0f} | {r['ratio']:.2f} | {r['bare_p50_ms']:.2f} ms | {r['package_p50_ms']:.2f} ms |"
        )
    if "random" in results:
        r = results["random"]
        print(
            f"random packages of {r['packages']} ({r['catalogue']}), in-memory cache off: "
            f"stored answers {r['stored']['rps']:.0f} req/s ({r['ratio']:.2f}× bare, {r['stored']['cpu_ms']:.2f} ms CPU), "
            f"the same routed by Litestar {r['routed']['rps']:.0f} req/s ({r['ratio_routed']:.2f}× bare, {r['routed']['cpu_ms']:.2f} ms CPU), "
            f"read from the catalogue {r['read']['rps']:.0f} req/s ({r['ratio_before']:.2f}× bare, {r['read']['cpu_ms']:.2f} ms CPU); "
            f"bare route {r['bare_cpu_ms']:.2f} ms CPU"
        )
    print(f"results: {write_results('server', results, args)}")


if __name__ == "__main__":
    main()
