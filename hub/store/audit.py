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
from hub.store.trees import entry_name, tree_at

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


def _entries(repo: pygit2.Repository, tree: pygit2.Tree | None, path: str) -> dict[str, pygit2.Oid]:
    try:
        folder = tree[path] if tree is not None else None
    except KeyError:
        return {}
    if folder is None or folder.type_str != "tree":
        return {}
    return {entry_name(entry): entry.id for entry in tree_at(repo, folder.id) if entry.type_str == "blob"}


def record_history(catalog: Catalog, package_id: str, *, limit: int | None = None) -> list[AuditEntry]:
    """Every change to the adoption and review records of ``package_id`` on ``main``, newest first."""
    head = catalog.head()
    if head is None:
        return []
    repo = catalog.repo
    found: list[AuditEntry] = []
    walker = repo.walk(head.id, SortMode.TOPOLOGICAL)
    walker.simplify_first_parent()
    folders = {"adoption": f"adoptions/{package_id}", "review": f"reviews/{package_id}"}
    for commit in walker:
        parent = commit.parents[0].tree if commit.parents else None
        trailers = None
        for kind, folder in folders.items():
            try:
                here = commit.tree[folder].id
            except KeyError:
                here = None
            try:
                before = parent[folder].id if parent is not None else None
            except KeyError:
                before = None
            if here == before:
                continue
            now, then = _entries(repo, commit.tree, folder), _entries(repo, parent, folder)
            trailers = trailers or parse_trailers(commit.message)
            action = trailers.get("Hub-Action", "")
            for name in sorted(set(now) | set(then)):
                if now.get(name) == then.get(name):
                    continue
                stem = name.removesuffix(".yaml")
                found.append(
                    AuditEntry(
                        commit=str(commit.id),
                        time=iso(commit.author.time, commit.author.offset),
                        author=commit.author.name,
                        record=f"{folder}/{name}",
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
                )
        if limit is not None and len(found) >= limit:
            break
    return found


def _changed(repo: pygit2.Repository, old: pygit2.Oid | None, new: pygit2.Oid | None, prefix: str, depth: int) -> list[str]:
    """Paths of the files that differ between two trees ``depth`` levels down (only differing subtrees are entered)."""
    if old == new:
        return []
    if depth == 0:
        return [prefix]
    before = {entry_name(e): e.id for e in tree_at(repo, old)} if old is not None else {}
    after = {entry_name(e): e.id for e in tree_at(repo, new)} if new is not None else {}
    found: list[str] = []
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            found.extend(_changed(repo, before.get(name), after.get(name), f"{prefix}/{name}", depth - 1))
    return found


def _folder_id(tree: pygit2.Tree | None, name: str) -> pygit2.Oid | None:
    try:
        return tree[name].id if tree is not None else None
    except KeyError:
        return None


def record_histories(catalog: Catalog, *, ref: str | None = None, per_package: int = 100) -> dict[str, list[AuditEntry]]:
    """:func:`record_history` of every package at once, in one walk of ``main`` (the site builds every page from it)."""
    head = catalog.resolve(ref)
    found: dict[str, list[AuditEntry]] = {}
    if head is None:
        return found
    repo = catalog.repo
    walker = repo.walk(head.id, SortMode.TOPOLOGICAL)
    walker.simplify_first_parent()
    for commit in walker:
        parent = commit.parents[0].tree if commit.parents else None
        trailers = None
        for kind, folder in (("adoption", "adoptions"), ("review", "reviews")):
            paths = _changed(repo, _folder_id(parent, folder), _folder_id(commit.tree, folder), folder, 3)
            for path in paths:
                parts = path.split("/")
                if len(parts) != 4 or not parts[3].endswith(".yaml"):
                    continue
                package_id = f"{parts[1]}/{parts[2]}"
                entries = found.setdefault(package_id, [])
                if len(entries) >= per_package:
                    continue
                trailers = trailers if trailers is not None else parse_trailers(commit.message)
                action = trailers.get("Hub-Action", "")
                stem = parts[3].removesuffix(".yaml")
                entries.append(
                    AuditEntry(
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
                )
    return found
