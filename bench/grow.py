"""Growing a catalogue by publishes through the real use case, to checkpoints kept outside the project.

Every package version goes through ``hub.usecases.publish.publish``, as the API's and the CLI's
publishes do: validate, commit, move ``main``, tag, then ``Services.catch_up`` (the search index and
the package's clone export). Nothing is built in bulk, so the repository has what a hub that has
lived through these publishes has: one commit per version, loose objects and one loose tag per
version, an index and exports updated one publish at a time.

The schedule is a function of the step ``i`` alone (so an interrupted growth resumes where it was):
step ``i`` publishes package ``i``'s first version, the second version of package ``i - 37`` and the
third of package ``i - 211`` when those packages have them (``realistic.versions_of``). At checkpoint
``N`` the catalogue holds packages ``0 … N-1``.

Past ``fast_from`` packages (the full use case costs about half a second per publish on this shared
machine, so 10,000 packages would take hours) the growth takes a shorter way to the same repository:
each version is committed and tagged by ``hub.store.publish.commit_version`` (the one place where a
publish writes: the same commit, trailers, tag object and ref moves, one commit per version), and every
``VALIDATE_EVERY``-th version is validated as a check on the generator (validation does not depend on
the catalogue). The index and the clone exports are not brought along: a checkpoint keeps only the
catalogue repository (``catalog.git``), and the measurements start from it as a first start does
(``hub serve`` builds index, exports and site). What the catalogue-size dependence of a whole publish
is, the checkpoints measure with real publishes.

How fast the growth itself runs is not a figure, so it may take shortcuts that leave the repository the
same: the checkpoints past 10,000 packages were grown with ``HUB_FSYNC=0`` (objects and refs are not
synced to disk one by one; the figures are measured on copies with the default, fsync on), continuing
from a copy of the 10,000 checkpoint, in one process that keeps the catalogue open.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from bench import realistic
from hub.config import HubConfig
from hub.errors import VersionExists
from hub.services import Services
from hub.store.publish import actor_for, commit_version, repair_tags
from hub.usecases.publish import publish
from hub.validate import PackageFiles, validate_package
from hub.validate.manifest import manifest_from_bytes

PROGRESS = "growth.json"  # in the growing data folder: the next step and the durations so far
BLOCK = 500  # the growth curve: median publish time per block of this many packages
VALIDATE_EVERY = 25


def files_of(i: int, n: int) -> PackageFiles:
    return PackageFiles(realistic.package_files(i, n), folder_name=realistic.package_id(i).split("/")[1])


def schedule(i: int) -> list[tuple[int, int]]:
    """The (package, version index) pairs published at step ``i``."""
    steps = [(i, 0)]
    for lag, n in ((37, 1), (211, 2)):
        j = i - lag
        if j >= 0 and realistic.versions_of(j) > n:
            steps.append((j, n))
    return steps


def published_versions(count: int) -> list[tuple[int, int]]:
    """Every (package, version index) a catalogue grown to ``count`` packages holds."""
    return [pair for i in range(count) for pair in schedule(i)]


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {"next": 0, "durations_ms": [], "checkpoints": {}}


def commit_only(services: Services, package: PackageFiles, count: int) -> None:
    """The shorter way past ``fast_from``: the publish's own commit and tag, and a sampled validation."""
    if count % VALIDATE_EVERY == 0:
        result = validate_package(package)
        if not result.ok:
            raise SystemExit(f"the generator made an invalid package: {[p.message for p in result.problems if not p.is_hint]}")
    manifest = manifest_from_bytes(package.files["hub.yaml"])
    commit_version(services.catalog, manifest, package.files, actor=actor_for(manifest))


def grow(cache: Path, checkpoints: list[int], say: Callable[[str], None] = print, fast_from: int | None = None) -> dict:
    """Grow ``cache/growing`` to each checkpoint in turn, copying it to ``cache/<N>`` there; return the progress record."""
    work = cache / "growing"
    work.mkdir(parents=True, exist_ok=True)
    progress_path = work / PROGRESS
    progress = _read(progress_path)
    todo = [n for n in sorted(checkpoints) if not (cache / str(n) / PROGRESS).exists()]
    if not todo:
        return progress
    config = HubConfig(data_dir=work, seed=False)
    # resuming on the shorter way: index and exports stay behind (a checkpoint does not keep them)
    services = Services.attach(config) if fast_from is not None and progress["next"] >= fast_from else Services.open(config)
    repair_tags(services.catalog)
    progress["fast_from"] = fast_from
    try:
        for target in todo:
            if progress["next"] > target:
                raise SystemExit(f"{work} is already past {target} packages; remove {cache} to grow again")
            started, segment_from = time.perf_counter(), progress["next"]
            while progress["next"] < target:
                i = progress["next"]
                for j, n in schedule(i):
                    begin = time.perf_counter()
                    try:
                        if fast_from is not None and i >= fast_from:
                            commit_only(services, files_of(j, n), len(progress["durations_ms"]))
                        else:
                            publish(services, files_of(j, n))
                    except VersionExists:  # resumed after an interruption between publish and progress note
                        pass
                    progress["durations_ms"].append(round((time.perf_counter() - begin) * 1000, 2))
                progress["next"] = i + 1
                if progress["next"] % 100 == 0 or progress["next"] == target:
                    progress_path.write_text(json.dumps(progress))
                if progress["next"] % BLOCK == 0:
                    recent = progress["durations_ms"][-BLOCK:]
                    say(f"grown to {progress['next']} packages: median publish {statistics.median(recent):.0f} ms over the last {BLOCK}")
            seconds = time.perf_counter() - started
            progress["checkpoints"][str(target)] = {
                "packages": target,
                "from": segment_from,
                "seconds": round(seconds, 1),
                "publishes": len(published_versions(target)) - len(published_versions(segment_from)),
                "way": "use case" if fast_from is None or target <= fast_from else f"use case to {fast_from}, then commit_version",
            }
            progress_path.write_text(json.dumps(progress))
            snapshot(work, cache / str(target))
            say(f"checkpoint {target}: {seconds:.0f} s for this segment, copied to {cache / str(target)}")
    finally:
        services.close()
    return progress


def snapshot(work: Path, target: Path) -> None:
    """A copy of the catalogue repository and the growth record, written under a temporary name, then renamed."""
    temporary = target.with_name(target.name + ".partial")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    subprocess.run(
        ["cp", "-al", str(work / "catalog.git"), str(temporary / "catalog.git")], check=True
    )  # hard links: git renames, never rewrites
    shutil.copy(work / PROGRESS, temporary / PROGRESS)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(temporary, target)


def curve(progress: dict) -> list[dict]:
    """Median publish time per block of packages while growing: the per-publish cost against catalogue size."""
    durations, out, position = progress["durations_ms"], [], 0
    for block_start in range(0, progress["next"], BLOCK):
        count = len(published_versions(min(block_start + BLOCK, progress["next"]))) - len(published_versions(block_start))
        block = durations[position : position + count]
        position += count
        if block:
            out.append({"packages": min(block_start + BLOCK, progress["next"]), "median_ms": statistics.median(block)})
    return out
