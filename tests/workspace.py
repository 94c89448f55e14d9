"""Signing in to a running hub's workspace, for the workspace tests (over HTTP and in Chromium)."""

from __future__ import annotations

import re

import httpx

from tests.server import Server


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(hub: Server, email: str, password: str) -> httpx.Response:
    """One sign-in attempt with the form's token; the answer as the hub gave it."""
    client = httpx.Client(base_url=hub.url, timeout=60)
    return client.post("/anmelden", data={"csrf": csrf_of(client.get("/anmelden").text), "email": email, "passwort": password})


def signed_in(hub: Server, email: str, password: str) -> httpx.Client:
    """A client holding a session of ``email`` (the sign-in must succeed)."""
    client = httpx.Client(base_url=hub.url, timeout=60)
    answer = client.post("/anmelden", data={"csrf": csrf_of(client.get("/anmelden").text), "email": email, "passwort": password})
    assert answer.status_code == 303, answer.text
    return client


def sign_in_in_browser(page, hub: Server, email: str, password: str, path: str = "/arbeitsbereich/") -> None:
    """Open a workspace page (``path``) in Chromium and sign in through the form, as a person does; the sign-in leads back
    to that page."""
    page.goto(f"{hub.url}{path}")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(re.escape(path.rstrip("/")) + r"/?$"))
