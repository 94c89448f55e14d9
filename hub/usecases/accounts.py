"""The workspace's people: accounts created, listed, changed and disabled, passwords reset, signing in and out.

Accounts and sessions live beside the catalogue (``<data>/accounts.sqlite``), not in it, like
the API tokens: they are the server's, not the catalogue's history, so no change here is a commit.
Disabling an account, and setting its password anew, ends its sessions at once.

Who may change an account: ``by`` is the signed-in admin acting in the workspace, ``None`` the
server's shell (``hub user …``, the operator, who may change every account). In the workspace an
admin changes only accounts of their own organisation, and never takes the admin role from their
own account nor disables it: an organisation that has an admin in the workspace keeps one (another
admin of the organisation, or the shell, can).

The hub-wide operator role ("Betrieb", ``operator``) is not an organisation's to give: an admin's
changes leave it as it is and never grant it. The shell grants it (``hub user create|roles --role
operator``), and in the workspace an operator grants it to any account and withdraws it
(:func:`grant_operator`, :func:`withdraw_operator`), never from their own account: the hub keeps an
operator in the workspace (the shell can always take it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from hub import oidc
from hub.accounts import SIGN_IN_FAILED, Account, OwnAccountProtected, ProviderAccount, SignInFailed, SignInThrottled
from hub.errors import Conflict, Forbidden, NotFound
from hub.oidc import OidcConfig
from hub.services import Services
from hub.sessions import Session
from hub.tokens import OPERATOR


def _admin(by: Account) -> None:
    if "admin" not in by.roles or by.disabled:
        raise Forbidden("Konten verwaltet nur, wer die Rolle „Verwalten“ (admin) hat.")


def _operator(by: Account) -> None:
    if OPERATOR not in by.roles or by.disabled:
        raise Forbidden(
            "Die Rolle „Betrieb“ (operator) vergibt und nimmt nur, wer sie selbst hat, oder die Betreiberin des Hubs auf dem Server."
        )


def _no_operator_grant(by: Account | None, roles: Iterable[str]) -> None:
    """An organisation's admin never hands out the hub-wide operator role."""
    if by is not None and OPERATOR in roles and OPERATOR not in by.roles:
        raise Forbidden(
            "Die Rolle „Betrieb“ (operator) gilt für den ganzen Hub; sie vergibt nicht die Verwaltung einer Organisation, "
            "sondern die Betreiberin des Hubs (hub user roles) oder eine Person mit der Rolle Betrieb."
        )


def _own(by: Account | None, org: str) -> None:
    """``by`` may act for accounts of ``org`` (the shell always may)."""
    if by is None:
        return
    _admin(by)
    if org != by.org:
        raise Forbidden(f"Sie verwalten nur Konten Ihrer eigenen Organisation ({by.org}).")


def _target(services: Services, email: str, by: Account | None) -> Account:
    """The account ``by`` is about to change: for an admin, an unknown account and one of another organisation are refused alike
    (the answer does not tell whether another organisation has an account under that address)."""
    account = services.accounts.get(email)
    if by is not None:
        _admin(by)
        if account is None or account.org != by.org:
            raise Forbidden(
                f"Sie verwalten nur Konten Ihrer eigenen Organisation ({by.org}); dort gibt es kein Konto {email.strip()[:254]}."
            )
    if account is None:
        raise NotFound(f"Ein Konto {email.strip()} gibt es nicht.")
    return account


def create(services: Services, email: str, org: str, roles: Iterable[str], password: str, *, by: Account | None = None) -> Account:
    roles = list(roles)
    _own(by, org.strip())
    _no_operator_grant(by, roles)
    return services.accounts.create(email, org, roles, password)


def listed(services: Services, *, by: Account | None = None) -> list[Account]:
    """Every account (the shell), or those of the admin's own organisation."""
    people = services.accounts.list()
    if by is None:
        return people
    _admin(by)
    return [a for a in people if a.org == by.org]


def disable(services: Services, email: str, *, by: Account | None = None) -> None:
    account = _target(services, email, by)
    if by is not None and account.email == by.email:
        raise OwnAccountProtected("Ihr eigenes Konto können Sie nicht deaktivieren; das kann eine andere Person mit der Rolle Verwalten.")
    services.accounts.disable(account.email)
    services.sessions.end_all(account.email)


def enable(services: Services, email: str, *, by: Account | None = None) -> Account:
    """The account can sign in again (with its old password or a new one set through a reset link)."""
    return services.accounts.enable(_target(services, email, by).email)


