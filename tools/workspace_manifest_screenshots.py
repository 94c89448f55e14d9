"""Take the manifest editor's screenshots of docs/arbeitsbereich.md in Chromium: ``.venv/bin/python -m tools.workspace_manifest_screenshots``.

Starts a real ``hub serve`` over a throw-away data folder (the embedded catalogue), creates a
publisher account for a seed publisher, signs in, opens "Manifest bearbeiten" for one of its
packages, types a summary that is too short and photographs the field with the live check's
problem; then fills "Neues Paket", chooses a package folder (with its own hub.yaml and a broken
process model) and photographs the files with the dry run's marked line. Into docs/bilder/.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from hub.config import HubConfig
from hub.services import Services
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.factory import package_files, write_files
from tests.server import start_server

OUT = Path(__file__).resolve().parent.parent / "docs" / "bilder"
EMAIL = "paula.beispiel@paderborn.example"
PACKAGE = "stadt-paderborn/online-terminvergabe"
NEW = "stadt-paderborn/schuelerbefoerderung"
BROKEN_MODEL = b'<?xml version="1.0"?>\n<definitions>\n  <process id="antrag">\n</definitions>\n'


def new_package(page, folder: Path) -> None:
    """Fill "Neues Paket", choose the package folder and check: the files, the set-aside hub.yaml, the dry run."""
    own = package_files(NEW)
    write_files(
        folder,
        {
            "hub.yaml": b"id: stadt-paderborn/alter-name\n",
            "README.md": own["README.md"],
            "prozess/ablauf.bpmn": BROKEN_MODEL,
            "formulare/antrag.schema.json": own["formulare/antrag.schema.json"],
        },
    )
    page.locator("#feld-id").fill(NEW)
    page.locator("#feld-name").fill("Schülerbeförderung beantragen")
    page.locator("#feld-summary-de").fill("Anträge auf Schülerbeförderung online stellen.")
    page.locator("#feld-description-de").fill("Eltern beantragen die Erstattung der Fahrkosten zur Schule im Serviceportal.")
    page.locator("#feld-classification-themenfeld").select_option("Bildung")
    page.locator("#feld-contacts-0-name").fill("Schulamt")
    page.get_by_label("Oder einen ganzen Ordner hinzufügen").set_input_files(folder)
    with page.expect_navigation():
        page.get_by_role("button", name="Prüfen", exact=True).click()
    expect(page.locator("#manifest-ersetzt")).to_be_visible()


def main() -> int:
    password = secrets.token_urlsafe(16)  # a throw-away account: its password is never shown
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder))
        try:
            with Services.attach(HubConfig(data_dir=server.data)) as services:
                accounts.create(services, EMAIL, "stadt-paderborn", ["publisher"], password)
            with sync_playwright() as p:
                browser = launch(p)
                page = browser.new_page(viewport={"width": 1000, "height": 1100}, locale="de-DE")
                workspace.sign_in_in_browser(page, server, EMAIL, password, f"/arbeitsbereich/manifest/{PACKAGE}")
                page.locator("#feld-summary-de").fill("Termine")
                expect(page.locator("#feld-summary-de-fehler li")).to_have_count(1)
                # from the live check's count to the summary's fieldset with the problem under the field
                top = page.locator("#live-pruefung").bounding_box()
                bottom = page.locator("#feld-summary").bounding_box()
                assert top is not None and bottom is not None
                clip = {"x": 0, "y": top["y"] - 16, "width": 1000, "height": bottom["y"] + bottom["height"] - top["y"] + 32}
                page.screenshot(path=str(OUT / "arbeitsbereich-manifest.png"), full_page=True, clip=clip)
                page.goto(f"{server.url}/arbeitsbereich/manifest/neu")
                new_package(page, Path(folder) / "schuelerbefoerderung")
                # from the files' fieldset to the process model's marked line in the dry run
                top = page.locator("#dateien-des-pakets").bounding_box()
                model = page.locator("section.file-view", has=page.get_by_role("heading", name="prozess/ablauf.bpmn"))
                bottom = model.bounding_box()
                assert top is not None and bottom is not None
                clip = {"x": 0, "y": top["y"] - 16, "width": 1000, "height": bottom["y"] + bottom["height"] - top["y"] + 32}
                page.screenshot(path=str(OUT / "arbeitsbereich-neues-paket.png"), full_page=True, clip=clip)
                browser.close()
        finally:
            server.stop()
    print(f"Bilder in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
