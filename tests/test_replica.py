"""Read replicas (``hub serve --follow <primary>``): two real hubs with their own data folders on 127.0.0.1.

A publish on the primary is served by the replica (package, search, ``git clone`` with git's own
client) within 5 s, and its page as soon as the site is rebuilt; every write route of the replica answers 421 with the primary's
address and changes nothing (the CLI on the replica's folder is refused too); with the primary
killed the replica keeps serving and reports the failed syncs; a primary whose history does not
continue the replica's is refused, and the replica keeps serving what it had.

To keep the tests fast, a replica's derived folders (search index, clone exports, served site) are
copied from the seeded folder the primary starts from; its catalogue starts empty and is fetched
from the primary over HTTP (the index, exports and site then find themselves at that commit).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pygit2
import pytest
from litestar.testing import TestClient
from playwright.sync_api import sync_playwright

from hub.api import create_app
from hub.api.replica import SAFE_METHODS, WRITES_NOTHING
from hub.config import HubConfig
from hub.services import Services, mark_replica
from tests.browser import launch
from tests.factory import archive, make_package, make_services, package_files
from tests.served import seeded_data
from tests.server import ROOT, Server, start_server
from tests.test_workspace import serious_violations

LIMIT = 5.0  # seconds from the primary's answer until the replica serves the publish
BASE = "http://hub.test/"  # the same address on both hubs: the copied site stays current
ENV = {"HUB_BASE_URL": BASE}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    return seeded_data(tmp_path_factory.mktemp("seeded"), tmp_path_factory.mktemp("vorlauf"), BASE)


def start_pair(seeded: Path, folder: Path, *, packed: bool = False) -> tuple[Server, Server]:
    """``packed``: the primary's catalogue objects in one pack (as after ``git gc``), so the replica's first fetch reads packs."""
    shutil.copytree(seeded, folder / "primary")
    if packed:
        subprocess.run(["git", "--git-dir", str(folder / "primary" / "catalog.git"), "repack", "-a", "-d", "-q"], check=True)
    primary = start_server(folder / "primary", env=ENV)
    shutil.copytree(seeded, folder / "replica", ignore=shutil.ignore_patterns("catalog.git", "tokens.sqlite"))
    try:
        replica = start_server(folder / "replica", env=ENV, args=("--follow", primary.url))
    except Exception:
        primary.stop()
        raise
    return primary, replica


@pytest.fixture(scope="module")
def pair(seeded, tmp_path_factory):
    primary, replica = start_pair(seeded, tmp_path_factory.mktemp("pair"), packed=True)
    yield primary, replica
    replica.stop()
    primary.stop()


def get(server: Server, path: str, **kwargs) -> httpx.Response:
    return httpx.get(server.url + path, headers={"Connection": "close"}, timeout=10, **kwargs)


def health(server: Server) -> dict:
    return get(server, "/api/v1/health").json()


def main_of(server: Server) -> str:
    return str(pygit2.Repository(str(server.data / "catalog.git")).references["refs/heads/main"].target)


def serves(replica: Server, package_id: str, version: str, word: str, commit: str) -> bool:
    state = health(replica)
    if not state["commit"] == state["index_commit"] == commit:
        return False
    package = get(replica, f"/api/v1/packages/{package_id}")
    hits = get(replica, "/api/v1/packages", params={"q": word}).json()["items"]
    return package.status_code == 200 and package.json()["manifest"]["version"] == version and package_id in [h["id"] for h in hits]


def clone(server: Server, package_id: str, target: Path) -> str:
    result = subprocess.run(
        ["git", "clone", "-q", f"{server.url}/git/{package_id}.git", str(target)],
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return (target / "hub.yaml").read_text(encoding="utf-8")


def until(check, limit: float) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > limit:
            while not check() and time.monotonic() - started < limit + 30:
                time.sleep(0.1)
            pytest.fail(f"not within {limit} s ({'after %.1f s' % (time.monotonic() - started) if check() else 'not even later'})")
        time.sleep(0.05)
    return time.monotonic() - started


def publish_via_api(primary: Server, package_id: str, version: str, name: str) -> str:
    org = package_id.split("/")[0]
    if get(primary, f"/api/v1/publishers/{org}").status_code == 404:
        primary.register(org, org.replace("-", " ").title())
    secret = primary.token(org, "publisher")
    files = {"archive": ("p.zip", archive(package_files(package_id, version, name=name)), "application/zip")}
    response = httpx.post(primary.url + "/api/v1/packages", files=files, headers={"Authorization": f"Bearer {secret}"}, timeout=60)
    assert response.status_code == 201, response.text
    return response.json()["commit"]


def test_the_replica_starts_with_the_primarys_catalogue(pair):
    primary, replica = pair
    state = health(replica)
    assert state["commit"] == health(primary)["commit"] == main_of(primary)
    assert state["replica"]["primary"] == primary.url and state["replica"]["commit"] == state["commit"]
    assert state["replica"]["last_sync"] is not None and state["replica"]["failures"] == 0
    assert health(primary).get("replica") is None
    assert list((primary.data / "catalog.git" / "objects" / "pack").glob("*.pack"))  # fetched from a pack, not loose objects
    fsck = subprocess.run(
        ["git", "--git-dir", str(replica.data / "catalog.git"), "fsck", "--strict"], capture_output=True, text=True, check=False
    )
    assert fsck.returncode == 0, fsck.stderr


def test_a_publish_on_the_primary_is_served_by_the_replica_within_5_s(pair, tmp_path):
    primary, replica = pair
    package_id = "stadt-replik/glockenspiel"
    commit = publish_via_api(primary, package_id, "1.0.0", "Glockenspielgenehmigung")
    started = time.monotonic()
    until(lambda: serves(replica, package_id, "1.0.0", "Glockenspielgenehmigung", commit), LIMIT)
    assert "version: 1.0.0" in clone(replica, package_id, tmp_path / "klon")
    elapsed = time.monotonic() - started
    assert elapsed < LIMIT, f"{elapsed:.2f} s"
    # the pages follow as on any hub (the site build, not the replica, sets that pace: see test_live)
    until(lambda: health(replica)["site_commit"] == commit, 60)
    page = get(replica, f"/pakete/{package_id}/")
    assert page.status_code == 200 and "Glockenspielgenehmigung" in page.text
    # the replica's catalogue is the primary's, object for object: same commit, same tag
    tag = f"refs/tags/{package_id}/v1.0.0"
    assert main_of(replica) == commit
    assert (
        pygit2.Repository(str(replica.data / "catalog.git")).references[tag].target
        == pygit2.Repository(str(primary.data / "catalog.git")).references[tag].target
    )
    # new objects came loose (the primary writes loose objects); the replica's catalogue is whole
    fsck = subprocess.run(
        ["git", "--git-dir", str(replica.data / "catalog.git"), "fsck", "--strict"], capture_output=True, text=True, check=False
    )
    assert fsck.returncode == 0, fsck.stderr
    # and the whole catalogue clones from either with git's own client
    whole = subprocess.run(
        ["git", "clone", "-q", "--bare", f"{replica.url}/git/catalog.git", str(tmp_path / "katalog.git")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert whole.returncode == 0, whole.stderr
    assert pygit2.Repository(str(tmp_path / "katalog.git")).references[tag].target is not None


WRITES = [
    (
        "POST",
        "/api/v1/packages",
        {"files": {"archive": ("p.zip", archive(package_files("stadt-replik/anders", "1.0.0")), "application/zip")}},
    ),
    ("POST", "/api/v1/adoptions", {"json": {"package": "stadt-paderborn/serviceportal", "version": "1.0.0"}}),
    ("PATCH", "/api/v1/adoptions/stadt-replik/stadt-paderborn/serviceportal", {"json": {"status": "pilot"}}),
    ("POST", "/api/v1/adoptions/stadt-replik/stadt-paderborn/serviceportal/confirmations", {"json": {}}),
    (
        "POST",
        "/api/v1/reviews",
        {"json": {"package": "stadt-paderborn/serviceportal", "version": "1.0.0", "level": 2, "rationale": "x" * 30}},
    ),
    ("PUT", "/api/v1/publishers/stadt-replik", {"content": b"id: stadt-replik\nname: Stadt Replik\ntype: stadt\n"}),
    ("PUT", "/api/v1/sources", {"content": b"sources: []\n"}),
    ("POST", "/api/v1/harvest", {}),
]


def test_writes_on_the_replica_are_refused_with_the_primarys_address_and_change_nothing(pair, tmp_path):
    primary, replica = pair
    before = main_of(replica)
    secret = primary.token("stadt-paderborn", "admin")  # a valid token of the primary: the replica tells where to go, not 401
    for method, path, kwargs in WRITES:
        response = httpx.request(method, replica.url + path, headers={"Authorization": f"Bearer {secret}"}, timeout=10, **kwargs)
        assert response.status_code == 421, (method, path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["code"] == "replica-read-only" and problem["title"] == "Nur-Lese-Replikat"
        assert problem["primary"] == primary.url and primary.url in problem["detail"]
    # a dry run writes nothing, so a replica answers it
    dry = httpx.post(replica.url + "/api/v1/packages/validate", files=WRITES[0][2]["files"], timeout=30)
    assert dry.status_code == 200 and dry.json()["valid"] is True
    # the command line on the replica's data folder is refused by the use case itself
    folder = make_package(tmp_path, "stadt-replik/kommandozeile", "1.0.0")
    cli = subprocess.run(
        [sys.executable, "-m", "hub", "--data", str(replica.data), "publish", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 4 and primary.url in cli.stderr, cli.stderr
    assert main_of(replica) == before
    assert get(replica, "/api/v1/packages/stadt-replik/kommandozeile").status_code == 404


def test_every_write_route_is_refused_on_a_replica_before_its_token_or_body(tmp_path):
    """Every route of the app with an unsafe method, found by walking the app: refused unless it writes nothing."""
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    mark_replica(tmp_path, "https://primaer.example")
    services = Services.open(HubConfig(data_dir=tmp_path, seed=False))
    head = services.head()
    app = create_app(services)
    refused, answered = [], []
    with TestClient(app) as client:
        for route in app.routes:
            for handler, method in ((h, m) for h in getattr(route, "route_handlers", []) for m in getattr(h, "http_methods", ())):
                if method in SAFE_METHODS:
                    continue
                path = route.path.replace("{", "").replace("}", "").replace(":str", "").replace(":path", "")
                response = client.request(method, path, content=b"{}")  # no token, a body no route accepts
                if handler.opt.get(WRITES_NOTHING):
                    answered.append(path)
                    assert response.status_code != 421
                else:
                    refused.append(f"{method} {path}")
                    assert response.status_code == 421 and response.json()["code"] == "replica-read-only", (method, path)
    assert len(refused) >= len(WRITES) and sorted(answered) == ["/api/v1/packages/validate", "/api/v1/publiccode/import"]
    assert services.head() == head


def test_without_its_primary_the_replica_serves_on_and_refuses_a_history_that_does_not_continue_its_own(seeded, tmp_path):
    primary, replica = start_pair(seeded, tmp_path)
    other = None
    try:
        commit = publish_via_api(primary, "stadt-replik/laterne", "1.0.0", "Laternengenehmigung")
        until(lambda: serves(replica, "stadt-replik/laterne", "1.0.0", "Laternengenehmigung", commit), LIMIT)
        until(lambda: health(replica)["site_commit"] == commit, 60)
        synced = health(replica)["replica"]["last_sync"]

        primary.kill()
        until(lambda: health(replica)["replica"]["failures"] >= 2, 10)
        state = health(replica)
        assert state["status"] == "ok" and state["commit"] == commit
        assert "nicht erreichbar" in state["replica"]["error"] and state["replica"]["last_sync"] >= synced
        assert get(replica, "/api/v1/packages/stadt-replik/laterne").status_code == 200
        assert "Laternengenehmigung" in get(replica, "/pakete/stadt-replik/laterne/").text

        # another hub at the primary's address, whose history went another way from the seed
        shutil.copytree(seeded, tmp_path / "other")
        folder = make_package(tmp_path / "src", "stadt-replik/anderswo", "1.0.0")
        subprocess.run(
            [sys.executable, "-m", "hub", "--data", str(tmp_path / "other"), "publish", str(folder)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        other = start_server(tmp_path / "other", env=ENV, port=int(primary.url.rsplit(":", 1)[1]))
        until(lambda: "nicht fort" in (health(replica)["replica"]["error"] or ""), 10)
        state = health(replica)
        assert state["commit"] == main_of(replica) == commit  # nothing taken over
        assert get(replica, "/api/v1/packages/stadt-replik/anderswo").status_code == 404
        assert get(replica, "/api/v1/packages/stadt-replik/laterne").status_code == 200
    finally:
        if other is not None:
            other.stop()
        replica.stop()
        primary.stop()
    log = replica.process.stdout.read() if replica.process.stdout else ""
    assert "setzt den dieses Replikats nicht fort" in log


def test_every_write_use_case_asks_whether_it_may_write():
    """A use case that commits (it ends with ``catch_up``) first calls ``services.writable()``; only the replica's own sync,
    ``hub init`` (which commits nothing on an existing catalogue) and the background harvest's thread body (``harvest._run``,
    started only by ``harvest.start``, which asked) do not."""
    import ast

    missing = []
    for path in sorted((ROOT / "hub" / "usecases").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            calls = {n.func.attr for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
            if (
                "catch_up" in calls
                and "writable" not in calls
                and (path.stem, node.name) not in {("replica", "sync"), ("catalogue", "initialise"), ("harvest", "_run")}
            ):
                missing.append(f"{path.stem}.{node.name}")
    assert missing == []


def test_a_publish_whose_tag_the_primary_has_not_written_yet_is_held_back(pair, tmp_path):
    """The primary moves ``main`` a moment before the tag; a sync in that moment takes nothing and waits for the tag."""
    from hub.api.controllers.catalogue_git import FRESH
    from hub.usecases.replica import sync

    primary, _ = pair
    commit = publish_via_api(primary, "stadt-replik/zwischenstand", "1.0.0", "Zwischenstandsgenehmigung")
    catalogue = pygit2.Repository(str(primary.data / "catalog.git"))
    tag = "refs/tags/stadt-replik/zwischenstand/v1.0.0"
    target = catalogue.references[tag].target
    mark_replica(tmp_path, primary.url)
    services = Services.attach(HubConfig(data_dir=tmp_path))
    catalogue.references.delete(tag)  # as between the primary's two ref moves
    try:
        time.sleep(FRESH + 0.2)  # the primary lists its refs anew at most every FRESH seconds while main stays
        waiting = sync(services, primary.url)
    finally:
        catalogue.references.create(tag, target)
    assert waiting.state == "waiting" and services.head() is None
    time.sleep(FRESH + 0.2)
    done = sync(services, primary.url)
    assert done.state == "advanced" and services.head() == commit
    assert str(services.catalog.repo.references[tag].target) == str(target)
    assert services.catalog.get("stadt-replik/zwischenstand").manifest.version == "1.0.0"


def test_a_tag_that_stays_missing_on_the_primary_is_made_by_the_replica_and_replaced_by_the_primarys(pair, tmp_path):
    """Past the patience (the primary's writer died between its two ref moves) the replica takes main and tags the
    commit itself, as the primary's repair_tags will; the primary's tag object replaces it when it appears."""
    from hub.api.controllers.catalogue_git import FRESH
    from hub.usecases.replica import TAG_PATIENCE, sync

    primary, _ = pair
    commit = publish_via_api(primary, "stadt-replik/nachzuegler", "1.0.0", "Nachzüglergenehmigung")
    catalogue = pygit2.Repository(str(primary.data / "catalog.git"))
    tag = "refs/tags/stadt-replik/nachzuegler/v1.0.0"
    target = catalogue.references[tag].target
    mark_replica(tmp_path, primary.url)
    services = Services.attach(HubConfig(data_dir=tmp_path))
    catalogue.references.delete(tag)
    try:
        time.sleep(FRESH + 0.2)
        assert sync(services, primary.url).state == "waiting"
        time.sleep(TAG_PATIENCE + 0.2)
        assert sync(services, primary.url).state == "advanced" and services.head() == commit
    finally:
        catalogue.references.create(tag, target)
    own = services.catalog.repo.references[tag].target
    assert own != target and services.catalog.repo[own].peel(pygit2.Commit).id == catalogue[target].peel(pygit2.Commit).id
    assert [v.version for v in services.catalog.versions("stadt-replik/nachzuegler")] == ["1.0.0"]
    exported = pygit2.Repository(str(tmp_path / "git" / "stadt-replik" / "nachzuegler.git"))
    assert exported.references.get("refs/tags/v1.0.0") is not None  # the version is in the clone export too
    time.sleep(FRESH + 0.2)
    assert sync(services, primary.url).tags == 1
    assert services.catalog.repo.references[tag].target == target


def test_a_replicas_folder_is_not_served_as_a_primary_by_mistake(tmp_path):
    mark_replica(tmp_path, "https://primaer.example")

    def serve(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "hub", "--data", str(tmp_path), "serve", "--port", "1", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    plain = serve()
    assert plain.returncode == 2 and "--follow https://primaer.example" in plain.stderr and "--promote" in plain.stderr
    both = serve("--follow", "https://primaer.example", "--promote")
    assert both.returncode == 2 and "schließen einander aus" in both.stderr
    assert (tmp_path / "replica.json").exists() and not (tmp_path / "catalog.git").exists()  # nothing started, nothing changed


def test_the_workspace_on_a_replica_is_a_german_page_leading_to_the_primarys_and_the_api_keeps_its_problem(pair):
    primary, replica = pair
    before = main_of(replica)
    package = "stadt-paderborn/online-terminvergabe"
    # pages: the same page on the primary, with what was asked for
    for path in ("/anmelden?weiter=/arbeitsbereich/pruefung", "/arbeitsbereich/", f"/arbeitsbereich/nachnutzungen/{package}/"):
        answer = get(replica, path, follow_redirects=False)
        assert answer.status_code == 421 and answer.headers["content-type"].startswith("text/html"), path
        assert "<h1>Der Arbeitsbereich ist auf dem Primär-Hub</h1>" in answer.text
        assert f'<a href="{primary.url}{path}">Weiter zum Arbeitsbereich auf dem Primär-Hub</a>' in answer.text
        assert "es wurde nichts geändert" not in answer.text  # nothing was sent
    # forms (signing in, a dry run): a German page saying nothing happened, and where to send it instead
    sign_in = httpx.post(replica.url + "/anmelden", data={"csrf": "x", "email": "a@b.example", "passwort": "p" * 12}, timeout=10)
    upload = httpx.post(
        replica.url + "/arbeitsbereich/veroeffentlichen/",
        data={"csrf": "x"},
        files={"archive": ("p.zip", archive(package_files("stadt-replik/formular")))},
        timeout=10,
    )
    for answer, target in ((sign_in, "/anmelden"), (upload, "/arbeitsbereich/")):
        assert answer.status_code == 421 and answer.headers["content-type"].startswith("text/html")
        assert "Das Formular wurde hier nicht verarbeitet; es wurde nichts geändert." in answer.text
        assert f'<a href="{primary.url}{target}">' in answer.text
    # the API's writes keep their problem details
    api = httpx.post(replica.url + "/api/v1/reviews", json={}, timeout=10)
    assert api.status_code == 421 and api.json()["code"] == "replica-read-only"
    # a person on the replica's package page: "Nachnutzung erfassen" → the German page → the primary's sign-in
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto(f"{replica.url}/pakete/{package}/index.html")
            page.get_by_role("link", name="Nachnutzung erfassen").click()
            page.wait_for_url(f"{replica.url}/arbeitsbereich/nachnutzungen/{package}/")
            assert page.get_by_role("heading", level=1).inner_text() == "Der Arbeitsbereich ist auf dem Primär-Hub"
            assert serious_violations(page) == []
            page.get_by_role("link", name="Weiter zum Arbeitsbereich auf dem Primär-Hub").click()
            page.wait_for_load_state()
            assert page.url.startswith(f"{primary.url}/anmelden?weiter="), page.url
            assert page.get_by_role("heading", level=1).inner_text() == "Anmelden"
            assert page.get_by_label("E-Mail-Adresse").is_visible()
        finally:
            browser.close()
    assert main_of(replica) == before


def test_the_replica_guards_run_on_the_event_loop(tmp_path):
    """Litestar runs a plain-function guard in a worker thread: a hop per request that cost more than a cached answer."""
    import inspect

    from hub.api.replica import replica_guard, workspace_replica_guard

    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    assert inspect.iscoroutinefunction(replica_guard(services))
    assert inspect.iscoroutinefunction(workspace_replica_guard(services))
