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
from tests.factory import archive, package_files, write_files
from tests.server import Server, start_server
from tests.test_workspace import serious_violations
from tests.test_workspace_publish import drop_paths

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


def test_without_javascript_the_form_takes_the_packages_files_checks_them_with_the_manifest_and_publishes(hub):
    """A new package in one multipart form: manifest fields, and the package folder as an archive (its own hub.yaml set aside)."""
    client = signed_in(hub)
    before = head(hub)
    package = f"{ORG}/eigene-dateien-formular"
    form = form_of(client.get("/arbeitsbereich/manifest/neu").text) | {
        "/id": [package],
        "/name": ["Schülerbeförderung beantragen"],
        "/summary/de": ["Anträge auf Schülerbeförderung online stellen."],
        "/description/de": ["Eltern beantragen die Erstattung der Fahrkosten zur Schule im Serviceportal, mit Formular und Prozess."],
        "/classification/themenfeld": ["Bildung"],
        "/contacts/0/name": ["Schulamt"],
        "/artefacts/1/path": ["formulare/antrag.schema.json"],
        "/artefacts/1/kind": ["form-schema"],
        "/artefacts/1/format": ["json-schema"],
        "/artefacts/1/title": ["Antrag"],
    }
    own = package_files(package)
    folder = {
        "hub.yaml": b"id: stadt-paderborn/etwas-anderes\n",  # set aside: the form's manifest wins
        "README.md": own["README.md"],
        "prozess/ablauf.bpmn": b'<?xml version="1.0"?>\n<definitions>\n  <process id="p">\n</definitions>\n',
        "formulare/antrag.schema.json": own["formulare/antrag.schema.json"],
    }
    answer = client.post("/arbeitsbereich/manifest/neu", data=form, files=[("dateien", ("ordner.zip", archive(folder, folder="ordner")))])
    assert answer.status_code == 422
    tree = lxml.html.fromstring(answer.text)
    assert "eigene hub.yaml" in tree.get_element_by_id("manifest-ersetzt").text_content()
    listed = {
        row.xpath("./td[1]")[0].text_content(): row.xpath("./td[3]")[0].text_content()
        for row in tree.xpath("//table[@class='package-file-list']/tbody/tr")
    }
    assert listed == {
        "hub.yaml": "hochgeladen, nicht verwendet: das Manifest kommt aus dem Formular",
        "README.md": "hochgeladen, ersetzt die bisherige Datei",
        "prozess/ablauf.bpmn": "hochgeladen, ersetzt die bisherige Datei",
        "formulare/antrag.schema.json": "hochgeladen",
        ".gitlab-ci.yml": "Vorlage von hub new",
    } | {"hub.yaml": listed.get("hub.yaml", "")}
    assert tree.xpath("//table[@class='package-file-list']/tbody/tr[1]/td[3]")[0].text_content() == "aus diesem Formular"
    # the dry run over the combined package: the broken model inside its file, its line marked
    assert "Die Prüfung hat 1 Fehler gefunden" in answer.text
    marked = tree.xpath("//section[@id='datei-prozess-ablauf-bpmn']//tr[@class='marked']/td[1]")
    assert [td.text_content() for td in marked] == ["4"]
    draft = form_of(answer.text)["entwurf"]
    assert draft != [""]
    assert head(hub) == before
    # the next submit: the files stay kept (the file input is empty again), the fixed model replaces the broken one
    fixed = package_files(package)["prozess/ablauf.bpmn"]
    again = client.post(
        "/arbeitsbereich/manifest/neu",
        data=form_of(answer.text) | {"zielordner": ["prozess"]},
        files=[("dateien", ("ablauf.bpmn", fixed))],
    )
    assert again.status_code == 200 and "Der Prüflauf hat keine Fehler gefunden" in again.text, again.text[-3000:]
    upload = re.search(r'action="/arbeitsbereich/veroeffentlichen/([^"]+)"', again.text).group(1)
    assert head(hub) == before  # a dry run publishes nothing
    publish = lxml.html.fromstring(again.text).xpath(f"//form[@action='/arbeitsbereich/veroeffentlichen/{upload}']")[0]
    assert client.post(f"/arbeitsbereich/veroeffentlichen/{upload}", data=dict(publish.form_values())).status_code == 303
    # the kept files went with the publish: the form's id for them names nothing any more
    stale = client.post("/arbeitsbereich/manifest/neu", data=form_of(again.text))
    assert "Die zuvor hochgeladenen Dateien sind nicht mehr vorhanden" in stale.text
    files = git(hub, "ls-tree", "-r", "--name-only", "HEAD", f"packages/{package}/").split()
    assert files == [
        f"packages/{package}/{name}"
        for name in (".gitlab-ci.yml", "README.md", "formulare/antrag.schema.json", "hub.yaml", "prozess/ablauf.bpmn")
    ]
    assert git(hub, "show", f"HEAD:packages/{package}/prozess/ablauf.bpmn").encode() == fixed
    assert yaml.safe_load(git(hub, "show", f"HEAD:packages/{package}/hub.yaml"))["id"] == package
    log = git(hub, "log", "-1", "--format=%an|%s%n%b")
    assert log.startswith(f"{ORG_NAME}|{package} 0.1.0 veröffentlicht") and "Hub-Person: peter@paderborn.example" in log
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"


