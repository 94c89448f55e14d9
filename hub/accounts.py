"""Local accounts of the served hub: people of registered organisations with roles and an Argon2 password hash.

The embedded default, so ``hub serve`` needs no identity provider: ``hub user create`` makes an
account (there is no default or demo password, ever). A person acts for one organisation in one
or more roles, the same roles an API token has. Passwords are hashed with Argon2id at the
parameters of OWASP's Password Storage Cheat Sheet (19 MiB, 2 passes, 1 lane: strong against
guessing, and a server can afford several at once, unlike 64 MiB per sign-in); an unknown account costs the same hashing work as a known
one, so the answer's timing does not tell which e-mail addresses have accounts.

Failed sign-ins are counted per account and per client address (:class:`SignInThrottle`):
after a few free attempts each further failure locks the key for a growing window, during
which sign-ins are refused without looking at the password. Everything lives in SQLite beside
the tokens, so every server process over one data folder sees the same counts.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hub.errors import BadRequest, Conflict, Forbidden, HubError, NotFound, OrganisationUnknown, Unauthorized
from hub.model import ORG_ID, FrozenBase, Problem, unsafe_character
from hub.tokens import OPERATOR, PERSON_ROLES, PersonRole

MIN_PASSWORD = 12  # characters; a passphrase of a few words passes, a short word does not
MAX_PASSWORD = 1024  # bounds the hashing work one request can ask for
MAX_EMAIL = 254
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>.]+")
_ORG = re.compile(ORG_ID)

# hashing costs 19 MiB and tens of milliseconds: at most two at a time per process
_HASHING = threading.BoundedSemaphore(2)
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the account is unknown or disabled, so that case takes as long as a wrong password.

    Made on the first sign-in, not at import: hashing is tens of milliseconds a server's start need not pay."""
    return _HASHER.hash("kein Konto – nur für gleiche Laufzeit")


RESET_HOURS = 24  # how long a password reset link works (once)

SIGN_IN_FAILED = "E-Mail-Adresse oder Passwort ist falsch."
EXTERNAL = "!oidc"  # the hash column of an account from the identity provider: matches no password


class SignInFailed(Unauthorized):
    """Unknown account, disabled account or wrong password: one answer for all three."""

    code = "sign-in-failed"
    title = "Anmeldung fehlgeschlagen"


class SignInThrottled(HubError):
    """Too many failed sign-ins for this account or from this address; try again after ``retry_after`` seconds."""

    code = "sign-in-throttled"
    status = 429
    exit_code = 2
    title = "Zu viele Anmeldeversuche"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class AccountExists(Conflict):
    """An account with this e-mail address exists already."""

    code = "account-exists"
    title = "Konto besteht bereits"


class ResetLinkInvalid(HubError):
    """A password reset link that is unknown, used already, expired, or replaced by a newer one."""

    code = "reset-link-invalid"
    status = 410
    exit_code = 2
    title = "Link nicht mehr gültig"


class OwnAccountProtected(Conflict):
    """An admin tried to take the admin role from their own account, or to disable it: that would lock them out."""

    code = "own-account-protected"
    title = "Eigenes Konto geschützt"


class ProviderAccount(Conflict):
    """Roles and password of an account from the identity provider are the provider's, not the hub's."""

    code = "provider-account"
    title = "Konto des Anmeldedienstes"


class Account(FrozenBase, frozen=True):
    email: str
    org: str
    roles: list[PersonRole]
    created: str
    disabled: bool = False
    external: bool = False  # signs in through the organisations' identity provider, has no password here

    def has(self, *roles: PersonRole) -> bool:
        """Holds one of ``roles``; admin holds every role of its organisation (not the hub-wide operator)."""
        return any(role in self.roles or (role != OPERATOR and "admin" in self.roles) for role in roles)


def normal_email(value: str) -> str:
    """An e-mail address as accounts are keyed: stripped, lower case; refused when it is not one."""
    email = value.strip().lower()
    if len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email) or unsafe_character(email, one_line=True, signature=True):
        raise BadRequest(f"„{value.strip()[:80]}“ ist keine gültige E-Mail-Adresse.")
    return email


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadRequest(f"Das Passwort ist zu kurz: mindestens {MIN_PASSWORD} Zeichen.")
    if len(password) > MAX_PASSWORD:
        raise BadRequest(f"Das Passwort ist zu lang: höchstens {MAX_PASSWORD} Zeichen.")


