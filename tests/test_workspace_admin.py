"""The admin's workspace on a real ``hub serve``: API tokens, people and roles, organisations; over HTTP and in Chromium."""

from __future__ import annotations

import re
import sqlite3

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from hub.config import HubConfig
from hub.services import Services
from hub.usecases import accounts
from tests import workspace
from tests.browser import launch
from tests.served import silent_git_address, slow_and_example_sources
from tests.server import Server, start_server
from tests.test_workspace import git, head, serious_violations

ORG, ORG_NAME = "land-nrw-ministerium", "Landesministerium NRW – Programm Digitale Modellregionen"  # in the seed
ADOPTER = "stadt-delbrueck"  # in the seed: gets the tokens and accounts the admin hands out
PACKAGE = "stadt-paderborn/online-terminvergabe"  # in the seed: versions 1.1.0 and 2.0.0
PASSWORDS = {
    "ada@ministerium.example": "Verwaltung-Schlüssel-Bund-17",  # admin: the browser journey
    "max@ministerium.example": "Stempelkissen-Rot-Amt-23",  # admin: over HTTP
    "otto@ministerium.example": "Heftklammer-Locher-Amt-5",  # adopter only
    "paul@ministerium.example": "Radiergummi-Ordner-Amt-8",  # adopter: roles changed, reset, disabled and enabled again
    "rita@ministerium.example": "Kopierer-Papierstau-Amt-9",  # adopter: sets a new password through a link in Chromium
    "dora@delbrueck.example": "Kirchturm-Glocke-Delbrueck-2",  # admin of another organisation
    "olga@ministerium.example": "Betriebsrat-Serverraum-Amt-6",  # operator (Betrieb): harvests, registers organisations
}
ORGS = {"dora@delbrueck.example": ADOPTER}
ROLES = {
    "ada@ministerium.example": ["admin"],
    "max@ministerium.example": ["admin"],
    "dora@delbrueck.example": ["admin"],
    "olga@ministerium.example": ["operator"],
}
TOKENS = "/arbeitsbereich/verwaltung/tokens"
PEOPLE = "/arbeitsbereich/verwaltung/personen"
SOURCES = "/arbeitsbereich/betrieb/quellen"


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Server:
    server = start_server(tmp_path_factory.mktemp("workspace-admin"))
    try:
        with Services.attach(HubConfig(data_dir=server.data)) as services:
            for email, password in PASSWORDS.items():
                accounts.create(services, email, ORGS.get(email, ORG), ROLES.get(email, ["adopter"]), password)
        yield server
    finally:
        server.stop()


def signed_in(hub: Server, email: str) -> httpx.Client:
    return workspace.signed_in(hub, email, PASSWORDS[email])


def adopt(hub: Server, token: str, version: str) -> httpx.Response:
    """An authorised write through the API: the adopter's token records an adoption."""
    return httpx.post(
        f"{hub.url}/api/v1/adoptions",
        json={"package": PACKAGE, "version": version, "status": "planned"},
        headers={"authorization": f"Bearer {token}"},
    )


def token_rows(client: httpx.Client) -> dict[str, str]:
    page = client.get(TOKENS)
    assert page.status_code == 200
    return {m.group(1): m.group(2) for m in re.finditer(r'<tr id="token-(\d+)">(.*?)</tr>', page.text, re.S)}


