"""The manifest editor on a real ``hub serve``: edit a package's manifest (live check in Chromium, and without JavaScript), create a new package, refusals."""

from __future__ import annotations

import re
import subprocess
import time

import httpx
import lxml.html
import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

from hub.config import HubConfig
from hub.services import Services
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.factory import archive, package_files
from tests.server import Server, start_server
from tests.test_workspace import serious_violations

ORG, ORG_NAME = "stadt-paderborn", "Stadt Paderborn"  # a publisher of the seed catalogue
JOURNEY = f"{ORG}/online-terminvergabe"  # latest version 2.0.0 in the seed
PASSWORDS = {
    "paula@paderborn.example": "Stadtbibliothek-Ausweis-31",  # publisher: the browser journey
    "peter@paderborn.example": "Straßenlaterne-defekt-88",  # publisher: over HTTP, without JavaScript
    "anna@musterhausen.example": "Fahrradkette-Rathaus-42",  # adopter only
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Server:
    server = start_server(tmp_path_factory.mktemp("workspace-manifest"))
    try:
        server.register("stadt-musterhausen", "Stadt Musterhausen")
        with Services.attach(HubConfig(data_dir=server.data)) as services:
            for email, password in PASSWORDS.items():
                org, roles = ("stadt-musterhausen", ["adopter"]) if email.startswith("anna") else (ORG, ["publisher"])
                accounts.create(services, email, org, roles, password)
        yield server
    finally:
        server.stop()


def signed_in(hub: Server, email: str = "peter@paderborn.example") -> httpx.Client:
    return workspace.signed_in(hub, email, PASSWORDS[email])


def git(hub: Server, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(hub.data / "catalog.git"), *args], capture_output=True, text=True, check=True).stdout


def head(hub: Server) -> str:
    return git(hub, "rev-parse", "HEAD").strip()


def form_of(html: str) -> dict[str, list[str]]:
    """What a browser sends for the page's manifest form."""
    found: dict[str, list[str]] = {}
    for name, value in lxml.html.fromstring(html).xpath("//form[@data-pruefen]")[0].form_values():
        found.setdefault(name, []).append(value)
    return found


def field_problems(html: str, pointer: str) -> list[str]:
    """The messages shown at the field of ``pointer``."""
    element = lxml.html.fromstring(html).xpath(f"//*[@data-pointer='{pointer}']")[0]
    return [li.text_content() for li in element.xpath("./ul[@class='field-problems']/li")]


def live(client: httpx.Client, form: dict[str, list[str]]) -> httpx.Response:
    return client.post("/arbeitsbereich/manifest/pruefen", data=form)


