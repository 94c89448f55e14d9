"""Server-side sessions of the served hub's workspace, with a CSRF token bound to each.

The cookie carries only a random id (256 bits from ``secrets``); the server stores its SHA-256
hash, so a copy of the database holds no usable session. A session ends when it has been idle
too long, when it is too old, or when its person signs out (the row is deleted: the old cookie
no longer works anywhere). Signing in always starts a new session, so an id planted before
sign-in is worth nothing after it.

The sign-in form needs a CSRF token before anyone is signed in: the form gets an anonymous
session (``email`` None), which signing in replaces.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from hub.errors import HubError
from hub.model import FrozenBase

# how often a session's "last seen" is written at most: reading a page need not write every time
TOUCH_EVERY = 60.0
# uploads kept between a dry run and its publish: a few per session, for at most a few hours
KEEP_UPLOADS = 3
UPLOAD_HOURS = 2
# a secret waiting to be shown once (a new API token, a reset link): the page after the redirect comes at once
REVEAL_MINUTES = 10


class CsrfRefused(HubError):
    """A form was sent without the CSRF token of the sender's session, or with another one."""

    code = "csrf-refused"
    status = 403
    exit_code = 2
    title = "Formular nicht angenommen"


class SignInRequired(HubError):
    """A workspace page needs a signed-in person (a page asked for by GET leads to the sign-in form instead)."""

    code = "sign-in-required"
    status = 401
    exit_code = 2
    title = "Bitte anmelden"


class Session(FrozenBase, frozen=True):
    id: str  # the secret from the cookie (never stored)
    csrf: str
    created: float
    seen: float
    email: str | None = None  # None: anonymous (the sign-in form's session)

    def check_csrf(self, token: str | None) -> None:
        if not token or not hmac.compare_digest(token.encode(), self.csrf.encode()):
            raise CsrfRefused(
                "Das Formular wurde ohne gültiges Sicherheitsmerkmal gesendet und nicht angenommen; es wurde nichts geändert. "
                "Bitte die Seite neu laden und noch einmal senden."
            )


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def _reveal_key(session_id: str) -> bytes:
    """The key a held secret is sealed with: derived from the cookie's id, which the server never stores.

    The database keeps only the id's SHA-256 (another derivation), so a copy of it opens no held secret;
    the session's own request, which brings the id, does. The id has 256 random bits: one hash is key enough.
    """
    return hashlib.sha256(b"transferhub reveal\0" + session_id.encode("utf-8")).digest()