def test_an_admin_creates_a_token_in_the_browser_sees_it_once_it_works_and_revoking_stops_it(hub):
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "dora@delbrueck.example", PASSWORDS["dora@delbrueck.example"])
            page.get_by_role("link", name="Verwaltung").click()
            page.get_by_role("link", name="API-Tokens").click()
            page.wait_for_url(f"**{TOKENS}")
            assert serious_violations(page) == []
            # an organisation's admin issues tokens for their own organisation, and no hub-wide admin token
            assert page.get_by_label("Organisation").locator("option").all_inner_texts()[1:] == ["Stadt Delbrück (stadt-delbrueck)"]
            assert "admin" not in page.get_by_label("Rolle").locator("option").evaluate_all("os => os.map(o => o.value)")
            page.get_by_label("Organisation").select_option(ADOPTER)
            page.get_by_label("Rolle").select_option("adopter")
            page.get_by_label(re.compile("^Notiz")).fill("Fachverfahren Bürgerbüro")
            page.get_by_role("button", name="Token ausstellen").click()
            page.wait_for_load_state()
            assert page.get_by_role("heading", level=1).inner_text() == "Neues API-Token"
            secret = page.get_by_label("Token").input_value()
            assert secret.startswith("th_") and len(secret) > 40
            assert "es wird nur dieses eine Mal angezeigt" in page.content()
            assert re.search(r"/tokens/neu/[\w-]+$", page.url)  # a GET after the POST's redirect
            assert serious_violations(page) == []
            reloaded = page.reload()  # a reload asks for nothing to be posted again, and shows the secret no more
            assert reloaded is not None and reloaded.status == 410 and reloaded.request.method == "GET"
            assert secret not in page.content() and "bereits einmal angezeigt" in page.content()
            assert serious_violations(page) == []
            page.get_by_role("link", name="API-Tokens").last.click()
            page.wait_for_url(f"**{TOKENS}")
            listed = page.content()
            assert secret not in listed  # never again
            row = page.locator("tr", has_text="Fachverfahren Bürgerbüro")
            token_id = row.locator("th").inner_text()
            cells = row.locator("td").all_inner_texts()
            assert cells[:2] == ["Stadt Delbrück (stadt-delbrueck)", "Nachnutzen (adopter)"] and cells[3] == "Fachverfahren Bürgerbüro"
        finally:
            browser.close()
    # the secret works as a Bearer token: an authorised write, authored by the organisation
    before = head(hub)
    created = adopt(hub, secret, "1.1.0")
    assert created.status_code == 201, created.text
    assert created.json()["adopter"] == ADOPTER and head(hub) != before
    # another organisation's admin neither sees nor revokes it
    stranger = signed_in(hub, "max@ministerium.example")
    assert token_id not in token_rows(stranger)
    foreign = stranger.post(f"{TOKENS}/{token_id}/widerrufen", data={"csrf": workspace.csrf_of(stranger.get(TOKENS).text)})
    assert foreign.status_code == 404 and "gibt es in Ihrer Organisation nicht" in foreign.text
    # revoked by its own organisation's admin (POST with CSRF): refused from now on, nothing written
    client = signed_in(hub, "dora@delbrueck.example")
    csrf = workspace.csrf_of(client.get(TOKENS).text)
    revoked = client.post(f"{TOKENS}/{token_id}/widerrufen", data={"csrf": csrf})
    assert revoked.status_code == 303 and revoked.headers["location"] == f"{TOKENS}?hinweis=widerrufen"
    assert "Das Token ist widerrufen" in client.get(revoked.headers["location"]).text
    assert re.sub(r"\s+", "", token_rows(client)[token_id]).endswith("<td>widerrufen</td>")  # listed on, as revoked
    before = head(hub)
    refused = adopt(hub, secret, "2.0.0")
    assert refused.status_code == 401 and head(hub) == before
    again = client.post(f"{TOKENS}/{token_id}/widerrufen", data={"csrf": csrf})
    assert again.status_code == 404 and f"Ein aktives Token mit der Nummer {token_id} gibt es in Ihrer Organisation nicht." in again.text


def test_a_new_tokens_secret_is_held_sealed_in_the_session_and_shown_once_to_that_session_only(hub):
    client = signed_in(hub, "max@ministerium.example")
    other = signed_in(hub, "ada@ministerium.example")
    created = client.post(TOKENS, data={"csrf": workspace.csrf_of(client.get(TOKENS).text), "org": ORG, "role": "reviewer"})
    assert created.status_code == 303 and created.headers["location"].startswith(f"{TOKENS}/neu/")
    held = b"".join(f.read_bytes() for f in hub.data.glob("accounts.sqlite*"))
    # another admin's session cannot take it (and taking fails without using it up)
    elsewhere = other.get(created.headers["location"])
    assert elsewhere.status_code == 410 and "th_" not in elsewhere.text
    shown = client.get(created.headers["location"])
    assert shown.status_code == 200 and shown.headers["cache-control"] == "no-store"
    secret = re.search(r'id="secret" type="text" readonly size="60" value="(th_[^"]+)"', shown.text).group(1)
    assert secret.encode() not in held  # while waiting, the server kept it only sealed with the session's id
    again = client.get(created.headers["location"])
    assert again.status_code == 410 and secret not in again.text and "bereits einmal angezeigt" in again.text
    with Services.attach(HubConfig(data_dir=hub.data)) as services:
        record = services.tokens.lookup(secret)
    assert record is not None and (record.org, record.role) == (ORG, "reviewer")
    assert secret not in client.get(TOKENS).text


def test_a_token_for_another_organisation_or_hub_wide_is_refused_in_german_and_nothing_is_created(hub):
    client = signed_in(hub, "max@ministerium.example")
    before = token_rows(client)
    with Services.attach(HubConfig(data_dir=hub.data)) as services:
        every_before = services.tokens.history()
    csrf = workspace.csrf_of(client.get(TOKENS).text)
    for org, role, reason in (
        (ADOPTER, "publisher", "Sie stellen API-Tokens nur für Ihre eigene Organisation (land-nrw-ministerium) aus."),
        ("stadt-gibt-es-nicht", "adopter", "Sie stellen API-Tokens nur für Ihre eigene Organisation (land-nrw-ministerium) aus."),
        (ORG, "admin", "gilt für den ganzen Hub; es stellt nur aus, wer die Rolle „Betrieb“ (operator) hat"),
    ):
        refused = client.post(TOKENS, data={"csrf": csrf, "org": org, "role": role, "note": "Versuch"})
        assert refused.status_code == 403 and reason in refused.text, (org, role)
        assert 'value="Versuch"' in refused.text  # what was entered stays
    wrong_role = client.post(TOKENS, data={"csrf": csrf, "org": ORG, "role": "kaiser"})
    assert wrong_role.status_code == 400 and "Die Rolle „kaiser“ gibt es nicht" in wrong_role.text
    assert token_rows(client) == before
    with Services.attach(HubConfig(data_dir=hub.data)) as services:
        assert services.tokens.history() == every_before


