"""Concurrent publishers never lose a commit; a killed publisher never breaks the repository."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pygit2
import pytest

from hub.errors import VersionExists
from hub.store import Catalog, publish, repair_tags
from hub.store.catalog import BRANCH, TAG_PREFIX
from hub.validate import PackageFiles
from tests.factory import package_files
from tests.workers import publish_versions

ROOT = Path(__file__).resolve().parent.parent
VERSIONS_EACH = 4


def _worker_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "tests.workers", *args]


def _first_parent_commits(repo: pygit2.Repository) -> set[str]:
    walker = repo.walk(repo.references[BRANCH].target)
    walker.simplify_first_parent()
    return {str(c.id) for c in walker}


def _fsck(path: Path) -> None:
    result = subprocess.run(
        ["git", "--git-dir", str(path), "fsck", "--strict", "--no-dangling"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_16_threads_and_4_processes_lose_no_commit(tmp_path):
    catalog = Catalog.create(tmp_path / "c.git")
    procs = [
        subprocess.Popen(
            _worker_cmd("count", str(catalog.path), f"stadt-prozess/paket-{i}", str(VERSIONS_EACH)),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(4)
    ]
    reported: dict[str, list[tuple[str, str]]] = {}
    errors: list[BaseException] = []
    contested: list[str] = []

    def thread_worker(i: int) -> None:
        try:
            package_id = f"stadt-thread/paket-{i}"
            reported[package_id] = publish_versions(str(catalog.path), package_id, [f"1.{n}.0" for n in range(VERSIONS_EACH)])
            # every thread also races for one shared version: exactly one may win
            try:
                publish(Catalog.open(catalog.path), PackageFiles(package_files("stadt-thread/gemeinsam", "1.0.0"), folder_name="gemeinsam"))
                contested.append(package_id)
            except VersionExists:
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=thread_worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for i, proc in enumerate(procs):
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        reported[f"stadt-prozess/paket-{i}"] = [tuple(line.split()[1:3]) for line in out.splitlines() if line.startswith("published")]
    assert errors == []
    assert len(contested) == 1

    repo = pygit2.Repository(str(catalog.path))
    on_main = _first_parent_commits(repo)
    expected_commits = {commit for runs in reported.values() for _, commit in runs}
    assert len(expected_commits) == 20 * VERSIONS_EACH
    assert expected_commits <= on_main  # no publish was lost
    for package_id, runs in reported.items():
        assert [v for v, _ in runs] == [f"1.{n}.0" for n in range(VERSIONS_EACH)]
        for version, commit in runs:
            tag = repo.references[f"{TAG_PREFIX}{package_id}/v{version}"]
            assert str(repo[tag.target].peel(pygit2.Commit).id) == commit
        assert catalog.get(package_id).manifest.version == f"1.{VERSIONS_EACH - 1}.0"
    _fsck(catalog.path)


@pytest.mark.slow
def test_publisher_killed_at_random_moments_leaves_sound_repository(tmp_path):
    catalog = Catalog.create(tmp_path / "c.git")
    rng = random.Random(os.environ.get("CRASH_SEED", "transferhub"))
    reported: list[tuple[str, str]] = []
    for _ in range(20):
        proc = subprocess.Popen(_worker_cmd("forever", str(catalog.path), "stadt-crash/paket"), cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        first = proc.stdout.readline()  # one publish done for sure, so every round has something to lose
        time.sleep(rng.uniform(0.0, 0.25))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        reported += [tuple(line.split()[1:3]) for line in (first + out).splitlines() if line.startswith("published")]

        # after every kill: the repository opens, is sound, and holds what was reported
        reopened = Catalog.open(catalog.path)
        repair_tags(reopened)
        _fsck(catalog.path)
        repo = pygit2.Repository(str(catalog.path))
        on_main = _first_parent_commits(repo) if repo.references.get(BRANCH) else set()
        versions = {v.version: v.commit for v in reopened.versions("stadt-crash/paket")} if on_main else {}
        for version, commit in reported:
            assert commit in on_main
            assert versions[version] == commit
    assert len(reported) >= 20  # every child published before it was killed


def test_threads_of_one_process_take_turns_and_build_each_commit_once(tmp_path):
    """Eight threads publishing at once: no thread loses the compare-and-swap to another thread of its process, so
    no commit is built twice (a lost race leaves its commit object behind, unreferenced)."""
    catalog = Catalog.create(tmp_path / "c.git")
    publish(catalog, PackageFiles(package_files("stadt-thread/start"), folder_name="start"))
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            for n in range(3):
                publish(
                    Catalog.open(catalog.path), PackageFiles(package_files(f"stadt-thread/paket-{i}", f"1.{n}.0"), folder_name=f"paket-{i}")
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    repo = pygit2.Repository(str(catalog.path))
    commits = [oid for oid in repo.odb if repo.odb.read(oid)[0] == pygit2.enums.ObjectType.COMMIT]
    assert len(commits) == len(_first_parent_commits(repo)) == 1 + 8 * 3
    _fsck(catalog.path)
