"""Published versions of every package, kept current with ``main`` at the cost of the new commits.

Listing references costs libgit2 a walk over every loose ref of the repository, so reading one
package's versions that way costs O(catalogue) and growing a catalogue by N publishes O(N²). A
process reads one package's versions from the version store beside the repository
(hub.store.version_store: one query, valid for a recorded commit) and brings them to ``main`` commit
by commit: every publish commit on ``main`` names its package and version in trailers
(``Hub-Package``, ``Hub-Version``), the same facts its tag records (``repair_tags`` derives missing
tags from exactly these trailers). Without a usable store the whole table is built from the tags,
once per process, and advanced the same way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pygit2
import semver

from hub.model import VersionInfo
from hub.store.version_store import Change, Row, VersionStore, published_seconds

TAG_PREFIX = "refs/tags/"
# the changes of the first-parent commits after a recorded one (None: of every commit), oldest first;
# None when that commit is not a recent first-parent ancestor
ChangesSince = Callable[[str | None], list[Change] | None]
# A head further than this from the last one seen (a fetch of a long history, a rewritten branch) is
# read from the tags again rather than walked.
WALK_LIMIT = 1000
# Commits read from the head backwards when the table is built from the tags: a publish moves main
# before it writes its tag, so the newest versions may not be tagged yet at that moment.
UNTAGGED_WINDOW = 64


def iso(seconds: int, offset_minutes: int) -> str:
    return datetime.fromtimestamp(seconds, timezone(timedelta(minutes=offset_minutes))).isoformat()


def version_key(version: str) -> semver.Version:
    return semver.Version.parse(version)


def parse_trailers(message: str) -> dict[str, str]:
    """``Key: value`` trailers of a commit message's last paragraph."""
    last = message.strip().rsplit("\n\n", 1)[-1]
    trailers = {}
    for line in last.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.startswith("Hub-"):
            trailers[key] = value.strip()
    return trailers


def first_parents(head: pygit2.Commit) -> Iterator[pygit2.Commit]:
    """``head`` and its first parents, newest first, read one by one as the caller goes.

    Not ``repo.walk(…, SortMode.TOPOLOGICAL)``: a topological walk reads the whole history before it
    yields its first commit, so stepping back one commit that way costs O(history).
    """
    commit = head
    while True:
        yield commit
        if not commit.parent_ids:
            return
        commit = commit.parents[0]


def _info(version: str, commit: pygit2.Commit) -> VersionInfo:
    return VersionInfo(
        version=version, commit=str(commit.id), published_at=iso(commit.author.time, commit.author.offset), published_by=commit.author.name
    )


# Every publish commit since this trailer says when its version went into production ("-": it says it has not), so a
# new version's hint evidence-since-differs compares the earlier versions' starts by reading their commits, not by
# parsing every earlier hub.yaml (a package's versions grow without bound). Older commits lack it: their manifest is read.
PRODUCTION_TRAILER = "Hub-Production-Since"
# the schema's pattern of production.since (tests/test_versions_table.py holds the two equal); nothing else goes into a
# trailer, and a hand-made commit's month 13 is not read back as a start of production
_SINCE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?")
UNRECORDED = "?"


def production_trailer(since: str | None) -> str:
    """The trailer line of a publish commit naming its version's start of production; empty for a value it cannot carry."""
    if since is None:
        return f"{PRODUCTION_TRAILER}: -\n"
    return f"{PRODUCTION_TRAILER}: {since}\n" if _SINCE.fullmatch(since) else ""


def recorded_start(commit: pygit2.Commit, package_id: str) -> str | None:
    """The start of production the publish commit of ``package_id`` records (None: not in production), or
    :data:`UNRECORDED` when the commit does not say (older commits, another package's commit)."""
    trailers = parse_trailers(commit.message)
    value = trailers.get(PRODUCTION_TRAILER)
    if value is None or trailers.get("Hub-Package") != package_id:
        return UNRECORDED
    if value == "-":
        return None
    return value if _SINCE.fullmatch(value) else UNRECORDED


def published(commit: pygit2.Commit) -> tuple[str, str] | None:
    """The package and version a publish commit names in its trailers; None for any other commit."""
    trailers = parse_trailers(commit.message)
    if trailers.get("Hub-Action") != "publish" or "Hub-Package" not in trailers or "Hub-Version" not in trailers:
        return None
    return trailers["Hub-Package"], trailers["Hub-Version"]