def _roles(roles: Iterable[str]) -> list[PersonRole]:
    chosen: list[PersonRole] = []
    for role in roles:
        if role not in PERSON_ROLES:
            raise BadRequest(f"Die Rolle „{role}“ gibt es nicht; möglich sind: {', '.join(PERSON_ROLES)}.")
        if role not in chosen:
            chosen.append(role)
    if not chosen:
        raise BadRequest(f"Ein Konto braucht mindestens eine Rolle: {', '.join(PERSON_ROLES)}.")
    return chosen


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=10)
    db.execute("PRAGMA journal_mode=WAL")
    return db


class AccountStore:
    """Accounts of registered organisations: ``registry(org)`` answers the organisation's record or None."""

    def __init__(self, path: str | Path, registry: Callable[[str], object | None]) -> None:
        self.path = Path(path)
        self.registry = registry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with connect(self.path) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS accounts (email TEXT PRIMARY KEY, org TEXT NOT NULL, roles TEXT NOT NULL,"
                " hash TEXT NOT NULL, created TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)"
            )
            # a password reset link: only the SHA-256 of its random token is kept, one link per person at a time
            db.execute(
                "CREATE TABLE IF NOT EXISTS password_resets (hash TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, expires REAL NOT NULL)"
            )

    def create(self, email: str, org: str, roles: Iterable[str], password: str) -> Account:
        email = normal_email(email)
        org = org.strip()
        chosen = _roles(roles)
        check_password(password)
        if not _ORG.match(org):
            raise BadRequest(f"„{org}“ ist keine gültige Organisationskennung (Kleinbuchstaben, Ziffern, Bindestriche).")
        if self.registry(org) is None:
            message = (
                f"Die Organisation „{org}“ ist im Katalog nicht registriert; Konten gibt es nur für registrierte Organisationen "
                "(zuerst „hub organisation add <datei.yaml>“)."
            )
            raise OrganisationUnknown(
                message, problems=[Problem(code="organisation-unknown", file=f"publishers/{org}.yaml", message=message)]
            )
        if self.get(email) is not None:
            raise AccountExists(f"Für {email} gibt es bereits ein Konto.")
        with _HASHING:
            hashed = _HASHER.hash(password)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with connect(self.path) as db:
                db.execute(
                    "INSERT INTO accounts (email, org, roles, hash, created) VALUES (?, ?, ?, ?, ?)",
                    (email, org, " ".join(chosen), hashed, created),
                )
        except sqlite3.IntegrityError:  # created in between by another process
            raise AccountExists(f"Für {email} gibt es bereits ein Konto.") from None
        return Account(email=email, org=org, roles=chosen, created=created)

    def from_provider(self, email: str, org: str, roles: Iterable[str]) -> Account:
        """The account of a person the organisations' identity provider vouched for: created or brought to the claims.

        Such an account has no password (it cannot sign in locally); organisation and roles follow
        the provider at every sign-in. A disabled one stays disabled; a local account with a
        password under the same address is not taken over.
        """
        email = normal_email(email)
        chosen = _roles(roles)
        if not _ORG.match(org) or self.registry(org) is None:
            raise Forbidden(f"Die Organisation „{org}“ ist im Katalog nicht registriert; eine Anmeldung für sie ist nicht möglich.")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with connect(self.path) as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT hash, disabled FROM accounts WHERE email = ?", (email,)).fetchone()
            if row is not None and row[0] != EXTERNAL:
                raise Forbidden(f"Für {email} gibt es ein lokales Konto dieses Hubs; bitte mit dessen Passwort anmelden.")
            if row is not None and row[1]:
                raise Forbidden(f"Das Konto {email} ist auf diesem Hub gesperrt.")
            if row is None:
                db.execute(
                    "INSERT INTO accounts (email, org, roles, hash, created) VALUES (?, ?, ?, ?, ?)",
                    (email, org, " ".join(chosen), EXTERNAL, now),
                )
            else:
                db.execute("UPDATE accounts SET org = ?, roles = ? WHERE email = ?", (org, " ".join(chosen), email))
        account = self.get(email)
        assert account is not None
        return account

    def _row(self, email: str) -> tuple | None:
        with connect(self.path) as db:
            return db.execute("SELECT email, org, roles, created, disabled, hash FROM accounts WHERE email = ?", (email,)).fetchone()

    @staticmethod
    def _account(row: tuple) -> Account:
        external = len(row) > 5 and row[5] == EXTERNAL
        return Account(email=row[0], org=row[1], roles=row[2].split(), created=row[3], disabled=bool(row[4]), external=external)

    def get(self, email: str) -> Account | None:
        row = self._row(email.strip().lower())
        return None if row is None else self._account(row)

    def list(self) -> list[Account]:
        with connect(self.path) as db:
            rows = db.execute("SELECT email, org, roles, created, disabled, hash FROM accounts ORDER BY org, email").fetchall()
        return [self._account(row) for row in rows]

    def disable(self, email: str) -> None:
        """Lock the account out (its reset link goes too); the caller ends its sessions."""
        with connect(self.path) as db:
            changed = db.execute("UPDATE accounts SET disabled = 1 WHERE email = ?", (email.strip().lower(),)).rowcount
            db.execute("DELETE FROM password_resets WHERE email = ?", (email.strip().lower(),))
        if not changed:
            raise NotFound(f"Ein Konto {email.strip()} gibt es nicht.")

    def enable(self, email: str) -> Account:
        with connect(self.path) as db:
            changed = db.execute("UPDATE accounts SET disabled = 0 WHERE email = ?", (email.strip().lower(),)).rowcount
        account = self.get(email)
        if not changed or account is None:
            raise NotFound(f"Ein Konto {email.strip()} gibt es nicht.")
        return account

    def set_roles(self, email: str, roles: Iterable[str]) -> Account:
        """The person's roles from now on (at least one; the order given, duplicates dropped)."""
        chosen = _roles(roles)
        with connect(self.path) as db:
            changed = db.execute("UPDATE accounts SET roles = ? WHERE email = ?", (" ".join(chosen), email.strip().lower())).rowcount
        account = self.get(email)
        if not changed or account is None:
            raise NotFound(f"Ein Konto {email.strip()} gibt es nicht.")
        return account

    def _local(self, email: str) -> Account:
        """The enabled local account of ``email`` (the only kind whose password the hub keeps)."""
        account = self.get(email)
        if account is None:
            raise NotFound(f"Ein Konto {email.strip()} gibt es nicht.")
        if account.external:
            raise ProviderAccount(
                f"{account.email} meldet sich über den Anmeldedienst der Organisation an und hat auf diesem Hub kein Passwort; "
                "das Passwort setzt der Anmeldedienst zurück."
            )
        if account.disabled:
            raise Conflict(f"Das Konto {account.email} ist deaktiviert; bitte zuerst wieder aktivieren.")
        return account

    def set_password(self, email: str, password: str) -> Account:
        """A new password for an enabled local account (the rules of :meth:`create`); any reset link goes."""
        account = self._local(email)
        check_password(password)
        with _HASHING:
            hashed = _HASHER.hash(password)
        with connect(self.path) as db:
            db.execute("UPDATE accounts SET hash = ? WHERE email = ? AND hash != ?", (hashed, account.email, EXTERNAL))
            db.execute("DELETE FROM password_resets WHERE email = ?", (account.email,))
        return account

    def reset_link(self, email: str, *, hours: float = RESET_HOURS, now: float | None = None) -> tuple[str, float]:
        """A fresh one-time token to set a new password, and when it expires (seconds since the epoch).

        Only its SHA-256 is stored; an earlier link of the same person stops working.
        """
        account = self._local(email)
        token = secrets.token_urlsafe(32)
        expires = (time.time() if now is None else now) + hours * 3600
        with connect(self.path) as db:
            db.execute(
                "INSERT OR REPLACE INTO password_resets (hash, email, expires) VALUES (?, ?, ?)",
                (_token_hash(token), account.email, expires),
            )
        return token, expires

    def reset_for(self, token: str, *, now: float | None = None) -> Account:
        """The account a live reset link belongs to; :class:`ResetLinkInvalid` otherwise."""
        row = None
        if 0 < len(token) <= 128:
            with connect(self.path) as db:
                row = db.execute("SELECT email, expires FROM password_resets WHERE hash = ?", (_token_hash(token),)).fetchone()
        account = self.get(row[0]) if row is not None else None
        if row is None or row[1] < (time.time() if now is None else now) or account is None or account.disabled or account.external:
            raise ResetLinkInvalid(
                "Dieser Link zum Setzen eines Passworts gilt nicht (mehr): er wurde schon benutzt, ist abgelaufen oder durch einen "
                "neueren ersetzt. Bitte bei der Verwaltung Ihrer Organisation einen neuen erbitten."
            )
        return account

    def use_reset(self, token: str, password: str, *, now: float | None = None) -> Account:
        """Set the new password through a live link and use the link up (it works once)."""
        account = self.reset_for(token, now=now)
        check_password(password)
        with _HASHING:
            hashed = _HASHER.hash(password)
        with connect(self.path) as db:
            db.execute("BEGIN IMMEDIATE")  # two tabs sending the same link: only one sets the password
            taken = db.execute("DELETE FROM password_resets WHERE hash = ? AND email = ?", (_token_hash(token), account.email)).rowcount
            if not taken:
                raise ResetLinkInvalid("Dieser Link wurde eben schon benutzt; das Passwort ist gesetzt.")
            db.execute("UPDATE accounts SET hash = ? WHERE email = ?", (hashed, account.email))
        return account

    def verify(self, email: str, password: str) -> Account | None:
        """The enabled account whose password this is, or None; the same hashing work either way."""
        row = None
        if 0 < len(password) <= MAX_PASSWORD and len(email) <= MAX_EMAIL:
            row = self._row(email.strip().lower())
        dummy = _dummy_hash()
        stored = row[5] if row is not None and not row[4] else dummy
        with _HASHING:
            try:
                _HASHER.verify(stored, password[:MAX_PASSWORD] or "-")
                ok = stored is not dummy
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
            if ok and _HASHER.check_needs_rehash(stored):  # parameters grew since: store the stronger hash
                with connect(self.path) as db:
                    db.execute("UPDATE accounts SET hash = ? WHERE email = ?", (_HASHER.hash(password), row[0]))  # type: ignore[index]
        return self._account(row) if ok and row is not None else None


