"""The API in-process (Litestar's TestClient): every route, auth, and problem details for bad input."""

from __future__ import annotations

import io
import random
import tarfile
import zipfile

import openpyxl
import pytest
from litestar.testing import TestClient

from hub.api import create_app
from tests.factory import BPMN, README, archive, make_services, package_files
from tests.snapshot import snapshot

PROBLEM = "application/problem+json"


@pytest.fixture
def services(tmp_path):
    return make_services(
        tmp_path,
        [
            ("stadt-test/testpaket", "1.0.0"),
            {
                "package_id": "stadt-test/testpaket",
                "version": "1.1.0",
                "files": {"README.md": README + "\nNeu <script>alert(1)</script>\n"},
            },
            {
                "package_id": "kreis-muster/gewerbeanmeldung",
                "version": "2.0.0",
                "name": "Digitale Gewerbeanmeldung",
                "classification": {"themenfeld": "Unternehmensführung & -entwicklung", "leika": ["99050012104000"]},
                "license": "Apache-2.0",
            },
        ],
        max_upload_bytes=200_000,
    )


@pytest.fixture
def client(services):
    with TestClient(create_app(services)) as client:
        yield client


def token(services, org: str, role: str) -> dict[str, str]:
    secret, _ = services.tokens.create(org, role)
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["title"] and body["detail"] and "Traceback" not in response.text
    return body


def upload(files: dict[str, bytes], fmt: str = "zip", **kwargs) -> dict:
    return {"archive": ("paket.zip" if fmt == "zip" else "paket.tar.gz", archive(files, fmt, **kwargs), "application/octet-stream")}


# -- reading ---------------------------------------------------------------------------------


def test_search_lists_packages_with_facets(client):
    body = client.get("/api/v1/packages").json()
    assert body["total"] == 2
    assert {item["id"] for item in body["items"]} == {"stadt-test/testpaket", "kreis-muster/gewerbeanmeldung"}
    themen = {f["value"]: f["count"] for f in body["facets"]["themenfeld"]}
    assert themen == {"Querschnittsleistungen": 1, "Unternehmensführung & -entwicklung": 1}


def test_search_query_and_filter(client):
    assert [i["id"] for i in client.get("/api/v1/packages", params={"q": "Gewerbe"}).json()["items"]] == ["kreis-muster/gewerbeanmeldung"]
    filtered = client.get("/api/v1/packages", params={"license": "EUPL-1.2"}).json()
    assert [i["id"] for i in filtered["items"]] == ["stadt-test/testpaket"]


def test_search_pages_with_cursor(client):
    first = client.get("/api/v1/packages", params={"limit": 1, "sort": "name"}).json()
    second = client.get("/api/v1/packages", params={"limit": 1, "sort": "name", "cursor": first["next_cursor"]}).json()
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {"stadt-test/testpaket", "kreis-muster/gewerbeanmeldung"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"cursor": "kaputt!"}, "bad-request"),
        ({"limit": 0}, "invalid-parameters"),
        ({"limit": 1000}, "invalid-parameters"),
        ({"sort": "zufall"}, "invalid-parameters"),
    ],
)
def test_search_bad_parameters_are_400_problems(client, params, code):
    assert_problem(client.get("/api/v1/packages", params=params), 400, code)


def test_package_latest_and_version(client):
    latest = client.get("/api/v1/packages/stadt-test/testpaket").json()
    assert latest["manifest"]["version"] == "1.1.0" and latest["published_by"] == "Stadt Stadt-Test"
    old = client.get("/api/v1/packages/stadt-test/testpaket/versions/1.0.0").json()
    assert old["manifest"]["version"] == "1.0.0"
    versions = client.get("/api/v1/packages/stadt-test/testpaket/versions").json()
    assert [v["version"] for v in versions] == ["1.1.0", "1.0.0"]
    history = client.get("/api/v1/packages/stadt-test/testpaket/history").json()
    assert [h["version"] for h in history] == ["1.1.0", "1.0.0"]


