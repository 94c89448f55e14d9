"""The workspace of the served hub: sign-in and sign-out, and the adopter's pages (HTML forms, no JavaScript needed).

Thin: a guard finds the signed-in person (and checks the role), every POST first checks the
form's CSRF token against the session, then a use case does the work. Refusals are German
HTML pages with the error's status; nothing is changed by a refused request. The pages are
not part of the API (left out of the OpenAPI document).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from anyio.to_thread import run_sync
from litestar import Controller, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import MediaType, RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.handlers import BaseRouteHandler
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from hub.accounts import Account, SignInFailed, SignInThrottled
from hub.errors import Forbidden, HubError, NotFound, PackageNotFound, ReadOnlyReplica
from hub.oidc import OidcConfig, OidcRefused
from hub.services import Services
from hub.sessions import CsrfRefused, Session, SignInRequired
from hub.settings import environment
from hub.store.records import actor_for
from hub.tokens import PersonRole
from hub.usecases import accounts, adoptions
from hub.web.workspace import (
    HEADERS,
    ROLE_LABELS,
    adoption_form,
    cookie_name,
    flash,
    form_targets,
    local_target,
    my_adoptions,
    render,
    secure_cookies,
)

log = logging.getLogger("hub.api")
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
STATE = "workspace"  # where a guard leaves (session, account) for the handler


def field(data: dict[str, Any], name: str) -> str:
    """One text field of a form; a repeated or missing field counts as empty."""
    value = data.get(name)
    return value if isinstance(value, str) else ""


def page(html: str, status: int = 200, *, cookies: list[Cookie] | None = None, headers: dict[str, str] | None = None) -> Response:
    return Response(html, status_code=status, media_type=MediaType.HTML, headers={**HEADERS, **(headers or {})}, cookies=cookies or [])


def session_cookie(request: Request | ASGIConnection, value: str, *, delete: bool = False) -> Cookie:
    secure = secure_cookies(request.url.scheme)
    return Cookie(
        key=cookie_name(secure), value=value, path="/", httponly=True, samesite="lax", secure=secure, max_age=0 if delete else None
    )


def session_id(connection: ASGIConnection) -> str | None:
    return connection.cookies.get(cookie_name(secure_cookies(connection.url.scheme)))


def oidc_enabled() -> bool:
    return OidcConfig.from_settings(environment()) is not None


def sign_in_headers() -> dict[str, str]:
    """The sign-in page's form may lead on to the identity provider's origin."""
    config = OidcConfig.from_settings(environment())
    if config is None:
        return {}
    parts = urlsplit(config.issuer)
    return form_targets(f"{parts.scheme}://{parts.netloc}")


def provider() -> OidcConfig:
    config = OidcConfig.from_settings(environment())
    if config is None:
        raise NotFound("Auf diesem Hub ist keine Anmeldung über einen OpenID-Connect-Anbieter eingerichtet.")
    return config


def callback(request: Request) -> str:
    """The address the provider sends the person back to: under the hub's public address when it has one."""
    base = environment().base_url or str(request.base_url).rstrip("/")
    return base + "/anmelden/oidc/rueckruf"


def org_name(services: Services, org: str) -> str:
    record = services.catalog.publisher(org)
    return record.name if record is not None else org


def requires(*roles: PersonRole):
    """A guard: a signed-in person (holding one of ``roles``, if given); leaves (session, account) in the request's state."""

    async def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        services: Services = connection.app.state["services"]
        found = await run_sync(accounts.current, services, session_id(connection))
        if found is None or found[1] is None:
            raise SignInRequired("Bitte melden Sie sich an; der Arbeitsbereich ist nur mit einem Konto erreichbar.")
        account = found[1]
        if roles and not account.has(*roles):
            needed = " oder ".join(f"„{ROLE_LABELS[r]}“ ({r})" for r in roles)
            held = ", ".join(f"{ROLE_LABELS[r]} ({r})" for r in account.roles)
            raise Forbidden(f"Dafür ist die Rolle {needed} nötig; Ihr Konto hat: {held}. Die Rollen vergibt die Betreiberin des Hubs.")
        connection.state[STATE] = found

    return guard


