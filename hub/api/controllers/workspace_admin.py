"""The admin's workspace pages: API tokens, people and their roles, the registered organisations (HTML, no JavaScript needed).

Built like the other workspace pages (``hub.api.controllers.workspace``): the ``admin`` role's
guard, the CSRF token checked first on every POST, then the use case the CLI uses
(``hub.usecases.tokens``, ``hub.usecases.accounts``). A new token's secret is shown once: the
creating POST holds it in the session on the server and redirects; the page it leads to takes it
out as it shows it (never cached, never listed again; a reload finds it gone). A refused form shows the
page again with the German message; nothing is written.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from hub.accounts import MIN_PASSWORD
from hub.api.controllers.workspace import HANDLERS, Form, _context, _signed_in, field, page, requires
from hub.errors import Forbidden, HubError, NotFound
from hub.services import Services
from hub.settings import environment
from hub.tokens import TokenRecord
from hub.usecases import accounts, tokens
from hub.usecases.organisations import register as register_organisation
from hub.web import organisation_form
from hub.web.workspace import render
from hub.web.workspace_admin import (
    flash,
    organisations,
    people,
    person,
    roles,
    token_roles,
    token_rows,
)

BASE = "/arbeitsbereich/verwaltung"


@dataclass(frozen=True)
class OrganisationPages:
    """Where an organisation form lives: the admin's own record, or the operator's pages (new, and any organisation)."""

    base: str
    area: str
    list_link: str | None  # the organisations list in the crumbs


OWN = OrganisationPages(BASE, "Verwaltung", f"{BASE}/organisationen")


def organisation_flash(kind: str | None) -> str | None:
    return {
        "gespeichert": "Der Eintrag ist gespeichert: ein Commit im Katalog, im Namen Ihrer Organisation.",
        "registriert": "Die Organisation ist registriert: ein Commit im Katalog, im Namen Ihrer Organisation. Sie kann jetzt Konten und Tokens bekommen.",
    }.get(kind or "")


def organisation_list_page(request: Request, services: Services, where: OrganisationPages, *, operator: bool) -> Response:
    """Every registered organisation; operators also get the link to register one and to each record's form."""
    html = render(
        "verwaltung-organisationen.html",
        title="Organisationen",
        base=where.base,
        area=where.area,
        operator=operator,
        orgs=organisations(services),
        **_context(services, request),
    )
    return page(html)


def organisation_page(
    request: Request,
    services: Services,
    where: OrganisationPages,
    org_id: str | None,
    *,
    values: dict[str, str] | None = None,
    refused: HubError | None = None,
    rows: list[int] | None = None,
    notice: str | None = None,
) -> Response:
    """The form of ``org_id``'s record (None: a new organisation); after a refused save, with what was sent and each problem at its field."""
    new = org_id is None
    record = None if new else services.catalog.publisher(org_id or "")
    if not new and record is None:
        raise NotFound(f"Eine Organisation „{(org_id or '')[:60]}“ ist im Katalog nicht registriert.")
    shown = values if values is not None else (organisation_form.values_of(record) if record is not None else {})
    problems = refused.problems if refused is not None else []
    built = organisation_form.form(shown, new=new, problems=problems, contact_rows_used=rows)
    if refused is None:
        refusal = ""
    elif refused.problems:
        count = built.problem_count
        refusal = f"{count} Problem{'e' if count != 1 else ''}; {'jedes steht bei seinem Feld' if not built.general else 'siehe unten und bei den Feldern'}."
    else:
        refusal = refused.detail
    name = record.name if record is not None else ""
    html = render(
        "organisation.html",
        title="Organisation registrieren" if new else f"Eintrag von {name}",
        crumb="Organisation registrieren" if new else name,
        base=where.base,
        area=where.area,
        list_link=where.list_link,
        action=f"{where.base}/organisation-registrieren"
        if new
        else (f"{where.base}/organisation" if where is OWN else f"{where.base}/organisationen/{org_id}"),
        button="Organisation registrieren" if new else "Eintrag speichern",
        intro=(
            "Eine neue Organisation (Herausgeber oder nachnutzende Organisation) für den Katalog. Die Kennung lässt sich danach nicht mehr ändern."
            if new
            else "Die Kennung bleibt; alles andere lässt sich ändern."
        ),
        org_id=org_id or "",
        public=record is not None,
        form=built,
        refused=refused,
        refusal=refusal,
        notice=notice,
        **_context(services, request),
    )
    status = refused.status if refused is not None else 200
    return page(html, status)


