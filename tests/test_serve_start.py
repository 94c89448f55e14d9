"""``hub serve`` answers at once on a data folder it served before; the follower's first step and the warm-up of the
site's builder run behind the first answers.

The test holds the site's lock file, as a second hub building the site would: the served site's child process
cannot check or build the site, so the first step and the warm-up cannot end while the test looks. Health must
answer meanwhile and say ``starting``, and the site answers from the pages the data folder holds, for the commit
health names as ``site_commit``; once the lock is free, the follower brings the site to HEAD. A tag a crashed writer
left out is restored behind the first answers, too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack

import httpx

from hub.services import EXPORTS_LOCK, data_lock
from hub.store import Catalog
from hub.store.catalog import TAG_PREFIX
from hub.usecases.publish import publish
from hub.validate import PackageFiles
from hub.web import site
from tests.factory import archive, make_catalog, make_services, package_files
from tests.gitcli import git_runner
from tests.server import start_server

BASE = "http://hub.test"  # the address the pages were built for and the server is told (HUB_BASE_URL)


def until(check: Callable[[], bool], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.1)


def test_health_and_pages_answer_before_the_site_builder_has_started(tmp_path):
    data = tmp_path / "data"
    with make_services(data, [("stadt-test/testpaket", "1.0.0"), ("stadt-test/zweites", "2.0.0")]) as services:
        shown = site.build(services, services.head(), BASE + "/")
        # a publish while no hub runs: HEAD moves on, the pages in the data folder still show the commit before
        result = publish(services, PackageFiles(files=package_files("stadt-test/zweites", "2.1.0")))
        # and its writer died after moving main, before tagging (the tag is gone): the started hub restores it
        services.catalog.repo.references.delete(TAG_PREFIX + result.tag)
    head = result.commit
    assert shown != head
    held = ExitStack()
    held.enter_context(data_lock(data / site.SITE_LOCK))
    try:
        server = start_server(data, env={"HUB_BASE_URL": BASE})
    except BaseException:
        held.close()
        raise
    try:
        health = httpx.get(server.url + "/api/v1/health").json()
        assert health["starting"] is True  # answered although the first step and the warm-up have not ended
        assert health["commit"] == health["index_commit"] == head and health["packages"] == 2
        assert health["site_commit"] == shown  # the pages the folder holds, and health says which commit they show
        page = httpx.get(server.url + "/pakete/stadt-test/zweites/")
        assert page.status_code == 200 and "2.0.0" in page.text and "2.1.0" not in page.text
        assert httpx.get(server.url + "/api/v1/packages/stadt-test/zweites").json()["manifest"]["version"] == "2.1.0"
        held.close()  # the site child gets the lock: the follower brings the site to HEAD and warms up
        until(lambda: "starting" not in (health := httpx.get(server.url + "/api/v1/health").json()) and health["site_commit"] == head)
        assert "2.1.0" in httpx.get(server.url + "/pakete/stadt-test/zweites/").text
        assert Catalog.open(data / "catalog.git").repo.references.get(TAG_PREFIX + result.tag) is not None
    finally:
        held.close()  # before the server stops: its site child waits for the lock
        server.stop()


def test_a_first_start_answers_before_the_clone_exports_and_a_clone_meanwhile_exports_its_package(tmp_path):
    """A first start builds tags and search index before it answers; the clone exports come behind the first
    answers (the follower's first step), and a clone asked for before then exports its one package on the spot."""
    data = tmp_path / "data"
    make_catalog(data, [("stadt-test/testpaket", "1.0.0"), ("stadt-test/zweites", "2.0.0")])  # no index, no exports yet
    held = ExitStack()
    held.enter_context(data_lock(data / EXPORTS_LOCK))  # as a second hub exporting: the follower cannot export meanwhile
    try:
        server = start_server(data)
    except BaseException:
        held.close()
        raise
    try:
        health = httpx.get(server.url + "/api/v1/health").json()
        assert health["index_commit"] == health["commit"] and health["packages"] == 2  # the index came before the answer
        assert httpx.get(server.url + "/api/v1/packages", params={"q": "zweites"}).json()["total"] >= 1
        exports = data / "git" / "stadt-test"
        assert not (exports / "zweites.git").exists() and not (exports / "testpaket.git").exists()
        git = git_runner(tmp_path / "git-home")
        git("clone", "-q", f"{server.url}/git/stadt-test/zweites.git", str(tmp_path / "clone"))
        assert git("tag", "--list", cwd=tmp_path / "clone").split() == ["v2.0.0"]
        assert (tmp_path / "clone" / "hub.yaml").is_file()
        assert not (exports / "testpaket.git").exists()  # only the package asked for
        # a publish before the first full export: a clone after it gets the new version, not the export made on the spot
        secret = server.token("stadt-test", "publisher")
        files = {"archive": ("p.zip", archive(package_files("stadt-test/zweites", "2.1.0")), "application/zip")}
        response = httpx.post(server.url + "/api/v1/packages", files=files, headers={"Authorization": f"Bearer {secret}"}, timeout=120)
        assert response.status_code == 201, response.text
        git("clone", "-q", f"{server.url}/git/stadt-test/zweites.git", str(tmp_path / "clone-2"))
        assert git("tag", "--list", cwd=tmp_path / "clone-2").split() == ["v2.0.0", "v2.1.0"]
        assert "version: 2.1.0" in (tmp_path / "clone-2" / "hub.yaml").read_text(encoding="utf-8")
        assert httpx.get(server.url + "/git/stadt-test/gibt-es-nicht.git/info/refs").status_code == 404
        assert not (exports / "gibt-es-nicht.git").exists()
        held.close()  # the follower gets the lock: every package is exported behind the answers
        until((exports / "testpaket.git" / "info" / "refs").is_file)
    finally:
        held.close()
        server.stop()


def test_a_first_start_answers_before_its_site_is_built_and_exports_every_package_after_the_site(tmp_path):
    """A first start answers the API, search and clones once its search index is built: the maturity levels and the
    API's stored answers come in the follower's first step, then the served site (a German 503 with Retry-After until
    then), and the export of every package after the site.

    The test holds the site's lock, as a second hub building the site would. Old behaviour: ``hub serve`` built the
    whole site before its first answer (minutes at 10,000 packages), and the follower exported every package before it
    turned to the site."""
    data = tmp_path / "data"
    make_catalog(data, [("stadt-test/testpaket", "1.0.0"), ("stadt-test/zweites", "2.0.0")])  # no index, site or exports yet
    held = ExitStack()
    held.enter_context(data_lock(data / site.SITE_LOCK))
    try:
        server = start_server(data, pages=False)
    except BaseException:
        held.close()
        raise
    try:
        health = httpx.get(server.url + "/api/v1/health").json()
        assert health["index_commit"] == health["commit"] and health["packages"] == 2 and "site_commit" not in health
        assert httpx.get(server.url + "/api/v1/packages/stadt-test/zweites").json()["manifest"]["version"] == "2.0.0"
        assert [h["id"] for h in httpx.get(server.url + "/api/v1/packages", params={"q": "zweites"}).json()["items"]] == [
            "stadt-test/zweites"
        ]
        page = httpx.get(server.url + "/pakete/stadt-test/zweites/")
        assert page.status_code == 503 and page.headers["retry-after"] == "2" and "gleich noch einmal" in page.text
        time.sleep(1)  # the follower's first step has run up to the site's lock: the exports wait behind the site
        assert not (data / "git" / "stadt-test").exists()
        held.close()  # the site child gets the lock: pages first, then every package's export
        until(lambda: httpx.get(server.url + "/api/v1/health").json().get("site_commit") == health["commit"])
        assert "2.0.0" in httpx.get(server.url + "/pakete/stadt-test/zweites/").text
        # the levels the first index left for the follower's first step are there (computed before the site)
        assert {h.get("maturity_level") for h in httpx.get(server.url + "/api/v1/packages").json()["items"]} == {1}
        until((data / "git" / "stadt-test" / "testpaket.git" / "info" / "refs").is_file)
        until(lambda: "starting" not in httpx.get(server.url + "/api/v1/health").json())
        assert (data / "git" / ".synced").read_text() == health["commit"]
    finally:
        held.close()
        server.stop()


def test_opening_a_fresh_data_folder_leaves_every_package_s_export_for_later(tmp_path):
    """``Services.open`` (a server's opening, the tests' services) builds tags and the search index, not the clone
    exports of every package (the longest part of a first start); the next full catch-up makes them, and from then on
    a catch-up exports only what changed."""
    with make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")]) as services:
        head = services.head()
        assert services.index.commit == head and not services.exports_made()
        assert not (services.config.git_path / "stadt-test").exists()
        assert services.catch_up(every_export=False) == head and not services.exports_made()
        assert services.catch_up() == head and services.exports_made()
        assert (services.config.git_path / "stadt-test" / "testpaket.git" / "info" / "refs").is_file()
        assert (services.config.git_path / ".synced").read_text() == head


def test_ctrl_c_stops_hub_serve_without_a_traceback(tmp_path):
    """Ctrl-C in the terminal sends SIGINT to the whole process group: the server's children (the site's, the writer,
    the validation workers) must leave the stopping to the server, not each print a KeyboardInterrupt traceback."""
    import os
    import signal

    server = start_server(tmp_path / "data")
    try:
        server.settled()
        # a validation runs in a budget worker and a publish in the writer: every kind of child is running
        body = archive(package_files("stadt-test/strg-c", "1.0.0"))
        answer = httpx.post(f"{server.url}/api/v1/packages/validate", files={"archive": ("paket.zip", body, "application/zip")}, timeout=60)
        assert answer.status_code == 200, answer.text
    finally:
        os.killpg(server.process.pid, signal.SIGINT)
        output, _ = server.process.communicate(timeout=60)
    assert server.process.returncode is not None
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-3000:]
    # and no child outlives the server: each ends with it (the pools shut down, the workers' pipes close)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(server.process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("a process of hub serve's group still runs 30 s after it stopped")
