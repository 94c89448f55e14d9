"""The served site in-process: types, CSP, no escapes from the folder, stable ETags, and a commit from elsewhere followed."""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest
from litestar.testing import TestClient

from hub.api import create_app
from hub.services import data_lock
from hub.usecases.publish import publish
from hub.validate import PackageFiles
from hub.web.site import SITE_LOCK
from tests.factory import README, make_services, package_files


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])


def ready(client: TestClient) -> TestClient:
    """The app answers at once; its follower builds the site of a fresh folder in the background (503 until then)."""
    deadline = time.monotonic() + 120
    while client.get("/api/v1/health").json().get("starting"):
        assert time.monotonic() < deadline, "the follower's first step did not end"
        time.sleep(0.05)
    return client


@pytest.fixture
def client(services):
    with TestClient(create_app(services, live=True, interval=0.05)) as client:
        yield ready(client)


def test_pages_have_types_and_a_csp(client):
    home = client.get("/")
    assert home.status_code == 200 and home.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'self'" in home.headers["content-security-policy"] and home.headers["x-content-type-options"] == "nosniff"
    assert client.get("/assets/site.css").headers["content-type"].startswith("text/css")
    assert client.get("/feed.atom").headers["content-type"].startswith("application/atom+xml")
    moved = client.get("/pakete/stadt-test/testpaket", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/pakete/stadt-test/testpaket/"
    page = client.get("/pakete/stadt-test/testpaket/")
    assert page.status_code == 200 and "Testpaket" in page.text


def test_package_files_never_run_as_pages(tmp_path):
    # the site copies a package file its README links to and the page does not show itself
    readme = README + "\nSiehe [Notiz](notiz.md).\n"
    services = make_services(
        tmp_path, [{"package_id": "stadt-test/testpaket", "version": "1.0.0", "files": {"README.md": readme, "notiz.md": "# Notiz\n"}}]
    )
    with TestClient(create_app(services, live=True, interval=0.05)) as client:
        response = ready(client).get("/pakete/stadt-test/testpaket/dateien/notiz.md.txt")
        assert response.status_code == 200 and response.headers["content-type"] == "text/plain; charset=utf-8"
        assert "sandbox" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path", ["/.build/state.json", "/%2e%2e/catalog.git/HEAD", "/pakete/%2e%2e/%2e%2e/tokens.sqlite", "/gibt-es-nicht.html"]
)
def test_nothing_outside_the_site_and_nothing_hidden(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/problem+json")


def test_api_paths_stay_api_problems(client):
    response = client.get("/api/v1/gibt-es-nicht")
    assert response.status_code == 404 and response.json()["status"] == 404


def test_etags_are_stable_across_processes(services, client):
    page, package = client.get("/"), client.get("/api/v1/packages/stadt-test/testpaket")
    assert client.get("/", headers={"If-None-Match": page.headers["etag"]}).status_code == 304
    with TestClient(create_app(services, live=True)) as other:  # another process's app over the same folder
        assert other.get("/").headers["etag"] == page.headers["etag"]
        assert other.get("/api/v1/packages/stadt-test/testpaket").headers["etag"] == package.headers["etag"]


def test_a_commit_from_elsewhere_reaches_search_site_and_cache(services, client):
    before = client.get("/api/v1/packages/stadt-test/testpaket").headers["etag"]
    # another process would do the same: a use case on the same data folder, not through this app
    result = publish(services, PackageFiles(files=package_files("stadt-test/testpaket", "1.1.0")))
    deadline = time.monotonic() + 2
    while client.get("/api/v1/health").json()["site_commit"] != result.commit:
        assert time.monotonic() < deadline, "the served site did not follow within 2 s"
        time.sleep(0.02)
    assert "1.1.0" in client.get("/pakete/stadt-test/testpaket/").text
    assert client.get("/api/v1/packages/stadt-test/testpaket").headers["etag"] != before
    assert [h["version"] for h in client.get("/api/v1/packages", params={"q": "Testpaket"}).json()["items"]] == ["1.1.0"]


def test_a_publish_keeps_the_cached_answers_of_other_packages(services, client):
    """Publishing one package drops only that package's answers: the others stay cached, with the same ETags."""
    publish(services, PackageFiles(files=package_files("stadt-test/anderes", "1.0.0", name="Anderes Paket")))
    routes = ["/api/v1/packages/stadt-test/anderes", "/api/v1/packages/stadt-test/anderes/versions"]
    first = {route: client.get(route) for route in routes}
    cache = client.app.dependencies["cache"].dependency()
    held = len(cache)
    changed = "/api/v1/packages/stadt-test/testpaket"
    old = client.get(changed)
    publish(services, PackageFiles(files=package_files("stadt-test/testpaket", "1.1.0")))
    for route, response in first.items():
        again = client.get(route, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304  # the same state: nothing produced again
        assert client.get(route).content == response.content
    assert len(cache) == held + 1  # only the changed package's old answer was added before the publish; nothing new since
    new = client.get(changed, headers={"If-None-Match": old.headers["etag"]})
    assert new.status_code == 200 and new.json()["manifest"]["version"] == "1.1.0" and new.headers["etag"] != old.headers["etag"]


def test_the_site_answers_503_until_there_are_pages_for_this_hub(services):
    """A folder without pages for this hub's address: the API answers at once, the site a German 503 with Retry-After.

    The test holds the site's lock file (as another hub building the site would), so the follower cannot have built yet.
    """
    with ExitStack() as stack:
        held = stack.enter_context(ExitStack())
        held.enter_context(data_lock(services.config.data_dir / SITE_LOCK))
        client = stack.enter_context(TestClient(create_app(services, live=True, interval=0.05)))
        try:
            health = client.get("/api/v1/health").json()
            assert health["starting"] is True and health.get("site_commit") is None and health["packages"] == 1
            page = client.get("/pakete/stadt-test/testpaket/")
            assert page.status_code == 503 and page.headers["retry-after"] == "2" and "gleich noch einmal" in page.text
            # a browser does not retry on Retry-After: the German page reloads itself
            assert page.headers["content-type"].startswith("text/html") and '<meta http-equiv="refresh" content="2">' in page.text
            assert client.get("/api/v1/packages/stadt-test/testpaket").status_code == 200
        finally:
            held.close()  # before the app stops: its site child waits for the lock
        assert "Testpaket" in ready(client).get("/pakete/stadt-test/testpaket/").text
