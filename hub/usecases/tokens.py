"""API tokens: created (shown once) and revoked. They live beside the catalogue, not in it."""

from __future__ import annotations

from hub.errors import NotFound
from hub.services import Services
from hub.tokens import TokenRecord


def create(services: Services, org: str, role: str, note: str | None = None) -> tuple[str, TokenRecord]:
    return services.tokens.create(org.strip(), role, (note or "").strip() or None)


def listed(services: Services) -> list[TokenRecord]:
    return services.tokens.list()


def history(services: Services) -> list[tuple[TokenRecord, bool]]:
    """Every token, revoked ones too, each with whether it is revoked; never a secret (only hashes are stored)."""
    return services.tokens.history()


def revoke(services: Services, token_id: int) -> None:
    if not services.tokens.revoke(token_id):
        raise NotFound(f"Ein aktives Token mit der Nummer {token_id} gibt es nicht.")