def organisation_save(
    request: Request, services: Services, where: OrganisationPages, org_id: str | None, data: dict[str, Any], done: str
) -> Response:
    """Save the sent form through the use case the CLI and API use; refused: the form again with each problem at its field."""
    session, person = _signed_in(request)
    session.check_csrf(field(data, "csrf"))
    values = {name: field(data, name) for name in data if name != "csrf"}
    if org_id is not None:
        values["id"] = org_id  # the identifier of an existing record stays what its address says
    record, rows = organisation_form.record_of(values)
    try:
        saved = register_organisation(
            services,
            organisation_form.record_yaml(record),
            by=person,
            new=org_id is None,
            expected_id=org_id,
        )
    except HubError as refused:
        if isinstance(refused, Forbidden | NotFound):
            raise
        return organisation_page(request, services, where, org_id, values=values, refused=refused, rows=rows)
    target = done if org_id is not None else f"{where.base}/organisationen/{saved.id}"
    return Redirect(f"{target}?hinweis={'gespeichert' if org_id is not None else 'registriert'}", status_code=303)


def new_token_page(
    request: Request, services: Services, reveal_id: str, visible: list[tuple[TokenRecord, bool]], base: str, area: str, list_title: str
) -> Response:
    """A new token's secret, exactly once (it leaves the session as it is shown): if it is one of the ``visible`` tokens."""
    session, _ = _signed_in(request)
    held = accounts.reveal(services, session, reveal_id)
    shown = json.loads(held) if held else None
    record = next((r for r, _ in visible if shown and r.id == shown["id"]), None)
    names = {o.id: o.name for o in organisations(services)}
    html = render(
        "verwaltung-token-neu.html",
        title="Neues API-Token",
        base=base,
        area=area,
        list_title=list_title,
        secret=shown["secret"] if shown and record else None,
        record=record,
        record_org_name=names.get(record.org, record.org) if record else "",
        **_context(services, request),
    )
    return page(html, 200 if record else 410)