def test_an_admin_creates_an_account_that_can_sign_in_and_disabling_it_stops_that(hub):
    client = signed_in(hub, "max@ministerium.example")
    form = client.get(PEOPLE)
    assert form.status_code == 200
    password = "Aktendeckel-Grün-Flur-4"
    created = client.post(
        PEOPLE,
        data={
            "csrf": workspace.csrf_of(form.text),
            "email": " Lena@Ministerium.example ",
            "org": ADOPTER,  # ignored: an admin creates accounts of their own organisation
            "roles": ["adopter", "reviewer"],
            "password": password,
        },
    )
    assert created.status_code == 303 and created.headers["location"] == f"{PEOPLE}?hinweis=angelegt"
    listed = client.get(created.headers["location"]).text
    assert "Das Konto ist angelegt" in listed and password not in listed
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>lena@ministerium.example</a></th>(.*?)</tr>", listed, re.S).group(1)
    assert "Nachnutzen (adopter), Begutachten (reviewer)" in row
    with Services.attach(HubConfig(data_dir=hub.data)) as services:
        assert services.accounts.get("lena@ministerium.example").org == ORG
    lena = httpx.Client(base_url=hub.url)
    answer = lena.post(
        "/anmelden", data={"csrf": workspace.csrf_of(lena.get("/anmelden").text), "email": "lena@ministerium.example", "passwort": password}
    )
    assert answer.status_code == 303
    assert lena.get("/arbeitsbereich/pruefung/").status_code == 200  # the roles given hold
    # disabled: the running session ends, and signing in is refused
    disabled = client.post(f"{PEOPLE}/deaktivieren", data={"csrf": workspace.csrf_of(listed), "email": "lena@ministerium.example"})
    assert disabled.status_code == 303 and "Das Konto ist deaktiviert" in client.get(disabled.headers["location"]).text
    assert lena.get("/arbeitsbereich/pruefung/").status_code == 303
    again = workspace.sign_in(hub, "lena@ministerium.example", password)
    assert again.status_code == 401 and "E-Mail-Adresse oder Passwort ist falsch." in again.text


def test_an_account_with_a_short_password_or_no_role_is_refused_in_german_and_not_created(hub):
    client = signed_in(hub, "max@ministerium.example")
    csrf = workspace.csrf_of(client.get(PEOPLE).text)
    short = client.post(
        PEOPLE, data={"csrf": csrf, "email": "kurt@delbrueck.example", "org": ADOPTER, "roles": "adopter", "password": "kurz"}
    )
    assert short.status_code == 400 and "Das Passwort ist zu kurz: mindestens 12 Zeichen." in short.text
    assert 'value="kurt@delbrueck.example"' in short.text and "kurz" not in re.findall(r'name="password"[^>]*', short.text)[0]
    none = client.post(PEOPLE, data={"csrf": csrf, "email": "kurt@delbrueck.example", "org": ADOPTER, "password": "Lange-genug-Passwort-1"})
    assert none.status_code == 400 and "Ein Konto braucht mindestens eine Rolle" in none.text
    assert "kurt@delbrueck.example" not in client.get(PEOPLE).text
    assert workspace.sign_in(hub, "kurt@delbrueck.example", "Lange-genug-Passwort-1").status_code == 401


def test_admin_forms_posted_without_or_with_a_wrong_csrf_token_are_refused_and_change_nothing(hub):
    client = signed_in(hub, "max@ministerium.example")
    other = signed_in(hub, "ada@ministerium.example")
    tokens_before, people_before = token_rows(client), client.get(PEOPLE).text.count("<tr>")
    for token in (None, workspace.csrf_of(other.get("/arbeitsbereich/").text), "erfunden"):
        extra = {} if token is None else {"csrf": token}
        for path, data in (
            (TOKENS, {"org": ADOPTER, "role": "admin"}),
            (PEOPLE, {"email": "eva@delbrueck.example", "org": ADOPTER, "roles": "admin", "password": "Lange-genug-Passwort-1"}),
            (f"{PEOPLE}/deaktivieren", {"email": "otto@ministerium.example"}),
        ):
            refused = client.post(path, data={**data, **extra})
            assert refused.status_code == 403, path
            assert "<h1>Formular nicht angenommen</h1>" in refused.text and "es wurde nichts geändert" in refused.text
    assert token_rows(client) == tokens_before and client.get(PEOPLE).text.count("<tr>") == people_before
    assert workspace.sign_in(hub, "otto@ministerium.example", PASSWORDS["otto@ministerium.example"]).status_code == 303


