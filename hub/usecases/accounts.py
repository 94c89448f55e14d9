"""The workspace's people: accounts created, listed and disabled, and signing in and out.

Accounts and sessions live beside the catalogue (``<data>/accounts.sqlite``), not in it, like
the API tokens. Disabling an account ends its sessions at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from hub import oidc
from hub.accounts import SIGN_IN_FAILED, Account, SignInFailed, SignInThrottled
from hub.oidc import OidcConfig
from hub.services import Services
from hub.sessions import Session


def create(services: Services, email: str, org: str, roles: Iterable[str], password: str) -> Account:
    return services.accounts.create(email, org, roles, password)


def listed(services: Services) -> list[Account]:
    return services.accounts.list()


def disable(services: Services, email: str) -> None:
    services.accounts.disable(email)
    services.sessions.end_all(email.strip().lower())


def begin(services: Services) -> Session:
    """An anonymous session for the sign-in form (its CSRF token)."""
    return services.sessions.start()


def current(services: Services, session_id: str | None) -> tuple[Session, Account | None] | None:
    """The live session of ``session_id`` and its person (None while anonymous, or when the account was disabled)."""
    session = services.sessions.get(session_id)
    if session is None:
        return None
    account = services.accounts.get(session.email) if session.email else None
    return session, (account if account is not None and not account.disabled else None)


def sign_in(services: Services, form_session: Session, email: str, password: str, address: str) -> tuple[Session, Account]:
    """Check the password and start a fresh session (the form's session ends); refused alike for every wrong case.

    While the account or the address is locked out after failed attempts, the password is not
    even checked, so guessing gets nothing out of those requests.
    """
    keys = (f"account:{email.strip().lower()[:254]}", f"address:{address}")
    wait = max(services.account_throttle.wait(keys[0]), services.address_throttle.wait(keys[1]))
    if wait > 0:
        seconds = int(wait) + 1
        raise SignInThrottled(
            f"Zu viele fehlgeschlagene Anmeldungen. Bitte in {seconds} Sekunde{'n' if seconds != 1 else ''} erneut versuchen.",
            retry_after=seconds,
        )
    account = services.accounts.verify(email, password)
    if account is None:
        services.account_throttle.failed(keys[0])
        services.address_throttle.failed(keys[1])
        raise SignInFailed(SIGN_IN_FAILED)
    services.account_throttle.clear(keys[0])
    services.sessions.end(form_session.id)
    return services.sessions.start(account.email), account


def begin_oidc(services: Services, config: OidcConfig, session: Session, redirect_uri: str, target: str) -> str:
    """The provider's sign-in address; state, nonce, PKCE verifier and the page to return to stay in ``session`` on the server."""
    url, pending = oidc.begin(config, redirect_uri)
    services.sessions.hold(session.id, json.dumps({**pending, "target": target}))
    return url


def finish_oidc(services: Services, config: OidcConfig, session: Session, answer: Mapping[str, str]) -> tuple[Session, Account, str]:
    """Check the provider's answer against ``session``'s pending sign-in, map the claims, start a fresh session.

    Returns the new session, the person's account and the page to go to.
    """
    held = services.sessions.take(session.id)
    if not held:
        raise oidc.OidcRefused("Die Rückmeldung des Anmeldedienstes gehört zu keiner laufenden Anmeldung; bitte noch einmal anmelden.")
    pending = json.loads(held)
    person = oidc.claimed(config, oidc.finish(config, pending, answer))
    account = services.accounts.from_provider(person.email, person.org, person.roles)
    services.sessions.end(session.id)
    return services.sessions.start(account.email), account, pending["target"]


def sign_out(services: Services, session: Session) -> None:
    services.sessions.end(session.id)


def hold_secret(services: Services, session: Session, secret: str) -> str:
    """Keep ``secret`` (a new token, a reset link) in ``session`` on the server until the next page shows it once; its id."""
    return services.sessions.hold_secret(session.id, secret)


def reveal(services: Services, session: Session, reveal_id: str) -> str | None:
    """The secret held under ``reveal_id``, once (then it is gone: a reload shows it no more)."""
    return services.sessions.reveal(session.id, reveal_id)