def after(head: pygit2.Commit, stop: str | None, limit: int = WALK_LIMIT) -> list[pygit2.Commit] | None:
    """The first-parent commits after ``stop`` up to ``head``, newest first; every one of them when ``stop`` is None.

    None when ``stop`` is not among the ``limit`` first parents of ``head`` (another history, a long
    fetch) or a parent is missing from the object database.
    """
    found: list[pygit2.Commit] = []
    try:
        for steps, commit in enumerate(first_parents(head)):
            if stop is not None and str(commit.id) == stop:
                return found
            if stop is not None and steps >= limit:
                return None
            found.append(commit)
    except (KeyError, pygit2.GitError):
        return None
    return found if stop is None else None


def publishes_since(head: pygit2.Commit, stop: pygit2.Oid | str, limit: int = WALK_LIMIT) -> list[Row] | None:
    """The versions published by the first-parent commits after ``stop`` up to ``head``, oldest first.

    None when ``stop`` is not among the ``limit`` first parents of ``head`` (another history, a long fetch).
    """
    commits = after(head, str(stop), limit)
    if commits is None:
        return None
    return [
        (found[0], _info(found[1], commit))
        for commit in reversed(commits)
        if (found := published(commit)) is not None and semver.Version.is_valid(found[1])
    ]


def _reaches(repo: pygit2.Repository, newer: str, older: pygit2.Oid) -> bool:
    """``older`` is a recent first-parent ancestor of the commit ``newer``."""
    try:
        commit = repo[newer].peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        return False
    return publishes_since(commit, older) is not None


def _add(table: dict[str, list[VersionInfo]], package_id: str, info: VersionInfo) -> None:
    infos = table.get(package_id, [])
    if any(v.version == info.version for v in infos):
        return
    table[package_id] = sorted([*infos, info], key=lambda v: version_key(v.version), reverse=True)