def test_a_person_without_the_admin_role_is_refused_in_german(hub):
    client = signed_in(hub, "otto@ministerium.example")
    start = client.get("/arbeitsbereich/")
    assert start.status_code == 200 and "/arbeitsbereich/verwaltung/" not in start.text
    for path in (
        "/arbeitsbereich/verwaltung/",
        TOKENS,
        PEOPLE,
        "/arbeitsbereich/verwaltung/organisationen",
        "/arbeitsbereich/verwaltung/organisation",
    ):
        page = client.get(path)
        assert page.status_code == 403
        assert "<h1>Keine Berechtigung</h1>" in page.text and "Dafür ist die Rolle „Verwalten“ (admin) nötig" in page.text
    csrf = workspace.csrf_of(start.text)
    admin = signed_in(hub, "max@ministerium.example")
    tokens_before = token_rows(admin)
    assert client.post(TOKENS, data={"csrf": csrf, "org": ORG, "role": "admin"}).status_code == 403
    assert client.post(f"{PEOPLE}/deaktivieren", data={"csrf": csrf, "email": "max@ministerium.example"}).status_code == 403
    assert client.post("/arbeitsbereich/verwaltung/organisation", data={"csrf": csrf, "name": "Gekapert"}).status_code == 403
    assert token_rows(admin) == tokens_before and admin.get(TOKENS).status_code == 200  # max is still enabled
    anonymous = httpx.get(f"{hub.url}{TOKENS}")
    assert anonymous.status_code == 303 and anonymous.headers["location"] == f"/anmelden?weiter={TOKENS}"


def test_the_organisations_page_lists_every_registered_organisation_with_its_public_page(hub):
    client = signed_in(hub, "max@ministerium.example")
    page = client.get("/arbeitsbereich/verwaltung/organisationen")
    assert page.status_code == 200
    registered = httpx.get(f"{hub.url}/api/v1/publishers").json()
    ids = set(re.findall(r'<tr id="org-([^"]+)">', page.text))
    assert ids == {o["id"] for o in registered} and {ORG, ADOPTER} <= ids
    assert f'<a href="/organisationen/{ADOPTER}/index.html">Stadt Delbrück</a>' in page.text
    assert httpx.get(f"{hub.url}/organisationen/{ADOPTER}/index.html").status_code == 200


@pytest.fixture
def silent_source():
    with silent_git_address() as address:
        yield address


def test_an_operator_harvests_in_the_background_and_watches_the_progress_with_and_without_javascript(hub, tmp_path, silent_source):
    listing = slow_and_example_sources(tmp_path, silent_source, timeout=12)
    hub.hub("sources", "set", str(listing))
    client = signed_in(hub, "olga@ministerium.example")
    page = client.get(SOURCES)
    assert page.status_code == 200
    row = re.search(r'<tr id="quelle-musterstadt">(.*?)</tr>', page.text, re.S).group(1)
    assert str(tmp_path / "quelle") in row and "noch nie" in row
    # without the form's CSRF token: refused, nothing harvested
    before = head(hub)
    assert client.post(f"{SOURCES}/ernten", data={}).status_code == 403 and head(hub) == before
    with sync_playwright() as p:
        browser = launch(p)
        try:
            admin = browser.new_page()
            workspace.sign_in_in_browser(admin, hub, "olga@ministerium.example", PASSWORDS["olga@ministerium.example"])
            plain = browser.new_context(java_script_enabled=False).new_page()
            workspace.sign_in_in_browser(plain, hub, "olga@ministerium.example", PASSWORDS["olga@ministerium.example"])
            admin.goto(f"{hub.url}{SOURCES}")
            polls: list[str] = []
            admin.on("request", lambda request: polls.append(request.url) if request.url.endswith("/ernte/stand") else None)
            loads: list[str] = []
            admin.on("load", lambda: loads.append(admin.url))
            admin.get_by_role("button", name="Jetzt ernten").click()  # answers at once, long before the slow source gives up
            admin.wait_for_url(f"**{SOURCES}/ernte")
            # the run's thread names its first source a moment after the answer (on a loaded machine after the page was
            # drawn): the page's poll shows it
            expect(admin.locator("#ernte-stand")).to_contain_text(
                "Die Ernte läuft. 0 von 2 Quellen fertig. Gerade: langsam.", timeout=10_000
            )
            # a second run while this one runs: refused politely, with the way to the running one's progress
            refused = client.post(f"{SOURCES}/ernten", data={"csrf": workspace.csrf_of(page.text)})
            assert refused.status_code == 409 and "Eine Ernte läuft bereits" in refused.text
            assert "Eine Ernte läuft gerade (gestartet" in refused.text and f'href="{SOURCES}/ernte"' in refused.text
            status = client.get(f"{SOURCES}/ernte/stand").json()
            assert (status["state"], status["done"], status["total"], status["current"]) == ("running", 0, 2, "langsam")
            # without JavaScript the page refreshes itself (meta refresh) until the run is done
            plain.goto(f"{hub.url}{SOURCES}/ernte")
            assert "Jetzt neu laden" in plain.content() and "Gerade: langsam." in plain.content()
            assert serious_violations(admin) == []
            # with JavaScript the page asks the JSON status while the run goes on (the second source may take less than one
            # poll, so the step between is not waited for) and, when it is done, loads once more for the result with links
            admin.get_by_role("link", name="stadt-musterstadt/sperrmuell-termin").wait_for(timeout=60_000)
            # the link is there once the last page's HTML is; its load event may come a moment later (failed once in CI)
            admin.wait_for_load_state("load")
            for _ in range(100):
                if len(loads) >= 2:
                    break
                admin.wait_for_timeout(50)
            assert polls and loads == [admin.url, admin.url]  # the progress page, then one load at the end: no reload between
            assert "nicht erreichbar" in admin.locator("#ernte-langsam").inner_text()
            assert "Die Ernte ist fertig. 2 von 2 Quellen fertig." in admin.locator("#ernte-stand").inner_text()
            assert "1 übernommen, 0 unverändert, 0 abgelehnt" in admin.locator("#ernte-musterstadt").inner_text()
            assert serious_violations(admin) == []
            # the page without JavaScript may have been loaded after the last source but before the run ended ("2 von 2
            # Quellen fertig", still running): its meta refresh brings the end, which expect waits for across the reloads
            expect(plain.locator("#ernte-stand")).to_contain_text("Die Ernte ist fertig.", timeout=30_000)
            plain.get_by_role("link", name="stadt-musterstadt/sperrmuell-termin").wait_for(timeout=30_000)
            assert "refresh" not in plain.content()  # a finished run stops refreshing
        finally:
            browser.close()
    assert head(hub) != before
    assert httpx.get(f"{hub.url}/api/v1/packages/stadt-musterstadt/sperrmuell-termin").status_code == 200
    assert client.get(f"{SOURCES}/ernte/stand").json()["state"] == "done"
    listed = client.get(SOURCES).text
    row = re.search(r'<tr id="quelle-musterstadt">(.*?)</tr>', listed, re.S).group(1)
    assert "1 übernommen" in row and "noch nie" not in row
    assert "Letzte Ernte im Arbeitsbereich: gestartet" in listed and "von olga@ministerium.example" in listed


