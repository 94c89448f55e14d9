"""Take the publisher's screenshot of docs/arbeitsbereich.md in Chromium: ``.venv/bin/python -m tools.workspace_publish_screenshots``.

Starts a real ``hub serve`` over a throw-away data folder (the embedded catalogue), creates a
publisher account for a seed publisher, signs in, uploads a package with a few problems and
photographs the dry run into docs/bilder/.
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
from tests.factory import archive, package_files
from tests.server import start_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "bilder"
EMAIL = "paula.beispiel@paderborn.example"
PACKAGE = "stadt-paderborn/wohngeld-antrag"


def main() -> int:
    password = secrets.token_urlsafe(16)  # a throw-away account: its password is never shown
    files = package_files(
        PACKAGE,
        license="EUPL",
        files={"konfiguration/termine.yaml": "# Dauer eines Termins in Minuten\ndauer_minuten: eine Viertelstunde\n"},
    )
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder))
        try:
            with Services.attach(HubConfig(data_dir=server.data)) as services:
                accounts.create(services, EMAIL, "stadt-paderborn", ["publisher"], password)
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="de-DE")
                workspace.sign_in_in_browser(page, server, EMAIL, password, "/arbeitsbereich/veroeffentlichen/")
                page.get_by_label("Archiv des Paketordners (ZIP oder tar.gz)").set_input_files(
                    files=[{"name": "wohngeld-antrag.zip", "mimeType": "application/zip", "buffer": archive(files)}]
                )
                with page.expect_navigation():
                    page.get_by_role("button", name="Prüfen", exact=True).click()
                page.screenshot(path=str(OUT / "arbeitsbereich-pruefung.png"), full_page=True)
                browser.close()
        finally:
            server.stop()
    print(f"Bilder in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