def test_diff_between_versions(client):
    diff = client.get("/api/v1/packages/stadt-test/testpaket/diff", params={"from": "1.0.0", "to": "1.1.0"}).json()
    assert {f["path"]: f["status"] for f in diff["files"]} == {"README.md": "modified", "hub.yaml": "modified"}
    assert_problem(client.get("/api/v1/packages/stadt-test/testpaket/diff", params={"from": "1.0.0"}), 400, "invalid-parameters")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/packages/stadt-test/gibt-es-nicht", "package-not-found"),
        ("/api/v1/packages/stadt-test/testpaket/versions/9.9.9", "version-not-found"),
        ("/api/v1/packages/stadt-test/testpaket/files/fehlt.md", "file-not-found"),
        ("/api/v1/packages/stadt-test/testpaket/files/..%2F..%2Fpublishers%2Fstadt-test.yaml", "file-not-found"),
        ("/api/v1/publishers/niemand", "not-found"),
        ("/schemas/v1/gibt-es-nicht.schema.json", "not-found"),
        ("/api/v1/gibt-es-nicht", "not-found"),
    ],
)
def test_missing_things_are_404_problems_in_german(client, url, code):
    body = assert_problem(client.get(url), 404, code)
    assert any(word in body["detail"] for word in ("gibt es", "hat keine", "nichts"))


def test_raw_files_have_content_types_and_no_sniffing(client):
    bpmn = client.get("/api/v1/packages/stadt-test/testpaket/files/prozess/ablauf.bpmn")
    assert bpmn.status_code == 200 and bpmn.headers["content-type"].startswith("application/xml")
    assert bpmn.headers["x-content-type-options"] == "nosniff" and "sandbox" in bpmn.headers["content-security-policy"]
    assert b"bpmn:definitions" in bpmn.content
    form = client.get("/api/v1/packages/stadt-test/testpaket/files/formulare/antrag.schema.json", params={"version": "1.0.0"})
    assert form.headers["content-type"].startswith("application/json") and form.json()["title"] == "Testantrag"


def test_readme_as_html_escapes_raw_html(client):
    response = client.get("/api/v1/packages/stadt-test/testpaket/readme")
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Testpaket</h1>" in response.text
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text
    assert "<script>" not in client.get("/api/v1/packages/stadt-test/testpaket/readme", params={"version": "1.0.0"}).text


def test_publishers(client):
    assert {p["id"] for p in client.get("/api/v1/publishers").json()} >= {"stadt-test", "kreis-muster", "stadt-soest"}
    assert client.get("/api/v1/publishers/kreis-muster").json()["name"] == "Stadt Kreis-Muster"


def test_schemas_served_at_their_id(client):
    ids = client.get("/schemas/v1").json()
    assert "https://transferhub.de/schemas/v1/package.schema.json" in ids
    assert "https://transferhub.de/schemas/v1/maturity.json" in ids
    for schema_id in ids:
        response = client.get(schema_id.removeprefix("https://transferhub.de"))
        kind = "application/json" if schema_id.endswith("maturity.json") else "application/schema+json"
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
        assert response.json()["$id"] == schema_id


def test_health(client, services):
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["packages"] == 2 and body["commit"] == str(services.catalog.head().id)