def problem_page(request: Request, exc: Exception) -> Response:
    """A refused workspace request as a German page; a page asked for without sign-in leads to the sign-in form."""
    if isinstance(exc, SignInRequired) and request.method == "GET":
        return Redirect(f"/anmelden?weiter={quote(request.url.path)}", status_code=303)
    if isinstance(exc, ReadOnlyReplica):
        return replica_page(request, exc)
    headers: dict[str, str] = {}
    if isinstance(exc, HubError):
        status, title, detail = exc.status, exc.title, exc.detail
        if isinstance(exc, SignInThrottled):
            headers["retry-after"] = str(exc.retry_after)
    elif isinstance(exc, HTTPException):
        status, title, detail = (
            exc.status_code,
            "Anfrage nicht verstanden",
            "Die Anfrage konnte nicht verarbeitet werden; es wurde nichts geändert.",
        )
    else:
        log.exception("unexpected error on %s", request.url.path)
        status, title, detail = (
            500,
            "Interner Fehler",
            "Etwas ist schiefgegangen; es wurde nichts geändert. Bitte später noch einmal versuchen.",
        )
    found = request.state.get(STATE)
    html = render(
        "problem.html",
        title=title,
        problem={"title": title, "detail": detail},
        account=found[1] if found else None,
        csrf=found[0].csrf if found else "",
    )
    return page(html, status, headers=headers)


def replica_page(request: Request, exc: ReadOnlyReplica) -> Response:
    """A read replica's answer to every workspace request: the way to the same page on the primary (a form: its workspace)."""
    primary = exc.primary.rstrip("/")
    if request.method == "GET":
        # the path as sent (Litestar's own drops a trailing slash), still percent-encoded
        raw = request.scope.get("raw_path")
        path = raw.decode("latin-1") if isinstance(raw, bytes) and raw.startswith(b"/") else request.url.path
        query = request.url.query
        target = primary + path + (f"?{query}" if query else "")
    else:  # the form's address is no page there: its start page, where the person sends it again
        target = primary + ("/anmelden" if request.url.path.startswith("/anmelden") else "/arbeitsbereich/")
    html = render("replikat.html", title="Arbeitsbereich auf dem Primär-Hub", target=target, posted=request.method != "GET")
    return page(html, exc.status)


HANDLERS = {HubError: problem_page, HTTPException: problem_page, Exception: problem_page}


