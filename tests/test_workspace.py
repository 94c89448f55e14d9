"""The workspace on a real ``hub serve``: sign-in, the adopter's journey in Chromium, sessions, CSRF, throttling, roles."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from hub.config import HubConfig
from hub.services import Services
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.server import Server, start_server

ORG, ORG_NAME = "stadt-musterhausen", "Stadt Musterhausen"
PACKAGE = "stadt-paderborn/online-terminvergabe"  # in the seed: versions 1.1.0 and 2.0.0
PASSWORDS = {
    "anna@musterhausen.example": "Fahrradkette-Rathaus-42",  # adopter: the browser journey
    "carl@musterhausen.example": "Laubbläser-im-Herbst-7",  # adopter: CSRF and sign-out over HTTP
    "dora@musterhausen.example": "Kaffeemaschine-Amt-2026",  # adopter: failed sign-ins (gets locked)
    "bernd@musterhausen.example": "Wasserzähler-Ablesung-9",  # publisher only
}
WRONG = "E-Mail-Adresse oder Passwort ist falsch."


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Server:
    server = start_server(tmp_path_factory.mktemp("workspace"))
    try:
        server.register(ORG, ORG_NAME)
        with Services.attach(HubConfig(data_dir=server.data)) as services:
            for email, password in PASSWORDS.items():
                roles = ["publisher"] if email.startswith("bernd") else ["adopter"]
                accounts.create(services, email, ORG, roles, password)
        yield server
    finally:
        server.stop()


def signed_in(hub: Server, email: str) -> httpx.Client:
    return workspace.signed_in(hub, email, PASSWORDS[email])


def head(hub: Server) -> str:
    return git(hub, "rev-parse", "HEAD").strip()


def git(hub: Server, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(hub.data / "catalog.git"), *args], capture_output=True, text=True, check=True).stdout


def serious_violations(page) -> list:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]


def test_adopter_signs_in_records_an_adoption_and_sees_it_in_meine_nachnutzungen(hub):
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto(f"{hub.url}/pakete/{PACKAGE}/index.html")
            page.get_by_role("link", name="Nachnutzung erfassen").click()  # the package page's relative link
            page.wait_for_url(re.compile(r"/anmelden\?weiter="))
            assert serious_violations(page) == []
            page.get_by_label("E-Mail-Adresse").fill("Anna@Musterhausen.example")
            page.get_by_label("Passwort").fill(PASSWORDS["anna@musterhausen.example"])
            page.get_by_role("button", name="Anmelden").click()
            page.wait_for_url(f"**/arbeitsbereich/nachnutzungen/{PACKAGE}*")
            assert page.get_by_role("heading", level=1).inner_text() == "Nachnutzung erfassen: Online-Terminvergabe Bürgerbüro"
            cookie = next(c for c in page.context.cookies() if c["name"] == "transferhub_sitzung")
            assert (cookie["httpOnly"], cookie["sameSite"], cookie["secure"]) == (True, "Lax", False)
            assert cookie["value"] not in page.url
            page.get_by_label("Stand").select_option(label="im Pilotbetrieb")
            page.get_by_label("Version").select_option("1.1.0")
            page.get_by_label("Notiz (freiwillig, öffentlich)").fill("Pilot im Bürgerbüro Nord")
            page.get_by_role("button", name="Speichern").click()
            page.wait_for_url("**/arbeitsbereich/nachnutzungen/?hinweis=erfasst*")
            assert page.get_by_role("status").inner_text() == "Die Nachnutzung ist gespeichert."
            section = page.locator(f"#{PACKAGE.replace('/', '--')}")
            text = section.inner_text()
            assert "im Pilotbetrieb seit" in text and "Version\n1.1.0" in text
            assert "ja: 2.0.0 (neueste: 2.0.0)" in text
            assert "Was sich seit Version 1.1.0 geändert hat (bis 2.0.0)" in text
            assert "Aufgabe „Bestätigungslink versenden“ (sendTask): neu" in text  # the semantic comparison, readable
            assert section.get_by_role("link", name="Vollständiger Vergleich 1.1.0 → 2.0.0 mit Diagramm").get_attribute("href") == (
                f"/pakete/{PACKAGE}/vergleich/1.1.0...2.0.0.html"
            )
            assert serious_violations(page) == []
            old_cookie = next(c for c in page.context.cookies() if c["name"] == "transferhub_sitzung")["value"]
            page.get_by_role("button", name="Abmelden").click()
            page.wait_for_url("**/anmelden?hinweis=abgemeldet")
            assert page.get_by_role("status").inner_text() == "Sie sind abgemeldet."
        finally:
            browser.close()
    # the commit: authored by the organisation, naming the person, through the same use case as API and CLI
    log = git(hub, "log", "-1", "--format=%an|%s%n%b")
    assert log.startswith(f"{ORG_NAME}|{ORG_NAME} nutzt {PACKAGE} 1.1.0 nach (pilot)")
    assert "Hub-Actor: stadt-musterhausen" in log and "Hub-Person: anna@musterhausen.example" in log
    api = httpx.get(f"{hub.url}/api/v1/adoptions", params={"package": PACKAGE}).json()
    mine = [a for a in (api["items"] if isinstance(api, dict) else api) if a["adopter"] == ORG]
    assert [(a["status"], a["version"], a["note"]) for a in mine] == [("pilot", "1.1.0", "Pilot im Bürgerbüro Nord")]
    # signed out: the old cookie no longer opens the workspace
    stale = httpx.get(f"{hub.url}/arbeitsbereich/", cookies={"transferhub_sitzung": old_cookie})
    assert stale.status_code == 303 and stale.headers["location"].startswith("/anmelden")


def test_a_form_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(hub):
    client = signed_in(hub, "carl@musterhausen.example")
    other = signed_in(hub, "anna@musterhausen.example")
    form = client.get(f"/arbeitsbereich/nachnutzungen/{PACKAGE}/")
    assert form.status_code == 200
    before = head(hub)
    entry = {"status": "planned", "version": "2.0.0", "date": "", "note": "ohne Token"}
    for token in (None, workspace.csrf_of(other.get("/arbeitsbereich/").text), "erfunden"):
        sent = entry if token is None else {**entry, "csrf": token}
        refused = client.post(f"/arbeitsbereich/nachnutzungen/{PACKAGE}/", data=sent)
        assert refused.status_code == 403
        assert "<h1>Formular nicht angenommen</h1>" in refused.text and "es wurde nichts geändert" in refused.text
        assert refused.headers["content-type"].startswith("text/html")
    assert head(hub) == before
    # signing out needs the token too: a forged sign-out is refused and the session lives on
    assert client.post("/abmelden", data={"csrf": "erfunden"}).status_code == 403
    assert client.get("/arbeitsbereich/").status_code == 200
    # and with it the session ends on the server: the old cookie is worth nothing afterwards
    old = client.cookies["transferhub_sitzung"]
    out = client.post("/abmelden", data={"csrf": workspace.csrf_of(form.text)})
    assert out.status_code == 303 and old not in out.headers["location"]
    stale = httpx.get(f"{hub.url}/arbeitsbereich/nachnutzungen/", cookies={"transferhub_sitzung": old})
    assert stale.status_code == 303 and stale.headers["location"] == "/anmelden?weiter=/arbeitsbereich/nachnutzungen"
    forged = httpx.post(
        f"{hub.url}/arbeitsbereich/nachnutzungen/{PACKAGE}/",
        data=entry | {"csrf": workspace.csrf_of(form.text)},
        cookies={"transferhub_sitzung": old},
    )
    assert forged.status_code == 401 and "Bitte anmelden" in forged.text
    assert head(hub) == before


def test_wrong_password_and_unknown_account_get_the_same_answer_and_repeated_failures_are_slowed(hub):
    client = httpx.Client(base_url=hub.url)
    token = workspace.csrf_of(client.get("/anmelden").text)
    answers = []
    for email, password in [
        ("niemand@musterhausen.example", PASSWORDS["dora@musterhausen.example"]),
        *[("dora@musterhausen.example", f"falsch-{n}-falsch-falsch") for n in range(4)],
    ]:
        answer = client.post("/anmelden", data={"csrf": token, "email": email, "passwort": password})
        answers.append((answer.status_code, re.search(r'role="alert"><p><strong>([^<]+)</strong></p><p>([^<]+)</p>', answer.text).groups()))
        assert "transferhub_sitzung" not in answer.headers.get("set-cookie", "")  # no new session for a failure
    assert set(answers) == {(401, ("Anmeldung fehlgeschlagen", WRONG))}
    # four failures for dora: now even the right password waits
    locked = client.post(
        "/anmelden", data={"csrf": token, "email": "dora@musterhausen.example", "passwort": PASSWORDS["dora@musterhausen.example"]}
    )
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert "Zu viele fehlgeschlagene Anmeldungen" in locked.text


def test_a_person_without_the_adopter_role_is_refused_in_german(hub):
    client = signed_in(hub, "bernd@musterhausen.example")
    assert client.get("/arbeitsbereich/").status_code == 200
    before = head(hub)
    page = client.get("/arbeitsbereich/nachnutzungen/")
    assert page.status_code == 403
    assert "<h1>Keine Berechtigung</h1>" in page.text and "Dafür ist die Rolle „Nachnutzen“ (adopter) nötig" in page.text
    token = workspace.csrf_of(client.get("/arbeitsbereich/").text)
    posted = client.post(f"/arbeitsbereich/nachnutzungen/{PACKAGE}/", data={"csrf": token, "status": "planned", "version": "2.0.0"})
    assert posted.status_code == 403 and head(hub) == before


def test_passwords_and_session_ids_are_stored_only_as_hashes(hub):
    client = signed_in(hub, "carl@musterhausen.example")
    session_id = client.cookies["transferhub_sitzung"]
    stored = b"".join(p.read_bytes() for p in Path(hub.data).glob("accounts.sqlite*"))
    for password in PASSWORDS.values():
        assert password.encode() not in stored
    assert session_id.encode() not in stored
    with sqlite3.connect(hub.data / "accounts.sqlite") as db:
        hashes = [row[0] for row in db.execute("SELECT hash FROM accounts")]
    assert len(hashes) == len(PASSWORDS) and all(h.startswith("$argon2id$") for h in hashes)


def test_the_session_cookie_is_secure_when_the_hubs_public_address_is_https(tmp_path):
    server = start_server(tmp_path, env={"HUB_BASE_URL": "https://hub.musterhausen.example"})
    try:
        cookie = httpx.get(f"{server.url}/anmelden").headers["set-cookie"]
    finally:
        server.stop()
    assert cookie.startswith("__Host-transferhub_sitzung=")
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")[1:]}
    assert set(attributes) == {"httponly", "path", "samesite", "secure"}
    assert attributes["samesite"].lower() == "samesite=lax" and attributes["path"] == "Path=/"


def test_signing_in_starts_a_fresh_session_and_needs_the_forms_token(hub):
    client = httpx.Client(base_url=hub.url)
    form = client.get("/anmelden")
    before = client.cookies["transferhub_sitzung"]
    email = "carl@musterhausen.example"
    # a sign-in posted without the form's session or token is refused (no login CSRF)
    assert (
        httpx.post(
            f"{hub.url}/anmelden", data={"csrf": workspace.csrf_of(form.text), "email": email, "passwort": PASSWORDS[email]}
        ).status_code
        == 403
    )
    assert client.post("/anmelden", data={"email": email, "passwort": PASSWORDS[email]}).status_code == 403
    answer = client.post("/anmelden", data={"csrf": workspace.csrf_of(form.text), "email": email, "passwort": PASSWORDS[email]})
    assert answer.status_code == 303 and answer.headers["location"] == "/arbeitsbereich/"
    after = client.cookies["transferhub_sitzung"]
    assert after != before
    assert httpx.get(f"{hub.url}/arbeitsbereich/", cookies={"transferhub_sitzung": before}).status_code == 303  # the old id is gone
    assert httpx.get(f"{hub.url}/arbeitsbereich/", cookies={"transferhub_sitzung": after}).status_code == 200
    # only a path on this hub is followed after sign-in
    assert client.get("/anmelden?weiter=https://boese.example/").headers["location"] == "/arbeitsbereich/"


def test_every_site_page_leads_to_the_workspace_and_it_asks_to_sign_in(hub):
    # a person finds the workspace from the navigation of any served page, not only from a package page
    for page in ("/", "/pakete/index.html", "/dashboard/index.html"):
        html = httpx.get(hub.url + page).text
        nav = html.split('<nav aria-label="Hauptnavigation">', 1)[1].split("</nav>", 1)[0]
        hrefs = re.findall(r'href="([^"]+)">Arbeitsbereich<', nav)
        assert len(hrefs) == 1, page
        target = httpx.get(urljoin(hub.url + page, hrefs[0]), follow_redirects=True)
        assert target.status_code == 200 and "/anmelden" in str(target.url)
        assert "Anmelden" in target.text