def _chosen(data: dict[str, Any], name: str) -> list[str]:
    """The values of a group of checkboxes: none, one (a string) or several (a list)."""
    value = data.get(name)
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class AdminWorkspaceController(Controller):
    """The admin's pages: "Verwaltung" with API tokens, people (accounts and roles) and organisations (the hub-wide jobs are
    the operator's: ``hub.api.controllers.workspace_operator``)."""

    path = BASE
    include_in_schema = False
    guards = (requires("admin"),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/", sync_to_thread=True)
    def overview(self, request: Request, services: NamedDependency[Services]) -> Response:
        return page(render("verwaltung.html", title="Verwaltung", **_context(services, request)))

    # -- API tokens ------------------------------------------------------------------------

    def _tokens_page(self, request: Request, services: Services, status: int = 200, **values: Any) -> Response:
        _, admin = _signed_in(request)
        html = render(
            "verwaltung-tokens.html",
            title="API-Tokens",
            base=BASE,
            area="Verwaltung",
            rows=token_rows(services, admin),
            orgs=[o for o in organisations(services) if o.id == admin.org],
            roles=token_roles(),
            **_context(services, request, **values),
        )
        return page(html, status)

    @get("/tokens", sync_to_thread=True)
    def token_list(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        return self._tokens_page(request, services, notice=flash(hinweis), values={})

    @post("/tokens", sync_to_thread=True, status_code=303)
    def token_create(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """Issue a token, hold its secret in the session and redirect to the page that shows it once (post/redirect/get)."""
        session, admin = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        values = {name: field(data, name) for name in ("org", "role", "note")}
        try:
            secret, record = tokens.create(services, values["org"], values["role"], values["note"], by=admin)
        except HubError as refused:  # the form again, with what was entered and why it was refused
            return self._tokens_page(request, services, refused.status, error=refused, values=values)
        reveal_id = accounts.hold_secret(services, session, json.dumps({"id": record.id, "secret": secret}))
        return Redirect(f"{BASE}/tokens/neu/{reveal_id}", status_code=303)

    @get("/tokens/neu/{reveal_id:str}", sync_to_thread=True)
    def token_shown(self, request: Request, services: NamedDependency[Services], reveal_id: FromPath[str]) -> Response:
        """The new token's secret, exactly once: it leaves the session as it is shown, so a reload shows it no more."""
        _, admin = _signed_in(request)
        return new_token_page(request, services, reveal_id, tokens.history(services, by=admin), BASE, "Verwaltung", "API-Tokens")

    @post("/tokens/{token_id:int}/widerrufen", sync_to_thread=True, status_code=303)
    def token_revoke(self, request: Request, services: NamedDependency[Services], token_id: FromPath[int], data: Form) -> Response:
        session, admin = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        tokens.revoke(services, token_id, by=admin)
        return Redirect(f"{BASE}/tokens?hinweis=widerrufen", status_code=303)

    # -- people and roles ------------------------------------------------------------------

    def _people_page(self, request: Request, services: Services, status: int = 200, **values: Any) -> Response:
        _, account = _signed_in(request)
        html = render(
            "verwaltung-personen.html",
            title="Personen und Rollen",
            rows=people(services, account),
            roles=roles(),
            min_password=MIN_PASSWORD,
            **_context(services, request, **values),
        )
        return page(html, status)

    @get("/personen", sync_to_thread=True)
    def person_list(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        return self._people_page(request, services, notice=flash(hinweis), values={}, chosen=[])

    @post("/personen", sync_to_thread=True, status_code=303)
    def person_create(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """A new account of the admin's own organisation."""
        session, admin = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        values = {"email": field(data, "email")}  # the password is never shown again
        chosen = _chosen(data, "roles")
        try:
            accounts.create(services, values["email"], admin.org, chosen, field(data, "password"), by=admin)
        except HubError as refused:
            return self._people_page(request, services, refused.status, error=refused, values=values, chosen=chosen)
        return Redirect(f"{BASE}/personen?hinweis=angelegt", status_code=303)

    @post("/personen/deaktivieren", sync_to_thread=True, status_code=303)
    def person_disable(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        session, admin = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        accounts.disable(services, field(data, "email"), by=admin)
        return Redirect(f"{BASE}/personen?hinweis=deaktiviert", status_code=303)

    def _person_page(self, request: Request, services: Services, email: str, status: int = 200, **values: Any) -> Response:
        _, admin = _signed_in(request)
        row = person(services, admin, email)
        html = render(
            "verwaltung-person.html",
            title=f"Konto {row.account.email}",
            row=row,
            roles=roles(),
            **_context(services, request, **values),
        )
        return page(html, status)

    @get("/personen/{email:str}", sync_to_thread=True)
    def person_show(
        self, request: Request, services: NamedDependency[Services], email: FromPath[str], hinweis: FromQuery[str | None] = None
    ) -> Response:
        """One person of the admin's organisation: roles, enable or disable, a password reset link."""
        return self._person_page(request, services, email, notice=flash(hinweis))

    def _person_change(self, request: Request, services: Services, email: str, data: dict[str, Any], change: Any, notice: str) -> Response:
        """Check the form's token, make the change; refused: the person's page again with the reason."""
        session, admin = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        try:
            change(admin)
        except HubError as refused:
            if isinstance(refused, Forbidden | NotFound):
                raise
            return self._person_page(request, services, email, refused.status, error=refused)
        return Redirect(f"{BASE}/personen/{quote(email.strip().lower(), safe='@')}?hinweis={notice}", status_code=303)

    @post("/personen/{email:str}/rollen", sync_to_thread=True, status_code=303)
    def person_roles(self, request: Request, services: NamedDependency[Services], email: FromPath[str], data: Form) -> Response:
        chosen = _chosen(data, "roles")
        return self._person_change(
            request, services, email, data, lambda admin: accounts.set_roles(services, email, chosen, by=admin), "rollen"
        )

    @post("/personen/{email:str}/aktivieren", sync_to_thread=True, status_code=303)
    def person_enable(self, request: Request, services: NamedDependency[Services], email: FromPath[str], data: Form) -> Response:
        return self._person_change(request, services, email, data, lambda admin: accounts.enable(services, email, by=admin), "aktiviert")

    @post("/personen/{email:str}/ruecksetzlink", sync_to_thread=True, status_code=303)
    def person_reset_link(self, request: Request, services: NamedDependency[Services], email: FromPath[str], data: Form) -> Response:
        """A one-time link for the person to set a new password; held in the session and shown once on the next page."""
        session, admin = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        try:
            account, token, expires = accounts.reset_link(services, email, by=admin)
        except HubError as refused:
            if isinstance(refused, Forbidden | NotFound):
                raise
            return self._person_page(request, services, email, refused.status, error=refused)
        base = environment().base_url or str(request.base_url).rstrip("/")
        held = json.dumps({"email": account.email, "link": base.rstrip("/") + accounts.reset_path(token), "expires": expires})
        return Redirect(f"{BASE}/personen/link/{accounts.hold_secret(services, session, held)}", status_code=303)

    @get("/personen/link/{reveal_id:str}", sync_to_thread=True)
    def reset_link_shown(self, request: Request, services: NamedDependency[Services], reveal_id: FromPath[str]) -> Response:
        """The reset link, exactly once (as a new token's secret): a reload shows it no more."""
        session, _ = _signed_in(request)
        held = accounts.reveal(services, session, reveal_id)
        shown = json.loads(held) if held else None
        until = time.strftime("%d.%m.%Y, %H:%M Uhr (UTC)", time.gmtime(shown["expires"])) if shown else ""
        html = render(
            "verwaltung-ruecksetzlink.html",
            title="Link zum Setzen eines Passworts",
            shown=shown,
            until=until,
            **_context(services, request),
        )
        return page(html, 200 if shown else 410)

    # -- organisations ---------------------------------------------------------------------

    @get("/organisationen", sync_to_thread=True)
    def organisation_list(self, request: Request, services: NamedDependency[Services]) -> Response:
        return organisation_list_page(request, services, OWN, operator=False)

    @get("/organisation", sync_to_thread=True)
    def own_organisation(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        """The admin's own organisation's record as a form."""
        _, admin = _signed_in(request)
        return organisation_page(request, services, OWN, admin.org, notice=organisation_flash(hinweis))

    @post("/organisation", sync_to_thread=True, status_code=303)
    def own_organisation_save(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        _, admin = _signed_in(request)
        return organisation_save(request, services, OWN, admin.org, data, f"{BASE}/organisation")
