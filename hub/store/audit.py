"""The audit history of a package's adoptions and reviews, read straight from git.

Every claim, step, confirmation and review is a commit authored by the acting organisation
with ``Hub-*`` trailers; a harvest that carries records from another hub is a commit naming
its source. This walks ``main`` and lists every commit that changed the package's adoption or
review records, newest first: who claimed, who confirmed, who reviewed, when.
"""

from __future__ import annotations

import pygit2
from pygit2.enums import SortMode

from hub.model import FrozenBase
from hub.store.catalog import Catalog, iso, parse_trailers
from hub.store.trees import entry_name

ACTIONS_DE = {
    "adoption": "Nachnutzung angegeben oder fortgeschrieben",
    "adoption-confirm": "Nachnutzung bestätigt",
    "review": "Begutachtung",
    "harvest-records": "aus anderem Hub übernommen",
    "harvest-provenance": "Herkunftsnachweis geprüft",
}


class AuditEntry(FrozenBase, frozen=True):
    commit: str
    time: str
    author: str  # the acting organisation's name (commit author)
    record: str  # the changed file: adoptions/<pkg>/<org>.yaml or reviews/<pkg>/<version>.yaml
    kind: str  # "adoption" or "review"
    action: str  # the commit's Hub-Action
    action_de: str
    summary: str
    actor: str | None = None  # Hub-Actor: the organisation's id
    adopter: str | None = None
    version: str | None = None
    confirmation: str | None = None  # publisher, reviewer, provenance
    source: str | None = None  # the other hub a harvest took it from


def _entry(commit: pygit2.Commit, trailers: dict[str, str], path: str, kind: str) -> AuditEntry:
    """One changed record file in ``commit``: ``adoptions/<pkg>/<org>.yaml`` or ``reviews/<pkg>/<version>.yaml``."""
    action = trailers.get("Hub-Action", "")
    stem = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    return AuditEntry(
        commit=str(commit.id),
        time=iso(commit.author.time, commit.author.offset),
        author=commit.author.name,
        record=path,
        kind=kind,
        action=action,
        action_de=ACTIONS_DE.get(action, action or "Änderung"),
        summary=commit.message.split("\n", 1)[0],
        actor=trailers.get("Hub-Actor"),
        adopter=stem if kind == "adoption" else None,
        version=stem if kind == "review" else trailers.get("Hub-Version"),
        confirmation=trailers.get("Hub-Confirmation"),
        source=trailers.get("Hub-Source"),
    )


def _changed(repo: pygit2.Repository, old: pygit2.Oid | None, new: pygit2.Oid | None, prefix: str, depth: int) -> list[str]:
    """Paths of the record files that differ between two trees ``depth`` levels down (only differing subtrees are entered)."""
    if old == new:
        return []
    if depth == 0:
        return [prefix] if prefix.endswith(".yaml") else []
    before = _tree_entries(repo, old)
    after = _tree_entries(repo, new)
    found: list[str] = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            found.extend(_changed(repo, before.get(name), after.get(name), f"{prefix}/{name}", depth - 1))
    return found


def _tree_entries(repo: pygit2.Repository, oid: pygit2.Oid | None) -> dict[str, pygit2.Oid]:
    """Name → id of a tree's entries; nothing for a missing object or one that is not a tree (a damaged catalogue)."""
    if oid is None:
        return {}
    obj = repo.get(oid)
    return {entry_name(e): e.id for e in obj} if isinstance(obj, pygit2.Tree) else {}


def _folder_id(tree: pygit2.Tree | None, name: str) -> pygit2.Oid | None:
    try:
        return tree[name].id if tree is not None else None
    except KeyError:
        return None


def _walk(catalog: Catalog, head: pygit2.Commit, folders: list[tuple[str, str, int]], keep) -> None:
    """Walk ``main`` newest first; for each commit, every record file that changed under ``folders``
    ((kind, folder, depth of the record files below it)) is passed to ``keep(commit, trailers, path, kind)``,
    which returns False to stop the walk."""
    repo = catalog.repo
    walker = repo.walk(head.id, SortMode.TOPOLOGICAL)
    walker.simplify_first_parent()
    for commit in walker:
        parent = commit.parents[0].tree if commit.parents else None
        trailers: dict[str, str] | None = None
        for kind, folder, depth in folders:
            for path in _changed(repo, _folder_id(parent, folder), _folder_id(commit.tree, folder), folder, depth):
                trailers = trailers if trailers is not None else parse_trailers(commit.message)
                if not keep(commit, trailers, path, kind):
                    return


def record_history(catalog: Catalog, package_id: str, *, limit: int | None = None) -> list[AuditEntry]:
    """Every change to the adoption and review records of ``package_id`` on ``main``, newest first."""
    head = catalog.head()
    found: list[AuditEntry] = []
    if head is None:
        return found

    def keep(commit: pygit2.Commit, trailers: dict[str, str], path: str, kind: str) -> bool:
        found.append(_entry(commit, trailers, path, kind))
        return limit is None or len(found) < limit

    _walk(catalog, head, [("adoption", f"adoptions/{package_id}", 1), ("review", f"reviews/{package_id}", 1)], keep)
    return found


def record_histories(catalog: Catalog, *, ref: str | None = None, per_package: int = 100) -> dict[str, list[AuditEntry]]:
    """:func:`record_history` of every package at once, in one walk of ``main`` (the site builds every page from it)."""
    head = catalog.resolve(ref)
    found: dict[str, list[AuditEntry]] = {}
    if head is None:
        return found

    def keep(commit: pygit2.Commit, trailers: dict[str, str], path: str, kind: str) -> bool:
        parts = path.split("/")
        entries = found.setdefault(f"{parts[1]}/{parts[2]}", [])
        if len(entries) < per_package:
            entries.append(_entry(commit, trailers, path, kind))
        return True

    _walk(catalog, head, [("adoption", "adoptions", 3), ("review", "reviews", 3)], keep)
    return found
