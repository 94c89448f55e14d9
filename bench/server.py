"""API throughput against a real server on loopback, as a ratio to a bare Litestar route (issue 4).

    .venv/bin/python bench/server.py [--seconds 5] [--rounds 3]

Needs ``wrk`` (Debian package ``wrk``). For each ASGI server (uvicorn, granian; one
worker each, so server and load generator get one core each) it alternates the
bare route and ``GET /api/v1/packages/<id>`` on the seeded catalogue, ``rounds``
times, and reports median requests/s and the ratio ours / bare.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, options, quick, write_results  # noqa: E402

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


def wait(url: str, timeout: float = 60) -> None:
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
    out = subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    return rps, float(p50.group(1)) * scale


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


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--servers", default="uvicorn,granian")
    args = quick(parser.parse_args(), seconds=1, rounds=1)
    if shutil.which("wrk") is None:
        sys.exit("wrk fehlt: apt-get install wrk")
    data = tempfile.mkdtemp()
    env = {**os.environ, "HUB_DATA": data, "PYTHONPATH": str(ROOT)}
    subprocess.run([str(BIN / "hub"), "init"], env=env, check=True, capture_output=True)
    results: dict = {"machine": machine()}
    for server in args.servers.split(","):
        bare, ours, ours_p50, bare_p50 = [], [], [], []
        for _ in range(args.rounds):
            rps, p50 = measure(server, "bench.bare_app:app", "/const", env, args.seconds)
            bare.append(rps)
            bare_p50.append(p50)
            rps, p50 = measure(server, "hub.api.asgi:app", PACKAGE, env, args.seconds)
            ours.append(rps)
            ours_p50.append(p50)
        results[server] = {
            "version": importlib.metadata.version(server),
            "bare_rps": statistics.median(bare),
            "package_rps": statistics.median(ours),
            "bare_p50_ms": statistics.median(bare_p50),
            "package_p50_ms": statistics.median(ours_p50),
            "ratio": statistics.median(ours) / statistics.median(bare),
        }
    shutil.rmtree(data, ignore_errors=True)
    print(f"machine: {results['machine']}")
    print("| server | bare route req/s | GET package req/s | ratio | bare p50 | package p50 |")
    print("|---|---|---|---|---|---|")
    for server in args.servers.split(","):
        r = results[server]
        print(
            f"| {server} | {r['bare_rps']:.0f} | {r['package_rps']:.0f} | {r['ratio']:.2f} | {r['bare_p50_ms']:.2f} ms | {r['package_p50_ms']:.2f} ms |"
        )
    print(f"results: {write_results('server', results, args)}")


if __name__ == "__main__":
    main()