def test_openapi_31_documents_every_route(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    app_paths = {route.path for route in client.app.routes if route.path.startswith(("/api/v1/", "/schemas/"))}
    documented = {p.rstrip("/") for p in spec["paths"]}
    for path in app_paths:
        if path.startswith(("/api/v1/openapi.json", "/api/v1/docs", "/api/v1/_openapi")):
            continue  # the description itself, its page, and Litestar's internal OpenAPI router
        assert path.replace(":str", "").replace(":path", "").rstrip("/") in documented or path.rstrip("/") in documented, path
    assert client.get("/api/v1/docs").status_code == 200


def test_openapi_is_complete(client):
    spec = client.get("/api/v1/openapi.json").json()
    defaults = {"Request fulfilled, document follows", "Document created, URL follows", "No Content", ""}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    assert response["description"] not in defaults, (method, path)
            if method in ("post", "put", "patch", "delete"):  # every write shows an example of what to send
                bodies = operation.get("requestBody", {}).get("content", {})
                examples = [c["example"] for c in bodies.values() if "example" in c] + [
                    p["example"] for p in operation.get("parameters", []) if "example" in p
                ]
                assert examples, (method, path)
    sources = spec["paths"]["/api/v1/sources"]["put"]["requestBody"]
    assert sources["required"] and {"application/yaml", "application/json"} <= set(sources["content"])
    assert (
        spec["components"]["schemas"]["SourcesFile"]["properties"]["sources"]["items"]["$ref"]
        == "#/components/schemas/SourcesFile/$defs/source"
    )
    assert (
        "publiccodeYmlVersion"
        in spec["paths"]["/api/v1/publiccode/import"]["post"]["requestBody"]["content"]["application/yaml"]["example"]
    )
    search = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/packages"]["get"]["parameters"]}
    enums = {
        name: next(s["items"]["enum"] for s in schema["oneOf"] if s.get("type") == "array")
        for name, schema in search.items()
        if name in ("themenfeld", "status", "artefact_kind", "maturity_level")
    }
    assert "Steuern & Zoll" in enums["themenfeld"] and enums["maturity_level"] == ["0", "1", "2", "3", "4", "none"]
    assert enums["status"] == ["concept", "development", "beta", "stable", "obsolete"] and "process-model" in enums["artefact_kind"]


def test_unknown_method_is_405_problem(client):
    assert_problem(client.delete("/api/v1/packages/stadt-test/testpaket"), 405, "method-not-allowed")


# -- publishing ------------------------------------------------------------------------------


def test_publish_requires_token_and_role(client, services):
    files = upload(package_files(version="2.0.0"))
    response = client.post("/api/v1/packages", files=files)
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert_problem(client.post("/api/v1/packages", files=files, headers={"Authorization": "Bearer falsch"}), 401, "unauthorized")
    assert_problem(client.post("/api/v1/packages", files=files, headers=token(services, "stadt-test", "adopter")), 403, "forbidden")
    body = assert_problem(
        client.post("/api/v1/packages", files=files, headers=token(services, "stadt-andere", "publisher")), 403, "forbidden"
    )
    assert "stadt-andere" in body["detail"]


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
def test_publish_archive_updates_catalogue_and_index(client, services, fmt):
    files = upload(package_files(version="2.0.0", name="Ganz neuer Paketname"), fmt, folder="testpaket")
    response = client.post("/api/v1/packages", files=files, headers=token(services, "stadt-test", "publisher"))
    assert response.status_code == 201, response.text
    assert response.json() == {
        "id": "stadt-test/testpaket",
        "version": "2.0.0",
        "commit": str(services.catalog.head().id),
        "tag": "stadt-test/testpaket/v2.0.0",
    }
    assert services.catalog.head().author.name == "Stadt Stadt-Test"
    hits = client.get("/api/v1/packages", params={"q": "Paketname"}).json()["items"]
    assert [(h["id"], h["version"]) for h in hits] == [("stadt-test/testpaket", "2.0.0")]


def test_admin_may_publish_for_any_organisation(client, services):
    response = client.post(
        "/api/v1/packages", files=upload(package_files(version="3.0.0")), headers=token(services, "ministerium", "admin")
    )
    assert response.status_code == 201
    assert services.catalog.head().author.name == "Ministerium"


def _symlink(tf: tarfile.TarFile) -> None:
    info = tarfile.TarInfo("testpaket/link.md")
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    tf.addfile(info)


def _outside(zf: zipfile.ZipFile) -> None:
    zf.writestr("../../boese.txt", b"x")


@pytest.mark.parametrize(
    ("files", "status", "code", "problem_code"),
    [
        (upload(package_files(version="1.1.0")), 409, "version-exists", None),
        (upload(package_files(version="0.5.0")), 409, "version-not-newer", None),
        (upload(package_files(version="2.0.0", license="Freeware-42")), 422, "package-invalid", "manifest-license-unknown"),
        (upload(package_files(version="2.0.0"), "zip", extra=_outside), 422, "package-invalid", "file-unsafe-path"),
        (upload(package_files(version="2.0.0"), "tar.gz", folder="testpaket", extra=_symlink), 422, "package-invalid", "file-symlink"),
        ({"archive": ("x.zip", b"kein archiv", "application/zip")}, 422, "package-invalid", "archive-invalid"),
        ({"archive": ("x.zip", b"PK\x03\x04kaputt", "application/zip")}, 422, "package-invalid", "archive-invalid"),
    ],
    ids=["exists", "not-newer", "invalid", "path-outside", "symlink", "not-an-archive", "broken-zip"],
)
def test_refused_publish_is_a_problem_and_changes_nothing(client, services, files, status, code, problem_code):
    before = snapshot(services.catalog.path)
    body = assert_problem(client.post("/api/v1/packages", files=files, headers=token(services, "stadt-test", "publisher")), status, code)
    if problem_code:
        assert problem_code in {p["code"] for p in body["problems"]}
        assert all({"code", "file", "message"} <= set(p) for p in body["problems"])
    assert snapshot(services.catalog.path) == before


def test_upload_over_limit_is_413(client, services):
    big = package_files(version="2.0.0", files={"docs/gross.bin": random.Random(1).randbytes(300_000)})  # incompressible
    response = client.post(
        "/api/v1/packages",
        files={"archive": ("p.zip", archive(big, "zip"), "application/zip")},
        headers=token(services, "stadt-test", "publisher"),
    )
    assert_problem(response, 413, "payload-too-large")


def test_upload_without_archive_field_is_400(client, services):
    assert_problem(
        client.post(
            "/api/v1/packages", files={"anderes": ("p.zip", b"x", "application/zip")}, headers=token(services, "stadt-test", "publisher")
        ),
        400,
        "invalid-parameters",
    )


def test_validate_dry_run_lists_all_problems_and_writes_nothing(client, services):
    before = snapshot(services.catalog.path)
    bad = upload(package_files(version="2.0.0", license="Freeware-42", files={"README.md": None}))
    report = client.post("/api/v1/packages/validate", files=bad).json()
    assert report["valid"] is False
    assert {"manifest-license-unknown", "readme-missing"} <= {p["code"] for p in report["problems"]}
    good = client.post("/api/v1/packages/validate", files=upload(package_files(version="2.0.0"))).json()
    assert good == {"valid": True, "problems": [], "id": "stadt-test/testpaket", "version": "2.0.0"}
    assert snapshot(services.catalog.path) == before


def test_quality_hints_are_listed_with_severity_and_never_block(client, services):
    unlabelled = BPMN.replace('<bpmn:endEvent id="End_1" name="Bescheid versandt">', '<bpmn:endEvent id="End_1">')
    files = package_files(version="2.0.0", files={"prozess/ablauf.bpmn": unlabelled})
    report = client.post("/api/v1/packages/validate", files=upload(files)).json()
    assert report["valid"] is True
    assert [(p["code"], p["severity"]) for p in report["problems"]] == [("bpmn-event-unlabelled", "hint")]
    published = client.post("/api/v1/packages", files=upload(files, folder="testpaket"), headers=token(services, "stadt-test", "publisher"))
    assert published.status_code == 201, published.text
    assert [(h["code"], h["severity"]) for h in published.json()["hints"]] == [("bpmn-event-unlabelled", "hint")]
    maturity = client.get("/api/v1/packages/stadt-test/testpaket/maturity").json()
    assert [h["code"] for h in maturity["hints"]] == ["bpmn-event-unlabelled"]
    assert not next(c for c in maturity["criteria"] if c["id"] == "artefacts-valid")["met"]


# -- adoptions and reviews -------------------------------------------------------------------


def test_adoption_lifecycle(client, services):
    soest = token(services, "stadt-soest", "adopter")
    created = client.post("/api/v1/adoptions", json={"package": "stadt-test/testpaket", "version": "1.0.0"}, headers=soest)
    assert created.status_code == 201 and created.json()["status"] == "planned"
    assert services.catalog.head().author.name == "Stadt Soest"
    assert_problem(
        client.post("/api/v1/adoptions", json={"package": "stadt-test/testpaket", "version": "1.0.0"}, headers=soest),
        409,
        "adoption-exists",
    )
    advanced = client.patch(
        "/api/v1/adoptions/stadt-soest/stadt-test/testpaket", json={"status": "production", "version": "1.1.0"}, headers=soest
    )
    assert advanced.status_code == 200
    assert [e["status"] for e in advanced.json()["history"]] == ["planned", "production"] and advanced.json()["version"] == "1.1.0"
    assert_problem(
        client.patch("/api/v1/adoptions/stadt-soest/stadt-test/testpaket", json={"status": "pilot"}, headers=soest),
        409,
        "adoption-status-backward",
    )
    assert_problem(
        client.patch(
            "/api/v1/adoptions/stadt-soest/stadt-test/testpaket",
            json={"status": "ended"},
            headers=token(services, "stadt-anders", "adopter"),
        ),
        403,
        "forbidden",
    )
    listed = client.get("/api/v1/adoptions", params={"package": "stadt-test/testpaket"}).json()
    assert [(a["adopter"], a["status"]) for a in listed] == [("stadt-soest", "production")]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"package": "stadt-test/testpaket", "version": "7.0.0"}, 404, "version-not-found"),
        ({"package": "keine kennung", "version": "1.0.0"}, 400, "invalid-parameters"),
        ({"package": "stadt-test/testpaket", "version": "1.0.0", "status": "vielleicht"}, 400, "invalid-parameters"),
    ],
)
def test_bad_adoptions_are_problems(client, services, body, status, code):
    assert_problem(client.post("/api/v1/adoptions", json=body, headers=token(services, "stadt-soest", "adopter")), status, code)


