"""One real ``hub serve`` on the seed catalogue, seen as a browser and as other catalogues see it:
the API docs offline, every URL of its exports resolving."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import sync_playwright

from tests.browser import launch
from tests.server import start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def test_api_docs_render_their_operations_offline(server, browser):
    context = browser.new_context(locale="de-DE")
    outside: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:  # a network without internet: everything else is refused
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/packages" in [p.strip() for p in paths]
    assert page.locator(".opblock-tag").count() >= 5  # the tags: Pakete, Reifegrad, Föderation …
    assert outside == []
    context.close()


def test_api_docs_serve_only_their_own_files(server):
    assert httpx.get(server.url + "/api/v1/docs/swagger-ui.css").status_code == 200
    for name in ("package.json", "..%2F..%2Fpyproject.toml", "LICENSE"):
        response = httpx.get(server.url + "/api/v1/docs/" + name)
        assert response.status_code == 404 and response.headers["content-type"].startswith("application/problem+json")
