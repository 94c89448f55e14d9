"""Signing in through the organisations' OpenID Connect provider: the authorization code flow with PKCE (Authlib).

The hub is a confidential client (``HUB_OIDC_ISSUER``, ``HUB_OIDC_CLIENT_ID``,
``HUB_OIDC_CLIENT_SECRET``). :func:`begin` makes the provider's address with a fresh ``state``,
``nonce`` and PKCE verifier (S256), which the caller keeps in the person's pre-sign-in session;
:func:`finish` checks the answer against them, exchanges the code (with the verifier), and
validates the ID token with joserfc (Authlib's JOSE library: signature from the provider's JWKS,
issuer, audience, expiry, nonce).

The rule that maps claims to a person (documented in docs/settings.md and docs/arbeitsbereich.md):
``email`` (not ``email_verified: false``) names the person, the claim ``HUB_OIDC_ORG_CLAIM``
(default ``organisation``) the registered organisation they act for, and ``HUB_OIDC_ROLES_CLAIM``
(default ``roles``; a list or space-separated) their roles; values that are no hub role are ignored,
and no role at all is a refusal. ``operator`` (the hub-wide "Betrieb") counts like the others: the hub
trusts the one provider its operator configured, so that provider decides who operates the hub too.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hub.errors import HubError
from hub.settings import Environment
from hub.tokens import PERSON_ROLES, PersonRole

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth2Client

SCOPE = "openid email profile"
CACHE_SECONDS = 3600.0
TIMEOUT = 10.0
SIGNING = ["RS256", "PS256", "ES256", "EdDSA"]  # asymmetric only: a token "signed" with the client secret or none is refused


class OidcRefused(HubError):
    """The sign-in through the identity provider failed: refused there, not ours, or its claims do not name a person of the hub."""

    code = "oidc-refused"
    status = 403
    exit_code = 2
    title = "Anmeldung über die Organisation nicht möglich"


class OidcUnavailable(HubError):
    """The identity provider could not be reached or answered something unusable."""

    code = "oidc-unavailable"
    status = 502
    exit_code = 5
    title = "Anmeldedienst nicht erreichbar"


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    org_claim: str = "organisation"
    roles_claim: str = "roles"

    @classmethod
    def from_settings(cls, settings: Environment) -> OidcConfig | None:
        """None when no provider is configured (local accounts only)."""
        if settings.oidc_issuer is None or settings.oidc_client_secret is None:
            return None
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            org_claim=settings.oidc_org_claim,
            roles_claim=settings.oidc_roles_claim,
        )


@dataclass(frozen=True)
class Claimed:
    """A person as the provider's claims name them (still to be checked against the catalogue's registry)."""

    email: str
    org: str
    roles: list[PersonRole]


_cache: dict[str, tuple[float, Any]] = {}
_cache_lock = threading.Lock()


def _get_json(url: str) -> Any:
    import httpx  # here, as joserfc below: only a hub with a provider configured signs in through one (a slow import)

    try:
        answer = httpx.get(url, timeout=TIMEOUT, follow_redirects=False)
        answer.raise_for_status()
        return answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OidcUnavailable(f"Der Anmeldedienst antwortet nicht wie erwartet ({url}): {type(exc).__name__}.") from None


def _cached(url: str, *, fresh: bool = False) -> Any:
    with _cache_lock:
        hit = _cache.get(url)
    if hit is not None and not fresh and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    value = _get_json(url)
    with _cache_lock:
        _cache[url] = (time.monotonic(), value)
    return value


def metadata(config: OidcConfig) -> dict[str, Any]:
    """The provider's discovery document; its ``issuer`` must be the configured one (OpenID Connect Discovery 1.0, §4.3)."""
    found = _cached(config.issuer + "/.well-known/openid-configuration")
    if not isinstance(found, dict) or found.get("issuer", "").rstrip("/") != config.issuer.rstrip("/"):
        raise OidcUnavailable("Das Discovery-Dokument des Anmeldedienstes nennt einen anderen Issuer als eingestellt.")
    return found