def test_reviews_only_by_reviewers(client, services):
    body = {
        "package": "stadt-test/testpaket",
        "version": "1.1.0",
        "level": 2,
        "rationale": "Produktivbetrieb seit 2021 belegt, Prozessmodell vollständig.",
    }
    assert_problem(client.post("/api/v1/reviews", json=body, headers=token(services, "stadt-test", "publisher")), 403, "forbidden")
    created = client.post("/api/v1/reviews", json=body, headers=token(services, "ministerium-nrw", "reviewer"))
    assert created.status_code == 201 and created.json()["reviews"][0]["level"] == 2
    assert_problem(
        client.post("/api/v1/reviews", json={**body, "level": 7}, headers=token(services, "ministerium-nrw", "reviewer")),
        400,
        "invalid-parameters",
    )
    assert_problem(
        client.post("/api/v1/reviews", json={**body, "rationale": "kurz"}, headers=token(services, "ministerium-nrw", "reviewer")),
        400,
        "invalid-parameters",
    )
    assert [r["version"] for r in client.get("/api/v1/reviews", params={"package": "stadt-test/testpaket"}).json()] == ["1.1.0"]


def test_malformed_json_body_is_400_problem(client, services):
    response = client.post(
        "/api/v1/reviews", content=b"{kaputt", headers={**token(services, "ministerium", "reviewer"), "content-type": "application/json"}
    )
    assert_problem(response, 400, "bad-request")


