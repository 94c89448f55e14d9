"""Replacing the list of sources the hub harvests (``sources.yaml`` in the catalogue)."""

from __future__ import annotations

from hub.errors import BadRequest, NotFound
from hub.federation.model import Source
from hub.federation.sources import save_sources, sources_text
from hub.model import Actor
from hub.services import Services
from hub.store.records import actor_for

MAX_SOURCES_BYTES = 1024 * 1024


def responsible(services: Services, org: str | None) -> Actor | None:
    """The registered organisation that answers for a change of the sources (None: the hub itself)."""
    if org is None:
        return None
    if services.catalog.publisher(org) is None:
        raise NotFound(f"Den Herausgeber „{org}“ gibt es im Katalog nicht.")
    return actor_for(services.catalog, org)


def replace(services: Services, data: bytes, *, actor: Actor | None = None, person: str | None = None) -> list[Source]:
    """Check the new list (YAML or JSON after schemas/sources.schema.json) and commit it.

    ``person``: who acted for ``actor`` in the workspace (an operator), named in the commit (``Hub-Person``).
    """
    services.writable()
    if len(data) > MAX_SOURCES_BYTES:
        raise BadRequest("Die Quellenliste ist größer als 1 MB.")
    sources = save_sources(services.catalog, data, actor=actor, person=person)
    services.catch_up()
    return sources


def current_text(services: Services) -> str | None:
    """The catalogue's ``sources.yaml`` as written (None: the hub has no list of sources yet)."""
    return sources_text(services.catalog)
