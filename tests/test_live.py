"""A running ``hub serve`` follows the catalogue's HEAD, whoever moves it: CLI publish, adoption, review, a harvest.

Within 2 s of the command's end, search finds the change, ``git clone`` (git's own CLI) gets it, health shows
index == site == catalogue commit, and the served pages show it. The same with ``--workers 2``, where a write
through the API reaches the other worker too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import launch
from tests.factory import archive, make_package, package_files
from tests.served import example_source, seeded_data
from tests.server import ROOT, Server, start_server

LIMIT = 2.0  # seconds from a command's end until every part of the running hub shows its commit
BASE = "http://hub.test/"  # one address for every test server, so a copied site stays current


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> Path:
    """A data folder seeded once, with index, exports and the served site; each server gets a copy."""
    return seeded_data(tmp_path_factory.mktemp("seeded"), tmp_path_factory.mktemp("vorlauf"), BASE)


@pytest.fixture(scope="module", params=[1, 2], ids=["one-worker", "two-workers"])
def server(request, seeded, tmp_path_factory):
    data = tmp_path_factory.mktemp("live") / "data"
    shutil.copytree(seeded, data)
    server = start_server(data, workers=request.param, env={"HUB_BASE_URL": BASE})
    try:
        server.settled(request.param)
        # the organisation the tests act for, registered here: each test must run alone (xdist splits a module's tests)
        server.register("stadt-live", "Stadt Live")
        yield server
    finally:
        server.stop()  # also when the start did not settle: no hub is left running


def within(check: Callable[[], bool], limit: float = LIMIT) -> float:
    """Seconds until ``check()`` holds (polled); fails after ``limit``."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > limit:
            later = time.monotonic()
            while not check() and time.monotonic() - later < 30:
                time.sleep(0.05)
            pytest.fail(
                f"not visible within {limit} s (visible after {time.monotonic() - started:.2f} s)"
                if check()
                else f"not visible within {limit + 30} s"
            )
        time.sleep(0.05)


def head(server: Server) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(server.data / "catalog.git"), "rev-parse", "main"], capture_output=True, text=True, check=True
    ).stdout.strip()


def current(server: Server, commit: str) -> bool:
    # a new connection each time: with several workers, any of them may answer
    health = httpx.get(server.url + "/api/v1/health", headers={"Connection": "close"}).json()
    return health["commit"] == health["index_commit"] == health["site_commit"] == commit


def finds(server: Server, params: dict, package_id: str) -> bool:
    hits = httpx.get(server.url + "/api/v1/packages", params=params, headers={"Connection": "close"}).json()["items"]
    return package_id in [h["id"] for h in hits]


def clones(server: Server, package_id: str, version: str, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    result = subprocess.run(
        ["git", "clone", "-q", f"{server.url}/git/{package_id}.git", str(target)],
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"version: {version}" in (target / "hub.yaml").read_text(encoding="utf-8")


def test_cli_writes_and_a_harvest_reach_the_running_hub(server, tmp_path):
    package_id = "stadt-live/wunderkerzen"
    folder = make_package(tmp_path / "src", package_id, "1.0.0", name="Wunderkerzengenehmigung")
    server.hub("publish", str(folder))
    commit = head(server)
    within(lambda: finds(server, {"q": "Wunderkerzengenehmigung"}, package_id) and current(server, commit))
    clones(server, package_id, "1.0.0", tmp_path / "klon")
    page = httpx.get(f"{server.url}/pakete/{package_id}/")
    assert page.status_code == 200 and "Wunderkerzengenehmigung" in page.text

    server.hub("adoption", "create", package_id, "--as", "stadt-paderborn", "--status", "pilot")
    commit = head(server)
    within(lambda: current(server, commit))
    adopters = [a["adopter"] for a in httpx.get(server.url + "/api/v1/adoptions", params={"package": package_id}).json()]
    assert adopters == ["stadt-paderborn"]

    server.hub(
        "review",
        f"{package_id}@1.0.0",
        "--as",
        "land-nrw-ministerium",
        "--level",
        "4",
        "--rationale",
        "Im Livetest begutachtet, Belege liegen vor.",
    )
    commit = head(server)
    within(lambda: finds(server, {"maturity_level": "4", "publisher": "stadt-live"}, package_id) and current(server, commit))

    sources = example_source(tmp_path)
    server.hub("sources", "set", str(sources))
    server.hub("harvest", "musterstadt")
    commit = head(server)
    harvested = "stadt-musterstadt/sperrmuell-termin"
    within(lambda: finds(server, {"q": "Sperrmüll"}, harvested) and current(server, commit))
    clones(server, harvested, "1.0.0", tmp_path / "klon-geerntet")


def test_an_api_write_reaches_every_worker(server):
    secret = server.token("stadt-live", "publisher")
    files = {
        "archive": ("p.zip", archive(package_files("stadt-live/laternenumzug", "1.0.0", name="Laternenumzuganmeldung")), "application/zip")
    }
    response = httpx.post(server.url + "/api/v1/packages", files=files, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.text
    commit = response.json()["commit"]
    seen: set[int] = set()

    def everywhere() -> bool:
        health = httpx.get(server.url + "/api/v1/health", headers={"Connection": "close"}).json()
        if health["commit"] == health["index_commit"] == health["site_commit"] == commit and finds(
            server, {"q": "Laternenumzuganmeldung"}, "stadt-live/laternenumzug"
        ):
            seen.add(health["process"])
        return len(seen) >= int(server.process.args[-1])  # every worker answered with the new commit

    within(everywhere, 10.0)  # which worker answers is the kernel's choice: polling until each has, not the delay
    assert within(lambda: current(server, commit)) < LIMIT


def test_the_served_site_in_chromium(server):
    """From the start page: search, open a package page, see its process diagram."""
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            refused: list[str] = []
            page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
            page.goto(server.url + "/")
            page.fill("#schnellsuche", "Gewerbeanmeldung")
            page.press("#schnellsuche", "Enter")
            page.wait_for_selector("#suche[data-ready=true]")
            page.locator("#treffer .card a", has_text="Digitale Gewerbeanmeldung").first.click()
            page.wait_for_url("**/pakete/stadt-paderborn/gewerbeanmeldung/**")
            expect(page.locator("#prozess svg.bpmn-diagram").first).to_be_visible()
            # the page writes the clone command for the address it was loaded from
            assert f"git clone {server.url}/git/stadt-paderborn/gewerbeanmeldung.git" in page.locator("main").inner_text()
            assert refused == []  # the CSP on the pages blocks nothing the pages need
        finally:
            browser.close()


def test_hub_site_build_makes_the_same_pages(seeded, tmp_path):
    """The served site is what ``hub site build`` writes (without its copy of the clone exports)."""
    out = tmp_path / "statisch"
    subprocess.run(
        [sys.executable, "-m", "hub", "--data", str(seeded), "site", "build", "--out", str(out), "--clone-base", BASE],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    served = seeded / "site"

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*")
            if p.is_file() and not p.relative_to(root).as_posix().startswith((".build/", "git/"))
        }

    static, live = files(out), files(served)
    assert static.keys() == live.keys() and len(static) > 100
    assert [name for name in static if static[name] != live[name]] == []
