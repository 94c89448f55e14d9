"""Publish end to end, old code against new, alternating on the same grown catalogue: CPU per step (issue 16).

    nice .venv/bin/python bench/publish_ab.py --data /work/growth-cache/s14/w10k/first-10000 --before main --runs 10 --rounds 4

What one in-process publish through the use case (``hub.usecases.publish``) costs, step by step: validate, the
catalogue's hints, commit (objects, ``main``, tag, merging small packs), the search index, the clone export and the
version store. Two child processes publish in turns on one copy of a data folder: one with the code of ``--before``
(``git archive`` into a temporary folder), one with this checkout's; each turn starts with a publish that is not
counted (it reads what the other process wrote meanwhile, which a hub's single writer never has to), and the order
of the two alternates from round to round, so both see the same catalogue, the same load and the same disk.
Every publish is of a different package, with the next version of the realistic package ``bench/realistic.py``
makes for it. The figures are medians of CPU time (``time.process_time`` in the child: the step's own work), with
the wall-clock time of the whole publish beside them.

The data folder (``--data``, a grown catalogue's folder with index and clone exports, e.g. one a growth run left)
is read only: its catalogue repository is copied with hard links (git never changes an object or ref file in place)
and every other file is copied, into ``--work``. The packages measured that have no clone export (or one of an older layout) get one before the run (a folder
without clone exports, the 50,000-package one, whose export of every package would take hours, also gets its exports'
state set to the head); a folder without a search index gets one as a first start builds it (``sync(later=True)``:
every package's maturity level and stored answers left for later), and that mark is removed, so that no publish
completes every package's level (see the section in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STEPS = ("validate", "hints", "commit", "merge", "index", "export", "versions")


# -- the child: one code version publishing what the parent sends ---------------------------------------------


def child(code: Path, data: Path) -> None:
    """Publish each package read from stdin with the code in ``code``; write each publish's CPU per step to stdout."""
    here = str(Path(__file__).resolve().parent.parent)
    sys.path[:] = [str(code)] + [p for p in sys.path if Path(p or ".").resolve() != Path(here) and p != str(Path(here) / "bench")]
    import collections
    import functools
    import importlib

    from hub.config import HubConfig
    from hub.services import Services
    from hub.usecases.publish import publish
    from hub.validate import PackageFiles

    spent: collections.defaultdict[str, float] = collections.defaultdict(float)

    def timed(owner: object, name: str, step: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # a step the older code does not have
            return

        @functools.wraps(original)
        def wrapper(*args: object, **kwargs: object) -> object:
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[step] += time.process_time() - start

        setattr(owner, name, wrapper)

    store = importlib.import_module("hub.store.publish")
    timed(store, "validate_package", "validate")
    timed(store, "publish_hints", "hints")
    timed(store, "commit_version", "commit")
    timed(store, "consolidate", "merge")
    timed(Services, "_sync_index", "index")
    timed(Services, "_sync_exports", "export")
    timed(importlib.import_module("hub.store.catalog").Catalog, "record_versions", "versions")
    os.environ["HUB_DATA"] = str(data)
    services = Services.open(HubConfig(data_dir=data))
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        files, folder = pickle.loads(bytes.fromhex(line.decode().strip()))
        spent.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        publish(services, PackageFiles(files, folder_name=folder))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        figures = {"total": cpu * 1000, "wall": wall * 1000} | {step: spent[step] * 1000 for step in STEPS}
        out.write(pickle.dumps(figures).hex().encode() + b"\n")
        out.flush()
    services.close()


class Child:
    def __init__(self, code: Path, data: Path) -> None:
        self.code = code
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", str(code), "--data", str(data)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(code),
        )

    def publish(self, files: dict[str, bytes], folder: str) -> dict[str, float]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(pickle.dumps((files, folder)).hex().encode() + b"\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the child of {self.code} ended (exit {self.process.wait()})")
        return pickle.loads(bytes.fromhex(line.decode().strip()))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=120)


# -- the parent -------------------------------------------------------------------------------------------------