# -- maturity and reports --------------------------------------------------------------------


def test_maturity_with_criteria_and_review_override(client, services):
    before = client.get("/api/v1/packages/stadt-test/testpaket/maturity").json()
    assert before["reviewed"] is False and before["level"] == before["computed_level"]
    assert {c["id"] for c in before["criteria"]} >= {"manifest", "in-production", "adopted", "review-confirmed"}
    assert all(isinstance(c["evidence"], str) and c["evidence"] for c in before["criteria"])
    body = {
        "package": "stadt-test/testpaket",
        "version": "1.1.0",
        "level": 0,
        "rationale": "Nachweise nicht prüfbar, daher vorerst Stufe 0.",
    }
    assert client.post("/api/v1/reviews", json=body, headers=token(services, "ministerium-nrw", "reviewer")).status_code == 201
    after = client.get("/api/v1/packages/stadt-test/testpaket/maturity").json()
    assert after["reviewed"] is True and after["level"] == 0 and after["computed_level"] == before["computed_level"]
    assert after["review"]["computed_level"] == before["computed_level"]
    old = client.get("/api/v1/packages/stadt-test/testpaket/versions/1.0.0/maturity").json()
    assert old["reviewed"] is False  # the review belongs to 1.1.0
    facet = {f["value"]: f["count"] for f in client.get("/api/v1/packages").json()["facets"]["maturity_level"]}
    assert facet.get("0") == 1  # the index follows the review
    assert [i["id"] for i in client.get("/api/v1/packages", params={"maturity_level": "0"}).json()["items"]] == ["stadt-test/testpaket"]


