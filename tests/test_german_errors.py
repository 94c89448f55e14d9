"""German everywhere: parser errors with line and column, and API request errors naming field, rule and value."""

from __future__ import annotations

import json
import re

import pytest
from litestar.testing import TestClient

from hub.api import create_app
from hub.validate import PackageFiles, validate_package
from tests.factory import BPMN, make_services, package_files

# words of the parsers' and decoders' English messages that must never reach a publisher
ENGLISH = re.compile(
    r"\b(expected|expecting|found|allowed|invalid|mapping|delimiter|premature|couldn't|mismatch|unterminated|"
    r"extra data|not defined|construct|malformed|missing|required|validation failed)\b"
)
PLACE = re.compile(r"Zeile \d+, Spalte \d+: ")

SYNTAX_CASES = [
    # (file, content, code, line)
    (
        "prozess/ablauf.bpmn",
        BPMN.replace("</bpmn:process>", "</bpmn:prozess>"),
        "bpmn-syntax",
        BPMN.count("\n", 0, BPMN.index("</bpmn:process>")) + 1,
    ),
    ("prozess/ablauf.bpmn", BPMN.replace('name="Antrag prüfen"', 'name="Antrag & Prüfung"'), "bpmn-syntax", None),
    ("prozess/ablauf.bpmn", BPMN.replace('id="Task_1" name', "id=Task_1 name"), "bpmn-syntax", None),
    ("prozess/ablauf.bpmn", BPMN.replace("<bpmn:definitions xmlns:bpmn", "<bpmn:definitions xmlns:bpmnx"), "bpmn-syntax", 6),
    ("prozess/ablauf.bpmn", BPMN[: BPMN.index("<bpmn:endEvent")], "bpmn-syntax", None),
    ("formulare/antrag.schema.json", '{\n  "title": "Antrag"\n  "type": "object"\n}', "form-syntax", 3),
    ("formulare/antrag.schema.json", '{\n  "title": "Antrag",\n}', "form-syntax", 3),
    ("formulare/antrag.schema.json", "{'title': 'Antrag'}", "form-syntax", 1),
    ("formulare/antrag.schema.json", '{"title": "Antrag"} und mehr', "form-syntax", 1),
    ("konfiguration/termine.yaml", "dauer_minuten: 15: 20\n", "config-syntax", 1),
    ("konfiguration/termine.yaml", "dauer_minuten:\n\t- 15\n", "config-syntax", 2),
    ("konfiguration/termine.yaml", "liste: [1, 2\n", "config-syntax", 2),
    ("konfiguration/termine.yaml", 'text: "offen\n', "config-syntax", 2),
    ("hub.yaml", "id: stadt-test/testpaket\n  name: Test\n", "manifest-syntax", 2),
    ("hub.yaml", "id: stadt-test/testpaket\nname: @Test\n", "manifest-syntax", 2),
]


@pytest.mark.parametrize(("file", "content", "code", "line"), SYNTAX_CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(SYNTAX_CASES)])
def test_parser_errors_are_german_sentences_with_line_and_column(file, content, code, line):
    result = validate_package(PackageFiles(package_files(files={file: content}), folder_name="testpaket"))
    [problem] = [p for p in result.problems if p.code == code]
    assert PLACE.search(problem.message), problem.message
    assert not ENGLISH.search(problem.message), problem.message
    assert line is None or problem.line == line
    assert problem.message.endswith(".")


def test_waypoint_count_reads_as_german():
    one = BPMN.replace('<di:waypoint x="340" y="120" />\n', "")
    none = BPMN.replace('<di:waypoint x="188" y="120" />\n', "").replace('<di:waypoint x="240" y="120" />\n', "")
    messages = [
        p.message
        for content in (one, none)
        for p in validate_package(PackageFiles(package_files(files={"prozess/ablauf.bpmn": content}), folder_name="testpaket")).problems
    ]
    assert any("hat nur einen gültigen Wegpunkt; nötig sind mindestens zwei" in m for m in messages)
    assert any("hat keinen gültigen Wegpunkt" in m for m in messages)
    assert not any("1 gültige" in m or "0 gültige" in m for m in messages)


def test_localized_text_written_plainly_is_told_to_go_under_de():
    result = validate_package(PackageFiles(package_files(summary="Ein Paket, das in Tests gebaut wird."), folder_name="testpaket"))
    [problem] = result.problems
    assert problem.pointer == "/summary" and "unter „de:“" in problem.message and "„summary:“" in problem.message


# -- API request bodies ----------------------------------------------------------------------------


