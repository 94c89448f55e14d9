"""Every problem at once: checks that used to hide each other now report together, one test per pair."""

from __future__ import annotations

import json

import yaml

from hub.validate import PackageFiles, validate_package
from hub.validate.files import too_large
from tests.factory import FORM, README, manifest, package_files

ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>
"""
BROKEN_LINK = README + "\nMehr im [Handbuch](docs/handbuch.md).\n"


def _problems(files: dict[str, bytes], folder_name: str = "testpaket") -> set[tuple[str, str, str | None]]:
    result = validate_package(PackageFiles(files, folder_name=folder_name))
    assert not result.ok and result.manifest is None
    return {(p.code, p.file, p.pointer) for p in result.problems}


def _manifest_text(**overrides) -> str:
    return yaml.safe_dump(manifest(**overrides), allow_unicode=True, sort_keys=False)


def test_mixed_faults_version_path_and_entity_bomb_in_one_run():
    artefacts = manifest()["artefacts"] + [{"path": "../../etc/passwd", "kind": "document", "format": "markdown", "title": "Passwörter"}]
    text = _manifest_text(artefacts=artefacts).replace("version: 1.0.0", "version: 1.0")
    assert "version: 1.0\n" in text
    found = _problems(package_files(files={"hub.yaml": text, "prozess/ablauf.bpmn": ENTITY_BOMB}))
    codes = {code for code, _, _ in found}
    assert ("manifest-schema", "hub.yaml", "/version") in found  # 1.0 is a number, not a version text
    assert ("file-unsafe-path", "hub.yaml", "/artefacts/3/path") in found
    assert ("bpmn-dtd-forbidden", "prozess/ablauf.bpmn", None) in found
    assert codes == {"manifest-schema", "file-unsafe-path", "bpmn-dtd-forbidden"}


def test_manifest_syntax_does_not_hide_readme_links():
    found = _problems(package_files(files={"hub.yaml": "id: [kaputt\n", "README.md": BROKEN_LINK}))
    assert {"manifest-syntax", "markdown-link-broken"} <= {code for code, _, _ in found}


def test_missing_manifest_does_not_hide_missing_readme():
    found = _problems(package_files(files={"hub.yaml": None, "README.md": None}))
    assert {code for code, _, _ in found} == {"manifest-missing", "readme-missing"}


def test_folder_name_does_not_hide_artefacts():
    bpmn = package_files()["prozess/ablauf.bpmn"].decode().replace('<bpmn:startEvent id="Start_1"', '<bpmn:startEvent id="Task_1"')
    found = _problems(package_files(files={"prozess/ablauf.bpmn": bpmn}), folder_name="anderer-ordner")
    assert {"manifest-id-folder", "bpmn-duplicate-id"} <= {code for code, _, _ in found}


def test_schema_problem_elsewhere_does_not_hide_artefacts():
    form = json.loads(json.dumps(FORM))
    del form["properties"]["name"]["title"]
    found = _problems(package_files(name=None, files={"formulare/antrag.schema.json": json.dumps(form)}))
    assert ("manifest-schema", "hub.yaml", "/name") in found
    assert ("form-title-missing", "formulare/antrag.schema.json", "/properties/name") in found


def test_one_malformed_artefact_entry_does_not_hide_the_others():
    artefacts = manifest()["artefacts"]
    artefacts[0] = {**artefacts[0], "kind": "prozess"}
    found = _problems(package_files(artefacts=artefacts, files={"konfiguration/termine.yaml": "dauer_minuten: 2\n"}))
    assert ("manifest-schema", "hub.yaml", "/artefacts/0/kind") in found
    assert ("config-invalid", "konfiguration/termine.yaml", "/dauer_minuten") in found
    assert not any(file == "prozess/ablauf.bpmn" for _, file, _ in found)  # the malformed entry itself is not guessed at


def test_semantic_manifest_problems_do_not_hide_document_links():
    artefacts = manifest()["artefacts"] + [{"path": "docs/handbuch.md", "kind": "document", "format": "markdown", "title": "Handbuch"}]
    found = _problems(
        package_files(license="Freeware-42", version="1.0", artefacts=artefacts, files={"docs/handbuch.md": "Siehe [Anhang](anhang.md).\n"})
    )
    assert {"manifest-license-unknown", "manifest-version-invalid", "markdown-link-broken"} <= {code for code, _, _ in found}


def test_schema_problem_does_not_hide_missing_changelog():
    found = _problems(package_files(keywords="kein Array", changelog="CHANGELOG.md"))
    assert ("manifest-schema", "hub.yaml", "/keywords") in found
    assert ("changelog-missing", "hub.yaml", "/changelog") in found


def test_form_metaschema_does_not_hide_missing_titles():
    form = json.loads(json.dumps(FORM))
    form["properties"]["name"]["type"] = "text"
    del form["properties"]["anschrift"]["title"]
    found = _problems(package_files(files={"formulare/antrag.schema.json": json.dumps(form)}))
    assert ("form-metaschema", "formulare/antrag.schema.json", "/properties/name/type") in found
    assert ("form-title-missing", "formulare/antrag.schema.json", "/properties/anschrift") in found


def test_unreadable_artefact_is_reported_once():
    """A file refused while loading is neither missing nor a broken link target as well."""
    files = package_files()
    del files["prozess/ablauf.bpmn"]
    package = PackageFiles(files, folder_name="testpaket")
    package.problems.append(too_large("prozess/ablauf.bpmn", 30 << 20, 20 << 20))
    result = validate_package(package)
    assert [p.code for p in result.problems] == ["file-too-large"]
