"""API tokens: created (shown once) and revoked. They live beside the catalogue, not in it.

The server's shell (``hub token …``, the operator) may issue and revoke every token. In the workspace
an admin (``by``) acts for their own organisation only, and never issues an ``admin`` token: the API's
admin role is hub-wide (registering organisations, harvesting), so an organisation's admin handing
one out would act beyond their organisation; such tokens stay the operator's.
"""

from __future__ import annotations

from hub.accounts import Account
from hub.errors import Forbidden, NotFound
from hub.services import Services
from hub.tokens import TokenRecord


def _may_issue(by: Account | None, org: str, role: str) -> None:
    if by is None:
        return
    if "admin" not in by.roles or by.disabled:
        raise Forbidden("API-Tokens stellt nur aus, wer die Rolle „Verwalten“ (admin) hat.")
    if org != by.org:
        raise Forbidden(f"Sie stellen API-Tokens nur für Ihre eigene Organisation ({by.org}) aus.")
    if role == "admin":
        raise Forbidden(
            "Ein Token mit der Rolle „Verwalten“ (admin) gilt für den ganzen Hub; es stellt nur die Betreiberin des Hubs "
            "auf dem Server aus (hub token create)."
        )


def create(services: Services, org: str, role: str, note: str | None = None, *, by: Account | None = None) -> tuple[str, TokenRecord]:
    _may_issue(by, org.strip(), role)
    return services.tokens.create(org.strip(), role, (note or "").strip() or None)


def listed(services: Services) -> list[TokenRecord]:
    return services.tokens.list()


def history(services: Services, *, by: Account | None = None) -> list[tuple[TokenRecord, bool]]:
    """Every token (the shell) or those of the admin's organisation, revoked ones too, each with whether it is revoked;
    never a secret (only hashes are stored)."""
    every = services.tokens.history()
    return every if by is None else [(r, revoked) for r, revoked in every if r.org == by.org]


def revoke(services: Services, token_id: int, *, by: Account | None = None) -> None:
    """Revoke a token; for an admin, another organisation's token is refused like an unknown one."""
    if by is not None and not any(r.id == token_id and not revoked for r, revoked in history(services, by=by)):
        raise NotFound(f"Ein aktives Token mit der Nummer {token_id} gibt es in Ihrer Organisation nicht.")
    if not services.tokens.revoke(token_id):
        raise NotFound(f"Ein aktives Token mit der Nummer {token_id} gibt es nicht.")
