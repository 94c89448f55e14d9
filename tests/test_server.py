"""End to end against a real ``hub serve`` process on the embedded default catalogue."""

from __future__ import annotations

import os
import subprocess

import httpx
import pytest

from tests.factory import archive, make_package, package_files
from tests.server import ROOT, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


def test_serves_the_seeded_catalogue(server):
    health = httpx.get(server.url + "/api/v1/health").json()
    assert health["status"] == "ok" and health["packages"] >= 12 and health["index_commit"] == health["commit"]
    hits = httpx.get(server.url + "/api/v1/packages", params={"q": "Gewerbe"}).json()["items"]
    assert "stadt-paderborn/gewerbeanmeldung" in [h["id"] for h in hits]
    package = httpx.get(server.url + "/api/v1/packages/stadt-paderborn/gewerbeanmeldung").json()
    assert package["manifest"]["classification"]["leika"] == ["99050012104000"]
    assert package["published_by"] == "Stadt Paderborn"


def test_problem_details_over_http(server):
    response = httpx.get(server.url + "/api/v1/packages/stadt-paderborn/gibt-es-nicht")
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/problem+json")
    assert "gibt es im Katalog nicht" in response.json()["detail"]


def test_publish_over_http_with_cli_token(server):
    server.register("stadt-e2e", "Stadt E2E")
    secret = server.token("stadt-e2e", "publisher")
    files = {"archive": ("p.tar.gz", archive(package_files("stadt-e2e/ende-zu-ende", "1.0.0"), "tar.gz"), "application/gzip")}
    response = httpx.post(server.url + "/api/v1/packages", files=files, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.text
    assert "stadt-e2e/ende-zu-ende" in server.hub("list")
    hits = httpx.get(server.url + "/api/v1/packages", params={"publisher": "stadt-e2e"}).json()["items"]
    assert [h["id"] for h in hits] == ["stadt-e2e/ende-zu-ende"]


def test_schemathesis_finds_no_server_error_and_no_schema_violation(tmp_path):
    # a server of its own: schemathesis writes with an admin token and must not disturb the others
    server = start_server(tmp_path / "fuzzed")
    try:
        admin = server.token("land-nrw-ministerium", "admin")
        result = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "schemathesis") if (ROOT / ".venv" / "bin" / "schemathesis").exists() else "schemathesis",
                "run",
                server.url + "/api/v1/openapi.json",
                "--checks",
                "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance",
                "--max-examples",
                "25",
                "--header",
                f"Authorization: Bearer {admin}",
                "--suppress-health-check",
                "all",
                "--request-timeout",
                "20",
                "--seed",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
            check=False,
            cwd=tmp_path,  # schemathesis keeps its state in ./.schemathesis: not in the project
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    finally:
        server.stop()


def test_git_clone_from_hub_serve(server, tmp_path):
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    target = tmp_path / "klon"
    result = subprocess.run(
        ["git", "clone", "-q", server.url + "/git/stadt-paderborn/gewerbeanmeldung.git", str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (target / "hub.yaml").read_text(encoding="utf-8").count("version: 2.1.0") == 1
    tags = subprocess.run(["git", "-C", str(target), "tag"], capture_output=True, text=True, check=True).stdout.split()
    assert tags == ["v1.0.0", "v1.1.0", "v2.0.0", "v2.1.0"]
    log = subprocess.run(["git", "-C", str(target), "log", "--format=%an"], capture_output=True, text=True, check=True).stdout.split("\n")
    assert log[0] == "Stadt Paderborn"
    missing = httpx.get(server.url + "/git/stadt-paderborn/gewerbeanmeldung.git/../../../catalog.git/HEAD")
    assert missing.status_code == 404


def test_a_get_after_a_publish_shows_the_new_version_at_once(server, tmp_path):
    """Package answers come from the index's stored bytes once synced, from the catalogue before: the same, and never stale."""
    server.register("stadt-frisch", "Stadt Frisch")
    secret = server.token("stadt-frisch", "publisher")
    url = server.url + "/api/v1/packages/stadt-frisch/sofort"
    seen = []
    for version in ("1.0.0", "1.1.0", "2.0.0"):
        files = {"archive": ("p.zip", archive(package_files("stadt-frisch/sofort", version)), "application/zip")}
        response = httpx.post(server.url + "/api/v1/packages", files=files, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 201, response.text
        answer = httpx.get(url)  # at once: no waiting for the index
        assert answer.json()["manifest"]["version"] == version and answer.json()["commit"] == response.json()["commit"]
        assert httpx.get(url + "/versions").json()[0]["version"] == version
        assert httpx.get(url + f"/versions/{version}").json()["manifest"]["version"] == version
        seen.append(answer)
    # a publish by another process (the CLI) is seen on the next request too
    server.hub("publish", str(make_package(tmp_path, "stadt-frisch/sofort", "2.1.0")))
    assert httpx.get(url).json()["manifest"]["version"] == "2.1.0"
    assert [v["version"] for v in httpx.get(url + "/versions").json()] == ["2.1.0", "2.0.0", "1.1.0", "1.0.0"]
    # an earlier answer's ETag no longer matches: a client revalidating gets the new version
    stale = httpx.get(url, headers={"If-None-Match": seen[-1].headers["etag"]})
    assert stale.status_code == 200 and stale.json()["manifest"]["version"] == "2.1.0"
