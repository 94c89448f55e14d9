"""One invalid package per problem code: each must report that code at the right place."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from hub.budget import Pool
from hub.validate import PackageFiles, validate_package
from hub.validate.archive import from_archive, validate_archive_bounded
from hub.validate.codes import PACKAGE_CODES
from hub.validate.publisher import check_publisher
from tests.factory import BPMN, CONFIG_SCHEMA, FORM, README, archive, manifest, package_files, write_files
from tests.test_hostile_names import encrypted_zip


@dataclass
class Case:
    code: str
    file: str
    pointer: str | None = None
    line: int | None = None
    files: dict | None = None  # replaced/removed files
    manifest: dict | None = None  # manifest overrides
    folder_name: str = "testpaket"
    on_disk: Callable[[Path], None] | None = None  # mutate the written folder (links, pipes)


def _set_manifest(**changes) -> dict:
    return changes


def _bpmn(old: str, new: str) -> str:
    assert old in BPMN, old
    return BPMN.replace(old, new)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _form(mutate: Callable[[dict], None]) -> str:
    form = json.loads(json.dumps(FORM))
    mutate(form)
    return json.dumps(form, indent=2, ensure_ascii=False)


def _artefacts(*extra: dict, replace: dict[int, dict] | None = None) -> list[dict]:
    items = manifest()["artefacts"]
    for index, change in (replace or {}).items():
        items[index] = {**items[index], **change}
    return items + list(extra)


def _symlink(folder: Path) -> None:
    os.symlink("README.md", folder / "verweis.md")


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "rohr")


def _git_folder(folder: Path) -> None:
    (folder / ".GIT").mkdir()
    (folder / ".GIT" / "config").write_text("[core]\n")


def _huge(folder: Path) -> None:
    with open(folder / "daten.bin", "wb") as handle:
        handle.truncate(21 * 1024 * 1024)  # sparse: big by size, cheap on disk


README_BROKEN = README + "\nMehr im [Handbuch](docs/handbuch.md).\n"
README_OUTSIDE = README + "\nSiehe [andere Datei](../nachbar/README.md).\n"
NO_START = _bpmn(
    '<bpmn:startEvent id="Start_1" name="Antrag eingegangen">\n      <bpmn:outgoing>Flow_1</bpmn:outgoing>\n    </bpmn:startEvent>', ""
)
NO_END = _bpmn('<bpmn:endEvent id="End_1" name="Bescheid versandt">\n      <bpmn:incoming>Flow_2</bpmn:incoming>\n    </bpmn:endEvent>', "")
BAD_REF = _bpmn('sourceRef="Task_1" targetRef="End_1"', 'sourceRef="Task_1" targetRef="Nirgendwo"')
DUP_ID = _bpmn('<bpmn:endEvent id="End_1"', '<bpmn:endEvent id="Task_1"')
NO_SHAPE = _bpmn(
    '<bpmndi:BPMNShape id="Task_1_di" bpmnElement="Task_1">\n        <dc:Bounds x="240" y="80" width="100" height="80" />\n      </bpmndi:BPMNShape>',
    "",
)
NO_EDGE = _bpmn(
    '<bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">\n        <di:waypoint x="340" y="120" />\n        <di:waypoint x="392" y="120" />\n      </bpmndi:BPMNEdge>',
    "",
)
NO_BOUNDS = _bpmn('<dc:Bounds x="240" y="80" width="100" height="80" />', "")
ONE_POINT = _bpmn('<di:waypoint x="340" y="120" />\n', "")
NO_DIAGRAM = BPMN[: BPMN.index("  <bpmndi:BPMNDiagram")] + "</bpmn:definitions>\n"
NO_PROCESS = BPMN[: BPMN.index("  <bpmn:process")] + "</bpmn:definitions>\n"
DTD = '<?xml version="1.0"?>\n<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>\n'
OTHER_NS = BPMN.replace("http://www.omg.org/spec/BPMN/20100524/MODEL", "http://example.org/kein-bpmn")
TRUNCATED = BPMN[: BPMN.index("<bpmn:endEvent")] + '<bpmn:endEvent id="End_1"\n'
PADDED = BPMN.replace("</bpmn:definitions>", "<!--" + "x" * (5 * 1024 * 1024) + "-->\n</bpmn:definitions>")
ROOT_LINE = _line_of(BPMN, "targetNamespace=")  # libxml2 reports the line where a start tag ends
ALIAS_BOMB = (
    "a0: &a0 [" + ", ".join(['"x"'] * 9) + "]\n" + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))
)
PDF_DOC = {"path": "docs/handbuch.pdf", "kind": "document", "format": "pdf", "title": "Handbuch"}

CASES = [
    Case(
        "file-unsafe-path",
        "hub.yaml",
        "/artefacts/0/path",
        manifest=_set_manifest(artefacts=_artefacts(replace={0: {"path": "../nachbar/ablauf.bpmn"}})),
    ),
    Case("file-symlink", "verweis.md", on_disk=_symlink),
    Case("file-special", "rohr", on_disk=_fifo),
    Case("file-too-large", "daten.bin", on_disk=_huge),
    Case("file-git-path", ".GIT", on_disk=_git_folder),
    Case("manifest-missing", "hub.yaml", files={"hub.yaml": None}),
    Case("manifest-syntax", "hub.yaml", line=3, files={"hub.yaml": "id: stadt-test/testpaket\nname: Test\nversion: 1.0.0: x\n"}),
    Case("manifest-schema", "hub.yaml", "/name", manifest=_set_manifest(name=None)),
    Case(
        "manifest-schema",
        "hub.yaml",
        "/classification/themenfeld",
        manifest=_set_manifest(classification={"themenfeld": "Verwaltung allgemein"}),
    ),
    Case(
        "manifest-schema",
        "hub.yaml",
        "/status/produktion",
        manifest=_set_manifest(status={"development": "stable", "produktion": {"since": "2020-01"}}),
    ),
    Case("manifest-version-invalid", "hub.yaml", "/version", manifest=_set_manifest(version="1.0")),
    Case("manifest-id-folder", "hub.yaml", "/id", folder_name="anderer-ordner"),
    Case(
        "manifest-publisher-mismatch",
        "hub.yaml",
        "/publisher/id",
        manifest=_set_manifest(publisher={"id": "stadt-andere", "name": "Stadt Andere"}),
    ),
    Case("manifest-license-unknown", "hub.yaml", "/license", manifest=_set_manifest(license="Freeware-42")),
    Case(
        "text-unsafe-character",
        "hub.yaml",
        "/publisher/name",
        manifest=_set_manifest(publisher={"id": "stadt-test", "name": "Stadt <Test>"}),
    ),
    Case("changelog-missing", "hub.yaml", "/changelog", manifest=_set_manifest(changelog="CHANGELOG.md")),
    Case("artefact-missing", "hub.yaml", "/artefacts/0/path", files={"prozess/ablauf.bpmn": None}),
    Case("artefact-duplicate", "hub.yaml", "/artefacts/3/path", manifest=_set_manifest(artefacts=_artefacts(manifest()["artefacts"][0]))),
    Case(
        "artefact-format-mismatch",
        "docs/handbuch.pdf",
        files={"docs/handbuch.pdf": "kein PDF"},
        manifest=_set_manifest(artefacts=_artefacts(PDF_DOC)),
    ),
    Case(
        "artefact-format-mismatch",
        "hub.yaml",
        "/artefacts/0/format",
        manifest=_set_manifest(artefacts=_artefacts(replace={0: {"path": "formulare/antrag.schema.json"}})),
    ),
    Case("readme-missing", "README.md", files={"README.md": None}),
    Case("markdown-link-broken", "README.md", line=_line_of(README_BROKEN, "Mehr im"), files={"README.md": README_BROKEN}),
    Case("markdown-link-outside", "README.md", line=_line_of(README_OUTSIDE, "Siehe [andere"), files={"README.md": README_OUTSIDE}),
    Case("bpmn-too-large", "prozess/ablauf.bpmn", files={"prozess/ablauf.bpmn": PADDED}),
    Case("bpmn-dtd-forbidden", "prozess/ablauf.bpmn", line=2, files={"prozess/ablauf.bpmn": DTD}),
    Case("bpmn-syntax", "prozess/ablauf.bpmn", line=_line_of(TRUNCATED, "<bpmn:endEvent") + 1, files={"prozess/ablauf.bpmn": TRUNCATED}),
    Case("bpmn-namespace", "prozess/ablauf.bpmn", line=ROOT_LINE, files={"prozess/ablauf.bpmn": OTHER_NS}),
    Case(
        "bpmn-duplicate-id",
        "prozess/ablauf.bpmn",
        line=_line_of(DUP_ID, '<bpmn:endEvent id="Task_1"'),
        files={"prozess/ablauf.bpmn": DUP_ID},
    ),
    Case("bpmn-no-process", "prozess/ablauf.bpmn", line=ROOT_LINE, files={"prozess/ablauf.bpmn": NO_PROCESS}),
    Case("bpmn-no-start-event", "prozess/ablauf.bpmn", line=_line_of(NO_START, "<bpmn:process"), files={"prozess/ablauf.bpmn": NO_START}),
    Case("bpmn-no-end-event", "prozess/ablauf.bpmn", line=_line_of(NO_END, "<bpmn:process"), files={"prozess/ablauf.bpmn": NO_END}),
    Case("bpmn-flow-ref", "prozess/ablauf.bpmn", line=_line_of(BAD_REF, 'targetRef="Nirgendwo"'), files={"prozess/ablauf.bpmn": BAD_REF}),
    Case("bpmn-no-diagram", "prozess/ablauf.bpmn", line=ROOT_LINE, files={"prozess/ablauf.bpmn": NO_DIAGRAM}),
    Case(
        "bpmn-missing-shape",
        "prozess/ablauf.bpmn",
        line=_line_of(NO_SHAPE, '<bpmn:userTask id="Task_1"'),
        files={"prozess/ablauf.bpmn": NO_SHAPE},
    ),
    Case(
        "bpmn-missing-edge",
        "prozess/ablauf.bpmn",
        line=_line_of(NO_EDGE, '<bpmn:sequenceFlow id="Flow_2"'),
        files={"prozess/ablauf.bpmn": NO_EDGE},
    ),
    Case(
        "bpmn-shape-bounds",
        "prozess/ablauf.bpmn",
        line=_line_of(NO_BOUNDS, 'bpmnElement="Task_1">'),
        files={"prozess/ablauf.bpmn": NO_BOUNDS},
    ),
    Case(
        "bpmn-edge-waypoints",
        "prozess/ablauf.bpmn",
        line=_line_of(ONE_POINT, 'bpmnElement="Flow_2">'),
        files={"prozess/ablauf.bpmn": ONE_POINT},
    ),
    Case("form-syntax", "formulare/antrag.schema.json", line=2, files={"formulare/antrag.schema.json": '{\n  "title": "Antrag",,\n}'}),
    Case(
        "form-dialect",
        "formulare/antrag.schema.json",
        "/$schema",
        files={"formulare/antrag.schema.json": _form(lambda f: f.update({"$schema": "http://json-schema.org/draft-07/schema#"}))},
    ),
    Case(
        "form-metaschema",
        "formulare/antrag.schema.json",
        "/properties/name/type",
        files={"formulare/antrag.schema.json": _form(lambda f: f["properties"]["name"].update(type="text"))},
    ),
    Case(
        "form-title-missing",
        "formulare/antrag.schema.json",
        "/properties/anschrift/properties/ort",
        files={"formulare/antrag.schema.json": _form(lambda f: f["properties"]["anschrift"]["properties"]["ort"].pop("title"))},
    ),
    Case("config-syntax", "konfiguration/termine.yaml", line=2, files={"konfiguration/termine.yaml": "dauer_minuten: 15\n  - kaputt: [\n"}),
    Case(
        "config-schema-unknown",
        "hub.yaml",
        "/artefacts/2/schema",
        manifest=_set_manifest(
            artefacts=_artefacts(replace={2: {"schema": "https://transferhub.de/schemas/v1/configs/gibt-es-nicht.schema.json"}})
        ),
    ),
    Case("config-schema-unknown", "hub.yaml", "/artefacts/2/schema", files={"schemas/termine.schema.json": None}),
    Case("config-invalid", "konfiguration/termine.yaml", "/dauer_minuten", files={"konfiguration/termine.yaml": "dauer_minuten: 2\n"}),
    Case("document-too-large", "konfiguration/termine.yaml", files={"konfiguration/termine.yaml": ALIAS_BOMB}),
    Case("document-too-deep", "formulare/antrag.schema.json", files={"formulare/antrag.schema.json": "[" * 5000 + "]" * 5000}),
    Case(
        "schema-too-complex",
        "formulare/antrag.schema.json",
        files={"formulare/antrag.schema.json": _form(lambda f: f.update({"$defs": {"a": {"title": "A", "$ref": "#/$defs/a"}}}))},
    ),
    Case(
        "schema-pattern-unsupported",
        "schemas/termine.schema.json",
        "/properties/dauer_minuten/pattern",
        files={
            "schemas/termine.schema.json": json.dumps(
                {**CONFIG_SCHEMA, "properties": {"dauer_minuten": {"type": "integer", "pattern": "(a)\\1"}}}
            )
        },
    ),
    Case("markdown-too-large", "README.md", files={"README.md": README + "![" * 140_000}),
]

ARCHIVE_CASES = [
    ("archive-invalid", b"weder zip noch tar"),
    ("archive-invalid", b"\x1f\x8b kaputtes gzip"),
    ("archive-too-large", None),  # built in the test: more unpacked bytes than allowed
    ("archive-encrypted", encrypted_zip()),
]

PUBLISHER_OK = "id: stadt-test\nname: Stadt Test\ntype: stadt\n"
PUBLISHER_CASES = [
    ("publisher-syntax", "id: stadt-test\nname: [\n", None, 3),
    ("publisher-schema", "id: stadt-test\nname: Stadt Test\ntype: dorf\n", "/type", 3),
    ("publisher-id-file", PUBLISHER_OK.replace("id: stadt-test", "id: stadt-anders"), "/id", 1),
]


def _case_id(case: Case) -> str:
    return f"{case.code}:{case.pointer or case.line or case.file}"


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_invalid_package_reports_code_at_place(tmp_path, case: Case):
    overrides = case.manifest or {}
    files = package_files(files=case.files, **overrides)
    if case.on_disk is not None:
        folder = tmp_path / case.folder_name
        write_files(folder, files)
        case.on_disk(folder)
        package = PackageFiles.from_folder(folder)
    else:
        package = PackageFiles(files, folder_name=case.folder_name)
    result = validate_package(package)
    assert not result.ok
    matching = [p for p in result.problems if p.code == case.code]
    assert matching, f"expected {case.code}, got {[(p.code, p.place()) for p in result.problems]}"
    places = [(p.file, p.pointer, p.line) for p in matching]
    assert any(
        p.file == case.file and (case.pointer is None or p.pointer == case.pointer) and (case.line is None or p.line == case.line)
        for p in matching
    ), places
    for problem in result.problems:
        assert problem.message and problem.message[-1] in ".!?)“", problem.message  # a sentence
        assert " is " not in problem.message and "required property" not in problem.message  # German, not jsonschema's English


@pytest.mark.parametrize(("code", "text", "pointer", "line"), PUBLISHER_CASES, ids=[c[0] for c in PUBLISHER_CASES])
def test_invalid_publisher_record(code, text, pointer, line):
    publisher, problems = check_publisher("publishers/stadt-test.yaml", text.encode(), expected_id="stadt-test")
    assert publisher is None
    assert [(p.code, p.pointer, p.line) for p in problems] == [(code, pointer, line)]


@pytest.mark.parametrize(("code", "data"), ARCHIVE_CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(ARCHIVE_CASES)])
def test_invalid_archive(code, data):
    limit = None
    if data is None:
        data, limit = archive(package_files(), "zip"), 1000
    package = from_archive(data, max_unpacked=limit) if limit else from_archive(data)
    assert [(p.code, p.file) for p in package.problems] == [(code, "README.md" if code == "archive-encrypted" else "(Archiv)")]
    result = validate_package(package)
    assert code in {p.code for p in result.problems} and not result.ok


def test_validation_past_its_budget_is_a_problem():
    pool = Pool(workers=1, seconds=0.001)
    try:
        _package, result = validate_archive_bounded(archive(package_files(), "zip"), pool=pool)
    finally:
        pool.close()
    assert [(p.code, p.file) for p in result.problems] == [("validation-budget-exceeded", "(Archiv)")] and not result.ok


def test_every_problem_code_has_a_case():
    covered = {case.code for case in CASES} | {code for code, *_ in PUBLISHER_CASES} | {code for code, _ in ARCHIVE_CASES}
    covered.add("validation-budget-exceeded")  # test_validation_past_its_budget_is_a_problem
    assert covered == set(PACKAGE_CODES)


def test_all_problems_are_reported_together():
    broken = manifest(license="Freeware-42", version="1.0", name=None)
    files = package_files(files={"README.md": None, "hub.yaml": yaml.safe_dump(broken, allow_unicode=True)})
    codes = {p.code for p in validate_package(PackageFiles(files, folder_name="testpaket")).problems}
    assert {"manifest-schema", "manifest-version-invalid", "manifest-license-unknown", "readme-missing"} <= codes


def test_valid_factory_package_has_no_problem():
    result = validate_package(PackageFiles(package_files(), folder_name="testpaket"))
    assert result.problems == []
    assert result.manifest is not None and result.manifest.id == "stadt-test/testpaket"


def test_versioned_folder_name_is_accepted():
    result = validate_package(PackageFiles(package_files(), folder_name="testpaket@1.0.0"))
    assert result.ok
    wrong = validate_package(PackageFiles(package_files(), folder_name="testpaket@2.0.0"))
    assert [p.code for p in wrong.problems] == ["manifest-id-folder"]
