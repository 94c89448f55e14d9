"""The audit history of a package's adoptions and reviews, read straight from git.

Every claim, step, confirmation and review is a commit authored by the acting organisation
with ``Hub-*`` trailers; a harvest that carries records from another hub is a commit naming
its source. This walks ``main`` and lists every commit that changed the package's adoption or
review records, newest first: who claimed, who confirmed, who reviewed, when.
"""

from __future__ import annotations

import pygit2
from pygit2.enums import SortMode

from hub.model import Base
from hub.store.catalog import Catalog, iso, parse_trailers

ACTIONS_DE = {
    "adoption": "Nachnutzung angegeben oder fortgeschrieben",
    "adoption-confirm": "Nachnutzung bestätigt",
    "review": "Begutachtung",
    "harvest-records": "aus anderem Hub übernommen",
    "harvest-provenance": "Herkunftsnachweis geprüft",
}


class AuditEntry(Base, frozen=True):
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
    return {entry.name: entry.id for entry in repo[folder.id] if entry.type_str == "blob"}


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
                found.append(AuditEntry(
                    commit=str(commit.id), time=iso(commit.author.time, commit.author.offset), author=commit.author.name,
                    record=f"{folder}/{name}", kind=kind, action=action, action_de=ACTIONS_DE.get(action, action or "Änderung"),
                    summary=commit.message.split("\n", 1)[0], actor=trailers.get("Hub-Actor"),
                    adopter=stem if kind == "adoption" else None, version=stem if kind == "review" else trailers.get("Hub-Version"),
                    confirmation=trailers.get("Hub-Confirmation"), source=trailers.get("Hub-Source"),
                ))
        if limit is not None and len(found) >= limit:
            break
    return found