class SignInController(Controller):
    path = "/"
    include_in_schema = False
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/anmelden", sync_to_thread=True)
    def form(
        self,
        request: Request,
        services: NamedDependency[Services],
        weiter: FromQuery[str | None] = None,
        hinweis: FromQuery[str | None] = None,
    ) -> Response:
        found = accounts.current(services, session_id(request))
        session = found[0] if found else accounts.begin(services)
        cookies = [] if found else [session_cookie(request, session.id)]
        account = found[1] if found else None
        if account is not None and not hinweis:
            return Redirect(local_target(weiter), status_code=303)
        html = render(
            "anmelden.html",
            title="Anmelden",
            csrf=session.csrf,
            target=local_target(weiter),
            email="",
            notice=flash(hinweis),
            oidc=oidc_enabled(),
        )
        return page(html, cookies=cookies, headers=sign_in_headers())

    @post("/anmelden", sync_to_thread=True, status_code=303)
    def sign_in(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        found = accounts.current(services, session_id(request))
        if found is None:  # no session: the form is from before an expiry, or from somewhere else
            raise CsrfRefused("Das Anmeldeformular ist abgelaufen; bitte die Seite neu laden und noch einmal anmelden.")
        session = found[0]
        session.check_csrf(field(data, "csrf"))
        email, target = field(data, "email"), local_target(field(data, "weiter"))
        address = request.client.host if request.client else "unbekannt"
        try:
            new, _ = accounts.sign_in(services, session, email, field(data, "passwort"), address)
        except (SignInFailed, SignInThrottled) as refused:
            html = render(
                "anmelden.html", title="Anmelden", csrf=session.csrf, target=target, email=email, error=refused, oidc=oidc_enabled()
            )
            retry = {"retry-after": str(refused.retry_after)} if isinstance(refused, SignInThrottled) else {}
            return page(html, refused.status, headers={**retry, **sign_in_headers()})
        return Redirect(target, status_code=303, cookies=[session_cookie(request, new.id)], headers={"cache-control": "no-store"})

    @post("/anmelden/oidc", sync_to_thread=True, status_code=303)
    def sign_in_oidc(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """To the organisations' identity provider (authorization code with PKCE); its answer comes back to ``rueckruf``."""
        config = provider()
        found = accounts.current(services, session_id(request))
        if found is None:
            raise CsrfRefused("Das Anmeldeformular ist abgelaufen; bitte die Seite neu laden und noch einmal anmelden.")
        found[0].check_csrf(field(data, "csrf"))
        url = accounts.begin_oidc(services, config, found[0], callback(request), local_target(field(data, "weiter")))
        return Redirect(url, status_code=303, headers={"cache-control": "no-store"})

    @get("/anmelden/oidc/rueckruf", sync_to_thread=True)
    def oidc_callback(self, request: Request, services: NamedDependency[Services]) -> Response:
        config = provider()
        found = accounts.current(services, session_id(request))
        if found is None:
            raise OidcRefused(
                "Die Anmeldung hat zu lange gedauert oder wurde in einem anderen Browser begonnen; bitte noch einmal anmelden."
            )
        answer = {key: value for key, value in request.query_params.items() if isinstance(value, str)}
        new, _, target = accounts.finish_oidc(services, config, found[0], answer)
        return Redirect(target, status_code=303, cookies=[session_cookie(request, new.id)], headers={"cache-control": "no-store"})

    @post("/abmelden", sync_to_thread=True, status_code=303)
    def sign_out(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        found = accounts.current(services, session_id(request))
        if found is None:
            return Redirect("/anmelden?hinweis=abgemeldet", status_code=303)
        found[0].check_csrf(field(data, "csrf"))
        accounts.sign_out(services, found[0])
        return Redirect("/anmelden?hinweis=abgemeldet", status_code=303, cookies=[session_cookie(request, "", delete=True)])


def _signed_in(request: Request) -> tuple[Session, Account]:
    return request.state[STATE]


def _context(services: Services, request: Request, **values: Any) -> dict[str, Any]:
    session, account = _signed_in(request)
    return {"account": account, "csrf": session.csrf, "org_name": org_name(services, account.org), **values}


class WorkspaceController(Controller):
    path = "/arbeitsbereich"
    include_in_schema = False
    guards = (requires(),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/", sync_to_thread=True)
    def start(self, request: Request, services: NamedDependency[Services]) -> Response:
        return page(render("start.html", **_context(services, request)))


class AdoptionWorkspaceController(Controller):
    """The adopter's pages: "Meine Nachnutzungen" and "Nachnutzung erfassen" (the same use case as API and CLI)."""

    path = "/arbeitsbereich/nachnutzungen"
    include_in_schema = False
    guards = (requires("adopter"),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/", sync_to_thread=True)
    def mine(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        _, account = _signed_in(request)
        items = my_adoptions(services, account.org)
        return page(
            render("nachnutzungen.html", title="Meine Nachnutzungen", items=items, notice=flash(hinweis), **_context(services, request))
        )

    @get("/{publisher:str}/{slug:str}", sync_to_thread=True)
    def form(self, request: Request, services: NamedDependency[Services], publisher: FromPath[str], slug: FromPath[str]) -> Response:
        _, account = _signed_in(request)
        form = adoption_form(services, f"{publisher}/{slug}", account.org)
        return page(render("erfassen.html", title=f"Nachnutzung erfassen: {form.name}", form=form, **_context(services, request)))

    @post("/{publisher:str}/{slug:str}", sync_to_thread=True, status_code=303)
    def save(
        self, request: Request, services: NamedDependency[Services], publisher: FromPath[str], slug: FromPath[str], data: Form
    ) -> Response:
        session, account = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        package_id = f"{publisher}/{slug}"
        values = {name: field(data, name) for name in ("status", "version", "date", "note")}
        try:
            adoptions.save(
                services,
                actor_for(services.catalog, account.org),
                package_id,
                values["status"],
                values["version"],
                on=values["date"] or None,
                text=values["note"],
                person=account.email,
            )
        except PackageNotFound:
            raise
        except HubError as refused:  # the form again, with what was entered and why it was refused
            form = adoption_form(services, package_id, account.org, values)
            html = render(
                "erfassen.html", title=f"Nachnutzung erfassen: {form.name}", form=form, error=refused, **_context(services, request)
            )
            return page(html, refused.status)
        anchor = package_id.replace("/", "--")
        return Redirect(f"/arbeitsbereich/nachnutzungen/?hinweis=erfasst#{anchor}", status_code=303)
