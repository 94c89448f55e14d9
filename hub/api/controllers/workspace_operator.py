"""The operator's workspace pages ("Betrieb"): hub-wide jobs for people with the ``operator`` role (HTML, no JavaScript needed).

Hub-wide admin API tokens, who else operates the hub, the harvest sources and harvest runs. Built
like the admin's pages (``hub.api.controllers.workspace_admin``): the ``operator`` role's guard (an
organisation's admin is refused with a German 403 page, whatever the URL or POST), the CSRF token
checked first on every POST, then the use case the CLI uses.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from hub.api.controllers.workspace import HANDLERS, Form, _context, _signed_in, field, page, requires
from hub.api.controllers.workspace_admin import (
    OrganisationPages,
    new_token_page,
    organisation_flash,
    organisation_list_page,
    organisation_page,
    organisation_save,
)
from hub.errors import Forbidden, HubError
from hub.federation.errors import HarvestRunning
from hub.services import Services
from hub.store.records import actor_for
from hub.usecases import accounts, harvest, tokens
from hub.usecases import sources as source_list
from hub.web.workspace import render
from hub.web.workspace_admin import (
    STEP_LABELS,
    operator_flash,
    operator_rows,
    organisations,
    report_text,
    run_status,
    run_summary,
    sources,
    step_text,
    wide_token_rows,
)

BASE = "/arbeitsbereich/betrieb"
TOKENS_TITLE = "Hub-weite API-Tokens"
ORGS = OrganisationPages(BASE, "Betrieb", f"{BASE}/organisationen")
# the list offered when the catalogue has none yet: valid as it is (no source), with an example to copy
EMPTY_SOURCES = """# Die Quellen, aus denen der Hub Pakete erntet (Schema: schemas/sources.schema.json). Beispiel:
# sources:
#   - name: musterstadt
#     description: Pakete der Stadt Musterstadt
#     url: https://git.musterstadt.example/transferhub/pakete.git
#     publisher: stadt-musterstadt
sources: []
"""


class OperatorWorkspaceController(Controller):
    """The operator's pages: "Betrieb" with hub-wide admin tokens, the operators, sources and harvests."""

    path = BASE
    include_in_schema = False
    guards = (requires("operator"),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/", sync_to_thread=True)
    def overview(self, request: Request, services: NamedDependency[Services]) -> Response:
        return page(render("betrieb.html", title="Betrieb", **_context(services, request)))

    # -- organisations: register new ones, change any -------------------------------------

    @get("/organisationen", sync_to_thread=True)
    def organisation_list(self, request: Request, services: NamedDependency[Services]) -> Response:
        return organisation_list_page(request, services, ORGS, operator=True)

    @get("/organisation-registrieren", sync_to_thread=True)
    def organisation_new(self, request: Request, services: NamedDependency[Services]) -> Response:
        return organisation_page(request, services, ORGS, None)

    @post("/organisation-registrieren", sync_to_thread=True, status_code=303)
    def organisation_register(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """Register a new organisation (a taken identifier is refused at its field); on to its record's form."""
        return organisation_save(request, services, ORGS, None, data, f"{BASE}/organisationen")

    @get("/organisationen/{org:str}", sync_to_thread=True)
    def organisation_show(
        self, request: Request, services: NamedDependency[Services], org: FromPath[str], hinweis: FromQuery[str | None] = None
    ) -> Response:
        return organisation_page(request, services, ORGS, org, notice=organisation_flash(hinweis))

    @post("/organisationen/{org:str}", sync_to_thread=True, status_code=303)
    def organisation_change(self, request: Request, services: NamedDependency[Services], org: FromPath[str], data: Form) -> Response:
        if services.catalog.publisher(org) is None:
            return organisation_page(request, services, ORGS, org)  # a German 404, nothing written
        return organisation_save(request, services, ORGS, org, data, f"{BASE}/organisationen/{org}")

    # -- hub-wide admin tokens -------------------------------------------------------------

    def _tokens_page(self, request: Request, services: Services, status: int = 200, **values: Any) -> Response:
        _, operator = _signed_in(request)
        html = render(
            "verwaltung-tokens.html",
            title=TOKENS_TITLE,
            base=BASE,
            area="Betrieb",
            hub_wide=True,
            rows=wide_token_rows(services, operator),
            orgs=organisations(services),
            roles=("admin",),
            **_context(services, request, **values),
        )
        return page(html, status)

    @get("/tokens", sync_to_thread=True)
    def token_list(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        _, operator = _signed_in(request)
        return self._tokens_page(request, services, notice=operator_flash(hinweis), values={"org": operator.org})

    @post("/tokens", sync_to_thread=True, status_code=303)
    def token_create(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """Issue a hub-wide admin token for any registered organisation; its secret is shown once on the next page."""
        session, operator = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        values = {name: field(data, name) for name in ("org", "note")}
        try:
            secret, record = tokens.create(services, values["org"], "admin", values["note"], by=operator)
        except HubError as refused:
            return self._tokens_page(request, services, refused.status, error=refused, values=values)
        reveal_id = accounts.hold_secret(services, session, json.dumps({"id": record.id, "secret": secret}))
        return Redirect(f"{BASE}/tokens/neu/{reveal_id}", status_code=303)

    @get("/tokens/neu/{reveal_id:str}", sync_to_thread=True)
    def token_shown(self, request: Request, services: NamedDependency[Services], reveal_id: FromPath[str]) -> Response:
        _, operator = _signed_in(request)
        return new_token_page(request, services, reveal_id, tokens.hub_wide(services, by=operator), BASE, "Betrieb", TOKENS_TITLE)

    @post("/tokens/{token_id:int}/widerrufen", sync_to_thread=True, status_code=303)
    def token_revoke(self, request: Request, services: NamedDependency[Services], token_id: FromPath[int], data: Form) -> Response:
        session, operator = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        tokens.revoke(services, token_id, by=operator, hub_wide_only=True)
        return Redirect(f"{BASE}/tokens?hinweis=widerrufen", status_code=303)

    # -- who operates the hub --------------------------------------------------------------

    def _operators_page(self, request: Request, services: Services, status: int = 200, **values: Any) -> Response:
        _, operator = _signed_in(request)
        html = render(
            "betrieb-personen.html",
            title="Personen im Betrieb",
            rows=operator_rows(services, operator),
            **_context(services, request, **values),
        )
        return page(html, status)

    @get("/personen", sync_to_thread=True)
    def operator_list(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        return self._operators_page(request, services, notice=operator_flash(hinweis), values={})

    def _operator_change(self, request: Request, services: Services, data: dict[str, Any], change: Any, notice: str) -> Response:
        session, operator = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        email = field(data, "email")
        try:
            change(services, email, by=operator)
        except HubError as refused:
            if isinstance(refused, Forbidden):
                raise
            return self._operators_page(request, services, refused.status, error=refused, values={"email": email})
        return Redirect(f"{BASE}/personen?hinweis={notice}", status_code=303)

    @post("/personen", sync_to_thread=True, status_code=303)
    def operator_grant(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """An existing account of any organisation gets the operator role (its other roles stay)."""
        return self._operator_change(request, services, data, accounts.grant_operator, "betrieb-vergeben")

    @post("/personen/entziehen", sync_to_thread=True, status_code=303)
    def operator_withdraw(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        return self._operator_change(request, services, data, accounts.withdraw_operator, "betrieb-entzogen")

    # -- harvest sources -------------------------------------------------------------------

    def _sources_page(self, request: Request, services: Services, status: int = 200, **values: Any) -> Response:
        html = render(
            "betrieb-quellen.html",
            title="Quellen",
            items=sources(services),
            run=harvest.status(services),
            report_text=report_text,
            **_context(services, request, **values),
        )
        return page(html, status)

    @get("/quellen", sync_to_thread=True)
    def source_list(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        return self._sources_page(request, services, notice=operator_flash(hinweis))

    def _source_editor(self, request: Request, services: Services, text: str, status: int = 200, **values: Any) -> Response:
        html = render("betrieb-quellenliste.html", title="Quellenliste bearbeiten", text=text, **_context(services, request, **values))
        return page(html, status)

    @get("/quellen/liste", sync_to_thread=True)
    def source_editor(self, request: Request, services: NamedDependency[Services]) -> Response:
        """``sources.yaml`` as written, in a text field (the list ``hub sources set`` replaces)."""
        return self._source_editor(request, services, source_list.current_text(services) or EMPTY_SOURCES)

    @post("/quellen/liste", sync_to_thread=True, status_code=303)
    def source_save(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """Replace the list through the use case of ``hub sources set`` (a commit by the operator's organisation, naming them)."""
        session, operator = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        text = field(data, "liste").replace("\r\n", "\n")
        try:
            source_list.replace(services, text.encode("utf-8"), actor=actor_for(services.catalog, operator.org), person=operator.email)
        except HubError as refused:
            if isinstance(refused, Forbidden):
                raise
            return self._source_editor(request, services, text, refused.status, refused=refused)
        return Redirect(f"{BASE}/quellen?hinweis=quellen-gespeichert", status_code=303)

    @post("/quellen/ernten", sync_to_thread=True, status_code=303)
    def harvest_now(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """Start harvesting every enabled source (as ``hub harvest``) in the background; on to the progress page at once."""
        session, operator = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        try:
            harvest.start(services, by=operator.email)
        except HarvestRunning as refused:  # politely: the sources page says so and links the running one's progress
            return self._sources_page(request, services, refused.status, error=refused)
        return Redirect(f"{BASE}/quellen/ernte", status_code=303)

    @get("/quellen/ernte", sync_to_thread=True)
    def harvest_progress(self, request: Request, services: NamedDependency[Services]) -> Response:
        """How far the run has come: sources done of all, the current one, each one's result; refreshes itself while it runs."""
        run = harvest.status(services)
        html = render(
            "betrieb-ernte.html",
            title="Ernte",
            run=run,
            summary=run_summary(run) if run else "",
            step_text=step_text,
            step_labels=STEP_LABELS,
            **_context(services, request),
        )
        return page(html)

    @get("/quellen/ernte/stand", sync_to_thread=True)
    def harvest_status(self, services: NamedDependency[Services]) -> Response:
        """The progress page's JSON, polled by its script."""
        return Response(run_status(harvest.status(services)), media_type=MediaType.JSON, headers={"cache-control": "no-store"})