def test_a_new_version_replaces_and_removes_files_and_a_refused_upload_changes_nothing(hub):
    client = signed_in(hub)
    package = f"{ORG}/e-payment"
    before = head(hub)
    page = client.get(f"/arbeitsbereich/manifest/{package}")
    form = form_of(page.text)
    shown = [td.text_content() for td in lxml.html.fromstring(page.text).xpath("//table[@class='package-file-list']/tbody/tr/td[1]")]
    published = git(hub, "ls-tree", "-r", "--name-only", "HEAD", f"packages/{package}/").split()
    assert shown[0] == "hub.yaml" and sorted(f"packages/{package}/{path}" for path in shown) == published
    # an archive with a path that leaves the package: refused whole, its problem listed, nothing kept, nothing changed
    hostile = archive({"../../ausbruch.txt": b"x", "notiz.md": b"# Notiz\n"})
    refused = client.post(f"/arbeitsbereich/manifest/{package}", data=form, files=[("dateien", ("boese.zip", hostile))])
    assert refused.status_code == 422 and "Die gewählten Dateien wurden nicht übernommen" in refused.text
    assert "../../ausbruch.txt" in refused.text and form_of(refused.text)["entwurf"] == [""]
    assert head(hub) == before
    # a document renamed: the new one uploaded with a README that links to it, the old one removed
    readme = git(hub, "show", f"HEAD:packages/{package}/README.md").replace("docs/anbindung.md", "docs/schnittstellen.md")
    chosen = [
        ("dateien", ("README.md", readme.encode())),
        ("dateien", ("schnittstellen.md", b"# Schnittstellen\n\nKasse und Fachverfahren.\n")),
    ]
    moved = client.post(f"/arbeitsbereich/manifest/{package}", data=form | {"entfernen": ["docs/anbindung.md"]}, files=chosen)
    assert moved.status_code == 422  # the new document landed beside the README, not in docs/: the README's link is broken
    assert "docs/schnittstellen.md" in moved.text and form_of(moved.text)["entfernen"] == ["docs/anbindung.md"]
    kept = form_of(moved.text)
    assert kept["entwurf"] != [""]
    # the manifest's artefact entry follows the document (without it: "artefact-missing" at that field)
    entry = next(name for name, value in kept.items() if name.startswith("/artefacts/") and value == ["docs/anbindung.md"])
    kept[entry] = ["docs/schnittstellen.md"]
    # the same file again, into docs/; the one beside the README removed: clean
    again = client.post(
        f"/arbeitsbereich/manifest/{package}",
        data=kept | {"zielordner": ["docs"], "entfernen": ["docs/anbindung.md", "schnittstellen.md"]},
        files=[("dateien", ("schnittstellen.md", b"# Schnittstellen\n\nKasse und Fachverfahren.\n"))],
    )
    assert again.status_code == 200 and "Der Prüflauf hat keine Fehler gefunden" in again.text, again.text[-3000:]
    upload = re.search(r'action="/arbeitsbereich/veroeffentlichen/([^"]+)"', again.text).group(1)
    assert head(hub) == before
    assert client.post(f"/arbeitsbereich/veroeffentlichen/{upload}", data={"csrf": form["csrf"][0]}).status_code == 303
    after = git(hub, "ls-tree", "-r", "--name-only", "HEAD", f"packages/{package}/").split()
    assert sorted(after) == sorted({*published, f"packages/{package}/docs/schnittstellen.md"} - {f"packages/{package}/docs/anbindung.md"})
    assert git(hub, "show", f"HEAD:packages/{package}/README.md") == readme
    changed = git(hub, "diff", "--name-only", before, "HEAD").split()
    assert sorted(changed) == sorted(
        f"packages/{package}/{p}" for p in ("README.md", "docs/anbindung.md", "docs/schnittstellen.md", "hub.yaml")
    )