def copy_folder(source: Path, target: Path, *, link_exports: bool = False) -> None:
    """The data folder as a publish needs it (catalogue, index, version store, clone exports), not its site.

    ``link_exports``: the clone exports hard-linked too (an export replaces each file it writes, ``os.replace``), for
    a second copy of a large folder."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    subprocess.run(["cp", "-al", str(source / "catalog.git"), str(target / "catalog.git")], check=True)
    if link_exports and (source / "git").is_dir():
        subprocess.run(["cp", "-al", str(source / "git"), str(target / "git")], check=True)
    for name in ("index.sqlite", "catalog.versions.sqlite", "git"):
        if (target / name).exists():
            continue
        if (source / name).is_dir():
            subprocess.run(["cp", "-a", str(source / name), str(target / name)], check=True)
        elif (source / name).exists():
            shutil.copy2(source / name, target / name)


def prepare(data: Path, ids: list[str]) -> dict[str, str]:
    """Exports of the packages measured where the folder has none; no pending completion of the index. Says what it did."""
    import sqlite3

    from hub.config import HubConfig
    from hub.services import EXPORTS_STATE, Services
    from hub.store import Catalog
    from hub.store.export import export_dir, export_package

    done: dict[str, str] = {}
    catalog = Catalog.open(data / "catalog.git")
    exports = data / "git"
    missing = [package_id for package_id in ids if not export_dir(exports, package_id).is_dir()]
    # made, or brought to this code's layout, before the run: else a publish would make the first export of every
    # version of its package (or rewrite an older layout's) and be measured with it
    written = [package_id for package_id in ids if not export_package(catalog, package_id, export_dir(exports, package_id)).skipped]
    if written:
        done["exports_made"] = (
            f"{len(missing)} of the {len(ids)} packages measured had no clone export and "
            f"{len(written) - len(missing)} one of an older layout: made before the run"
        )
    if not (exports / EXPORTS_STATE).is_file():
        head = catalog.head()
        assert head is not None
        (exports / EXPORTS_STATE).write_text(str(head.id))
        done["exports"] = "no clone exports but those of the packages measured; the exports' state set to the head"
    with Services.attach(HubConfig(data_dir=data, seed=False)) as services:
        if services.index.commit is None:  # never built (a grown catalogue alone): its search part, as a first start does
            services.sync_index(later=True)
            done["index_built"] = "the search index built before the run (sync(later=True): levels and stored answers left out)"
    with sqlite3.connect(data / "index.sqlite") as db:
        if db.execute("SELECT value FROM meta WHERE key = 'pending'").fetchone() not in (None, ("0",), (None,)):
            db.execute("DELETE FROM meta WHERE key = 'pending'")
            done["index"] = "built with later=True; its mark of pending maturity levels removed"
    return done


def packages_for(data: Path, count: int, seed: int) -> list[tuple[dict[str, bytes], str, str]]:
    """``count`` distinct random packages of the catalogue, each with its next version's files (bench/realistic.py)."""
    import random

    import pygit2
    import yaml

    from bench import realistic
    from hub.store import Catalog

    catalog = Catalog.open(data / "catalog.git")
    head = catalog.head()
    assert head is not None
    packages = head.tree["packages"].peel(pygit2.Tree)
    size = sum(len(entry.peel(pygit2.Tree)) for entry in packages)
    chosen = random.Random(seed).sample(range(size), count)
    out = []
    for i in chosen:
        package_id = realistic.package_id(i)
        version = yaml.safe_load(head.tree[f"packages/{package_id}/hub.yaml"].peel(pygit2.Blob).data)["version"]
        n = next(n for n in range(100) if realistic.version_name(n) == version) + 1
        out.append((realistic.package_files(i, n), package_id.split("/")[1], package_id))
    return out


def code_of(rev: str, folder: Path) -> tuple[Path, str]:
    """The code of ``rev`` (``hub`` and ``bench``) in ``folder``, and its commit."""
    from bench.common import ROOT

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=10", rev], capture_output=True, text=True, check=True
    ).stdout.strip()
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit, "hub", "bench", "schemas"], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder, commit


