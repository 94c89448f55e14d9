"""API tokens: shown once at creation, stored only as a SHA-256 hash.

Tokens are 256 random bits, so a fast hash is enough: there is nothing to
brute-force that a slow password hash would protect better.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from hub.errors import BadRequest, OrganisationUnknown
from hub.model import ORG_ID, FrozenBase, Problem

Role = Literal["publisher", "adopter", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("publisher", "adopter", "reviewer", "admin")
# A person's roles (workspace accounts): a token's four, and the hub-wide operator ("Betrieb"): registering and changing
# any organisation, the harvest sources and harvests, hub-wide admin tokens. An account's ``admin`` holds its
# organisation's roles only; operator is granted by the shell (``hub user create|roles --role operator``), another
# operator in the workspace, or the identity provider's roles claim, never by an organisation's admin. No token has it:
# the API's hub-wide role is a token's ``admin``.
PersonRole = Literal["publisher", "adopter", "reviewer", "admin", "operator"]
OPERATOR: PersonRole = "operator"
PERSON_ROLES: tuple[PersonRole, ...] = (*ROLES, OPERATOR)
PREFIX = "th_"
_ORG = re.compile(ORG_ID)


class TokenRecord(FrozenBase, frozen=True):
    id: int
    org: str
    role: Role
    created: str
    note: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenStore:
    """Tokens of registered organisations: ``registry(org)`` answers the organisation's record or None."""

    def __init__(self, path: str | Path, registry: Callable[[str], object | None]) -> None:
        self.path = Path(path)
        self.registry = registry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS tokens (id INTEGER PRIMARY KEY, hash TEXT UNIQUE NOT NULL, org TEXT NOT NULL,"
                " role TEXT NOT NULL, created TEXT NOT NULL, note TEXT, revoked INTEGER NOT NULL DEFAULT 0)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def create(self, org: str, role: str, note: str | None = None) -> tuple[str, TokenRecord]:
        """A new token for ``org`` in ``role``: returns the secret (shown once) and its record."""
        if not _ORG.match(org):
            raise BadRequest(f"„{org}“ ist keine gültige Organisationskennung (Kleinbuchstaben, Ziffern, Bindestriche).")
        if role not in ROLES:
            raise BadRequest(f"Die Rolle „{role}“ gibt es nicht; möglich sind: {', '.join(ROLES)}.")
        if self.registry(org) is None:
            message = (
                f"Die Organisation „{org}“ ist im Katalog nicht registriert; Tokens gibt es nur für registrierte Organisationen "
                "(zuerst „hub organisation add <datei.yaml>“)."
            )
            raise OrganisationUnknown(
                message, problems=[Problem(code="organisation-unknown", file=f"publishers/{org}.yaml", message=message)]
            )
        token = PREFIX + secrets.token_urlsafe(32)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO tokens (hash, org, role, created, note) VALUES (?, ?, ?, ?, ?)", (token_hash(token), org, role, created, note)
            )
        return token, TokenRecord(id=int(cursor.lastrowid or 0), org=org, role=role, created=created, note=note)

    def lookup(self, token: str) -> TokenRecord | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, org, role, created, note FROM tokens WHERE hash = ? AND revoked = 0", (token_hash(token),)
            ).fetchone()
        return None if row is None else TokenRecord(id=row[0], org=row[1], role=row[2], created=row[3], note=row[4])

    def history(self) -> list[tuple[TokenRecord, bool]]:
        """Every token ever created, revoked ones too (for the admin's overview), each with whether it is revoked."""
        with self._connect() as db:
            rows = db.execute("SELECT id, org, role, created, note, revoked FROM tokens ORDER BY id").fetchall()
        return [(TokenRecord(id=r[0], org=r[1], role=r[2], created=r[3], note=r[4]), bool(r[5])) for r in rows]

    def list(self) -> list[TokenRecord]:
        with self._connect() as db:
            rows = db.execute("SELECT id, org, role, created, note FROM tokens WHERE revoked = 0 ORDER BY id").fetchall()
        return [TokenRecord(id=r[0], org=r[1], role=r[2], created=r[3], note=r[4]) for r in rows]

    def revoke(self, token_id: int) -> bool:
        with self._connect() as db:
            return db.execute("UPDATE tokens SET revoked = 1 WHERE id = ? AND revoked = 0", (token_id,)).rowcount > 0
