"""Shared helpers for the benchmark scripts: timing, machine description, catalogue generation, results.

Every script takes the options of ``options()``. Its results go to ``bench/results/NAME.json`` (not committed);
with ``--record`` also to ``docs/figures/NAME.json`` (committed), with what a reader needs to judge the figures:
the exact command, the machine, the date, the load average at start and end, and the commit measured.
docs/benchmarks.md renders its tables from those files (cog; tests/test_benchmark_docs.py checks them).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pygit2
import yaml
from pygit2.enums import FileMode, ObjectType

from hub.store.catalog import BRANCH, COMMITTER
from hub.store.trees import write_tree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factory import package_files  # noqa: E402  (bench reuses the test factory's valid package)

FIGURES = ROOT / "docs" / "figures"
RESULTS = ROOT / "bench" / "results"
# The environment a run started in, taken when the script imports this module (before any work).
STARTED = datetime.now(UTC)
LOAD_AT_START = os.getloadavg()

THEMEN = [
    "Bauen & Wohnen",
    "Familie & Kind",
    "Mobilität & Reisen",
    "Querschnittsleistungen",
    "Recht & Ordnung",
    "Unternehmensführung & -entwicklung",
]


def timed(fn: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    """Wall-clock milliseconds of ``runs`` calls, after ``warmup`` untimed ones (fewer when there are fewer runs: --quick)."""
    for _ in range(min(warmup, runs)):
        fn()
    gc.collect()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "runs": len(ordered),
    }


def machine() -> str:
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, libgit2 {pygit2.LIBGIT2_VERSION}, {platform.system()} {platform.release()}"


def package_id(i: int) -> str:
    return f"kommune-{i // 100:03d}/paket-{i % 100:03d}"


def generated_files(i: int, version: str = "1.0.0") -> dict[str, bytes]:
    pid = package_id(i)
    return package_files(
        pid,
        version,
        name=f"Lösungspaket Nummer {i}",
        summary={"de": f"Generiertes Paket {i} für Messungen des Katalogs."},
        classification={"themenfeld": THEMEN[i % len(THEMEN)], "categories": ["online-antrag"]},
        files={"README.md": f"# Paket {i}\n\n## Problem\nMessung {i}.\n"},
    )


def generate_catalog(path: Path, count: int) -> pygit2.Repository:
    """A catalogue of ``count`` packages in one commit with one annotated tag each (refs packed).

    Built in bulk rather than by ``count`` publishes so that a 10,000-package
    catalogue takes seconds; the layout is exactly what publishing produces.
    """
    repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
    publishers: dict[str, pygit2.TreeBuilder] = {}
    for i in range(count):
        pub, slug = package_id(i).split("/")
        publishers.setdefault(pub, repo.TreeBuilder()).insert(slug, write_tree(repo, generated_files(i)), FileMode.TREE)
    packages = repo.TreeBuilder()
    pubs = repo.TreeBuilder()
    for pub, builder in publishers.items():
        packages.insert(pub, builder.write(), FileMode.TREE)
        record = yaml.safe_dump({"id": pub, "name": f"Kommune {pub}", "type": "gemeinde"}, allow_unicode=True).encode()
        pubs.insert(f"{pub}.yaml", repo.create_blob(record), FileMode.BLOB)
    root = repo.TreeBuilder()
    root.insert("packages", packages.write(), FileMode.TREE)
    root.insert("publishers", pubs.write(), FileMode.TREE)
    sig = pygit2.Signature(*COMMITTER)
    commit = repo.create_commit(BRANCH, sig, sig, f"{count} generierte Pakete\n", root.write(), [])
    for i in range(count):
        repo.create_tag(f"{package_id(i)}/v1.0.0", commit, ObjectType.COMMIT, sig, "generiert\n")
    repo.references.compress()
    return repo


def options() -> argparse.ArgumentParser:
    """The options every bench script takes, as a parent parser: ``ArgumentParser(parents=[options()])``."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument(
        "--record",
        action="store_true",
        help="also write docs/figures/NAME.json: the committed figures docs/benchmarks.md is rendered from",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny sizes, seconds: shows the script runs and writes every key the docs read (tests/test_benchmark_docs.py); never recorded",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder of the raw results (default: bench/results, not committed)")
    return parser


def quick(args: argparse.Namespace, **sizes: Any) -> argparse.Namespace:
    """With ``--quick``, the given option values replace the command line's (tiny sizes for the test of the docs)."""
    if args.quick:
        if args.record:
            raise SystemExit("--quick misst nichts, was in docs/figures gehört: --record und --quick schließen sich aus")
        for key, value in sizes.items():
            setattr(args, key, value)
    return args


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
    return done.stdout.rstrip("\n") if done.returncode == 0 else ""


