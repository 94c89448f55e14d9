"""The publisher's workspace on a real ``hub serve``: upload, dry run with every problem in its file, publish, "Meine Pakete"."""

from __future__ import annotations

import re
import subprocess

import httpx
import pytest
import yaml
from playwright.sync_api import sync_playwright

from hub.config import HubConfig
from hub.services import Services
from hub.sessions import KEEP_UPLOADS, SessionStore
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.factory import archive, package_files, write_files
from tests.server import Server, start_server
from tests.test_federation import source_repo
from tests.test_workspace import serious_violations

ORG, ORG_NAME = "stadt-paderborn", "Stadt Paderborn"  # a publisher of the seed catalogue
NEW = f"{ORG}/arbeitsbereich-probe"
ADOPTED = f"{ORG}/online-terminvergabe"  # in the seed, adopted by Soest, Gelsenkirchen, Aachen, …
PASSWORDS = {
    "paula@paderborn.example": "Stadtbibliothek-Ausweis-31",  # publisher: the browser journey
    "peter@paderborn.example": "Straßenlaterne-defekt-88",  # publisher: refusals over HTTP
    "anna@musterhausen.example": "Fahrradkette-Rathaus-42",  # adopter only
}
# a script in a package file: the dry run must show it as text, never run it
SCRIPT = "<script>document.title='ausgefuehrt'</script>"
INVALID = package_files(
    NEW,
    license="KEINE-LIZENZ",
    files={
        "konfiguration/termine.yaml": f"# Termine {SCRIPT}\ndauer_minuten: lang\n",
        "formulare/antrag.schema.json": '{\n  "type": "object",\n  "properties": {\n    "name": {"type": 5}\n  }\n}\n',
    },
)


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Server:
    server = start_server(tmp_path_factory.mktemp("workspace-publish"))
    try:
        server.register("stadt-musterhausen", "Stadt Musterhausen")
        with Services.attach(HubConfig(data_dir=server.data)) as services:
            for email, password in PASSWORDS.items():
                org, roles = ("stadt-musterhausen", ["adopter"]) if email.startswith("anna") else (ORG, ["publisher"])
                accounts.create(services, email, org, roles, password)
        # a harvest source of Paderborn's with a version the hub refuses: feedback for "Meine Pakete"
        source = source_repo(
            tmp_path_factory.mktemp("quelle") / "repo", {"kaputt": package_files(f"{ORG}/geerntet-kaputt", license="NOPE")}
        )
        admin = {"Authorization": f"Bearer {server.token('stadt-musterhausen', 'admin')}"}
        sources = yaml.safe_dump({"sources": [{"name": "paderborn-git", "url": str(source), "publisher": ORG}]})
        assert httpx.put(f"{server.url}/api/v1/sources", content=sources, headers=admin).status_code == 200
        assert httpx.post(f"{server.url}/api/v1/harvest", headers=admin, timeout=120).status_code == 200
        yield server
    finally:
        server.stop()


def signed_in(hub: Server, email: str) -> httpx.Client:
    return workspace.signed_in(hub, email, PASSWORDS[email])


def git(hub: Server, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(hub.data / "catalog.git"), *args], capture_output=True, text=True, check=True).stdout


def head(hub: Server) -> str:
    return git(hub, "rev-parse", "HEAD").strip()


def upload(client: httpx.Client, data: bytes, name: str = "paket.zip", **fields: str) -> httpx.Response:
    token = workspace.csrf_of(client.get("/arbeitsbereich/veroeffentlichen/").text)
    return client.post("/arbeitsbereich/veroeffentlichen/", data={"csrf": token, **fields}, files={"archive": (name, data)})


def marked(section) -> list[tuple[str, str, str]]:
    """The marked lines of a file view: (line number, the line's text, the problems named there)."""
    return [
        (row.locator("td.line-number").inner_text(), row.locator("pre").inner_text(), row.locator("td").nth(2).inner_text())
        for row in section.locator("tr.marked").all()
    ]