def measure(data: Path, before: Path, runs: int, rounds: int, seed: int, apart: Path | None = None) -> dict:
    """``apart``: a second copy of the data folder, for the code before; both codes then publish the same packages in the
    same order, each on its own copy (for a change to what the data folder keeps, which the other code would rebuild at
    every turn). Its version store is brought to this code's schema before the run, off the clocks."""
    from bench.common import ROOT

    per_turn = runs + 1  # the first of each turn is not counted
    packages = packages_for(data, (1 if apart else 2) * rounds * per_turn, seed)
    prepared = prepare(data, [p[2] for p in packages])
    if apart is not None:
        prepare(apart, [p[2] for p in packages])
        from hub.store import Catalog

        Catalog.open(data / "catalog.git").record_versions()
        prepared["apart"] = "each code on its own copy of the data folder, publishing the same packages in the same order"
    children = {"before": Child(before, apart or data), "now": Child(ROOT, data)}
    samples: dict[str, list[dict[str, float]]] = {"before": [], "now": []}
    loads = [os.getloadavg()[0]]
    try:
        for r in range(rounds):
            order = ("before", "now") if r % 2 == 0 else ("now", "before")
            for turn, which in enumerate(order):
                at = r if apart else 2 * r + turn
                mine = packages[at * per_turn : (at + 1) * per_turn]
                for n, (files, folder, _) in enumerate(mine):
                    figures = children[which].publish(files, folder)
                    if n:
                        samples[which].append(figures)
            loads.append(os.getloadavg()[0])
    finally:
        for process in children.values():
            process.close()
    out: dict = {"publishes": runs * rounds, "load": [round(min(loads), 1), round(max(loads), 1)]} | (
        {"prepared": prepared} if prepared else {}
    )
    for which, rows in samples.items():
        out[which] = {key: round(statistics.median(row[key] for row in rows), 2) for key in ("total", "wall", *STEPS)}
    out["ratio"] = round(out["now"]["total"] / out["before"]["total"], 3)
    return out


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    if "--child" in sys.argv:
        parsed = argparse.ArgumentParser()
        parsed.add_argument("--child", type=Path)
        parsed.add_argument("--data", type=Path)
        known = parsed.parse_args()
        child(known.child, known.data)
        return
    sys.path.insert(0, str(here))
    from bench.common import options, quick, write_results

    parser = argparse.ArgumentParser(parents=[options()], description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", default=[], help="a grown data folder (read only; repeat for several sizes)")
    parser.add_argument("--before", default="main", help="the code to compare with (a commit or branch; default: main)")
    parser.add_argument("--runs", type=int, default=10, help="counted publishes per turn")
    parser.add_argument("--rounds", type=int, default=4, help="turns of each code, alternating")
    parser.add_argument("--work", type=Path, default=None, help="where the copies go (default: a temporary folder, removed after)")
    parser.add_argument("--reuse", action="store_true", help="publish on the copies an earlier run left in --work")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--apart",
        action="store_true",
        help="each code on its own copy, publishing the same packages (a change to what the data folder keeps)",
    )
    args = quick(parser.parse_args(), runs=2, rounds=2, before="HEAD")
    scratch = Path(tempfile.mkdtemp(prefix="publish-ab-"))
    work = args.work or scratch
    try:
        before, commit = code_of(args.before, scratch / "before")
        sources = args.data or ([quick_folder(scratch / "quick")] if args.quick else [])
        if not sources:
            raise SystemExit("--data fehlt: ein gewachsener Datenordner (Katalog, Index, Klon-Exporte)")
        results: dict = {"before_commit": commit, "sizes": {}}
        for source in sources:
            copy = work / f"ab-{source.name}"
            apart = work / f"ab-{source.name}-before" if args.apart else None
            if not (args.reuse and (copy / "catalog.git" / "HEAD").exists()):
                copy_folder(source, copy)
                if apart is not None:
                    copy_folder(source, apart, link_exports=True)
            figures = measure(copy, before, args.runs, args.rounds, args.seed, apart) | {"source": str(source)}
            size = count_packages(copy)
            results["sizes"][str(size)] = figures
            print(f"{size} packages: now {figures['now']}\n  before {figures['before']}\n  ratio {figures['ratio']}", flush=True)
        write_results("publish_ab", results, args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def count_packages(data: Path) -> int:
    import pygit2

    repo = pygit2.Repository(str(data / "catalog.git"))
    packages = repo.revparse_single("main").peel(pygit2.Tree)["packages"].peel(pygit2.Tree)
    return sum(len(entry.peel(pygit2.Tree)) for entry in packages)


def quick_folder(data: Path) -> Path:
    """``--quick``: a data folder of a few realistic packages, published through the use case."""
    from bench import realistic
    from hub.config import HubConfig
    from hub.services import Services
    from hub.usecases.publish import publish
    from hub.validate import PackageFiles

    data.mkdir(parents=True)
    with Services.attach(HubConfig(data_dir=data, seed=False)) as services:
        for i in range(12):
            publish(services, PackageFiles(realistic.package_files(i, 0), folder_name=realistic.package_id(i).split("/")[1]))
    return data


if __name__ == "__main__":
    main()
