"""Shared helpers for the benchmark scripts: timing, machine description, catalogue generation."""

from __future__ import annotations

import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pygit2
import yaml
from pygit2.enums import FileMode, ObjectType

from hub.store.catalog import BRANCH, COMMITTER
from hub.store.trees import write_tree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factory import package_files  # noqa: E402  (bench reuses the test factory's valid package)

THEMEN = [
    "Bauen & Wohnen",
    "Familie & Kind",
    "Mobilität & Reisen",
    "Querschnittsleistungen",
    "Recht & Ordnung",
    "Unternehmensführung & -entwicklung",
]


def timed(fn: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    """Wall-clock milliseconds of ``runs`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
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


def write_results(name: str, results: dict) -> Path:
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    target = out / f"{name}.json"
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return target
