"""The workspace on a phone (390 px wide, a common phone's width): no page scrolls sideways; wide tables scroll inside themselves."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import sync_playwright

from hub.config import HubConfig
from hub.services import Services
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.factory import package_files, write_files
from tests.server import Server, start_server
from tests.test_workspace import serious_violations
from tests.test_workspace_publish import INVALID

PHONE = {"width": 390, "height": 844}
ADMIN = ("ada@paderborn.example", "Aktenschrank-Schluessel-77")  # admin and operator of Paderborn: every role, Paderborn's packages
ADOPTER = ("sora@soest.example", "Marktplatz-Brunnen-Soest-12")  # Soest adopts two of Paderborn's packages
ADOPTED = "stadt-paderborn/online-terminvergabe"


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[Server]:
    server = start_server(tmp_path_factory.mktemp("workspace-narrow"))
    try:
        with Services.attach(HubConfig(data_dir=server.data)) as services:
            accounts.create(services, ADMIN[0], "stadt-paderborn", ["admin", "operator"], ADMIN[1])
            accounts.create(services, ADOPTER[0], "stadt-soest", ["adopter"], ADOPTER[1])
        yield server
    finally:
        server.stop()


def sideways(page) -> list[str]:
    """What makes the page wider than the window: the page's own width, and the widest elements sticking out."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return [];
          const out = [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > width + 0.5)
            .filter((e) => { // what a scrolling container clips does not widen the page
              for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                if (getComputedStyle(a).overflowX !== "visible") return false;
              }
              return true;
            })
            .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""));
          return [`page ${document.documentElement.scrollWidth} px in a ${width} px window`, ...out.slice(0, 8)];
        }"""
    )


def test_no_workspace_page_scrolls_sideways_at_390_px_and_wide_tables_scroll_in_a_labelled_region(hub, tmp_path):
    folder = tmp_path / "arbeitsbereich-probe"
    write_files(folder, INVALID)
    write_files(tmp_path / "sauber", package_files("stadt-paderborn/schmal-probe"))
    seen: dict[str, list[str]] = {}
    violations: dict[str, list] = {}
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport=PHONE)

            def check(name: str) -> None:
                seen[name] = sideways(page)
                violations[name] = serious_violations(page)

            page.goto(f"{hub.url}/anmelden")
            check("Anmelden")
            workspace.sign_in_in_browser(page, hub, *ADOPTER)
            check("Start (Nachnutzen)")
            for path, name in (
                ("/arbeitsbereich/nachnutzungen/", "Meine Nachnutzungen"),
                (f"/arbeitsbereich/nachnutzungen/{ADOPTED}/", "Nachnutzung erfassen"),
            ):
                page.goto(hub.url + path)
                check(name)
            page.context.clear_cookies()
            workspace.sign_in_in_browser(page, hub, *ADMIN)
            check("Start (Verwalten)")
            for path, name in (
                ("/arbeitsbereich/veroeffentlichen/", "Paket veröffentlichen"),
                ("/arbeitsbereich/pakete/", "Meine Pakete"),
                ("/arbeitsbereich/pruefung/", "Zu begutachten"),
                (f"/arbeitsbereich/pruefung/{ADOPTED}/", "Begutachten"),
                ("/arbeitsbereich/verwaltung/", "Verwaltung"),
                ("/arbeitsbereich/verwaltung/tokens", "API-Tokens"),
                ("/arbeitsbereich/verwaltung/personen", "Personen und Rollen"),
                ("/arbeitsbereich/verwaltung/organisationen", "Organisationen"),
                ("/arbeitsbereich/verwaltung/organisation", "Unsere Organisation"),
                ("/arbeitsbereich/betrieb/", "Betrieb"),
                ("/arbeitsbereich/betrieb/organisationen", "Organisationen (Betrieb)"),
                ("/arbeitsbereich/betrieb/organisation-registrieren", "Organisation registrieren"),
                ("/arbeitsbereich/betrieb/organisationen/stadt-soest", "Eintrag einer Organisation"),
                ("/arbeitsbereich/betrieb/quellen", "Quellen"),
                ("/arbeitsbereich/betrieb/quellen/liste", "Quellenliste bearbeiten"),
                ("/arbeitsbereich/betrieb/tokens", "Hub-weite API-Tokens"),
                ("/arbeitsbereich/betrieb/personen", "Personen im Betrieb"),
                ("/arbeitsbereich/pruefung/stadt-paderborn/gibt-es-nicht/", "Fehlerseite"),
                (f"/arbeitsbereich/manifest/{ADOPTED}", "Manifest bearbeiten"),
                # a long identifier in the heading and artefact paths in the help texts: they wrap, the page does not widen
                ("/arbeitsbereich/manifest/stadt-paderborn/personalausweis-beantragen", "Manifest bearbeiten, langer Name"),
            ):
                page.goto(hub.url + path)
                check(name)
            page.goto(f"{hub.url}/arbeitsbereich/veroeffentlichen/")
            page.get_by_label("Paketordner", exact=True).set_input_files(folder)
            with page.expect_navigation():
                page.get_by_role("button", name="Ordner prüfen").click()
            check("Prüflauf mit Fehlern")
            page.goto(f"{hub.url}/arbeitsbereich/veroeffentlichen/")
            page.get_by_label("Paketordner", exact=True).set_input_files(tmp_path / "sauber")
            with page.expect_navigation():
                page.get_by_role("button", name="Ordner prüfen").click()
            check("Prüflauf ohne Fehler")
            # a new package from the form with a chosen folder: the files' list, the set-aside hub.yaml, the dry run's files
            page.goto(f"{hub.url}/arbeitsbereich/manifest/neu")
            check("Neues Paket")
            page.get_by_label("Oder einen ganzen Ordner hinzufügen").set_input_files(folder)
            with page.expect_navigation():
                page.get_by_role("button", name="Prüfen", exact=True).click()
            assert page.locator("#manifest-ersetzt").is_visible() and page.locator("#prueflauf section.file-view").count() >= 1
            check("Neues Paket mit Dateien und Prüflauf")
            page.goto(f"{hub.url}/arbeitsbereich/verwaltung/tokens")
            page.get_by_label("Organisation").select_option("stadt-paderborn")
            page.get_by_role("button", name="Token ausstellen").click()
            page.wait_for_load_state()
            check("Neues Token")
            # a refused organisation form: every problem at its field, still no sideways scrolling
            page.goto(f"{hub.url}/arbeitsbereich/betrieb/organisation-registrieren")
            page.get_by_label("Kennung").fill("stadt-soest")
            page.get_by_label("Internetauftritt").fill("keine-adresse-mit-einem-sehr-langen-namen-ohne-punkt-und-ohne-schema")
            page.locator("#f-contact-0-email").fill("kein-at-zeichen-in-dieser-sehr-langen-angabe-einer-adresse")
            page.get_by_role("button", name="Organisation registrieren").click()
            page.wait_for_load_state()
            assert page.locator("#f-url-fehler li").count() >= 1
            check("Organisation mit Problemen")
            # the adoptions table of Meine Pakete is wider than the phone: it scrolls in a region of its own
            page.goto(f"{hub.url}/arbeitsbereich/pakete/")
            region = page.locator(f"#{ADOPTED.replace('/', '--')}").get_by_role("region", name=re.compile("^Nachnutzungen von "))
            assert region.get_attribute("tabindex") == "0"  # reachable with the keyboard, so it can be scrolled without a mouse
            assert region.evaluate("(e) => e.scrollWidth > e.clientWidth")
        finally:
            browser.close()
    assert {name: found for name, found in seen.items() if found} == {}
    assert {name: found for name, found in violations.items() if found} == {}
    assert len(seen) == 31
