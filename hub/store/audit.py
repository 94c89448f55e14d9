"""The audit history of a package's adoptions and reviews, read straight from git.

Every claim, step, confirmation and review is a commit authored by the acting organisation
with ``Hub-*`` trailers; a harvest that carries records from another hub is a commit naming
its source. This lists every first-parent commit on ``main`` that changed the package's adoption or
review records, newest first (hub.store.changes, without walking the whole history): who claimed,
who confirmed, who reviewed, when.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import pygit2

from hub.model import FrozenBase
from hub.store.catalog import Catalog, iso, parse_trailers
from hub.store.changes import Change

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


def _entries(catalog: Catalog, found: Iterable[Change]) -> Iterator[tuple[str, AuditEntry]]:
    """(package id, entry) of every adoption or review record change in ``found``, in its order."""
    commits: dict[str, tuple[pygit2.Commit, dict[str, str]]] = {}
    for change in found:
        if change.kind not in ("adoption", "review"):
            continue
        if change.commit not in commits:
            commit = catalog.repo[change.commit].peel(pygit2.Commit)
            commits[change.commit] = (commit, parse_trailers(commit.message))
        commit, trailers = commits[change.commit]
        yield change.package, _entry(commit, trailers, change.path, change.kind)


def record_history(catalog: Catalog, package_id: str, *, limit: int | None = None) -> list[AuditEntry]:
    """Every change to the adoption and review records of ``package_id`` on ``main``, newest first."""
    head = catalog.head()
    if head is None:
        return []
    entries = (entry for _, entry in _entries(catalog, catalog.changes(head, package_id)))
    return list(islice(entries, limit))


def record_histories(catalog: Catalog, *, ref: str | None = None, per_package: int = 100) -> dict[str, list[AuditEntry]]:
    """:func:`record_history` of every package at once (the site builds every page from it)."""
    head = catalog.resolve(ref)
    found: dict[str, list[AuditEntry]] = {}
    if head is None:
        return found
    for package_id, entry in _entries(catalog, catalog.changes(head)):
        entries = found.setdefault(package_id, [])
        if len(entries) < per_package:
            entries.append(entry)
    return found