class SignInThrottle:
    """Failed sign-ins per key (``account:<e-mail>``, ``address:<ip>``): ``free`` failures, then a growing lockout.

    The n-th failure beyond ``free`` locks the key for ``base * 2**(n-1)`` seconds, at most
    ``ceiling``; a key without failures for ``forget`` seconds starts again from zero. A lockout
    refuses every attempt (the right password too), so guessing gets no faster by trying in
    parallel. The account key is cleared by a successful sign-in, the address key is not (one
    valid account must not reset an address that is guessing others).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        free: int,
        base: float = 1.0,
        ceiling: float = 900.0,
        forget: float = 3600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.free, self.base, self.ceiling, self.forget, self.clock = free, base, ceiling, forget, clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with connect(self.path) as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS sign_in_failures (key TEXT PRIMARY KEY, count INTEGER NOT NULL,"
                " last REAL NOT NULL, locked_until REAL NOT NULL)"
            )

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may try again (0: now)."""
        with connect(self.path) as db:
            row = db.execute("SELECT locked_until FROM sign_in_failures WHERE key = ?", (key,)).fetchone()
        return 0.0 if row is None else max(0.0, row[0] - self.clock())

    def failed(self, key: str) -> None:
        now = self.clock()
        with connect(self.path) as db:
            db.execute("BEGIN IMMEDIATE")  # read and write as one step: parallel failures all count
            row = db.execute("SELECT count, last FROM sign_in_failures WHERE key = ?", (key,)).fetchone()
            count = 1 if row is None or now - row[1] > self.forget else row[0] + 1
            over = count - self.free
            until = now + min(self.ceiling, self.base * 2 ** (over - 1)) if over > 0 else 0.0
            db.execute(
                "INSERT OR REPLACE INTO sign_in_failures (key, count, last, locked_until) VALUES (?, ?, ?, ?)", (key, count, now, until)
            )

    def clear(self, key: str) -> None:
        with connect(self.path) as db:
            db.execute("DELETE FROM sign_in_failures WHERE key = ?", (key,))
