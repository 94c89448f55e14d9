"""Setting a new password through a one-time reset link (made by an admin of the person's organisation or ``hub user reset-password``).

No e-mail server is needed: the admin hands the link over. The page is open (the link's token is
the proof); its form carries a CSRF token of an anonymous session, as the sign-in form does. A
new password follows the rules of a new account, uses the link up, and ends every session of the
person; then they sign in with it.
"""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from hub.accounts import MIN_PASSWORD
from hub.api.controllers.workspace import HANDLERS, Form, field, page, session_cookie, session_id
from hub.errors import BadRequest, HubError
from hub.services import Services
from hub.sessions import CsrfRefused
from hub.usecases import accounts
from hub.web.workspace import render


class PasswordResetController(Controller):
    path = accounts.RESET_PATH.rstrip("/")
    include_in_schema = False
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/{token:str}", sync_to_thread=True)
    def form(self, request: Request, services: NamedDependency[Services], token: FromPath[str]) -> Response:
        person = accounts.reset_for(services, token)  # a used, expired or replaced link: the German page, 410
        found = accounts.current(services, session_id(request))
        session = found[0] if found else accounts.begin(services)
        cookies = [] if found else [session_cookie(request, session.id)]
        html = render("passwort.html", title="Neues Passwort setzen", person=person, csrf=session.csrf, min_password=MIN_PASSWORD)
        return page(html, cookies=cookies, headers={"referrer-policy": "no-referrer"})

    @post("/{token:str}", sync_to_thread=True, status_code=303)
    def set_password(self, request: Request, services: NamedDependency[Services], token: FromPath[str], data: Form) -> Response:
        found = accounts.current(services, session_id(request))
        if found is None:
            raise CsrfRefused("Das Formular ist abgelaufen; bitte den Link noch einmal öffnen.")
        found[0].check_csrf(field(data, "csrf"))
        person = accounts.reset_for(services, token)
        password = field(data, "passwort")
        try:
            if password != field(data, "wiederholung"):
                raise BadRequest("Die beiden Eingaben des Passworts stimmen nicht überein; es wurde nichts geändert.")
            accounts.use_reset_link(services, token, password)
        except HubError as refused:
            if refused.status == 410:
                raise
            html = render(
                "passwort.html", title="Neues Passwort setzen", person=person, csrf=found[0].csrf, min_password=MIN_PASSWORD, error=refused
            )
            return page(html, refused.status, headers={"referrer-policy": "no-referrer"})
        return Redirect("/anmelden?hinweis=passwort", status_code=303, headers={"cache-control": "no-store"})