def test_publisher_sees_every_problem_in_its_file_then_publishes_a_clean_package_and_finds_it_in_meine_pakete(hub, tmp_path):
    before = head(hub)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "paula@paderborn.example", PASSWORDS["paula@paderborn.example"])
            page.get_by_role("link", name="Paket veröffentlichen").click()
            page.wait_for_url("**/arbeitsbereich/veroeffentlichen/")
            page.get_by_label("Archiv des Paketordners (ZIP oder tar.gz)").set_input_files(
                files=[
                    {
                        "name": "probe.tar.gz",
                        "mimeType": "application/gzip",
                        "buffer": archive(INVALID, "tar.gz", folder="arbeitsbereich-probe"),
                    }
                ]
            )
            with page.expect_navigation():
                page.get_by_role("button", name="Prüfen", exact=True).click()
            assert "6 Fehler gefunden" in page.locator("#ergebnis").inner_text()
            assert page.get_by_role("button", name="Veröffentlichen").count() == 0
            # every problem listed: code, file, place, German sentence
            rows = [r.inner_text().split("\t") for r in page.locator("table.dry-run tbody tr").all()]
            assert [(r[2], r[3], r[4]) for r in rows] == [
                ("manifest-license-unknown", "hub.yaml", "Zeile 18, /license"),
                ("form-dialect", "formulare/antrag.schema.json", "Zeile 1, /$schema"),
                ("form-metaschema", "formulare/antrag.schema.json", "Zeile 4, /properties/name/type"),
                ("form-title-missing", "formulare/antrag.schema.json", "Zeile 1, /title"),
                ("form-title-missing", "formulare/antrag.schema.json", "Zeile 4, /properties/name"),
                ("config-invalid", "konfiguration/termine.yaml", "Zeile 2, /dauer_minuten"),
            ]
            assert rows[5][5] == "Erwartet wird eine ganze Zahl, gefunden wurde ein Text."
            # each marked at its line inside the file's text
            config = page.locator("section.file-view", has=page.get_by_role("heading", name="konfiguration/termine.yaml"))
            assert marked(config) == [("2", "dauer_minuten: lang", "Problem 6")]
            form = page.locator("section.file-view", has=page.get_by_role("heading", name="formulare/antrag.schema.json"))
            assert marked(form) == [("1", "{", "Problem 2 Problem 4"), ("4", '    "name": {"type": 5}', "Problem 3 Problem 5")]
            manifest = page.locator("section.file-view", has=page.get_by_role("heading", name="hub.yaml"))
            assert marked(manifest) == [("18", "license: KEINE-LIZENZ", "Problem 1")]
            # the script in the package is text on the page, not an element, and never ran
            assert config.locator("tr", has_text="# Termine").locator("pre").inner_text() == f"# Termine {SCRIPT}"
            assert page.locator("section.file-view script").count() == 0
            assert page.title() != "ausgefuehrt"
            assert head(hub) == before  # a dry run changes nothing
            assert serious_violations(page) == []

            # the clean package: dry run, then publish exactly those bytes
            page.goto(f"{hub.url}/arbeitsbereich/veroeffentlichen/")
            folder = tmp_path / "arbeitsbereich-probe"
            write_files(folder, package_files(NEW))
            page.get_by_label("Paketordner", exact=True).set_input_files(folder)  # the folder itself, no archive
            with page.expect_navigation():
                page.get_by_role("button", name="Ordner prüfen").click()
            assert page.locator("#ergebnis").inner_text().startswith("Der Prüflauf hat keine Fehler gefunden.")
            page.get_by_role("button", name="Veröffentlichen").click()
            page.wait_for_url("**/arbeitsbereich/pakete/?hinweis=veroeffentlicht*")
            assert page.get_by_role("status").inner_text() == "Die neue Version ist veröffentlicht."
            assert serious_violations(page) == []
            mine = page.locator(f"#{NEW.replace('/', '--')}")
            assert "Versionen\n1.0.0 (veröffentlicht " in mine.inner_text()
            assert "Noch keine Nachnutzung erfasst." in mine.inner_text()
            assert mine.get_by_role("link", name="Testpaket für Anträge", exact=True).get_attribute("href") == f"/pakete/{NEW}/index.html"
            # Meine Pakete: the seed package with its adoptions (who, status, version) and its computed level
            adopted = page.locator(f"#{ADOPTED.replace('/', '--')}")
            text = adopted.inner_text()
            assert re.search(r"Berechneter Reifegrad\nStufe \d: \S", text)
            assert re.search(r"Nachnutzungen \((\d+)\)", text).group(1) == str(adopted.locator("table.adoptions tbody tr").count())
            assert re.search(r"Stadt Soest\t(geplant|im Pilotbetrieb|in Produktion|beendet)\t\d+\.\d+\.\d+\t", text)
            assert page.locator("section.my-package h2 a").all_inner_texts()  # every package links to its page
            # the harvest's feedback: the refused version with its problems
            refused = page.locator("section.feedback .refused").inner_text()
            assert refused.startswith(f"{ORG}/geerntet-kaputt 1.0.0 aus der Quelle „paderborn-git“, Ordner kaputt, abgelehnt seit ")
            assert "manifest-license-unknown in hub.yaml:18 /license: „NOPE“ ist keine bekannte SPDX-Lizenzkennung" in refused
            assert all(
                not a.startswith(("Stadt Delbrück",))
                for a in page.locator("section.my-package h2").all_inner_texts()  # only Paderborn's own packages
            )
        finally:
            browser.close()
    # one commit, authored by the organisation, naming the person, through the publish use case
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    log = git(hub, "log", "-1", "--format=%an|%s%n%b")
    assert log.startswith(f"{ORG_NAME}|{NEW} 1.0.0 veröffentlicht")
    assert "Hub-Action: publish" in log and "Hub-Person: paula@paderborn.example" in log
    assert git(hub, "show", f"HEAD:packages/{NEW}/konfiguration/termine.yaml") == "dauer_minuten: 15\n"
    assert httpx.get(f"{hub.url}/api/v1/packages/{NEW}").json()["manifest"]["version"] == "1.0.0"
    assert httpx.get(f"{hub.url}/pakete/{NEW}/index.html").status_code == 200