def set_roles(services: Services, email: str, roles: Iterable[str], *, by: Account | None = None) -> Account:
    """The person's roles from now on; their running sessions see them at the next page.

    In the workspace (``by``) the operator role stays as it is: an admin's form does not offer it
    (granting it is refused), and an operator changes it with :func:`grant_operator` and :func:`withdraw_operator`.
    """
    account = _target(services, email, by)
    chosen = list(roles)
    if by is not None:
        _no_operator_grant(by, chosen)
        chosen = [r for r in chosen if r != OPERATOR] + ([OPERATOR] if OPERATOR in account.roles else [])
    if account.external:
        raise ProviderAccount(
            f"Die Rollen von {account.email} kommen bei jeder Anmeldung vom Anmeldedienst der Organisation; dort werden sie geändert."
        )
    if by is not None and account.email == by.email and "admin" not in chosen:
        raise OwnAccountProtected(
            "Die Rolle Verwalten (admin) können Sie Ihrem eigenen Konto nicht nehmen; sonst verlöre die Organisation womöglich "
            "ihre Verwaltung. Das kann eine andere Person mit der Rolle Verwalten."
        )
    return services.accounts.set_roles(account.email, chosen)


def operators(services: Services, *, by: Account) -> list[Account]:
    """Every account holding the operator role (of any organisation), for an operator."""
    _operator(by)
    return [a for a in services.accounts.list() if OPERATOR in a.roles]


def _operator_target(services: Services, email: str, by: Account) -> Account:
    _operator(by)
    account = services.accounts.get(email)
    if account is None:
        raise NotFound(
            f"Ein Konto {email.strip()[:254]} gibt es nicht; bitte zuerst von der Verwaltung seiner Organisation anlegen lassen."
        )
    if account.external:
        raise ProviderAccount(
            f"Die Rollen von {account.email} kommen bei jeder Anmeldung vom Anmeldedienst der Organisation; dort wird "
            "auch die Rolle Betrieb (operator) vergeben."
        )
    return account


def grant_operator(services: Services, email: str, *, by: Account) -> Account:
    """An operator makes an account of any organisation an operator too (its other roles stay)."""
    account = _operator_target(services, email, by)
    if OPERATOR in account.roles:
        return account
    return services.accounts.set_roles(account.email, [*account.roles, OPERATOR])


def withdraw_operator(services: Services, email: str, *, by: Account) -> Account:
    """An operator takes the operator role from another account (never from their own); its other roles stay."""
    account = _operator_target(services, email, by)
    if account.email == by.email:
        raise OwnAccountProtected(
            "Die Rolle Betrieb (operator) können Sie Ihrem eigenen Konto nicht nehmen; sonst hätte der Hub womöglich niemanden mehr, "
            "der ihn im Arbeitsbereich betreibt. Das kann eine andere Person mit der Rolle Betrieb oder die Betreiberin auf dem Server."
        )
    rest = [r for r in account.roles if r != OPERATOR]
    if not rest:
        raise Conflict(
            f"{account.email} hat außer Betrieb keine Rolle; ohne Rolle kann ein Konto nicht bestehen. Bitte zuerst von der "
            "Verwaltung seiner Organisation eine andere Rolle geben lassen, oder das Konto deaktivieren."
        )
    if OPERATOR not in account.roles:
        return account
    return services.accounts.set_roles(account.email, rest)


RESET_PATH = "/passwort/"  # on the served hub: the page where a reset link's person sets a new password


def reset_path(token: str) -> str:
    return RESET_PATH + token


def reset_link(services: Services, email: str, *, by: Account | None = None) -> tuple[Account, str, float]:
    """A one-time token for the person to set a new password themselves (valid ``RESET_HOURS``); earlier links stop working."""
    account = _target(services, email, by)
    token, expires = services.accounts.reset_link(account.email)
    return account, token, expires


def set_password(services: Services, email: str, password: str) -> Account:
    """The shell sets a new password directly (``hub user reset-password --password-stdin``); every session of the person ends."""
    account = services.accounts.set_password(_target(services, email, None).email, password)
    services.sessions.end_all(account.email)
    services.account_throttle.clear(f"account:{account.email}")
    return account


def reset_for(services: Services, token: str) -> Account:
    """Whose password a reset link sets (raises ``ResetLinkInvalid`` when it is used, expired or replaced)."""
    return services.accounts.reset_for(token)


def use_reset_link(services: Services, token: str, password: str) -> Account:
    """The person sets a new password through their link (once); every session of theirs ends, the sign-in lockout is lifted."""
    account = services.accounts.use_reset(token, password)
    services.sessions.end_all(account.email)
    services.account_throttle.clear(f"account:{account.email}")
    return account


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
