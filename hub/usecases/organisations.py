"""Registering an organisation (publisher or adopter) in the catalogue's registry."""

from __future__ import annotations

from hub.errors import BadRequest
from hub.model import Actor, Publisher
from hub.services import Services
from hub.store.organisations import register_organisation


def register(services: Services, data: bytes, *, actor: Actor | None = None, expected_id: str | None = None) -> Publisher:
    """Add or change ``publishers/<id>.yaml`` from YAML or JSON ``data``; refused with every problem, nothing written."""
    services.writable()
    if not data.strip():
        raise BadRequest("Der Organisationseintrag ist leer.")
    record = register_organisation(services.catalog, data, actor=actor, expected_id=expected_id)
    services.catch_up()
    return record