def test_another_organisations_package_is_refused_in_german_and_nothing_changes(hub):
    client = signed_in(hub, "peter@paderborn.example")
    before = head(hub)
    other = package_files("stadt-delbrueck/fremdes-paket")
    answer = upload(client, archive(other))
    assert answer.status_code == 200
    assert "Nicht Ihr Paket" in answer.text
    assert "Das Paket gehört laut hub.yaml zu „stadt-delbrueck“; Ihr Konto darf nur für „stadt-paderborn“ veröffentlichen." in answer.text
    assert 'action="/arbeitsbereich/veroeffentlichen/' not in answer.text.split("<h1>", 1)[1]  # no publish form
    # a made-up upload id publishes nothing either
    token = workspace.csrf_of(answer.text)
    guessed = client.post("/arbeitsbereich/veroeffentlichen/erfunden", data={"csrf": token})
    assert guessed.status_code == 404 and "Der geprüfte Upload ist nicht mehr vorhanden" in guessed.text
    assert head(hub) == before


def test_the_publish_needs_the_forms_token_and_commits_only_the_checked_bytes_once(hub):
    client = signed_in(hub, "peter@paderborn.example")
    other = signed_in(hub, "paula@paderborn.example")
    before = head(hub)
    # an upload without the token is not even checked
    refused = client.post("/arbeitsbereich/veroeffentlichen/", files={"archive": ("p.zip", archive(package_files(f"{ORG}/ohne-token")))})
    assert refused.status_code == 403 and "<h1>Formular nicht angenommen</h1>" in refused.text
    checked = upload(client, archive(package_files(f"{ORG}/token-probe")))
    upload_id = re.search(r'action="/arbeitsbereich/veroeffentlichen/([^"]+)"', checked.text).group(1)
    for token in (None, "erfunden", workspace.csrf_of(other.get("/arbeitsbereich/").text)):
        sent = {} if token is None else {"csrf": token}
        answer = client.post(f"/arbeitsbereich/veroeffentlichen/{upload_id}", data=sent)
        assert answer.status_code == 403 and "es wurde nichts geändert" in answer.text
    # another session (even of the same organisation) cannot publish this session's upload
    assert (
        other.post(
            f"/arbeitsbereich/veroeffentlichen/{upload_id}", data={"csrf": workspace.csrf_of(other.get("/arbeitsbereich/").text)}
        ).status_code
        == 404
    )
    assert head(hub) == before
    published = client.post(f"/arbeitsbereich/veroeffentlichen/{upload_id}", data={"csrf": workspace.csrf_of(checked.text)})
    assert published.status_code == 303 and published.headers["location"].startswith("/arbeitsbereich/pakete/?hinweis=veroeffentlicht")
    assert "Hub-Person: peter@paderborn.example" in git(hub, "log", "-1", "--format=%b")
    # the kept bytes are gone after the publish: a second click publishes nothing
    again = client.post(f"/arbeitsbereich/veroeffentlichen/{upload_id}", data={"csrf": workspace.csrf_of(checked.text)})
    assert again.status_code == 404
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"


