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
from hub.store.catalog import BRANCH, Catalog
from hub.store.trees import commit_at

RETRY_SECONDS = 30.0
OUTSIDE_ATTEMPTS = 3  # builds of the new tree outside the turn before one is built inside it
STALE_LOCK_SECONDS = 2.0

TreeChange = Callable[[pygit2.Tree | None], pygit2.Oid]

_writers: dict[Path, threading.Lock] = {}  # by the catalogue folder's resolved path
_writers_seen: dict[Path, threading.Lock] = {}  # by the path as a Catalog names it
_writers_lock = threading.Lock()


def writer_lock(catalog: Catalog) -> threading.Lock:
    """One lock per catalogue folder and process, whichever ``Catalog`` object the thread holds.

    Threads of one process take turns for the last steps only: seeing that ``main`` is still
    the commit their new tree was built on, writing the commit (and what ``prepare`` writes
    with it) and moving ``main``. Without turns, concurrent publishers in one server mostly
    lost the compare-and-swap and built their commit again (a lost race for two of every
    three publishes with eight publishers), each time with its objects synced to disk.
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
) -> pygit2.Oid:
    """Commit ``change(head tree)`` on ``main``; ``change`` runs again after a lost race and may raise to refuse.

    ``change`` runs outside the turn of this process's writing threads, on the head as it is
    then (its trees are content-addressed objects: one built on a head that moved meanwhile is
    only left unreferenced, never wrong). The turn holds only what must be atomic with moving
    the branch: seeing that ``main`` is still that head, the commit, ``prepare(commit)`` (a
    publish writes its tag object there, so everything that can fail happens before the one
    step that makes the write visible) and the compare-and-swap. When ``main`` moved, the tree
    is built again on the new head; after ``OUTSIDE_ATTEMPTS`` such rounds it is built inside
    the turn, where the head cannot move under it, so a busy catalogue does not starve a writer.
    """
    repo = catalog.repo
    deadline = time.monotonic() + RETRY_SECONDS
    attempt = 0
    while True:
        attempt += 1
        ref = repo.references.get(BRANCH)
        new_root = change(_tree(repo, ref)) if attempt <= OUTSIDE_ATTEMPTS else None
        with writer_lock(catalog):
            current = repo.references.get(BRANCH)
            if new_root is None or _target(current) != _target(ref):
                if attempt < OUTSIDE_ATTEMPTS:
                    continue  # main moved while the tree was built: build it again, outside the turn
                ref = current
                new_root = change(_tree(repo, ref))
            else:
                ref = current
            commit = repo.create_commit(None, author, committer, message, new_root, [ref.target] if ref is not None else [])
            if prepare is not None:
                prepare(commit)
            if _move_branch(repo, ref, commit):
                return commit
        if time.monotonic() > deadline:
            raise PublishContention(
                f"Der Katalog wurde während des Schreibens {attempt}-mal gleichzeitig geändert; bitte erneut versuchen."
            )
        time.sleep(random.uniform(0.0005, 0.002 * min(attempt, 10)))  # another process was faster: back off outside the lock


def _target(ref: pygit2.Reference | None) -> pygit2.Oid | str | None:
    return None if ref is None else ref.target


def _tree(repo: pygit2.Repository, ref: pygit2.Reference | None) -> pygit2.Tree | None:
    return None if ref is None else commit_at(repo, ref.target).tree


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