class SessionStore:
    """Sessions in SQLite (``idle`` and ``absolute`` lifetimes in seconds)."""

    def __init__(self, path: str | Path, *, idle: float, absolute: float, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.idle, self.absolute, self.clock = idle, absolute, clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS sessions (hash TEXT PRIMARY KEY, email TEXT, csrf TEXT NOT NULL,"
                " created REAL NOT NULL, seen REAL NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS sessions_email ON sessions (email)")
            if "pending" not in {row[1] for row in db.execute("PRAGMA table_info(sessions)")}:
                # a sign-in under way at the identity provider: its state, nonce and PKCE verifier (JSON)
                db.execute("ALTER TABLE sessions ADD COLUMN pending TEXT")
            # an archive that passed the workspace's dry run, kept until it is published (or its session ends)
            db.execute(
                "CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, session TEXT NOT NULL, created REAL NOT NULL, data BLOB NOT NULL)"
            )
            # a secret to be shown once on the page after a redirect (post/redirect/get), sealed with the session's id
            db.execute(
                "CREATE TABLE IF NOT EXISTS reveals (id TEXT PRIMARY KEY, session TEXT NOT NULL, created REAL NOT NULL, sealed BLOB NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def start(self, email: str | None = None) -> Session:
        """A new session (a fresh id and CSRF token); expired sessions are removed on the way."""
        now = self.clock()
        session = Session(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), created=now, seen=now, email=email)
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE seen < ? OR created < ?", (now - self.idle, now - self.absolute))
            db.execute(
                "INSERT INTO sessions (hash, email, csrf, created, seen) VALUES (?, ?, ?, ?, ?)",
                (_hash(session.id), email, session.csrf, now, now),
            )
        return session

    def get(self, session_id: str | None) -> Session | None:
        """The live session of this id, or None (unknown, ended or expired; an expired one is deleted)."""
        if not session_id or len(session_id) > 128:
            return None
        key = _hash(session_id)
        now = self.clock()
        with self._connect() as db:
            row = db.execute("SELECT email, csrf, created, seen FROM sessions WHERE hash = ?", (key,)).fetchone()
            if row is None:
                return None
            email, csrf, created, seen = row
            if now - seen > self.idle or now - created > self.absolute:
                db.execute("DELETE FROM sessions WHERE hash = ?", (key,))
                return None
            if now - seen > TOUCH_EVERY:
                db.execute("UPDATE sessions SET seen = ? WHERE hash = ?", (now, key))
                seen = now
        return Session(id=session_id, csrf=csrf, created=created, seen=seen, email=email)

    def hold(self, session_id: str, pending: str) -> None:
        """Keep what a sign-in at the identity provider needs to be checked on return (one at a time per session)."""
        with self._connect() as db:
            db.execute("UPDATE sessions SET pending = ? WHERE hash = ?", (pending, _hash(session_id)))

    def take(self, session_id: str) -> str | None:
        """What :meth:`hold` kept, once: a second return with the same answer finds nothing."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT pending FROM sessions WHERE hash = ?", (_hash(session_id),)).fetchone()
            db.execute("UPDATE sessions SET pending = NULL WHERE hash = ?", (_hash(session_id),))
        return None if row is None else row[0]

    def keep_upload(self, session_id: str, data: bytes) -> str:
        """Keep ``data`` for this session under a fresh random id; uploads of ended sessions and old ones are removed.

        A session keeps at most ``KEEP_UPLOADS`` (the newest): enough for a few open dry runs, not a store.
        """
        now = self.clock()
        upload_id = secrets.token_urlsafe(24)
        key = _hash(session_id)
        with self._connect() as db:
            db.execute(
                "DELETE FROM uploads WHERE created < ? OR session NOT IN (SELECT hash FROM sessions)",
                (now - min(self.idle, UPLOAD_HOURS * 3600),),
            )
            db.execute("INSERT INTO uploads (id, session, created, data) VALUES (?, ?, ?, ?)", (upload_id, key, now, data))
            db.execute(
                "DELETE FROM uploads WHERE session = ? AND id NOT IN (SELECT id FROM uploads WHERE session = ? ORDER BY created DESC LIMIT ?)",
                (key, key, KEEP_UPLOADS),
            )
        return upload_id

    def take_upload(self, session_id: str, upload_id: str) -> bytes | None:
        """The bytes kept under ``upload_id`` for this session, once (removed as they are taken); None for another session's."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = self._kept_upload(db, session_id, upload_id)
            db.execute("DELETE FROM uploads WHERE id = ? AND session = ?", (upload_id, _hash(session_id)))
        return None if row is None else bytes(row[0])

    def peek_upload(self, session_id: str, upload_id: str, *, renew: bool = False) -> bytes | None:
        """The bytes kept under ``upload_id`` for this session, left in place (the manifest form's files between its steps);
        ``renew`` makes them the session's newest upload again, so the uploads kept after them do not push them out."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = self._kept_upload(db, session_id, upload_id)
            if row is not None and renew:
                db.execute("UPDATE uploads SET created = ? WHERE id = ? AND session = ?", (self.clock(), upload_id, _hash(session_id)))
        return None if row is None else bytes(row[0])

    def _kept_upload(self, db: sqlite3.Connection, session_id: str, upload_id: str) -> tuple[bytes] | None:
        """The row of an upload kept for this session and not yet expired, inside the caller's transaction."""
        oldest = self.clock() - min(self.idle, UPLOAD_HOURS * 3600)
        return db.execute(
            "SELECT data FROM uploads WHERE id = ? AND session = ? AND created >= ?", (upload_id, _hash(session_id), oldest)
        ).fetchone()

    def hold_secret(self, session_id: str, secret: str) -> str:
        """Keep ``secret`` for this session until it is shown (:meth:`reveal`), under a fresh random id.

        Sealed with AES-GCM under a key from the session's id (see :func:`_reveal_key`); held at most
        ``REVEAL_MINUTES`` and never past the session.
        """
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # with the first secret held, not at every start

        now = self.clock()
        reveal_id = secrets.token_urlsafe(18)
        nonce = secrets.token_bytes(12)
        sealed = nonce + AESGCM(_reveal_key(session_id)).encrypt(nonce, secret.encode("utf-8"), reveal_id.encode())
        with self._connect() as db:
            db.execute("DELETE FROM reveals WHERE created < ? OR session NOT IN (SELECT hash FROM sessions)", (now - REVEAL_MINUTES * 60,))
            db.execute(
                "INSERT INTO reveals (id, session, created, sealed) VALUES (?, ?, ?, ?)", (reveal_id, _hash(session_id), now, sealed)
            )
        return reveal_id

    def reveal(self, session_id: str, reveal_id: str) -> str | None:
        """The secret held under ``reveal_id`` for this session, once: it is deleted as it is read (None afterwards,
        when it is too old, or for another session)."""
        now = self.clock()
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT sealed FROM reveals WHERE id = ? AND session = ? AND created >= ?",
                (reveal_id, _hash(session_id), now - REVEAL_MINUTES * 60),
            ).fetchone()
            db.execute("DELETE FROM reveals WHERE id = ? AND session = ?", (reveal_id, _hash(session_id)))
        if row is None:
            return None
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # with the first secret shown, not at every start

        sealed = bytes(row[0])
        return AESGCM(_reveal_key(session_id)).decrypt(sealed[:12], sealed[12:], reveal_id.encode()).decode("utf-8")

    def end(self, session_id: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE hash = ?", (_hash(session_id),))
            db.execute("DELETE FROM uploads WHERE session = ?", (_hash(session_id),))
            db.execute("DELETE FROM reveals WHERE session = ?", (_hash(session_id),))

    def end_all(self, email: str, *, keep: str | None = None) -> int:
        """End every session of a person (their account was disabled, their password reset), except ``keep``'s."""
        kept = _hash(keep) if keep else ""
        with self._connect() as db:
            for table in ("uploads", "reveals"):
                db.execute(f"DELETE FROM {table} WHERE session IN (SELECT hash FROM sessions WHERE email = ? AND hash != ?)", (email, kept))
            return db.execute("DELETE FROM sessions WHERE email = ? AND hash != ?", (email, kept)).rowcount