class VersionTable:
    """Package id → its versions, highest first, as of the head last seen. Safe to share between threads.

    With a ``store``, a package's versions are read from it when first asked for; otherwise (or when it
    is missing) the whole table is built from the tags. Either way the table is then advanced by the
    commits since the head last seen, in place: only the packages those commits published change.
    """

    def __init__(self, store: VersionStore | None = None) -> None:
        self._lock = threading.Lock()
        self._store = store
        self._head: pygit2.Oid | None = None
        self._known: dict[str, list[VersionInfo]] = {}  # packages whose versions are known as of _head
        self._complete = False  # _known holds every package
        self._recent: dict[str, list[VersionInfo]] = {}  # published since the store's commit, for packages read later

    def of(self, repo: pygit2.Repository, head: pygit2.Commit | None, package_id: str) -> list[VersionInfo]:
        """One package's versions at ``head`` (a copy); empty when it has none."""
        if head is None:
            return []
        with self._lock:
            self._sync(repo, head, package_id)
            if package_id not in self._known and not self._complete:
                self._load(repo, head, package_id)
            return list(self._known.get(package_id, []))

    def at(self, repo: pygit2.Repository, head: pygit2.Commit | None) -> dict[str, list[VersionInfo]]:
        """Every package's versions at ``head`` (copies)."""
        if head is None:
            return {}
        with self._lock:
            self._sync(repo, head, None)
            if not self._complete:
                self._load(repo, head, None)
            return {package_id: list(infos) for package_id, infos in self._known.items() if infos}

    def newest(self, head: pygit2.Commit | None, limit: int, publisher: str | None = None) -> list[Row] | None:
        """The ``limit`` versions published last at ``head`` (of ``publisher``'s packages), newest first, then by package
        and version, descending: the store's, with what was published since its commit. None when the store cannot say
        (missing, or its commit not a recent first-parent ancestor of ``head``): the caller reads every version."""
        if head is None:
            return []
        found = self._store.newest(limit, publisher) if self._store is not None else None
        if found is None:
            return None
        base, rows = found
        new = publishes_since(head, base)
        if new is None:
            return None
        prefix = f"{publisher}/" if publisher is not None else ""
        seen = {(package_id, info.version) for package_id, info in rows}
        rows += [(p, info) for p, info in new if p.startswith(prefix) and (p, info.version) not in seen]
        rows.sort(key=lambda row: (published_seconds(row[1]), row[0], row[1].version), reverse=True)
        return rows[:limit]

    def persist(self, repo: pygit2.Repository, head: pygit2.Commit | None, changes_since: ChangesSince) -> None:
        """Bring the store to ``head`` (writers only: ``Services.catch_up``), with the changes ``changes_since``
        gives for the commits after a recorded one (None: every commit; hub.store.changes)."""
        if self._store is None or head is None:
            return

        def rebuild() -> tuple[list[Row], list[Change]]:
            with self._lock:
                table = self._known if self._complete and self._head == head.id else self._from_tags(repo, head)
                rows = [(package_id, info) for package_id, infos in table.items() for info in infos]
            return rows, changes_since(None) or []

        def since(stored: str) -> tuple[list[Row], list[Change]] | None:
            new = publishes_since(head, stored)
            changes = changes_since(stored) if new is not None else None
            return None if new is None or changes is None else (new, changes)

        self._store.advance(str(head.id), since, rebuild)

    def _sync(self, repo: pygit2.Repository, head: pygit2.Commit, wanted: str | None) -> None:
        """Bring the table to ``head``; starting afresh, read ``wanted`` (None: every package) from the store on the way."""
        if self._head == head.id:
            return
        if self._head is not None and (new := publishes_since(head, self._head)) is not None:
            self._apply(new)
            self._head = head.id
            return
        self._known, self._recent, self._complete, self._head = {}, {}, False, head.id
        found = self._store.read(wanted) if self._store is not None else None
        if found is not None:
            base, rows = found
            new = publishes_since(head, base)
            # (the store may be a little past the head this thread read: its rows serve)
            if new is not None or _reaches(repo, base, head.id):
                self._apply(new or [])
                self._take(rows, wanted)
                return
        self._known, self._complete = self._from_tags(repo, head), True

    def _apply(self, new: list[Row]) -> None:
        for package_id, info in new:
            if self._complete or package_id in self._known:
                _add(self._known, package_id, info)
            if not self._complete:
                self._recent.setdefault(package_id, []).append(info)

    def _load(self, repo: pygit2.Repository, head: pygit2.Commit, only: str | None) -> None:
        """Read ``only`` (or every package) from the store and add what was published since its commit."""
        found = self._store.read(only) if self._store is not None else None
        if found is None:  # the store is gone or unreadable: the tags
            self._known, self._recent, self._complete = self._from_tags(repo, head), {}, True
            return
        self._take(found[1], only)

    def _take(self, rows: dict[str, list[VersionInfo]], only: str | None) -> None:
        table: dict[str, list[VersionInfo]] = {}
        for package_id, infos in rows.items():
            table[package_id] = sorted(infos, key=lambda v: version_key(v.version), reverse=True)
        for package_id, infos in self._recent.items():
            if only is None or package_id == only:
                for info in infos:
                    _add(table, package_id, info)
        if only is None:
            self._known, self._recent, self._complete = table, {}, True
        else:
            self._known[only] = table.get(only, [])

    @staticmethod
    def _from_tags(repo: pygit2.Repository, head: pygit2.Commit) -> dict[str, list[VersionInfo]]:
        table: dict[str, list[VersionInfo]] = {}
        for name in repo.references:
            if not name.startswith(TAG_PREFIX):
                continue
            package_id, sep, version = name[len(TAG_PREFIX) :].rpartition("/v")
            if not sep or not semver.Version.is_valid(version):
                continue
            commit = repo[repo.references[name].target].peel(pygit2.Commit)
            table.setdefault(package_id, []).append(_info(version, commit))
        for infos in table.values():
            infos.sort(key=lambda v: version_key(v.version), reverse=True)
        # a publish moves main before it writes its tag: the newest versions may not be tagged yet
        for steps, commit in enumerate(first_parents(head)):
            if steps >= UNTAGGED_WINDOW:
                break
            if (found := published(commit)) is not None and semver.Version.is_valid(found[1]):
                _add(table, found[0], _info(found[1], commit))
        return table
