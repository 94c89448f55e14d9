"""The reviewer's workspace pages: the review queue, the review form and a package's review history (HTML, no JavaScript needed).

Built like the adopter's pages (``hub.api.controllers.workspace``): the ``reviewer`` role's guard,
the CSRF token checked first on every POST, then the use case that API and CLI use
(``hub.usecases.reviews``). A refused review shows the form again with the German message;
nothing is written.
"""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from hub.api.controllers.workspace import HANDLERS, Form, _context, _signed_in, field, page, requires
from hub.errors import BadRequest, HubError, NotFound
from hub.services import Services
from hub.store.records import actor_for
from hub.usecases import reviews
from hub.web.workspace import render
from hub.web.workspace_review import flash, review_form, review_queue


def _page_number(value: str | None) -> int:
    if value is None or value.strip() == "":
        return 1
    if not value.strip().isdigit() or int(value) < 1:
        raise BadRequest("Die Seite der Liste ist eine Zahl ab 1.")
    return int(value)


def _level(value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise BadRequest("Bitte einen Reifegrad von 0 bis 4 wählen.") from None


class ReviewWorkspaceController(Controller):
    """The reviewer's pages: "Prüfung" (the queue) and per package "Begutachten" with the history of its reviews."""

    path = "/arbeitsbereich/pruefung"
    include_in_schema = False
    guards = (requires("reviewer"),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/", sync_to_thread=True)
    def queue(self, request: Request, services: NamedDependency[Services], seite: FromQuery[str | None] = None) -> Response:
        number = _page_number(seite)
        listing = review_queue(services, number)
        title = "Zu begutachten" + (f" (Seite {number} von {listing.pages})" if listing.pages > 1 else "")
        return page(render("pruefung.html", title=title, listing=listing, items=listing.entries, **_context(services, request)))

    @get("/{publisher:str}/{slug:str}", sync_to_thread=True)
    def form(
        self,
        request: Request,
        services: NamedDependency[Services],
        publisher: FromPath[str],
        slug: FromPath[str],
        hinweis: FromQuery[str | None] = None,
        version: FromQuery[str | None] = None,
    ) -> Response:
        form = review_form(services, f"{publisher}/{slug}", version=version or None)
        html = render(
            "pruefung-formular.html", title=f"Begutachten: {form.name}", form=form, notice=flash(hinweis), **_context(services, request)
        )
        return page(html)

    @post("/{publisher:str}/{slug:str}", sync_to_thread=True, status_code=303)
    def save(
        self, request: Request, services: NamedDependency[Services], publisher: FromPath[str], slug: FromPath[str], data: Form
    ) -> Response:
        session, account = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        package_id = f"{publisher}/{slug}"
        values = {name: field(data, name) for name in ("version", "level", "rationale")}
        try:
            reviews.review(
                services,
                actor_for(services.catalog, account.org),
                package_id,
                values["version"] or None,
                _level(values["level"]),
                values["rationale"],
                person=account.email,
            )
        except NotFound:
            raise
        except HubError as refused:  # the form again, with what was entered and why it was refused
            form = review_form(services, package_id, values, version=values["version"] or None)
            html = render(
                "pruefung-formular.html", title=f"Begutachten: {form.name}", form=form, error=refused, **_context(services, request)
            )
            return page(html, refused.status)
        chosen = f"&version={quote(values['version'])}" if values["version"] else ""
        return Redirect(f"/arbeitsbereich/pruefung/{package_id}/?hinweis=begutachtet{chosen}#verlauf", status_code=303)