def test_reports_json_and_csv(client, services):
    client.post(
        "/api/v1/adoptions",
        json={"package": "stadt-test/testpaket", "version": "1.0.0", "status": "pilot", "date": "2024-05-02"},
        headers=token(services, "stadt-soest", "adopter"),
    )
    maturity = client.get("/api/v1/reports/maturity").json()
    assert {r["package"] for r in maturity["packages"]} == {"stadt-test/testpaket", "kreis-muster/gewerbeanmeldung"}
    assert sum(maturity["levels"].values()) == 2 and "Querschnittsleistungen" in maturity["by_themenfeld"]
    csv_response = client.get("/api/v1/reports/adoption.csv")
    assert csv_response.headers["content-type"].startswith("text/csv")
    lines = csv_response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "Paket (Kennung);Nachnutzer (Kennung);Nachnutzer;Stand;Version;seit;zählt für den Reifegrad"
    assert (
        lines[1].startswith("stadt-test/testpaket;stadt-soest;") and ";im Pilotbetrieb;1.0.0;2024-05-02;nein" in lines[1]
    )  # claimed, not confirmed
    history = client.get("/api/v1/reports/history").json()["points"]
    assert history[-1]["adoptions"] == {"pilot": 1}
    assert client.get("/api/v1/reports/maturity-model").json()["levels"][4]["name"] == "Etabliert"
    assert client.get("/api/v1/reports/maturity.csv").text.startswith(
        "\ufeffPaket (Kennung);Paket;Herausgeber;Themenfeld;Version;Reifegrad berechnet;Reifegrad"
    )
    assert client.get("/api/v1/reports/history.csv").text.startswith("\ufeffMonat;Reifegrad 0;")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/reports/all.xlsx").content))
    assert workbook.sheetnames == ["Reifegrade", "Nachnutzungen", "Verlauf"]
    row = [c.value for c in workbook["Nachnutzungen"][2]]
    assert row[:2] == ["stadt-test/testpaket", "stadt-soest"] and row[3] == "im Pilotbetrieb" and row[6] == "nein"  # claimed, not confirmed


def test_adoption_with_invalid_date_is_400(client, services):
    response = client.post(
        "/api/v1/adoptions",
        json={"package": "stadt-test/testpaket", "version": "1.0.0", "date": "gestern"},
        headers=token(services, "stadt-soest", "adopter"),
    )
    assert_problem(response, 400, "invalid-parameters")


def test_git_exports_served_and_confined(client):
    refs = client.get("/git/stadt-test/testpaket.git/info/refs", params={"service": "git-upload-pack"})
    assert refs.status_code == 200 and "refs/tags/v1.1.0" in refs.text
    assert client.get("/git/stadt-test/testpaket.git/HEAD").text == "ref: refs/heads/main\n"
    for path in (
        "/git/stadt-test/testpaket.git/..%2F..%2F..%2Fcatalog.git%2FHEAD",
        "/git/stadt-test/testpaket.git/%2E%2E/%2E%2E/tokens.sqlite",
        "/git/stadt-test/testpaket/HEAD",
        "/git/stadt-test/gibt-es-nicht.git/HEAD",
    ):
        assert_problem(client.get(path), 404, "not-found")