def person_page(client: httpx.Client, email: str) -> httpx.Response:
    return client.get(f"{PEOPLE}/{email}")


def roles_of(hub: Server, email: str) -> list[str]:
    with Services.attach(HubConfig(data_dir=hub.data)) as services:
        return services.accounts.get(email).roles


def reset_links(hub: Server) -> list[tuple]:
    with sqlite3.connect(hub.data / "accounts.sqlite") as db:
        return db.execute("SELECT hash, email, expires FROM password_resets ORDER BY hash").fetchall()


def test_an_admin_changes_a_persons_roles_and_disables_and_enables_the_account_again(hub):
    client = signed_in(hub, "max@ministerium.example")
    paul = signed_in(hub, "paul@ministerium.example")
    assert paul.get("/arbeitsbereich/veroeffentlichen/").status_code == 403
    form = person_page(client, "paul@ministerium.example")
    assert form.status_code == 200 and "<h1>Konto paul@ministerium.example</h1>" in form.text
    changed = client.post(
        f"{PEOPLE}/paul@ministerium.example/rollen", data={"csrf": workspace.csrf_of(form.text), "roles": ["publisher", "reviewer"]}
    )
    assert changed.status_code == 303 and changed.headers["location"] == f"{PEOPLE}/paul@ministerium.example?hinweis=rollen"
    assert "Die Rollen sind gespeichert" in client.get(changed.headers["location"]).text
    assert roles_of(hub, "paul@ministerium.example") == ["publisher", "reviewer"]
    # the running session sees the new roles at once: publishing opens, adopting is gone
    assert paul.get("/arbeitsbereich/veroeffentlichen/").status_code == 200
    assert paul.get("/arbeitsbereich/nachnutzungen/").status_code == 403
    csrf = workspace.csrf_of(form.text)
    none = client.post(f"{PEOPLE}/paul@ministerium.example/rollen", data={"csrf": csrf})
    assert none.status_code == 400 and "Ein Konto braucht mindestens eine Rolle" in none.text
    assert roles_of(hub, "paul@ministerium.example") == ["publisher", "reviewer"]
    # disabled: the session ends; enabled again: the old password works again
    assert client.post(f"{PEOPLE}/deaktivieren", data={"csrf": csrf, "email": "paul@ministerium.example"}).status_code == 303
    assert paul.get("/arbeitsbereich/").status_code == 303
    disabled = person_page(client, "paul@ministerium.example").text
    assert "<dd>deaktiviert</dd>" in disabled and "Wieder aktivieren" in disabled and "Passworts erstellen" not in disabled
    enabled = client.post(f"{PEOPLE}/paul@ministerium.example/aktivieren", data={"csrf": csrf})
    assert enabled.status_code == 303 and "Das Konto ist wieder aktiv" in client.get(enabled.headers["location"]).text
    assert workspace.sign_in(hub, "paul@ministerium.example", PASSWORDS["paul@ministerium.example"]).status_code == 303


