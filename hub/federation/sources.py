"""``sources.yaml``: the sources the hub harvests, kept in the catalogue and validated by its schema."""

from __future__ import annotations

from datetime import datetime

import msgspec
import pygit2
from pygit2.enums import FileMode

from hub.errors import BadRequest
from hub.federation.errors import SourceNotFound, SourcesInvalid
from hub.federation.model import Source
from hub.model import Actor, Problem
from hub.schemas import SCHEMA_BASE, validator
from hub.store.catalog import COMMITTER, Catalog
from hub.store.commit import commit_change, signature
from hub.store.trees import blob_at, replace_path
from hub.validate.messages import explain, pointer
from hub.validate.yamlsafe import YamlError, load_yaml

SOURCES_FILE = "sources.yaml"
SOURCES_SCHEMA_ID = SCHEMA_BASE + "sources.schema.json"


def parse_sources(data: bytes) -> tuple[list[Source], list[Problem]]:
    """The sources of a ``sources.yaml`` and every problem with it (schema, duplicate names)."""
    try:
        doc = load_yaml(data)
    except YamlError as exc:
        return [], [
            Problem(code="sources-syntax", file=SOURCES_FILE, line=exc.line, message=f"„{SOURCES_FILE}“ ist kein gültiges YAML: {exc}")
        ]
    problems = [
        Problem(code="sources-schema", file=SOURCES_FILE, pointer=pointer(parts), line=doc.line_of(parts), message=message)
        for error in validator(SOURCES_SCHEMA_ID).iter_errors(doc.data)
        for parts, message in explain(error)
    ]
    if problems:
        return [], problems
    sources = msgspec.convert(doc.data["sources"], list[Source])
    seen: dict[str, int] = {}
    for index, source in enumerate(sources):
        if source.name in seen:
            parts: list[str | int] = ["sources", index, "name"]
            problems.append(
                Problem(
                    code="sources-duplicate-name",
                    file=SOURCES_FILE,
                    pointer=pointer(parts),
                    line=doc.line_of(parts),
                    message=f"Der Name „{source.name}“ ist schon an Quelle {seen[source.name] + 1} vergeben; Namen müssen eindeutig sein.",
                )
            )
        seen.setdefault(source.name, index)
    return ([], problems) if problems else (sources, [])


def load_sources(catalog: Catalog, *, ref: str | None = None) -> list[Source]:
    """The configured sources (none when the catalogue has no ``sources.yaml``)."""
    commit = catalog.resolve(ref)
    if commit is None:
        return []
    try:
        entry = commit.tree[SOURCES_FILE]
    except KeyError:
        return []
    sources, problems = parse_sources(blob_at(catalog.repo, entry.id).data)
    if problems:
        raise SourcesInvalid(f"„{SOURCES_FILE}“ im Katalog ist ungültig: {len(problems)} Problem(e).", problems=problems)
    return sources


def sources_text(catalog: Catalog) -> str | None:
    """The catalogue's ``sources.yaml`` as written (None: there is none), for editing it as a whole."""
    commit = catalog.resolve(None)
    if commit is None:
        return None
    try:
        entry = commit.tree[SOURCES_FILE]
    except KeyError:
        return None
    return blob_at(catalog.repo, entry.id).data.decode("utf-8", errors="replace")


def get_source(catalog: Catalog, name: str) -> Source:
    for source in load_sources(catalog):
        if source.name == name:
            return source
    raise SourceNotFound(f"Eine Quelle „{name}“ ist in „{SOURCES_FILE}“ nicht eingetragen.")


def save_sources(
    catalog: Catalog, data: bytes, *, actor: Actor | None = None, when: datetime | None = None, person: str | None = None
) -> list[Source]:
    """Check ``data`` and commit it as the catalogue's ``sources.yaml``; raise :class:`SourcesInvalid`, writing nothing.

    ``person``: who acted for ``actor`` (a workspace account), named in the commit message (``Hub-Person``).
    """
    if not data.strip():
        raise BadRequest(f"Die Quellenliste ist leer; erwartet wird „{SOURCES_FILE}“ mit einer Liste „sources“.")
    sources, problems = parse_sources(data)
    if problems:
        raise SourcesInvalid(f"Die Quellenliste ist ungültig: {len(problems)} Problem(e); nichts wurde gespeichert.", problems=problems)
    repo = catalog.repo
    blob = repo.create_blob(data)

    def change(root: pygit2.Tree | None) -> pygit2.Oid:
        return replace_path(repo, root, [SOURCES_FILE], blob, FileMode.BLOB)

    who = actor or Actor(id="transferhub", name=COMMITTER[0], email=COMMITTER[1])
    names = ", ".join(s.name for s in sources) or "keine"
    commit_change(
        catalog,
        change,
        author=signature(who.name, who.email, when),
        committer=signature(*COMMITTER, when),
        message=f"Quellenliste geändert ({len(sources)} Quelle(n))\n\nQuellen: {names}\n\nHub-Action: sources\nHub-Actor: {who.id}\n"
        + (f"Hub-Person: {person}\n" if person else ""),
    )
    return sources
