"""API tokens: created (shown once) and revoked. They live beside the catalogue, not in it.

The server's shell (``hub token …``, the operator) may issue and revoke every token. In the workspace
an admin (``by``) acts for their own organisation only, and never issues an ``admin`` token: the API's
admin role is hub-wide (registering organisations, harvesting), so an organisation's admin handing
one out would act beyond their organisation: such tokens are the operator's. A person with the
hub-wide operator role issues them in the workspace (for any registered organisation, whose name
the token's writes then carry), lists and revokes them (:func:`hub_wide`).
"""

from __future__ import annotations

from hub.accounts import Account
from hub.errors import Forbidden, NotFound
from hub.services import Services
from hub.tokens import OPERATOR, TokenRecord


def _operator(by: Account) -> None:
    if OPERATOR not in by.roles or by.disabled:
        raise Forbidden(
            "Ein Token mit der Rolle „Verwalten“ (admin) gilt für den ganzen Hub; es stellt nur aus, wer die Rolle „Betrieb“ "
            "(operator) hat, oder die Betreiberin des Hubs auf dem Server (hub token create)."
        )


def _may_issue(by: Account | None, org: str, role: str) -> None:
    if by is None:
        return
    if role == "admin":  # hub-wide: the operator's, for any registered organisation
        _operator(by)
        return
    if "admin" not in by.roles or by.disabled:
        raise Forbidden("API-Tokens stellt nur aus, wer die Rolle „Verwalten“ (admin) hat.")
    if org != by.org:
        raise Forbidden(f"Sie stellen API-Tokens nur für Ihre eigene Organisation ({by.org}) aus.")


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


def hub_wide(services: Services, *, by: Account) -> list[tuple[TokenRecord, bool]]:
    """Every hub-wide (admin) token of every organisation, revoked ones too, for an operator."""
    _operator(by)
    return [(r, revoked) for r, revoked in services.tokens.history() if r.role == "admin"]


def revoke(services: Services, token_id: int, *, by: Account | None = None, hub_wide_only: bool = False) -> None:
    """Revoke a token; for an admin, another organisation's token is refused like an unknown one.

    ``hub_wide_only``: an operator revokes a hub-wide (admin) token of any organisation, and nothing else that way.
    """
    if by is not None and hub_wide_only:
        if not any(r.id == token_id and not revoked for r, revoked in hub_wide(services, by=by)):
            raise NotFound(f"Ein aktives hub-weites Token mit der Nummer {token_id} gibt es nicht.")
    elif by is not None and not any(r.id == token_id and not revoked for r, revoked in history(services, by=by)):
        raise NotFound(f"Ein aktives Token mit der Nummer {token_id} gibt es in Ihrer Organisation nicht.")
    if not services.tokens.revoke(token_id):
        raise NotFound(f"Ein aktives Token mit der Nummer {token_id} gibt es nicht.")
