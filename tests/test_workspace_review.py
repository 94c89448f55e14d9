"""The reviewer's workspace on a real ``hub serve``: the queue, the review form with every criterion, the history; in Chromium and over HTTP."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import sync_playwright

from hub.config import HubConfig
from hub.maturity import maturity
from hub.model import Review, ReviewEntry
from hub.services import Services
from hub.store.records import actor_for, put_record
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.server import Server, start_server
from tests.test_workspace import git, head, serious_violations

ORG, ORG_NAME = "land-nrw-ministerium", "Landesministerium NRW – Programm Digitale Modellregionen"  # in the seed
PACKAGE = "stadt-delbrueck/hundesteuer-anmeldung"  # in the seed, never reviewed; latest version 1.1.0
OTHER = "stadt-delbrueck/lorawan-netz"  # never reviewed either: for the refusals
MOVED = "stadt-delbrueck/fuehrungszeugnis-beantragen"  # the fixture records a review made at another computed level
REVIEWED = "stadt-paderborn/online-terminvergabe"  # 2.0.0 reviewed in the seed
PASSWORDS = {
    "rita@ministerium.example": "Gutachten-Stempel-Akte-31",  # reviewer: the browser journey
    "sven@ministerium.example": "Prüfbericht-Ordner-Nord-8",  # reviewer: refusals over HTTP
    "otto@ministerium.example": "Heftklammer-Locher-Amt-5",  # adopter only
}
RATIONALE = "Alle Kriterien der Stufe geprüft; Belege im Paket nachvollziehbar, Betrieb in Delbrück bestätigt."


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Server:
    server = start_server(tmp_path_factory.mktemp("workspace-review"))
    try:
        with Services.attach(HubConfig(data_dir=server.data)) as services:
            for email, password in PASSWORDS.items():
                accounts.create(services, email, ORG, ["adopter"] if email.startswith("otto") else ["reviewer"], password)
            # a review written (as an import would) when the package's computed level was another one than today
            now = maturity(services.catalog, MOVED)
            then = now.computed_level + 1 if now.computed_level < 4 else now.computed_level - 1
            entry = ReviewEntry(
                reviewer=ORG, reviewer_name=ORG_NAME, date="2026-01-05", level=then, computed_level=then, rationale=RATIONALE
            )
            record = Review(package=MOVED, version=now.version, reviews=[entry])
            put_record(services.catalog, actor_for(services.catalog, ORG), record, message=f"Begutachtung {MOVED} (Test)")
            written = str(services.catalog.head().id)
        # written beside the running hub: the tests read its queue only once its index has followed
        deadline = time.monotonic() + 30
        while httpx.get(f"{server.url}/api/v1/health").json().get("index_commit") != written:
            assert time.monotonic() < deadline, "the running hub did not follow the review's commit within 30 s"
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


def signed_in(hub: Server, email: str) -> httpx.Client:
    return workspace.signed_in(hub, email, PASSWORDS[email])


def queued(client: httpx.Client) -> set[str]:
    page = client.get("/arbeitsbereich/pruefung/")
    assert page.status_code == 200
    return set(re.findall(r'<a href="/arbeitsbereich/pruefung/([^"]+)/">', page.text))


def test_a_reviewer_reviews_a_package_from_the_queue_and_sees_it_in_the_history(hub):
    maturity = httpx.get(f"{hub.url}/api/v1/packages/{PACKAGE}/maturity").json()  # what the API shows of the same version
    assert maturity["reviewed"] is False
    level, computed = maturity["computed_level"], f"{maturity['computed_level']} ({maturity['computed_name']})"
    before = head(hub)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "rita@ministerium.example", PASSWORDS["rita@ministerium.example"])
            page.get_by_role("link", name="Zu begutachten").click()
            page.wait_for_url("**/arbeitsbereich/pruefung/")
            row = page.locator(f"#{PACKAGE.replace('/', '--')}")
            cells = row.locator("th, td").all_inner_texts()
            assert cells == ["Hundesteuer online anmelden", "Stadt Delbrück", "1.1.0", computed, "keine", "noch nie begutachtet"]
            assert (
                page.locator(f"#{REVIEWED.replace('/', '--')}").count() == 0
                or "berechneter Reifegrad seit" in page.locator(f"#{REVIEWED.replace('/', '--')}").inner_text()
            )  # reviewed at its computed level: only back in the queue if that level moved since
            assert serious_violations(page) == []
            row.get_by_role("link", name="Hundesteuer online anmelden").click()
            page.wait_for_url(f"**/arbeitsbereich/pruefung/{PACKAGE}/")
            assert page.get_by_role("heading", level=1).inner_text() == "Begutachten: Hundesteuer online anmelden"
            # every criterion with its evidence, exactly as the API (and the package page) evaluate it
            rows = page.locator("table.criteria tbody tr")
            shown = [rows.nth(i).locator("th, td").all_inner_texts() for i in range(rows.count())]
            assert shown == [[str(c["level"]), c["label"], "ja" if c["met"] else "nein", c["evidence"]] for c in maturity["criteria"]]
            assert page.get_by_label("Bestätigter Reifegrad").input_value() == str(level)  # the computed level is proposed
            assert page.get_by_text("Dieses Paket wurde noch nie begutachtet.").is_visible()
            assert serious_violations(page) == []
            page.get_by_label("Bestätigter Reifegrad").select_option(str(max(level - 1, 0)))
            page.get_by_label(re.compile("^Begründung")).fill(f"  {RATIONALE}  ")
            page.get_by_role("button", name="Begutachtung speichern").click()
            page.wait_for_url(f"**/arbeitsbereich/pruefung/{PACKAGE}/?hinweis=begutachtet*")
            assert page.get_by_role("status").inner_text() == "Die Begutachtung ist gespeichert."
            history = page.locator("#verlauf li").all_inner_texts()
            assert len(history) == 1
            assert history[0].startswith(f"{git(hub, 'log', '-1', '--format=%ad', '--date=short').strip()}: Reifegrad {max(level - 1, 0)}")
            assert f"für Version 1.1.0, begutachtet von {ORG_NAME} (berechnet: {level})" in history[0] and RATIONALE in history[0]
            page.get_by_role("link", name="Zu begutachten").click()
            page.wait_for_url("**/arbeitsbereich/pruefung/")
            assert page.locator(f"#{PACKAGE.replace('/', '--')}").count() == 0  # reviewed at its computed level: out of the queue
        finally:
            browser.close()
    # one commit, authored by the organisation, naming the person, written by the use case of API and CLI
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    log = git(hub, "log", "-1", "--format=%an|%s%n%b")
    assert log.startswith(f"{ORG_NAME}|Begutachtung {PACKAGE} 1.1.0: Reifegrad {max(level - 1, 0)}")
    assert "Hub-Action: review" in log and f"Hub-Actor: {ORG}" in log and "Hub-Person: rita@ministerium.example" in log
    api = httpx.get(f"{hub.url}/api/v1/packages/{PACKAGE}/maturity").json()
    assert (api["reviewed"], api["level"], api["review"]["rationale"]) == (True, max(level - 1, 0), RATIONALE)


def test_a_too_short_rationale_is_refused_in_german_and_nothing_changes(hub):
    client = signed_in(hub, "sven@ministerium.example")
    form = client.get(f"/arbeitsbereich/pruefung/{OTHER}/")
    assert form.status_code == 200
    before = head(hub)
    refused = client.post(
        f"/arbeitsbereich/pruefung/{OTHER}/",
        data={"csrf": workspace.csrf_of(form.text), "version": "1.0.0", "level": "1", "rationale": " zu kurz "},
    )
    assert refused.status_code == 400
    assert "Die Begründung braucht mindestens 20 Zeichen (ohne Leerraum am Anfang und Ende); sie hat 7." in refused.text
    assert "<h1>Begutachten: LoRaWAN-Netz der Stadt Delbrück</h1>" in refused.text and "> zu kurz </textarea>" in refused.text
    assert '<option value="1" selected>' in refused.text  # what was entered stays
    unknown = client.post(
        f"/arbeitsbereich/pruefung/{OTHER}/",
        data={"csrf": workspace.csrf_of(form.text), "version": "1.0.0", "level": "7", "rationale": RATIONALE},
    )
    assert unknown.status_code == 400 and "Den Reifegrad 7 gibt es nicht; möglich sind 0 bis 4." in unknown.text
    garbled = client.post(
        f"/arbeitsbereich/pruefung/{OTHER}/",
        data={"csrf": workspace.csrf_of(form.text), "version": "1.0.0", "level": "vier", "rationale": RATIONALE},
    )
    assert garbled.status_code == 400 and "Bitte einen Reifegrad von 0 bis 4 wählen." in garbled.text
    assert head(hub) == before and OTHER in queued(client)
    missing = client.get("/arbeitsbereich/pruefung/stadt-delbrueck/gibt-es-nicht/")
    assert missing.status_code == 404 and "<h1>Paket nicht gefunden</h1>" in missing.text


def test_a_review_form_posted_without_or_with_a_wrong_csrf_token_is_refused(hub):
    client = signed_in(hub, "sven@ministerium.example")
    other = signed_in(hub, "rita@ministerium.example")
    before = head(hub)
    review = {"version": "1.0.0", "level": "1", "rationale": RATIONALE}
    for token in (None, workspace.csrf_of(other.get("/arbeitsbereich/").text), "erfunden"):
        refused = client.post(f"/arbeitsbereich/pruefung/{OTHER}/", data=review if token is None else {**review, "csrf": token})
        assert refused.status_code == 403
        assert "<h1>Formular nicht angenommen</h1>" in refused.text and "es wurde nichts geändert" in refused.text
    assert head(hub) == before and OTHER in queued(client)


def test_a_person_without_the_reviewer_role_is_refused_in_german(hub):
    client = signed_in(hub, "otto@ministerium.example")
    start = client.get("/arbeitsbereich/")
    assert start.status_code == 200 and "/arbeitsbereich/pruefung/" not in start.text
    before = head(hub)
    for path in ("/arbeitsbereich/pruefung/", f"/arbeitsbereich/pruefung/{OTHER}/"):
        page = client.get(path)
        assert page.status_code == 403
        assert "<h1>Keine Berechtigung</h1>" in page.text and "Dafür ist die Rolle „Begutachten“ (reviewer) nötig" in page.text
    posted = client.post(
        f"/arbeitsbereich/pruefung/{OTHER}/",
        data={"csrf": workspace.csrf_of(start.text), "version": "1.0.0", "level": "1", "rationale": RATIONALE},
    )
    assert posted.status_code == 403 and head(hub) == before
    # not signed in at all: to the sign-in form, and back afterwards
    anonymous = httpx.get(f"{hub.url}/arbeitsbereich/pruefung/")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/anmelden?weiter=/arbeitsbereich/pruefung"


def test_a_package_whose_computed_level_moved_since_its_last_review_is_back_in_the_queue(hub):
    client = signed_in(hub, "sven@ministerium.example")
    now = httpx.get(f"{hub.url}/api/v1/packages/{MOVED}/maturity").json()
    then = now["computed_level"] + 1 if now["computed_level"] < 4 else now["computed_level"] - 1
    page = client.get("/arbeitsbereich/pruefung/").text
    row = re.search(rf'<tr id="{MOVED.replace("/", "--")}">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
    direction = "gestiegen" if now["computed_level"] > then else "gesunken"
    assert cells[3:] == [
        f"{now['computed_level']} ({now['computed_name']})",
        f"Reifegrad {then} am 2026-01-05 (Version {now['version']})",
        f"berechneter Reifegrad seit der letzten Begutachtung (Version {now['version']}) von {then} auf {now['computed_level']} {direction}",
    ]
    # the never reviewed come first; a package reviewed at its computed level is not listed
    never = [">keine</td>" in r for r in re.findall(r'<tr id="[^"]+">(.*?)</tr>', page, re.S)]
    assert never == sorted(never, reverse=True) and never.count(True) >= 2
    form = client.get(f"/arbeitsbereich/pruefung/{MOVED}/").text
    assert f"Reifegrad {then} für Version {now['version']}, begutachtet von {ORG_NAME} (berechnet: {then})" in form


def test_the_package_pages_begutachten_link_leads_through_sign_in_to_its_review_form(hub):
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto(f"{hub.url}/pakete/{OTHER}/index.html")
            reifegrad = page.locator("#reifegrad")
            link = reifegrad.get_by_role("link", name="Begutachten", exact=True)
            assert link.get_attribute("href") == f"../../../arbeitsbereich/pruefung/{OTHER}/"  # relative, like every link of the site
            assert serious_violations(page) == []
            link.click()
            page.wait_for_url(re.compile(r"/anmelden\?weiter="))
            page.get_by_label("E-Mail-Adresse").fill("sven@ministerium.example")
            page.get_by_label("Passwort").fill(PASSWORDS["sven@ministerium.example"])
            page.get_by_role("button", name="Anmelden").click()
            page.wait_for_url(re.compile(rf"/arbeitsbereich/pruefung/{OTHER}/?$"))
            assert page.get_by_role("heading", level=1).inner_text().startswith("Begutachten: ")
            assert page.get_by_role("button", name="Begutachtung speichern").is_visible()
            # signed in already: straight to the form
            page.goto(f"{hub.url}/pakete/{PACKAGE}/index.html")
            page.locator("#reifegrad").get_by_role("link", name="Begutachten", exact=True).click()
            page.wait_for_url(f"**/arbeitsbereich/pruefung/{PACKAGE}/")
            assert page.get_by_role("heading", level=1).inner_text() == "Begutachten: Hundesteuer online anmelden"
        finally:
            browser.close()
    # someone without the reviewer role who follows it is told which role it takes
    client = signed_in(hub, "otto@ministerium.example")
    followed = client.get(f"/arbeitsbereich/pruefung/{OTHER}/")
    assert followed.status_code == 403 and "Dafür ist die Rolle „Begutachten“ (reviewer) nötig" in followed.text


def test_a_reviewer_may_choose_an_older_version_and_the_review_is_written_for_it(hub):
    older = "stadt-bielefeld/gewerbeabmeldung"  # in the seed: 1.0.0 and 1.1.0, never reviewed
    client = signed_in(hub, "sven@ministerium.example")
    latest = client.get(f"/arbeitsbereich/pruefung/{older}/")
    assert 'name="version" value="1.1.0"' in latest.text and "<option selected>1.1.0</option><option>1.0.0</option>" in latest.text
    form = client.get(f"/arbeitsbereich/pruefung/{older}/", params={"version": "1.0.0"})
    assert form.status_code == 200 and "<h2>Begutachtung von Version 1.0.0</h2>" in form.text
    assert "Gezeigt wird die ältere Version 1.0.0; die neueste ist 1.1.0." in form.text
    level = httpx.get(f"{hub.url}/api/v1/packages/{older}/versions/1.0.0/maturity").json()["computed_level"]
    before = head(hub)
    saved = client.post(
        f"/arbeitsbereich/pruefung/{older}/",
        data={"csrf": workspace.csrf_of(form.text), "version": "1.0.0", "level": str(level), "rationale": RATIONALE},
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith(f"/arbeitsbereich/pruefung/{older}/?hinweis=begutachtet")
    assert git(hub, "log", "-1", "--format=%s").startswith(f"Begutachtung {older} 1.0.0: Reifegrad {level}")
    assert git(hub, "rev-list", "--count", f"{before}..HEAD").strip() == "1"
    unknown = client.get(f"/arbeitsbereich/pruefung/{older}/", params={"version": "9.9.9"})
    assert unknown.status_code == 404


def test_the_queue_pages_and_refuses_a_page_that_is_no_number(hub):
    client = signed_in(hub, "sven@ministerium.example")
    queue = client.get("/arbeitsbereich/pruefung/")
    total = int(re.search(r"<caption>(\d+) Pakete? zu begutachten", queue.text).group(1))
    assert 0 < total <= 50 and "Seite 1 von" not in queue.text  # one page: no page links
    beyond = client.get("/arbeitsbereich/pruefung/", params={"seite": "2"})
    assert beyond.status_code == 200 and "Diese Seite der Liste ist leer" in beyond.text
    bad = client.get("/arbeitsbereich/pruefung/", params={"seite": "zwei"})
    assert bad.status_code == 400 and "Die Seite der Liste ist eine Zahl ab 1." in bad.text
