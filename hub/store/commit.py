"""Committing to ``main``: build a new tree from the head's, move the branch by compare-and-swap.

Every write to the catalogue (a publish, a publisher record, later adoptions and
reviews) goes through :func:`commit_change`, so all of them share one retry loop
and one answer to a lost race: rebuild on the new head, check again, retry.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pygit2

from hub.errors import PublishContention
from hub.settings import environment
from hub.store.batch import ObjectBatch
from hub.store.catalog import BRANCH, Catalog

RETRY_SECONDS = 30.0
STALE_LOCK_SECONDS = 2.0

TreeChange = Callable[[pygit2.Tree | None], pygit2.Oid]

_writers: dict[Path, threading.Lock] = {}  # by the catalogue folder's resolved path
_writers_seen: dict[Path, threading.Lock] = {}  # by the path as a Catalog names it
_writers_lock = threading.Lock()


def writer_lock(catalog: Catalog) -> threading.Lock:
    """One lock per catalogue folder and process, whichever ``Catalog`` object the thread holds.

    Threads of one process take turns for the few steps from reading ``main`` to moving it
    (new root tree, commit, tag object, compare-and-swap). Without it, concurrent publishers
    in one server mostly lost the race and built their commit again, each time with its
    objects synced to disk (a lost race for two of every three publishes with eight
    publishers). Building the new root tree outside the turn, on the head as read, and building it again
    when ``main`` had moved was measured too (bench/replica.py-like runs, eight publishers): under that
    contention nearly every such build was stale by the time its turn came, so it cost more CPU and
    disk syncs per publish and fewer publishes per second than building inside the turn.
    Processes still meet only at the compare-and-swap.
    """
    with _writers_lock:
        lock = _writers_seen.get(catalog.path)
        if lock is None:  # resolving the path costs a system call per folder: once per path named
            lock = _writers_seen[catalog.path] = _writers.setdefault(catalog.path.resolve(), threading.Lock())
        return lock


def signature(name: str, email: str, when: datetime | None = None) -> pygit2.Signature:
    if when is None:
        return pygit2.Signature(name, email)
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return pygit2.Signature(name, email, int(when.timestamp()), minutes)


def commit_change(
    catalog: Catalog,
    change: TreeChange,
    *,
    author: pygit2.Signature,
    committer: pygit2.Signature,
    message: str,
    prepare: Callable[[pygit2.Oid], None] | None = None,
    batch: ObjectBatch | None = None,
) -> pygit2.Oid:
    """Commit ``change(head tree)`` on ``main``; ``change`` runs again after a lost race and may raise to refuse.

    ``prepare(commit)`` runs before the branch moves (a publish writes its tag object there), so
    everything that can fail happens before the one step that makes the write visible.

    ``batch``: ``change`` and ``prepare`` build their objects in it (hub.store.batch), the commit is
    built there too, and the batch is written as one pack, synced, before ``main`` moves. Without
    it, ``change`` writes through libgit2 (each object a loose file, synced on its own with ``HUB_FSYNC``).
    """
    repo = catalog.repo
    deadline = time.monotonic() + RETRY_SECONDS
    attempt = 0
    while True:
        attempt += 1
        with writer_lock(catalog):
            ref = repo.references.get(BRANCH)
            head = repo[ref.target] if ref is not None else None
            new_root = change(head.tree if head is not None else None)
            parents = [head.id] if head is not None else []
            if batch is None:
                commit = repo.create_commit(None, author, committer, message, new_root, parents)
            else:
                commit = batch.commit(new_root, parents, author, committer, message)
            if prepare is not None:
                prepare(commit)
            if batch is not None:
                batch.write(durable=environment().fsync)  # the objects are on disk before any ref names them
            if _move_branch(repo, ref, commit):
                return commit
        if time.monotonic() > deadline:
            raise PublishContention(
                f"Der Katalog wurde während des Schreibens {attempt}-mal gleichzeitig geändert; bitte erneut versuchen."
            )
        time.sleep(random.uniform(0.0005, 0.002 * min(attempt, 10)))  # another process was faster: back off outside the lock


def _move_branch(repo: pygit2.Repository, ref: pygit2.Reference | None, commit: pygit2.Oid) -> bool:
    """Compare-and-swap ``main`` from what ``ref`` held to ``commit``; False if someone was faster."""
    try:
        if ref is None:
            repo.references.create(BRANCH, commit, force=False)
        else:
            ref.set_target(commit)  # libgit2 refuses when the ref moved since it was read
    except (pygit2.GitError, pygit2.AlreadyExistsError, ValueError, OSError) as exc:
        if "lock" in str(exc):
            clear_stale_lock(repo, BRANCH)
        return False
    return True


def clear_stale_lock(repo: pygit2.Repository, refname: str, max_age: float = STALE_LOCK_SECONDS) -> bool:
    """Remove ``<ref>.lock`` left by a writer that died while holding it.

    libgit2 holds a ref lock for the microseconds of one rename, so a lock older
    than ``max_age`` can only belong to a killed process; without this, one
    SIGKILL at the wrong moment would block every later write.
    """
    lock = Path(repo.path) / (refname + ".lock")
    try:
        if time.time() - lock.stat().st_mtime > max_age:
            lock.unlink()
            return True
    except FileNotFoundError:
        pass
    return False