@pytest.fixture
def api(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    secret, _ = services.tokens.create("stadt-test", "admin")
    with TestClient(create_app(services)) as client:
        client.headers["Authorization"] = f"Bearer {secret}"
        yield client


BODYLESS = {("post", "/api/v1/harvest")}  # takes no body: nothing a body could get wrong
MALFORMED = b'{"package": "stadt-test/testpaket", "version": [1, 2}'
# a malformed body is a bad request (400), except where the body is a document checked like a package file (422)
# and for the publiccode import, which answers 200 with everything the package would still need
MALFORMED_STATUS = {("put", "/api/v1/sources"): 422, ("put", "/api/v1/publishers/{org}"): 422, ("post", "/api/v1/publiccode/import"): 200}


def _write_routes(client: TestClient) -> list[tuple[str, str]]:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    return [(method, path) for path, ops in paths.items() for method in ops if method in ("post", "put", "patch")]


def test_every_write_route_answers_a_malformed_body_with_placed_german_problems(api):
    routes = [r for r in _write_routes(api) if r not in BODYLESS]
    assert len(routes) >= 7
    for method, path in routes:
        url = re.sub(r"\{adopter\}|\{publisher\}|\{publisher_id\}", "stadt-test", path)
        url = re.sub(r"\{[a-z_]+\}", "testpaket", url)
        response = api.request(method.upper(), url, content=MALFORMED, headers={"content-type": "application/json"})
        assert response.status_code == MALFORMED_STATUS.get((method, path), 400), (method, path, response.status_code, response.text)
        body = response.json()
        assert body.get("problems"), (method, path, body)
        for problem in body["problems"]:
            assert problem["code"] and problem["file"] and problem["message"].endswith("."), (method, path, problem)
            assert "pointer" in problem or "line" in problem, (method, path, problem)
            assert not ENGLISH.search(problem["message"]), (method, path, problem)


@pytest.mark.parametrize(
    ("method", "url", "body", "pointer", "needles"),
    [
        (
            "post",
            "/api/v1/reviews",
            {"package": "stadt-test/testpaket", "version": "1.0.0", "level": 7, "rationale": "x" * 30},
            "/level",
            ["„level“", "eine ganze Zahl von 0 bis 4", "angegeben wurde 7 (Zahl)"],
        ),
        (
            "post",
            "/api/v1/reviews",
            {"package": "stadt-test/testpaket", "version": "1.0.0", "level": 2, "rationale": "kurz"},
            "/rationale",
            ["„rationale“", "mit 20 bis 10000 Zeichen", "angegeben wurde „kurz“ (Text)"],
        ),
        (
            "post",
            "/api/v1/adoptions",
            {"package": "keine kennung", "version": "1.0.0"},
            "/package",
            ["„package“", "Paketkennung der Form <herausgeber>/<kurzname>", "„keine kennung“"],
        ),
        (
            "post",
            "/api/v1/adoptions",
            {"package": "stadt-test/testpaket", "version": "1.0.0", "date": "gestern"},
            "/date",
            ["„date“", "Datum der Form JJJJ-MM-TT", "„gestern“ (Text)"],
        ),
        ("post", "/api/v1/adoptions", {"version": "1.0.0"}, "/package", ["Pflichtfeld „package“ fehlt"]),
        (
            "patch",
            "/api/v1/adoptions/stadt-test/stadt-test/testpaket",
            {"status": "fertig"},
            "/status",
            ["„status“", "einer der Werte „ended“, „pilot“, „planned“, „production“", "„fertig“ (Text)"],
        ),
        ("post", "/api/v1/reviews", [1, 2], "", ["Pflichtfeldern „package“, „version“, „level“, „rationale“", "„[1, 2]“ (Liste)"]),
    ],
)
def test_body_errors_name_field_rule_and_value(api, method, url, body, pointer, needles):
    response = api.request(method.upper(), url, content=json.dumps(body), headers={"content-type": "application/json"})
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert problem["code"] == "request-body-invalid" and problem["file"] == "(Anfrage)" and problem["pointer"] == pointer
    for needle in needles:
        assert needle in problem["message"], problem["message"]


def test_malformed_json_body_names_line_and_column(api):
    response = api.post("/api/v1/reviews", content=b'{\n  "level": 2,\n}', headers={"content-type": "application/json"})
    [problem] = response.json()["problems"]
    assert problem["code"] == "request-body-syntax" and problem["line"] == 3
    assert "Zeile 3, Spalte 1: Nach dem letzten Eintrag steht ein Komma zu viel." in problem["message"]


def test_query_parameter_errors_name_rule_and_value(api):
    response = api.post("/api/v1/harvest", params={"source": "Böse Quelle"})
    [problem] = response.json()["problems"]
    assert problem["code"] == "invalid-parameter" and problem["pointer"] == "/source"
    assert "Kleinbuchstaben, Ziffern und Bindestrichen" in problem["message"] and "„Böse Quelle“" in problem["message"]


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ("kein-mail", ["Der Wert „kein-mail“ hat nicht die erwartete Form. Erwartet: E-Mail-Adresse."]),
        ("digital@test", ["Der Wert „digital@test“ hat nicht die erwartete Form. Erwartet: E-Mail-Adresse."]),
    ],
)
def test_a_wrong_address_is_one_problem_not_the_formats_and_the_patterns(contacts, expected):
    result = validate_package(PackageFiles(package_files(contacts=[{"name": "Team", "email": contacts}]), folder_name="testpaket"))
    assert [p.message for p in result.problems if p.pointer == "/contacts/0/email"] == expected


def test_a_format_without_a_pattern_still_speaks_german():
    files = package_files(release_date="15.01.2024")
    result = validate_package(PackageFiles(files, folder_name="testpaket"))
    assert "„15.01.2024“ ist kein Datum im Format JJJJ-MM-TT." in [p.message for p in result.problems if p.pointer == "/release_date"]