def wait_for(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_publisher_edits_a_manifest_sees_a_live_problem_fixes_it_and_publishes_the_new_version(hub):
    before = head(hub)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "paula@paderborn.example", PASSWORDS["paula@paderborn.example"])
            page.get_by_role("link", name="Meine Pakete").click()
            page.locator(f"#{JOURNEY.replace('/', '--')}").get_by_role("link", name="Manifest bearbeiten").click()
            page.wait_for_url(f"**/arbeitsbereich/manifest/{JOURNEY}")
            assert page.get_by_role("heading", level=1).inner_text() == f"Manifest bearbeiten: {JOURNEY}"
            version = page.get_by_label("Version", exact=False).first
            assert version.input_value() == "2.0.1"  # the next patch version is proposed
            summary = page.locator("#feld-summary-de")
            assert summary.input_value().startswith("Online-Terminbuchung für das Bürgerbüro")
            # a bad value: the problem appears next to the field while typing, from the hub's own check
            summary.fill("Kurz")
            problem = page.locator("#feld-summary-de-fehler li")
            expect(problem).to_have_text("Der Text ist zu kurz: mindestens 10 Zeichen, hier 4.")
            expect(summary).to_have_attribute("aria-invalid", "true")
            assert "Der Text ist zu kurz" in summary.evaluate(
                "e => e.getAttribute('aria-describedby').split(' ').map(i => document.getElementById(i).textContent).join(' ')"
            )
            expect(page.locator("#live-pruefung")).to_have_text("Live-Prüfung: 1 Fehler.")
            assert serious_violations(page) == []
            # at 390 px (a phone) the page needs no horizontal scrolling
            page.set_viewport_size({"width": 390, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.set_viewport_size({"width": 1280, "height": 800})
            # fixed: the problem goes away
            summary.fill("Online-Terminbuchung für das Bürgerbüro, jetzt auch mit Terminen am Samstag.")
            expect(problem).to_have_count(0)
            expect(summary).not_to_have_attribute("aria-invalid", "true")
            page.locator("#feld-keywords").fill("Termin\nBürgerbüro\nSamstag")
            # a third contact in the empty entry: it becomes "Ansprechperson 3" and a new empty entry follows
            page.locator("#feld-contacts-2-name").fill("Team Samstag")
            expect(page.locator("#feld-contacts-2 > legend")).to_have_text("Ansprechperson 3")
            expect(page.locator("#feld-contacts-3 > legend")).to_have_text("Ansprechperson: weiterer Eintrag")
            expect(page.locator("#feld-contacts-2-email-fehler li")).to_have_text("Das Pflichtfeld „email“ fehlt.")
            page.get_by_label("E-Mail-Adresse").nth(2).fill("samstag@paderborn.example")
            expect(page.locator("#feld-contacts-2-email-fehler li")).to_have_count(0)
            assert page.locator("#feld-contacts-3-email").input_value() == ""
            with page.expect_navigation():
                page.get_by_role("button", name="Prüfen").click()
            expect(page.locator("#ergebnis")).to_have_text(
                f"Der Prüflauf hat keine Fehler gefunden: {JOURNEY} 2.0.1 kann veröffentlicht werden."
            )
            assert serious_violations(page) == []
            page.get_by_role("button", name="Veröffentlichen").click()
            page.wait_for_url("**/arbeitsbereich/pakete/?hinweis=veroeffentlicht*")
            assert page.get_by_role("status").inner_text() == "Die neue Version ist veröffentlicht."
            assert "2.0.1 (veröffentlicht " in page.locator(f"#{JOURNEY.replace('/', '--')}").inner_text()
            # the package page of the served site shows the new version (the site follows the commit)
            package_page = f"{hub.url}/pakete/{JOURNEY}/index.html"
            assert wait_for(lambda: "2.0.1" in httpx.get(package_page).text)
            page.goto(package_page)
            assert "Online-Terminbuchung für das Bürgerbüro, jetzt auch mit Terminen am Samstag." in page.content()
            # the form for a new package: accessible and usable on a phone as well
            page.goto(f"{hub.url}/arbeitsbereich/manifest/neu")
            assert page.get_by_role("heading", level=1).inner_text() == "Neues Paket"
            assert serious_violations(page) == []
            page.set_viewport_size({"width": 390, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
    # one commit in the catalogue, authored by the organisation, naming the person: the publish use case
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    log = git(hub, "log", "-1", "--format=%an|%s%n%b")
    assert log.startswith(f"{ORG_NAME}|{JOURNEY} 2.0.1 veröffentlicht")
    assert "Hub-Action: publish" in log and "Hub-Person: paula@paderborn.example" in log
    manifest = yaml.safe_load(git(hub, "show", f"HEAD:packages/{JOURNEY}/hub.yaml"))
    assert manifest["version"] == "2.0.1" and manifest["keywords"] == ["Termin", "Bürgerbüro", "Samstag"]
    assert manifest["contacts"][2] == {"name": "Team Samstag", "email": "samstag@paderborn.example"}
    # every other file is the previous version's, byte for byte
    changed = git(hub, "diff", "--name-only", before, "HEAD").split()
    assert changed == [f"packages/{JOURNEY}/hub.yaml"]


def test_without_javascript_submitting_shows_each_problem_at_its_field_keeps_the_input_and_publishes_when_clean(hub):
    client = signed_in(hub)
    package = f"{ORG}/gewerbeanmeldung"
    before = head(hub)
    edit = client.get(f"/arbeitsbereich/manifest/{package}")
    assert edit.status_code == 200
    form = form_of(edit.text)
    latest = httpx.get(f"{hub.url}/api/v1/packages/{package}").json()["manifest"]["version"]
    bad = form | {"/version": [latest], "/contacts/0/email": ["keine-adresse"], "/status/production/cases_per_year": ["viele"]}
    answer = client.post(f"/arbeitsbereich/manifest/{package}", data=bad)
    assert answer.status_code == 422
    assert "Die Prüfung hat 3 Fehler gefunden" in answer.text
    assert field_problems(answer.text, "/version") == [
        f"Die Version {latest} ist schon veröffentlicht; bitte eine höhere als {latest} angeben."
    ]
    assert field_problems(answer.text, "/contacts/0/email") == [  # one problem, not the format's and the pattern's
        "Der Wert „keine-adresse“ hat nicht die erwartete Form. Erwartet: E-Mail-Adresse."
    ]
    assert field_problems(answer.text, "/status/production/cases_per_year") == ["Erwartet wird eine ganze Zahl, gefunden wurde ein Text."]
    assert form_of(answer.text)["/contacts/0/email"] == ["keine-adresse"]  # what was typed stays
    assert 'action="/arbeitsbereich/veroeffentlichen/' not in answer.text
    # the live check answers the same, as JSON with the pointers
    checked = live(client, bad | {"csrf": form["csrf"]})
    assert checked.status_code == 200 and checked.headers["content-type"].startswith("application/json")
    assert {(p["pointer"], p["code"]) for p in checked.json()["problems"]} == {
        ("/version", "version-exists"),
        ("/contacts/0/email", "manifest-schema"),
        ("/status/production/cases_per_year", "manifest-schema"),
    }
    assert head(hub) == before
    # clean: the dry run keeps exactly these bytes, the publish button publishes them
    clean = client.post(f"/arbeitsbereich/manifest/{package}", data=form | {"/name": ["Gewerbeanmeldung digital"]})
    assert clean.status_code == 200 and "Der Prüflauf hat keine Fehler gefunden" in clean.text
    upload = re.search(r'action="/arbeitsbereich/veroeffentlichen/([^"]+)"', clean.text).group(1)
    assert head(hub) == before
    published = client.post(f"/arbeitsbereich/veroeffentlichen/{upload}", data={"csrf": workspace.csrf_of(clean.text)})
    assert published.status_code == 303
    assert "Hub-Person: peter@paderborn.example" in git(hub, "log", "-1", "--format=%b")
    assert yaml.safe_load(git(hub, "show", f"HEAD:packages/{package}/hub.yaml"))["name"] == "Gewerbeanmeldung digital"


def test_a_new_package_from_the_form_gets_the_scaffold_of_hub_new_and_is_published(hub):
    client = signed_in(hub)
    new = client.get("/arbeitsbereich/manifest/neu")
    assert new.status_code == 200
    form = form_of(new.text)
    assert form["/id"] == [f"{ORG}/"] and form["/publisher/id"] == [ORG] and form["/contacts/0/email"] == ["peter@paderborn.example"]
    # empty: every missing field is named at its place
    empty = live(client, form)
    pointers = {p["pointer"] for p in empty.json()["problems"]}
    assert {"/id", "/name", "/summary", "/description", "/classification"} <= pointers
    filled = form | {
        "/id": [f"{ORG}/sperrmuell-termin"],
        "/name": ["Sperrmüll-Termin online"],
        "/summary/de": ["Termine für die Sperrmüllabfuhr online buchen."],
        "/description/de": ["Bürgerinnen und Bürger buchen einen Termin für die Sperrmüllabfuhr im Serviceportal."],
        "/classification/themenfeld": ["Umwelt"],
        "/contacts/0/name": ["Abfallberatung"],
    }
    assert live(client, filled).json() == {"ok": True, "problems": []}
    # an id of another organisation, or of a package that exists, is refused at the id
    other = live(client, filled | {"/id": ["stadt-delbrueck/sperrmuell"], "/publisher/id": ["stadt-delbrueck"]}).json()["problems"]
    assert ("/id", "forbidden") in {(p["pointer"], p["code"]) for p in other}
    taken = live(client, filled | {"/id": [JOURNEY]}).json()["problems"]
    assert [p["message"] for p in taken if p["pointer"] == "/id"] == [
        f"Das Paket „{JOURNEY}“ gibt es schon. Eine neue Version entsteht unter „Meine Pakete“ mit „Manifest bearbeiten“."
    ]
    before = head(hub)
    checked = client.post("/arbeitsbereich/manifest/neu", data=filled)
    assert checked.status_code == 200 and "Der Prüflauf hat keine Fehler gefunden" in checked.text
    upload = re.search(r'action="/arbeitsbereich/veroeffentlichen/([^"]+)"', checked.text).group(1)
    assert client.post(f"/arbeitsbereich/veroeffentlichen/{upload}", data={"csrf": form["csrf"][0]}).status_code == 303
    files = git(hub, "ls-tree", "-r", "--name-only", "HEAD", f"packages/{ORG}/sperrmuell-termin/").split()
    assert files == [
        f"packages/{ORG}/sperrmuell-termin/{name}" for name in (".gitlab-ci.yml", "README.md", "hub.yaml", "prozess/ablauf.bpmn")
    ]
    assert git(hub, "show", f"HEAD:packages/{ORG}/sperrmuell-termin/README.md").startswith("# Sperrmüll-Termin online\n")
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    assert httpx.get(f"{hub.url}/api/v1/packages/{ORG}/sperrmuell-termin").json()["manifest"]["version"] == "0.1.0"


def test_another_organisations_package_cannot_be_edited_and_nothing_changes(hub):
    client = signed_in(hub)
    before = head(hub)
    other = "stadt-delbrueck/hundesteuer-anmeldung"
    shown = client.get(f"/arbeitsbereich/manifest/{other}")
    assert shown.status_code == 403
    assert f"Das Paket „{other}“ gehört zu „stadt-delbrueck“; Ihr Konto darf nur Pakete von „{ORG}“ bearbeiten." in shown.text
    token = workspace.csrf_of(client.get("/arbeitsbereich/manifest/neu").text)
    own = form_of(client.get(f"/arbeitsbereich/manifest/{ORG}/serviceportal").text)
    for target in (f"/arbeitsbereich/manifest/{other}", "/arbeitsbereich/manifest/pruefen"):
        answer = client.post(target, data=own | {"csrf": [token], "paket": [other], "/id": [other]})
        assert answer.status_code == 403 and "gehört zu „stadt-delbrueck“" in answer.text
    # an own package's form with another organisation's id publishes nothing either
    mixed = client.post(f"/arbeitsbereich/manifest/{ORG}/serviceportal", data=own | {"/id": [other]})
    assert mixed.status_code == 422 and "passt nicht zum Ort im Katalog" in mixed.text
    # a person without the publisher role gets nothing
    adopter = signed_in(hub, "anna@musterhausen.example")
    assert adopter.get(f"/arbeitsbereich/manifest/{ORG}/serviceportal").status_code == 403
    assert adopter.get("/arbeitsbereich/manifest/neu").status_code == 403
    assert head(hub) == before


def test_every_form_needs_its_token_and_bad_input_is_a_german_answer_never_a_500(hub):
    client = signed_in(hub)
    before = head(hub)
    form = form_of(client.get(f"/arbeitsbereich/manifest/{ORG}/serviceportal").text)
    for target in (f"/arbeitsbereich/manifest/{ORG}/serviceportal", "/arbeitsbereich/manifest/neu", "/arbeitsbereich/manifest/pruefen"):
        for token in ([], ["erfunden"]):
            answer = client.post(target, data=form | {"csrf": token})
            assert answer.status_code == 403 and "Formular nicht angenommen" in answer.text
    odd = [
        {"/contacts/12345678901234567890/name": ["x"]},
        {"/classification": ["kein Objekt"], "/status/development": ["concept", "stable"]},
        {"/adoption/effort/person_days": ["1e999999"], "/status/outcomes/0/value": ["NaN"]},
        {"/name": ["\x00\x1b[31m"], "/keywords": ["a\u2028b"]},
        {"/description/de": ["x" * 200_000]},
    ]
    for extra in odd:
        answer = client.post(f"/arbeitsbereich/manifest/{ORG}/serviceportal", data=form | extra)
        assert answer.status_code in (200, 422), answer.text[-500:]
        assert live(client, form | extra).status_code == 200
    for package in ("stadt-paderborn/gibt-es-nicht", "..%2F..%2Fetc/passwd", "Stadt-Paderborn/serviceportal"):
        assert client.get(f"/arbeitsbereich/manifest/{package}").status_code == 404
    assert live(client, form | {"paket": ["../../etc/passwd"]}).status_code == 404
    assert head(hub) == before


def test_the_forms_manifest_downloaded_as_hub_yaml_goes_with_own_files_through_the_upload(hub):
    client = signed_in(hub)
    before = head(hub)
    form = form_of(client.get("/arbeitsbereich/manifest/neu").text) | {
        "/id": [f"{ORG}/eigene-dateien"],
        "/name": ["Eigene Dateien"],
        "/summary/de": ["Ein Paket mit den eigenen Dateien."],
        "/description/de": ["Das Manifest kommt aus dem Formular, die Dateien aus dem eigenen Ordner."],
        "/classification/themenfeld": ["Bildung"],
        "/contacts/0/name": ["Schulamt"],
    }
    download = client.post("/arbeitsbereich/manifest/neu", data=form | {"herunterladen": ["1"]})
    assert download.status_code == 200 and download.headers["content-disposition"] == 'attachment; filename="hub.yaml"'
    assert download.headers["content-type"].startswith("application/yaml")
    manifest = yaml.safe_load(download.text)
    assert manifest["id"] == f"{ORG}/eigene-dateien" and manifest["contacts"] == [{"name": "Schulamt", "email": "peter@paderborn.example"}]
    assert head(hub) == before  # a download publishes nothing
    files = package_files(f"{ORG}/eigene-dateien", files={"hub.yaml": download.content})
    token = workspace.csrf_of(client.get("/arbeitsbereich/veroeffentlichen/").text)
    checked = client.post(
        "/arbeitsbereich/veroeffentlichen/", data={"csrf": token}, files={"archive": ("eigene-dateien.zip", archive(files))}
    )
    assert "Der Prüflauf hat keine Fehler gefunden." in checked.text