def test_a_person_without_the_publisher_role_is_refused(hub):
    client = signed_in(hub, "anna@musterhausen.example")
    before = head(hub)
    start = client.get("/arbeitsbereich/")
    assert "Paket veröffentlichen" not in start.text and "Meine Pakete" not in start.text
    for path in ("/arbeitsbereich/veroeffentlichen/", "/arbeitsbereich/pakete/"):
        answer = client.get(path)
        assert answer.status_code == 403 and "Dafür ist die Rolle „Veröffentlichen“ (publisher) nötig" in answer.text
    posted = client.post(
        "/arbeitsbereich/veroeffentlichen/",
        data={"csrf": workspace.csrf_of(start.text)},
        files={"archive": ("p.zip", archive(package_files("stadt-musterhausen/paket")))},
    )
    assert posted.status_code == 403 and head(hub) == before


def test_a_broken_archive_is_one_problem_and_changes_nothing(hub):
    client = signed_in(hub, "peter@paderborn.example")
    before = head(hub)
    answer = upload(client, b"kein Archiv", name="kaputt.zip")
    assert answer.status_code == 200
    assert "archive-invalid" in answer.text and "Die Daten sind weder ein ZIP- noch ein tar.gz-Archiv." in answer.text
    assert head(hub) == before


def test_kept_uploads_belong_to_their_session_are_taken_once_and_expire(tmp_path):
    now = [1000.0]
    store = SessionStore(tmp_path / "accounts.sqlite", idle=3600, absolute=36000, clock=lambda: now[0])
    mine, other = store.start("paula@paderborn.example"), store.start("peter@paderborn.example")
    kept = store.keep_upload(mine.id, b"geprueft")
    assert store.take_upload(other.id, kept) is None  # another session's id publishes nothing
    assert store.take_upload(mine.id, kept) == b"geprueft"
    assert store.take_upload(mine.id, kept) is None  # taken once
    # at most KEEP_UPLOADS per session, the newest
    ids = []
    for n in range(KEEP_UPLOADS + 1):
        now[0] += 1
        ids.append(store.keep_upload(mine.id, f"archiv {n}".encode()))
    assert store.take_upload(mine.id, ids[0]) is None and store.take_upload(mine.id, ids[-1]) == f"archiv {KEEP_UPLOADS}".encode()
    # expired after UPLOAD_HOURS (here the idle time is shorter: an hour), and gone with the session
    late = store.keep_upload(mine.id, b"spaet")
    now[0] += 3601
    assert store.take_upload(mine.id, late) is None
    now[0] -= 3601
    ended = store.keep_upload(other.id, b"abgemeldet")
    store.end(other.id)
    assert store.take_upload(other.id, ended) is None


def test_a_folder_sent_file_by_file_is_checked_like_an_archive_and_a_path_leaving_it_is_a_problem(hub):
    client = signed_in(hub, "peter@paderborn.example")
    before = head(hub)
    token = workspace.csrf_of(client.get("/arbeitsbereich/veroeffentlichen/").text)
    parts = [("folder", (f"ordner-probe/{path}", data)) for path, data in package_files(f"{ORG}/ordner-probe").items()]
    answer = client.post(
        "/arbeitsbereich/veroeffentlichen/", data={"csrf": token}, files=[*parts, ("folder", ("ordner-probe/../../boese.txt", b"x"))]
    )
    assert answer.status_code == 200
    assert "Fehler gefunden" in answer.text and 'action="/arbeitsbereich/veroeffentlichen/' not in answer.text.split("<h1>", 1)[1]
    assert "<code>file-unsafe-path</code>" in answer.text and "würde das Paket verlassen" in answer.text
    clean = client.post("/arbeitsbereich/veroeffentlichen/", data={"csrf": token}, files=parts)
    assert "Der Prüflauf hat keine Fehler gefunden." in clean.text
    assert head(hub) == before


