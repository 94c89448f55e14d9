"""Published versions of every package, kept current with ``main`` at the cost of the new commits.

Listing references costs libgit2 a walk over every loose ref of the repository, so reading one
package's versions that way costs O(catalogue) and growing a catalogue by N publishes O(N²). The table
is built from the tags once per process and then advanced commit by commit: every publish commit on
``main`` names its package and version in trailers (``Hub-Package``, ``Hub-Version``), the same facts
its tag records (``repair_tags`` derives missing tags from exactly these trailers).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pygit2
import semver

from hub.model import VersionInfo

TAG_PREFIX = "refs/tags/"
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


def _published(commit: pygit2.Commit) -> tuple[str, str] | None:
    trailers = parse_trailers(commit.message)
    if trailers.get("Hub-Action") != "publish" or "Hub-Package" not in trailers or "Hub-Version" not in trailers:
        return None
    return trailers["Hub-Package"], trailers["Hub-Version"]


class VersionTable:
    """Package id → its versions, highest first, as of the head last seen. Safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._head: pygit2.Oid | None = None
        self._table: dict[str, list[VersionInfo]] = {}

    def at(self, repo: pygit2.Repository, head: pygit2.Commit | None) -> dict[str, list[VersionInfo]]:
        """The table for ``head`` (callers must not change it)."""
        if head is None:
            return {}
        with self._lock:
            if self._head != head.id:
                if self._head is None or not self._advance(repo, head):
                    self._table = self._from_tags(repo, head)
                self._head = head.id
            return self._table

    def _advance(self, repo: pygit2.Repository, head: pygit2.Commit) -> bool:
        """Add the versions published since the last head; False when it is not a recent first-parent ancestor."""
        new: list[tuple[str, str, pygit2.Commit]] = []
        for steps, commit in enumerate(first_parents(head)):
            if commit.id == self._head:
                break
            if steps >= WALK_LIMIT:
                return False
            if (found := _published(commit)) is not None:
                new.append((*found, commit))
        else:
            return False
        table = dict(self._table)  # copy on write: a reader holding the old table keeps a consistent one
        for package_id, version, commit in new:
            self._add(table, package_id, version, commit)
        self._table = table
        return True

    @staticmethod
    def _add(table: dict[str, list[VersionInfo]], package_id: str, version: str, commit: pygit2.Commit) -> None:
        if not semver.Version.is_valid(version):
            return
        infos = table.get(package_id, [])
        if any(v.version == version for v in infos):
            return
        table[package_id] = sorted([*infos, _info(version, commit)], key=lambda v: version_key(v.version), reverse=True)

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
        for steps, commit in enumerate(first_parents(head)):
            if steps >= UNTAGGED_WINDOW:
                break
            if (found := _published(commit)) is not None:
                VersionTable._add(table, *found, commit)
        return table