def test_an_admin_cannot_take_the_admin_role_from_their_own_account_nor_disable_it(hub):
    client = signed_in(hub, "max@ministerium.example")
    own = person_page(client, "max@ministerium.example")
    assert own.status_code == 200 and "(Ihr Konto)" in own.text and ">Deaktivieren</button>" not in own.text
    csrf = workspace.csrf_of(own.text)
    refused = client.post(f"{PEOPLE}/max@ministerium.example/rollen", data={"csrf": csrf, "roles": ["adopter"]})
    assert refused.status_code == 409 and "Die Rolle Verwalten (admin) können Sie Ihrem eigenen Konto nicht nehmen" in refused.text
    assert roles_of(hub, "max@ministerium.example") == ["admin"]
    refused = client.post(f"{PEOPLE}/deaktivieren", data={"csrf": csrf, "email": "max@ministerium.example"})
    assert refused.status_code == 409 and "Ihr eigenes Konto können Sie nicht deaktivieren" in refused.text
    assert client.get(TOKENS).status_code == 200  # still signed in, still admin
    # adding a role to one's own account is fine (admin stays)
    added = client.post(f"{PEOPLE}/max@ministerium.example/rollen", data={"csrf": csrf, "roles": ["admin", "reviewer"]})
    assert added.status_code == 303 and roles_of(hub, "max@ministerium.example") == ["admin", "reviewer"]
    # another admin of the organisation may take it (the organisation keeps an admin: ada)
    ada = signed_in(hub, "ada@ministerium.example")
    taken = ada.post(
        f"{PEOPLE}/max@ministerium.example/rollen",
        data={"csrf": workspace.csrf_of(ada.get(PEOPLE).text), "roles": ["reviewer"]},
    )
    assert taken.status_code == 303 and roles_of(hub, "max@ministerium.example") == ["reviewer"]
    assert client.get(TOKENS).status_code == 403
    back = ada.post(f"{PEOPLE}/max@ministerium.example/rollen", data={"csrf": workspace.csrf_of(ada.get(PEOPLE).text), "roles": ["admin"]})
    assert back.status_code == 303 and roles_of(hub, "max@ministerium.example") == ["admin"]


def test_an_admin_of_another_organisation_can_neither_see_nor_change_its_people(hub):
    dora = signed_in(hub, "dora@delbrueck.example")
    listed = dora.get(PEOPLE)
    assert listed.status_code == 200 and "dora@delbrueck.example" in listed.text and "@ministerium.example" not in listed.text
    csrf = workspace.csrf_of(listed.text)
    before = {email: roles_of(hub, email) for email in ("otto@ministerium.example", "max@ministerium.example")}
    links_before = reset_links(hub)
    for target in ("otto@ministerium.example", "niemand@ministerium.example"):  # refused alike: no hint which accounts exist
        assert person_page(dora, target).status_code == 403
        for path, data in (
            (f"{PEOPLE}/{target}/rollen", {"roles": ["admin"]}),
            (f"{PEOPLE}/{target}/aktivieren", {}),
            (f"{PEOPLE}/{target}/ruecksetzlink", {}),
            (f"{PEOPLE}/deaktivieren", {"email": target}),
        ):
            refused = dora.post(path, data={"csrf": csrf, **data})
            assert refused.status_code == 403, path
            assert "Sie verwalten nur Konten Ihrer eigenen Organisation (stadt-delbrueck)" in refused.text
    created = dora.post(
        PEOPLE, data={"csrf": csrf, "email": "neu@delbrueck.example", "roles": "adopter", "password": "Lange-genug-Passwort-1"}
    )
    assert created.status_code == 303  # in her own organisation
    with Services.attach(HubConfig(data_dir=hub.data)) as services:
        assert services.accounts.get("neu@delbrueck.example").org == ADOPTER
        assert not services.accounts.get("otto@ministerium.example").disabled
    assert {email: roles_of(hub, email) for email in before} == before
    assert reset_links(hub) == links_before
    assert workspace.sign_in(hub, "otto@ministerium.example", PASSWORDS["otto@ministerium.example"]).status_code == 303