def drop_paths(page, selector: str, paths: list[str]) -> None:
    """Drop files or folders of the disk onto an element, as a person drags them from the file manager.

    Chromium's own drag input (DevTools ``Input.dispatchDragEvent``): the page gets real entries, so
    ``webkitGetAsEntry`` walks a dropped folder as it does for a person; a DataTransfer built in the page has none.
    """
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    data = {"items": [], "files": paths, "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        cdp.send("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})


def dry_run_shown(page) -> str:
    """The dry run as the person reads it: the page's main content."""
    return page.locator("main").inner_text()


def test_a_folder_dropped_on_the_drop_zone_gives_the_same_dry_run_as_the_folder_picker_and_an_archive_too(hub, tmp_path):
    folder = tmp_path / "arbeitsbereich-probe"
    write_files(folder, INVALID)
    tarball = tmp_path / "probe.tar.gz"
    tarball.write_bytes(archive(INVALID, "tar.gz", folder="arbeitsbereich-probe"))
    before = head(hub)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "paula@paderborn.example", PASSWORDS["paula@paderborn.example"])
            upload_page = f"{hub.url}/arbeitsbereich/veroeffentlichen/"
            page.goto(upload_page)
            page.get_by_label("Paketordner", exact=True).set_input_files(folder)
            with page.expect_navigation():
                page.get_by_role("button", name="Ordner prüfen").click()
            picked = dry_run_shown(page)
            assert "6 Fehler gefunden" in picked

            page.goto(upload_page)
            zone = page.get_by_role("button", name="Paketordner oder Archiv hierher ziehen")
            assert zone.is_visible()
            assert serious_violations(page) == []
            # from the keyboard: the zone takes the focus, Enter opens the folder choice, the chosen folder is checked at once
            page.evaluate("() => document.getElementById('ordner').addEventListener('click', () => { window.choosing = true; })")
            zone.focus()
            page.keyboard.press("Enter")
            assert page.evaluate("() => window.choosing === true")  # the folder input's choice was opened
            with page.expect_navigation():
                page.get_by_label("Paketordner", exact=True).set_input_files(folder)  # what the choice gives back
            assert dry_run_shown(page) == picked

            page.goto(upload_page)
            with page.expect_navigation():
                drop_paths(page, "#ablage", [str(folder)])
            assert dry_run_shown(page) == picked  # the same endpoint, the same files with their paths: the same page
            assert page.locator("table.dry-run tbody tr").count() == 6

            # an archive dropped goes the archive form's way
            page.goto(upload_page)
            with page.expect_navigation():
                drop_paths(page, "#ablage", [str(tarball)])
            assert "6 Fehler gefunden" in page.locator("#ergebnis").inner_text()
            assert page.locator("table.dry-run tbody tr").count() == 6

            # anything else is refused on the page, and nothing is sent
            page.goto(upload_page)
            drop_paths(page, "#ablage", [str(folder / "hub.yaml")])
            assert page.get_by_role("status").inner_text() == "Bitte genau einen Paketordner oder ein ZIP- oder tar.gz-Archiv ablegen."
            assert page.url == upload_page
        finally:
            browser.close()
    with sync_playwright() as p:  # without JavaScript: no drop zone, the two forms as before
        browser = launch(p)
        try:
            page = browser.new_page(java_script_enabled=False)
            workspace.sign_in_in_browser(page, hub, "paula@paderborn.example", PASSWORDS["paula@paderborn.example"])
            page.goto(f"{hub.url}/arbeitsbereich/veroeffentlichen/")
            assert not page.locator("#ablage").is_visible()
            page.get_by_label("Paketordner", exact=True).set_input_files(folder)
            with page.expect_navigation():
                page.get_by_role("button", name="Ordner prüfen").click()
            assert "6 Fehler gefunden" in page.locator("#ergebnis").inner_text()
        finally:
            browser.close()
    assert head(hub) == before  # dry runs only