NEW_IN_BROWSER = f"{ORG}/schuelerbefoerderung"


def fill_new_package(page, package_id: str) -> None:
    """The fields a new package needs, typed as a person does."""
    page.locator("#feld-id").fill(package_id)
    page.locator("#feld-name").fill("Schülerbeförderung beantragen")
    page.locator("#feld-summary-de").fill("Anträge auf Schülerbeförderung online stellen.")
    page.locator("#feld-description-de").fill("Eltern beantragen die Erstattung der Fahrkosten zur Schule im Serviceportal.")
    page.locator("#feld-classification-themenfeld").select_option("Bildung")
    page.locator("#feld-contacts-0-name").fill("Schulamt")


def test_in_chromium_a_new_package_from_the_form_and_a_dropped_folder_is_checked_together_and_published(hub, tmp_path):
    own = package_files(NEW_IN_BROWSER)
    folder = tmp_path / "schuelerbefoerderung"
    write_files(
        folder,
        {
            "hub.yaml": b"id: stadt-paderborn/etwas-anderes\n",
            "README.md": own["README.md"],
            "prozess/ablauf.bpmn": b'<?xml version="1.0"?>\n<definitions>\n  <process id="p">\n</definitions>\n',
            "formulare/antrag.schema.json": own["formulare/antrag.schema.json"],
        },
    )
    before = head(hub)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "paula@paderborn.example", PASSWORDS["paula@paderborn.example"])
            page.get_by_role("link", name="Meine Pakete").click()
            page.get_by_role("link", name="Neues Paket").click()
            page.wait_for_url("**/arbeitsbereich/manifest/neu")
            fill_new_package(page, NEW_IN_BROWSER)
            # the form schema as a second artefact, in the entry that is still empty
            page.locator("#feld-artefacts-1-path").fill("formulare/antrag.schema.json")
            page.locator("#feld-artefacts-1-kind").select_option("form-schema")
            page.locator("#feld-artefacts-1-format").select_option("json-schema")
            page.locator("#feld-artefacts-1-title").fill("Antrag")
            expect(page.locator("#live-pruefung")).to_have_text(re.compile("Live-Prüfung: .*"))
            zone = page.get_by_role("button", name="Dateien, Ordner oder Archiv hierher ziehen")
            assert zone.is_visible()
            zone.scroll_into_view_if_needed()  # below the manifest's fields: dragged onto where it is on the screen
            with page.expect_navigation():
                drop_paths(page, "#ablage", [str(folder)])
            # one dry run over the form's manifest and the folder's files: the broken model inside its file, line marked
            expect(page.locator("#ergebnis")).to_contain_text("Die Prüfung hat 1 Fehler gefunden")
            model = page.locator("section.file-view", has=page.get_by_role("heading", name="prozess/ablauf.bpmn"))
            assert model.locator("tr.marked td.line-number").all_inner_texts() == ["4"]
            expect(page.locator("#manifest-ersetzt")).to_contain_text("Sie wird nicht verwendet")
            assert page.locator("#feld-name").input_value() == "Schülerbeförderung beantragen"  # what was typed stays
            rows = page.locator("table.package-file-list tbody tr td:first-child").all_inner_texts()
            assert rows == ["hub.yaml", ".gitlab-ci.yml", "README.md", "formulare/antrag.schema.json", "prozess/ablauf.bpmn", "hub.yaml"]
            assert serious_violations(page) == []
            page.set_viewport_size({"width": 390, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.set_viewport_size({"width": 1280, "height": 800})
            # the fixed model chosen with the file input into "prozess", the CI file removed: "Prüfen" checks all again
            page.get_by_label("Dateien oder Archiv hinzufügen").set_input_files(
                files=[{"name": "ablauf.bpmn", "mimeType": "application/xml", "buffer": own["prozess/ablauf.bpmn"]}]
            )
            page.get_by_label("Ordner im Paket für die gewählten Dateien").fill("prozess")
            page.get_by_label(".gitlab-ci.yml entfernen").check()
            with page.expect_navigation():
                page.get_by_role("button", name="Prüfen", exact=True).click()
            expect(page.locator("#ergebnis")).to_have_text(
                f"Der Prüflauf hat keine Fehler gefunden: {NEW_IN_BROWSER} 0.1.0 kann veröffentlicht werden."
            )
            assert serious_violations(page) == []
            page.get_by_role("button", name="Veröffentlichen").click()
            page.wait_for_url("**/arbeitsbereich/pakete/?hinweis=veroeffentlicht*")
            assert "0.1.0 (veröffentlicht " in page.locator(f"#{NEW_IN_BROWSER.replace('/', '--')}").inner_text()
            package_page = f"{hub.url}/pakete/{NEW_IN_BROWSER}/index.html"
            assert wait_for(lambda: httpx.get(package_page).status_code == 200)
            page.goto(package_page)
            assert "Schülerbeförderung beantragen" in page.title()
        finally:
            browser.close()
    files = git(hub, "ls-tree", "-r", "--name-only", "HEAD", f"packages/{NEW_IN_BROWSER}/").split()
    assert files == [
        f"packages/{NEW_IN_BROWSER}/{name}" for name in ("README.md", "formulare/antrag.schema.json", "hub.yaml", "prozess/ablauf.bpmn")
    ]
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    log = git(hub, "log", "-1", "--format=%an|%s%n%b")
    assert log.startswith(f"{ORG_NAME}|{NEW_IN_BROWSER} 0.1.0 veröffentlicht") and "Hub-Person: paula@paderborn.example" in log


def test_without_javascript_in_chromium_a_new_version_gets_a_chosen_file_and_is_published(hub):
    package = f"{ORG}/personalausweis-beantragen"
    before = head(hub)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            workspace.sign_in_in_browser(page, hub, "paula@paderborn.example", PASSWORDS["paula@paderborn.example"])
            page.goto(f"{hub.url}/arbeitsbereich/manifest/{package}")
            assert not page.locator("#ablage").is_visible()  # no drop zone without JavaScript: the file inputs do it
            page.get_by_label("Dateien oder Archiv hinzufügen").set_input_files(
                files=[
                    {
                        "name": "merkblatt.md",
                        "mimeType": "text/markdown",
                        "buffer": "# Merkblatt\n\nWas die Bürgerbüros wissen müssen.\n".encode(),
                    }
                ]
            )
            page.get_by_label("Ordner im Paket für die gewählten Dateien").fill("docs")
            with page.expect_navigation():
                page.get_by_role("button", name="Prüfen", exact=True).click()
            assert "Der Prüflauf hat keine Fehler gefunden" in page.locator("#ergebnis").inner_text()
            rows = page.locator("table.package-file-list tbody tr").all_inner_texts()
            assert any(row.startswith("docs/merkblatt.md") and "hochgeladen" in row for row in rows)
            page.get_by_role("button", name="Veröffentlichen").click()
            page.wait_for_url("**/arbeitsbereich/pakete/?hinweis=veroeffentlicht*")
            assert page.get_by_role("status").inner_text() == "Die neue Version ist veröffentlicht."
        finally:
            browser.close()
    assert git(hub, "diff", "--name-only", before, "HEAD").split() == [
        f"packages/{package}/docs/merkblatt.md",
        f"packages/{package}/hub.yaml",
    ]
    log = git(hub, "log", "-1", "--format=%an|%s%n%b")
    assert log.startswith(f"{ORG_NAME}|{package} 1.0.1 veröffentlicht") and "Hub-Person: paula@paderborn.example" in log


def test_the_values_of_an_uploaded_hub_yaml_can_be_taken_into_the_form_which_stays_the_manifest(hub):
    client = signed_in(hub)
    before = head(hub)
    package = f"{ORG}/aus-eigener-hub-yaml"
    folder = package_files(package, name="Aus eigener hub.yaml")  # a whole package folder, its own manifest included
    form = form_of(client.get("/arbeitsbereich/manifest/neu").text)
    first = client.post("/arbeitsbereich/manifest/neu", data=form, files=[("ordner", (f"paket/{p}", c)) for p, c in folder.items()])
    assert first.status_code == 422 and "Angaben aus der hochgeladenen hub.yaml übernehmen" in first.text
    assert form_of(first.text)["/name"] == [""]  # the form's (empty) manifest is the one checked, not the file's
    taken = client.post("/arbeitsbereich/manifest/neu", data=form_of(first.text) | {"uebernehmen": ["1"]})
    assert taken.status_code == 200 and "Der Prüflauf hat keine Fehler gefunden" in taken.text, taken.text[-3000:]
    values = form_of(taken.text)
    assert values["/id"] == [package] and values["/name"] == ["Aus eigener hub.yaml"]
    assert 'id="manifest-ersetzt"' not in taken.text  # the file's values are the form's now; the file itself is gone
    listed = [td.text_content() for td in lxml.html.fromstring(taken.text).xpath("//table[@class='package-file-list']/tbody/tr/td[1]")]
    assert listed.count("hub.yaml") == 1 and "konfiguration/termine.yaml" in listed
    assert head(hub) == before
