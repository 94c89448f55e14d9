"""A ministry reviewer's level and rationale for one package version."""

from __future__ import annotations

from hub.errors import BadRequest
from hub.maturity import maturity
from hub.model import Actor, Review
from hub.services import Services
from hub.store.records import add_review

MIN_RATIONALE = 20
MAX_RATIONALE = 10_000


def rationale_text(rationale: str) -> str:
    """The rationale as stored: without surrounding blanks, and long enough without them."""
    text = rationale.strip()
    if len(text) < MIN_RATIONALE:
        raise BadRequest(
            f"Die Begründung braucht mindestens {MIN_RATIONALE} Zeichen (ohne Leerraum am Anfang und Ende); sie hat {len(text)}."
        )
    if len(text) > MAX_RATIONALE:
        raise BadRequest(f"Die Begründung darf höchstens {MAX_RATIONALE} Zeichen haben.")
    return text


def review(
    services: Services, actor: Actor, package_id: str, version: str | None, level: int, rationale: str, *, person: str | None = None
) -> Review:
    """Append a review of ``package_id`` ``version``; earlier reviews stay. The computed level is recorded with it.

    ``person`` (who acted for the organisation, from the workspace) is named in the commit.
    """
    services.writable()
    if version is None:
        raise BadRequest("Begutachtet wird eine bestimmte Version: ID@VERSION.")
    if not 0 <= level <= 4:
        raise BadRequest(f"Den Reifegrad {level} gibt es nicht; möglich sind 0 bis 4.")
    text = rationale_text(rationale)
    computed = maturity(services.catalog, package_id, version).computed_level
    result = add_review(services.catalog, actor, package_id, version, level, text, computed_level=computed, person=person)
    services.catch_up()
    return result