def _command() -> str:
    """The command line that started this run, as typed in the project folder."""
    script = Path(sys.argv[0]).resolve()
    script_text = str(script.relative_to(ROOT)) if script.is_relative_to(ROOT) else sys.argv[0]
    python = ".venv/bin/python" if Path(sys.executable).parent.parent == ROOT / ".venv" else "python"
    words = [python, script_text, *sys.argv[1:]]
    env = [f"HUB_FSYNC={os.environ['HUB_FSYNC']}"] if "HUB_FSYNC" in _START_ENV else []
    niceness = os.nice(0)
    prefix = ["nice", "-n", str(niceness)] if niceness > 0 else []
    return shlex.join([*env, *prefix, *words])


_START_ENV = frozenset(os.environ)
# What was measured: the commit, and the files of the code that differed from it when the run started.
_COMMIT = _git("rev-parse", "HEAD")
_SUBJECT = _git("log", "-1", "--format=%s")
# A branch's commits get new ids when it is rebased onto main before landing; main's never change.
_MAIN_BASE = _git("merge-base", "HEAD", "main")
_UNCOMMITTED = sorted(line[3:] for line in _git("status", "--porcelain", "--", "hub", "bench", "schemas", "catalog", "site").splitlines())


def write_results(name: str, results: dict, args: argparse.Namespace | None = None) -> Path:
    """Write the raw results, and with ``--record`` the committed figure ``docs/figures/NAME.json``; returns the raw file."""
    record = {
        "figure": name,
        "command": _command(),
        "machine": machine(),
        "started": STARTED.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_start": [round(x, 2) for x in LOAD_AT_START],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "commit": _COMMIT,
        "commit_subject": _SUBJECT,
        "main_base": _MAIN_BASE,
        "uncommitted": _UNCOMMITTED,
        "quick": bool(args and args.quick),
        "results": results,
    }
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    out = args.out if args else RESULTS
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{name}.json"
    target.write_text(text, encoding="utf-8")
    if args and args.record:
        FIGURES.mkdir(exist_ok=True)
        (FIGURES / f"{name}.json").write_text(text, encoding="utf-8")
        print(f"recorded: {(FIGURES / f'{name}.json').relative_to(ROOT)}")
    return target


class WrkOutput:
    """What wrk printed: its requests, req/s and (with ``--latency``) latency percentiles. A run with failed
    requests raises, and so does output without a figure asked for (never a figure read as zero)."""

    def __init__(self, out: str) -> None:
        self.text = out
        failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        if failed:
            raise RuntimeError(f"{failed.group(1)} failed requests:\n{out}")

    @classmethod
    def run(cls, url: str, seconds: int, *, script: Path | None = None, latency: bool = True) -> WrkOutput:
        """wrk as every benchmark runs it: one thread, 16 connections, ``seconds`` long, ``script`` (Lua) choosing the
        requests, and with ``latency`` the percentiles."""
        options = [*(["--latency"] if latency else []), *(["-s", str(script)] if script else [])]
        return cls(
            subprocess.run(["wrk", "-t1", "-c16", f"-d{seconds}s", *options, url], capture_output=True, text=True, check=True).stdout
        )

    def _find(self, pattern: str) -> re.Match[str]:
        found = re.search(pattern, self.text, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"wrk printed no {pattern!r}:\n{self.text}")
        return found

    @property
    def requests(self) -> int:
        return int(self._find(r"(\d+) requests in").group(1))

    @property
    def rps(self) -> float:
        return float(self._find(r"Requests/sec:\s+([\d.]+)").group(1))

    def latency_ms(self, percentile: int) -> float:
        value, unit = self._find(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$").groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def group_stats(pgid: int) -> dict[int, list[str]]:
    """The /proc/PID/stat fields after the command name (field 3 onwards, so index 0 is the state) of each live
    process of a process group, by pid."""
    stats = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while listed
            continue
        if int(stat[2]) == pgid:
            stats[int(pid)] = stat
    return stats


def process_group_cpu(pgid: int, *, reaped: bool) -> float:
    """CPU seconds used so far by the live processes of a process group, read from /proc; with ``reaped`` also the
    children they have reaped (cutime, cstime), e.g. a site build's child process that has ended."""
    total = sum(int(x) for stat in group_stats(pgid).values() for x in stat[11 : 15 if reaped else 13])  # utime, stime (, cutime, cstime)
    return total / os.sysconf("SC_CLK_TCK")


# Where the servers a bench starts keep their compiled bytecode (``installed``); kept between runs, as an installed
# hub keeps its own: Python checks each file against its source, so a changed module is compiled again once.
BYTECODE = Path(tempfile.gettempdir()) / f"hub-bench-bytecode-{os.getuid()}"


def installed(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a server process that runs from compiled bytecode, as an installed hub does.

    pip compiles a package's modules when it installs it, and a checkout writes them at its first start; a shell that
    sets ``PYTHONDONTWRITEBYTECODE`` (this machine's does) has every start compile the hub's two hundred modules from
    source again instead, about 0.4 s of CPU that no deployment spends (it made ``bench/growth.py``'s cold start
    1.4 s of CPU where ``bench/coldstart.py``, which already ran from bytecode, measured 1.0 s on the same code). The
    bytecode goes to ``BYTECODE`` (``PYTHONPYCACHEPREFIX``), not into the checkout; start each server once uncounted
    after a change, so that its start writes what changed."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(BYTECODE)}