def test_a_person_sets_a_new_password_through_a_one_time_link_an_admin_made_in_the_browser(hub):
    old_session = signed_in(hub, "rita@ministerium.example")
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "ada@ministerium.example", PASSWORDS["ada@ministerium.example"])
            page.goto(f"{hub.url}{PEOPLE}")
            assert serious_violations(page) == []
            page.get_by_role("link", name="rita@ministerium.example").click()
            page.wait_for_url("**/personen/rita*")
            assert serious_violations(page) == []
            page.get_by_role("button", name="Link zum Setzen eines neuen Passworts erstellen").click()
            page.wait_for_url(re.compile(r"/personen/link/[\w-]+$"))
            link = page.get_by_label("Link").input_value()
            assert link.startswith(f"{hub.url}/passwort/") and "er wird nur dieses eine Mal angezeigt" in page.content()
            assert serious_violations(page) == []
            reloaded = page.reload()
            assert reloaded is not None and reloaded.status == 410 and link not in page.content()
            stored = b"".join(f.read_bytes() for f in hub.data.glob("accounts.sqlite*"))
            assert link.rsplit("/", 1)[1].encode() not in stored  # only its hash
            # the person, in a browser of their own
            rita = browser.new_context().new_page()
            rita.goto(link)
            assert rita.get_by_role("heading", level=1).inner_text() == "Neues Passwort setzen"
            assert "rita@ministerium.example" in rita.content()
            assert serious_violations(rita) == []
            rita.get_by_label("Neues Passwort (mindestens 12 Zeichen)").fill("Neues-Passwort-Rathaus-77")
            rita.get_by_label("Neues Passwort wiederholen").fill("Neues-Passwort-Rathaus-78")
            rita.get_by_role("button", name="Passwort setzen").click()
            rita.wait_for_load_state()
            assert "stimmen nicht überein" in rita.content()
            rita.get_by_label("Neues Passwort (mindestens 12 Zeichen)").fill("Neues-Passwort-Rathaus-77")
            rita.get_by_label("Neues Passwort wiederholen").fill("Neues-Passwort-Rathaus-77")
            rita.get_by_role("button", name="Passwort setzen").click()
            rita.wait_for_url("**/anmelden?hinweis=passwort")
            assert "Ihr neues Passwort ist gesetzt" in rita.content()
            rita.get_by_label("E-Mail-Adresse").fill("rita@ministerium.example")
            rita.get_by_label("Passwort").fill("Neues-Passwort-Rathaus-77")
            rita.get_by_role("button", name="Anmelden").click()
            rita.wait_for_url(re.compile(r"/arbeitsbereich/?$"))
            used = rita.goto(link)
            assert used is not None and used.status == 410 and "gilt nicht (mehr)" in rita.content()
        finally:
            browser.close()
    assert old_session.get("/arbeitsbereich/").status_code == 303  # every earlier session of hers ended
    assert workspace.sign_in(hub, "rita@ministerium.example", PASSWORDS["rita@ministerium.example"]).status_code == 401


def test_a_reset_link_form_needs_its_csrf_token_and_a_newer_link_replaces_the_older(hub):
    client = signed_in(hub, "max@ministerium.example")
    csrf = workspace.csrf_of(client.get(PEOPLE).text)

    def link() -> str:
        made = client.post(f"{PEOPLE}/otto@ministerium.example/ruecksetzlink", data={"csrf": csrf})
        assert made.status_code == 303
        shown = client.get(made.headers["location"]).text
        return re.search(r'id="link" type="text" readonly size="80" value="([^"]+)"', shown).group(1)

    first, second = link(), link()
    assert httpx.get(first).status_code == 410  # replaced
    person = httpx.Client(timeout=60)
    form = person.get(second)
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    without = person.post(second, data={"passwort": "Lange-genug-Passwort-1", "wiederholung": "Lange-genug-Passwort-1"})
    assert without.status_code == 403 and "Formular nicht angenommen" in without.text
    short = person.post(second, data={"csrf": workspace.csrf_of(form.text), "passwort": "kurz", "wiederholung": "kurz"})
    assert short.status_code == 400 and "Das Passwort ist zu kurz" in short.text
    assert workspace.sign_in(hub, "otto@ministerium.example", PASSWORDS["otto@ministerium.example"]).status_code == 303  # unchanged
    assert person.get(second).status_code == 200  # still usable after refusals


ORGS_OPERATOR = "/arbeitsbereich/betrieb/organisationen"
NEW_ORG = "gemeinde-hoevelhof"


def last_commit(hub: Server) -> tuple[str, str]:
    """The author's name and the message of the catalogue's newest commit."""
    author, _, message = git(hub, "log", "-1", "--format=%an%n%B").partition("\n")
    return author, message


