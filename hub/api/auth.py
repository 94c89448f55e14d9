"""Bearer tokens: who is calling, and may they do this."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.errors import Forbidden, Unauthorized
from hub.services import Services
from hub.tokens import Role, TokenRecord

if TYPE_CHECKING:  # an annotation only: the writer's child process imports this module without Litestar
    from litestar import Request


def caller(request: Request, services: Services) -> TokenRecord:
    """The token record of the ``Authorization: Bearer`` header; 401 when missing or unknown."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Für diese Aktion ist ein Token nötig: Kopfzeile „Authorization: Bearer <token>“.")
    record = services.tokens.lookup(token.strip())
    if record is None:
        raise Unauthorized("Das Token ist unbekannt oder widerrufen.")
    return record


def authorize(token: TokenRecord, *roles: Role, org: str | None = None) -> None:
    """403 unless the token has one of ``roles`` (admin always may) and, if given, acts for ``org``."""
    if token.role == "admin":
        return
    if token.role not in roles:
        raise Forbidden(f"Die Rolle „{token.role}“ darf das nicht; nötig ist: {', '.join(roles)}.")
    if org is not None and token.org != org:
        raise Forbidden(f"Das Token gehört zu „{token.org}“ und darf nicht für „{org}“ handeln.")
