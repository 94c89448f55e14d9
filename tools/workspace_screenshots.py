"""Take the screenshots of docs/arbeitsbereich.md in Chromium: ``.venv/bin/python -m tools.workspace_screenshots``.

Starts a real ``hub serve`` over a throw-away data folder (the embedded catalogue), registers
an example town, creates its account, signs in, records an adoption and photographs the form
and "Meine Nachnutzungen" into docs/bilder/; then a reviewer of the seed's ministry photographs the form "Begutachten".
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
from tests.browser import launch
from tests.server import start_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "bilder"
PACKAGE = "stadt-paderborn/online-terminvergabe"
EMAIL = "anna.beispiel@musterhausen.example"
REVIEWER = "rita.beispiel@ministerium.example"
REVIEWED = "stadt-delbrueck/hundesteuer-anmeldung"  # never reviewed in the seed


def main() -> int:
    password = secrets.token_urlsafe(16)  # a throw-away account: its password is never shown
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder))
        try:
            server.register("stadt-musterhausen", "Stadt Musterhausen")
            with Services.attach(HubConfig(data_dir=server.data)) as services:
                accounts.create(services, EMAIL, "stadt-musterhausen", ["adopter"], password)
                accounts.create(services, REVIEWER, "land-nrw-ministerium", ["reviewer"], password)
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="de-DE")
                page.goto(f"{server.url}/pakete/{PACKAGE}/index.html")
                page.get_by_role("link", name="Nachnutzung erfassen").click()
                page.get_by_label("E-Mail-Adresse").fill(EMAIL)
                page.screenshot(path=str(OUT / "arbeitsbereich-anmelden.png"))
                page.get_by_label("Passwort").fill(password)
                page.get_by_role("button", name="Anmelden").click()
                page.wait_for_url(f"**/arbeitsbereich/nachnutzungen/{PACKAGE}*")
                page.get_by_label("Stand").select_option(label="im Pilotbetrieb")
                page.get_by_label("Version").select_option("1.1.0")
                page.get_by_label("Notiz (freiwillig, öffentlich)").fill("Pilot im Bürgerbüro Nord")
                page.screenshot(path=str(OUT / "arbeitsbereich-erfassen.png"))
                page.get_by_role("button", name="Speichern").click()
                page.wait_for_url("**/arbeitsbereich/nachnutzungen/?hinweis=erfasst*")
                page.screenshot(path=str(OUT / "arbeitsbereich-meine-nachnutzungen.png"), full_page=True)
                page.get_by_role("button", name="Abmelden").click()
                page.goto(f"{server.url}/arbeitsbereich/pruefung/{REVIEWED}/")
                page.get_by_label("E-Mail-Adresse").fill(REVIEWER)
                page.get_by_label("Passwort").fill(password)
                page.get_by_role("button", name="Anmelden").click()
                page.wait_for_url(f"**/arbeitsbereich/pruefung/{REVIEWED}*")
                page.get_by_label("Begründung", exact=False).fill("Alle Kriterien der Stufe geprüft; Belege im Paket nachvollziehbar.")
                page.screenshot(path=str(OUT / "arbeitsbereich-begutachten.png"), full_page=True)
                browser.close()
        finally:
            server.stop()
    print(f"Bilder in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