def test_an_operator_registers_an_organisation_and_changes_it_in_the_browser_each_a_commit(hub):
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "olga@ministerium.example", PASSWORDS["olga@ministerium.example"])
            page.get_by_role("link", name="Betrieb").click()
            page.locator("main").get_by_role("link", name="Organisationen", exact=True).click()
            page.wait_for_url(f"**{ORGS_OPERATOR}")
            assert serious_violations(page) == []
            page.get_by_role("link", name="Organisation registrieren").click()
            page.wait_for_url("**/arbeitsbereich/betrieb/organisation-registrieren")
            assert serious_violations(page) == []
            before = head(hub)
            page.get_by_label("Kennung").fill(NEW_ORG)
            page.get_by_label("Name", exact=False).first.fill("Gemeinde Hövelhof")
            page.get_by_label("Art").select_option("gemeinde")
            page.get_by_label("Bundesland").fill("Nordrhein-Westfalen")
            page.get_by_label("Internetauftritt").fill("www.hoevelhof.de")  # without http(s):// the schema refuses it
            page.get_by_role("button", name="Organisation registrieren").click()
            page.wait_for_load_state()
            # refused: the problem at its field, what was typed stays, nothing written
            assert "Der Eintrag wurde nicht gespeichert." in page.locator("#formular-probleme").inner_text()
            assert "hat nicht die erwartete Form" in page.locator("#f-url-fehler").inner_text()
            assert page.get_by_label("Internetauftritt").get_attribute("aria-invalid") == "true"
            assert page.get_by_label("Kennung").input_value() == NEW_ORG and head(hub) == before
            assert serious_violations(page) == []
            page.get_by_label("Internetauftritt").fill("https://www.hoevelhof.de")
            page.locator("#f-contact-0-name").fill("Bürgerbüro Hövelhof")
            page.locator("#f-contact-0-email").fill("buergerbuero@hoevelhof.example")
            page.get_by_role("button", name="Organisation registrieren").click()
            page.wait_for_url(f"**{ORGS_OPERATOR}/{NEW_ORG}?hinweis=registriert")
            assert "Die Organisation ist registriert" in page.get_by_role("status").inner_text()
            assert page.get_by_role("heading", level=1).inner_text() == "Eintrag von Gemeinde Hövelhof"
            assert page.get_by_label("Kennung").get_attribute("readonly") is not None
            assert serious_violations(page) == []
            author, message = last_commit(hub)
            assert author == ORG_NAME and message.startswith("Organisation Gemeinde Hövelhof registriert")
            assert f"Hub-Organisation: {NEW_ORG}" in message and "Hub-Person: olga@ministerium.example" in message
            # changed: the new description on the page and in a second commit
            page.get_by_label("Kurze Vorstellung").fill("Gemeinde im Kreis Paderborn, übernimmt die Online-Terminvergabe.")
            page.get_by_role("button", name="Eintrag speichern").click()
            page.wait_for_url(f"**{ORGS_OPERATOR}/{NEW_ORG}?hinweis=gespeichert")
            assert "Der Eintrag ist gespeichert" in page.get_by_role("status").inner_text()
            assert page.get_by_label("Kurze Vorstellung").input_value().startswith("Gemeinde im Kreis Paderborn")
            author, message = last_commit(hub)
            assert author == ORG_NAME and message.startswith("Organisation Gemeinde Hövelhof geändert")
            assert "Hub-Person: olga@ministerium.example" in message
            page.locator("main").get_by_role("link", name="Organisationen", exact=True).click()
            assert page.locator(f"#org-{NEW_ORG}").get_by_role("link", name="Gemeinde Hövelhof", exact=True).is_visible()
        finally:
            browser.close()
    record = httpx.get(f"{hub.url}/api/v1/publishers/{NEW_ORG}").json()
    assert record["description"].startswith("Gemeinde im Kreis Paderborn") and record["url"] == "https://www.hoevelhof.de"


def test_an_admin_changes_their_own_organisations_record_in_the_browser_and_is_refused_every_operator_job(hub):
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            workspace.sign_in_in_browser(page, hub, "dora@delbrueck.example", PASSWORDS["dora@delbrueck.example"])
            assert page.get_by_role("link", name="Betrieb").count() == 0
            page.get_by_role("link", name="Verwaltung").click()
            page.locator("main").get_by_role("link", name="Organisationen", exact=True).click()
            # only her own organisation has "Bearbeiten"
            assert page.get_by_role("link", name="Eintrag von Stadt Delbrück bearbeiten").count() == 1
            assert page.get_by_role("link", name=re.compile("^Eintrag von .* bearbeiten$")).count() == 1
            page.get_by_role("link", name="Eintrag von Stadt Delbrück bearbeiten").click()
            page.wait_for_url("**/arbeitsbereich/verwaltung/organisation")
            assert page.get_by_label("Kreis", exact=True).input_value() == "Kreis Paderborn"  # the stored record, field by field
            assert serious_violations(page) == []
            page.get_by_label("Region oder Verbund").fill("Digitale Modellregion OWL")
            page.get_by_role("button", name="Eintrag speichern").click()
            page.wait_for_url("**/arbeitsbereich/verwaltung/organisation?hinweis=gespeichert")
            assert page.get_by_label("Region oder Verbund").input_value() == "Digitale Modellregion OWL"
            author, message = last_commit(hub)
            assert author == "Stadt Delbrück" and message.startswith("Organisation Stadt Delbrück geändert")
            assert "Hub-Person: dora@delbrueck.example" in message
            # the operator's pages, asked for by their address: a German 403 page each
            for path in (
                "/arbeitsbereich/betrieb/organisation-registrieren",
                f"{ORGS_OPERATOR}/{ORG}",
                "/arbeitsbereich/betrieb/quellen",
                "/arbeitsbereich/betrieb/tokens",
            ):
                answer = page.goto(hub.url + path)
                assert answer is not None and answer.status == 403, path
                assert page.get_by_role("heading", level=1).inner_text() == "Keine Berechtigung"
                assert "Dafür ist die Rolle „Betrieb“ (operator) nötig" in page.content()
            assert serious_violations(page) == []
        finally:
            browser.close()
    # and posted: refused, nothing written
    dora = signed_in(hub, "dora@delbrueck.example")
    csrf = workspace.csrf_of(dora.get("/arbeitsbereich/").text)
    before = head(hub)
    for path, data in (
        (f"{ORGS_OPERATOR}/{ORG}", {"name": "Gekapert", "type": "land"}),
        ("/arbeitsbereich/betrieb/organisation-registrieren", {"id": "stadt-gekapert", "name": "Gekapert", "type": "stadt"}),
        (f"{SOURCES}/ernten", {}),
    ):
        refused = dora.post(path, data={"csrf": csrf, **data})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text, path
    assert head(hub) == before and httpx.get(f"{hub.url}/api/v1/publishers/{ORG}").json()["name"] == ORG_NAME
