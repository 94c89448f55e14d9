"""Signing in through a real OpenID provider (node-oidc-provider, started by the test) in Chromium, against a real ``hub serve``."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.server import Server, free_port, start_server

ROOT = Path(__file__).resolve().parent.parent
PROVIDER = ROOT / "tests" / "oidc" / "provider.mjs"
ORG, ORG_NAME = "stadt-musterhausen", "Stadt Musterhausen"
PEOPLE = {
    "erika": {"email": "Erika@Musterhausen.example", "email_verified": True, "organisation": ORG, "roles": ["adopter", "hausmeister"]},
    "fremd": {"email": "fremd@nirgendwo.example", "email_verified": True, "organisation": "stadt-nirgendwo", "roles": ["adopter"]},
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    port = free_port()
    secret = secrets.token_urlsafe(24)
    server = start_server(
        tmp_path_factory.mktemp("oidc"), env={"HUB_OIDC_ISSUER": f"http://127.0.0.1:{port}", "HUB_OIDC_CLIENT_SECRET": secret}
    )
    provider = subprocess.Popen(
        ["node", str(PROVIDER), str(port), f"{server.url}/anmelden/oidc/rueckruf", secret],
        env={**os.environ, "OIDC_PEOPLE": json.dumps(PEOPLE)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert provider.poll() is None and time.monotonic() < deadline, "the OpenID provider did not start"
            time.sleep(0.1)
        server.register(ORG, ORG_NAME)
        yield server
    finally:
        provider.terminate()
        provider.wait(timeout=10)
        server.stop()


def sign_in_at_provider(page, hub: Server, login: str) -> None:
    """From the hub's sign-in page through the provider's own sign-in and consent pages (its development screens)."""
    page.goto(f"{hub.url}/anmelden?weiter=/arbeitsbereich/nachnutzungen/")
    page.get_by_role("button", name="Mit dem Konto Ihrer Organisation anmelden").click()
    page.wait_for_url("http://127.0.0.1:*/interaction/**")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "beliebig")  # the development screens take any password for a known login
    page.click("button[type=submit]")
    deadline = time.monotonic() + 30
    while not page.url.startswith(hub.url):  # the provider's consent screen comes first when it asks
        assert time.monotonic() < deadline, f"stuck at {page.url}"
        consent = page.get_by_role("button", name="Continue")
        if "/interaction/" in page.url and consent.count():
            consent.click()
        page.wait_for_timeout(100)
    page.wait_for_load_state()


def test_a_person_signs_in_through_the_organisations_provider_and_is_mapped_to_organisation_and_roles(hub):
    callbacks: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.on("request", lambda request: callbacks.append(request.url) if "/anmelden/oidc/rueckruf" in request.url else None)
            sign_in_at_provider(page, hub, "erika")
            page.wait_for_url(f"{hub.url}/arbeitsbereich/nachnutzungen/")
            assert page.get_by_role("heading", level=1).inner_text() == "Meine Nachnutzungen"
            bar = page.locator(".workspace-bar").inner_text()
            assert "Angemeldet als erika@musterhausen.example für Stadt Musterhausen (Rollen: Nachnutzen)" in bar
            cookie = next(c for c in page.context.cookies() if c["name"] == "transferhub_sitzung")
            assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Lax")
            assert len(callbacks) == 1 and "code=" in callbacks[0] and cookie["value"] not in callbacks[0]
            # the provider's answer works once: the same callback again is refused, the session stays
            replay = page.goto(callbacks[0])
            assert replay.status == 403 and "gehört zu keiner laufenden Anmeldung" in page.content()
            page.goto(f"{hub.url}/arbeitsbereich/")
            assert page.get_by_role("heading", level=1).inner_text() == "Arbeitsbereich"

            # an organisation the catalogue does not know: refused in German, nobody signed in
            other = browser.new_context().new_page()
            sign_in_at_provider(other, hub, "fremd")
            assert other.get_by_role("heading", level=1).inner_text() == "Keine Berechtigung"
            assert "„stadt-nirgendwo“ ist im Katalog nicht registriert" in other.content()
            other.goto(f"{hub.url}/arbeitsbereich/")
            assert "/anmelden" in other.url
        finally:
            browser.close()
    with sqlite3.connect(hub.data / "accounts.sqlite") as db:
        rows = db.execute("SELECT email, org, roles, hash FROM accounts").fetchall()
    assert rows == [("erika@musterhausen.example", ORG, "adopter", "!oidc")]  # no password, roles limited to the hub's


def test_a_forged_provider_answer_is_refused(hub):
    client = httpx.Client(base_url=hub.url)
    client.get("/anmelden")
    forged = client.get("/anmelden/oidc/rueckruf", params={"state": "erfunden", "code": "erfunden"})
    assert forged.status_code == 403 and "Anmeldung über die Organisation nicht möglich" in forged.text
    refused = client.get("/anmelden/oidc/rueckruf", params={"error": "access_denied", "error_description": "abgelehnt"})
    assert refused.status_code == 403 and "Anmeldung über die Organisation nicht möglich" in refused.text
    assert client.get("/arbeitsbereich/").status_code == 303
    # starting a sign-in needs the form's token like every other form
    assert client.post("/anmelden/oidc", data={"csrf": "erfunden"}).status_code == 403