def _client(config: OidcConfig, redirect_uri: str) -> OAuth2Client:
    # Imported here, not at the top: every hub command imports this module, and Authlib's httpx
    # integration announces its own deprecation with warnings.simplefilter("always"), which printed
    # an English warning before every German CLI answer. The client is the one Authlib documents.
    from authlib.deprecate import AuthlibDeprecationWarning  # installs its "always" filter now, before ours

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.integrations.httpx_client import OAuth2Client
    return OAuth2Client(
        config.client_id,
        config.client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


def begin(config: OidcConfig, redirect_uri: str) -> tuple[str, dict[str, str]]:
    """The provider's authorization address and what :func:`finish` needs to check the answer (keep it server-side)."""
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(24)
    with _client(config, redirect_uri) as client:
        url, state = client.create_authorization_url(metadata(config)["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    return url, {"state": state, "nonce": nonce, "verifier": verifier, "redirect_uri": redirect_uri}


def finish(config: OidcConfig, pending: Mapping[str, str], answer: Mapping[str, str]) -> dict[str, Any]:
    """The validated ID token's claims for the provider's ``answer`` (the callback's query) to the request ``pending`` describes."""
    if answer.get("error"):
        reason = answer.get("error_description") or answer["error"]
        raise OidcRefused(f"Der Anmeldedienst hat die Anmeldung nicht bestätigt: {reason[:200]}")
    state, code = answer.get("state", ""), answer.get("code", "")
    if not state or not hmac.compare_digest(state.encode(), pending["state"].encode()) or not code:
        raise OidcRefused("Die Rückmeldung des Anmeldedienstes gehört zu keiner laufenden Anmeldung; bitte noch einmal anmelden.")
    import httpx

    found = metadata(config)
    if answer.get("iss") and answer["iss"] != found["issuer"]:  # RFC 9207: the answer names its issuer
        raise OidcRefused("Die Rückmeldung stammt von einem anderen Anmeldedienst als eingestellt.")
    try:
        with _client(config, pending["redirect_uri"]) as client:
            token = client.fetch_token(found["token_endpoint"], code=code, code_verifier=pending["verifier"])
    except httpx.HTTPError as exc:
        raise OidcUnavailable(f"Der Anmeldedienst ist nicht erreichbar: {type(exc).__name__}.") from None
    except Exception as exc:  # noqa: BLE001 - Authlib reports a refused code exchange as its OAuthError
        raise OidcRefused(f"Der Anmeldedienst hat den Code nicht eingelöst: {str(exc)[:200]}") from None
    id_token = token.get("id_token")
    if not id_token:
        raise OidcRefused("Der Anmeldedienst hat kein ID-Token geschickt.")
    return _validate(config, found, id_token, pending["nonce"])


def _validate(config: OidcConfig, found: dict[str, Any], id_token: str, nonce: str) -> dict[str, Any]:
    try:
        return check_id_token(id_token, _cached(found["jwks_uri"]), found["issuer"], config.client_id, nonce)
    except OidcRefused:  # a key the cached set lacks: the provider may have rotated its keys
        return check_id_token(id_token, _cached(found["jwks_uri"], fresh=True), found["issuer"], config.client_id, nonce)


def check_id_token(id_token: str, keys: dict[str, Any], issuer: str, client_id: str, nonce: str) -> dict[str, Any]:
    """The ID token's claims: signed by one of ``keys`` (a JWKS), for ``client_id``, from ``issuer``, current, with ``nonce``."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    rules = jwt.JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        nonce={"essential": True, "value": nonce},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
    )
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=SIGNING)  # type: ignore[arg-type]
    except (JoseError, ValueError):
        raise OidcRefused("Das ID-Token des Anmeldedienstes trägt keine gültige Signatur eines seiner Schlüssel.") from None
    try:
        rules.validate(token.claims)
    except JoseError as exc:
        raise OidcRefused(f"Das ID-Token des Anmeldedienstes ist nicht gültig: {exc.error} ({exc.description or ''}).") from None
    return dict(token.claims)


def claimed(config: OidcConfig, claims: Mapping[str, Any]) -> Claimed:
    """The person the claims name, by the documented rule; refused when e-mail, organisation or every role is missing."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip() or claims.get("email_verified") is False:
        raise OidcRefused("Der Anmeldedienst nennt keine bestätigte E-Mail-Adresse.")
    org = claims.get(config.org_claim)
    if not isinstance(org, str) or not org.strip():
        raise OidcRefused(f"Der Anmeldedienst nennt keine Organisation (Claim „{config.org_claim}“).")
    raw = claims.get(config.roles_claim)
    values = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    roles: list[PersonRole] = [r for r in PERSON_ROLES if r in values]
    if not roles:
        raise OidcRefused(f"Der Anmeldedienst nennt keine Rolle des Hubs (Claim „{config.roles_claim}“: {', '.join(PERSON_ROLES)}).")
    return Claimed(email=email, org=org.strip(), roles=roles)
