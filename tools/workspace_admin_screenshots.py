"""Take the admin's screenshots of docs/arbeitsbereich.md in Chromium: ``.venv/bin/python -m tools.workspace_admin_screenshots``.

Starts a real ``hub serve`` over a throw-away data folder (the embedded catalogue), creates an
admin (who also has the operator role, "Betrieb") and two colleagues of the seed's ministry, signs
in and photographs into docs/bilder/: the API tokens after issuing one, "Personen und Rollen" and
one person's page, the organisations, the own organisation's record, a new organisation's form
refused with its problems at their fields, and a harvest in progress (the example source done, a
source that never answers under way).
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from hub.config import HubConfig
from hub.services import Services
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.served import silent_git_address, slow_and_example_sources
from tests.server import start_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "bilder"
ORG = "land-nrw-ministerium"  # in the seed
ADMIN = "ada.beispiel@ministerium.example"
PEOPLE = {"paul.beispiel@ministerium.example": ["reviewer"], "rita.beispiel@ministerium.example": ["publisher", "adopter"]}
ADMIN_PAGES = "/arbeitsbereich/verwaltung"
OPERATOR_PAGES = "/arbeitsbereich/betrieb"


def main() -> int:
    password = secrets.token_urlsafe(16)  # throw-away accounts: their password is never shown
    with tempfile.TemporaryDirectory() as folder, silent_git_address() as silent:
        server = start_server(Path(folder) / "daten")
        try:
            with Services.attach(HubConfig(data_dir=server.data)) as services:
                accounts.create(services, ADMIN, ORG, ["admin", "operator"], password)
                for email, roles in PEOPLE.items():
                    accounts.create(services, email, ORG, roles, password)
            server.hub("sources", "set", str(slow_and_example_sources(Path(folder), silent, timeout=60, slow_first=False)))
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="de-DE")
                workspace.sign_in_in_browser(page, server, ADMIN, password, f"{ADMIN_PAGES}/tokens")
                page.get_by_label("Organisation").select_option(ORG)
                page.get_by_label("Rolle").select_option("adopter")
                page.get_by_label("Notiz", exact=False).fill("Fachverfahren Bürgerbüro")
                page.get_by_role("button", name="Token ausstellen").click()
                page.wait_for_url(f"**{ADMIN_PAGES}/tokens/neu/*")
                page.goto(f"{server.url}{ADMIN_PAGES}/tokens")
                page.screenshot(path=str(OUT / "verwaltung-tokens.png"), full_page=True)
                page.goto(f"{server.url}{ADMIN_PAGES}/personen")
                page.screenshot(path=str(OUT / "verwaltung-personen.png"), full_page=True)
                page.get_by_role("link", name="paul.beispiel@ministerium.example").click()
                page.wait_for_url("**/personen/paul*")
                page.screenshot(path=str(OUT / "verwaltung-person.png"), full_page=True)
                page.goto(f"{server.url}{ADMIN_PAGES}/organisationen")
                page.screenshot(path=str(OUT / "verwaltung-organisationen.png"))
                page.goto(f"{server.url}{ADMIN_PAGES}/organisation")
                page.screenshot(path=str(OUT / "verwaltung-organisation.png"))
                page.goto(f"{server.url}{OPERATOR_PAGES}/organisation-registrieren")
                page.get_by_label("Kennung").fill("gemeinde-musterdorf")
                page.get_by_label("Name", exact=False).first.fill("Gemeinde Musterdorf")
                page.get_by_label("Internetauftritt").fill("www.musterdorf.example")
                page.locator("#f-contact-0-name").fill("Bürgerbüro")
                page.get_by_role("button", name="Organisation registrieren").click()
                page.wait_for_load_state()
                page.screenshot(path=str(OUT / "betrieb-organisation.png"), full_page=True)
                page.goto(f"{server.url}{OPERATOR_PAGES}/quellen")
                page.get_by_role("button", name="Jetzt ernten").click()
                page.wait_for_url(f"**{OPERATOR_PAGES}/quellen/ernte")
                page.locator("#ernte-stand", has_text="1 von 2 Quellen fertig").wait_for(timeout=60_000)
                page.screenshot(path=str(OUT / "betrieb-ernte.png"), full_page=True)
                browser.close()
        finally:
            server.stop()
    print(f"Bilder in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
