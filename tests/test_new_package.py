"""`hub new` makes a valid skeleton; `hub validate --format gitlab|sarif` reports for merge requests."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from hub.cli import main
from hub.schemas import PACKAGE_SCHEMA_ID
from hub.validate import PackageFiles, validate_package
from hub.validate.bpmn import check_bpmn
from hub.validate.skeleton import themenfelder
from tests.factory import make_package
from tests.test_seed_bpmnjs import IMPORT, page  # noqa: F401  (the bpmn-js page fixture)

GITLAB_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "gitlab-code-quality.schema.json").read_text())
NEW = [
    "new",
    "--publisher",
    "stadt-musterhausen",
    "--slug",
    "wohngeld",
    "--name",
    "Wohngeld digital",
    "--themenfeld",
    "2",
    "--license",
    "Apache-2.0",
]


def test_new_skeleton_validates_unchanged(tmp_path, capsys):
    assert main([*NEW, str(tmp_path)]) == 0
    out = capsys.readouterr().out
    folder = tmp_path / "wohngeld"
    assert "Paketgerüst angelegt" in out and "stadt-musterhausen/wohngeld" in out
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitlab-ci.yml",
        "README.md",
        "hub.yaml",
        "prozess/ablauf.bpmn",
    ]
    result = validate_package(PackageFiles.from_folder(folder))
    assert result.problems == [] and result.manifest is not None
    m = result.manifest
    assert (m.id, m.name, m.license, m.classification.themenfeld) == (
        "stadt-musterhausen/wohngeld",
        "Wohngeld digital",
        "Apache-2.0",
        "Bauen & Wohnen",
    )
    assert m.publisher.name == "Stadt Musterhausen"
    assert main(["validate", str(folder)]) == 0


def test_skeleton_manifest_carries_the_schema_hint_for_editors(tmp_path):
    main([*NEW, str(tmp_path)])
    first = (tmp_path / "wohngeld" / "hub.yaml").read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={PACKAGE_SCHEMA_ID}"


def test_skeleton_readme_has_the_four_sections(tmp_path):
    main([*NEW, str(tmp_path)])
    headings = [line for line in (tmp_path / "wohngeld" / "README.md").read_text().splitlines() if line.startswith("## ")]
    assert headings == ["## Problem", "## Lösung", "## Nachnutzung", "## Erfahrungen"]


def test_skeleton_bpmn_is_complete_and_drawable(tmp_path):
    main([*NEW, "--name", "Wohngeld <digital> & schnell", str(tmp_path)])
    data = (tmp_path / "wohngeld" / "prozess" / "ablauf.bpmn").read_bytes()
    assert check_bpmn("prozess/ablauf.bpmn", data) == []  # every flow node has a shape, every flow an edge
    assert b"Wohngeld &lt;digital&gt; &amp; schnell" in data


def test_skeleton_bpmn_imports_in_bpmn_js_without_error_or_warning(tmp_path, page):  # noqa: F811
    main([*NEW, "--name", "Wohngeld <digital> & schnell", str(tmp_path)])
    result = page.evaluate(IMPORT, (tmp_path / "wohngeld" / "prozess" / "ablauf.bpmn").read_text(encoding="utf-8"))
    assert result["error"] is None and result["warnings"] == []


def test_skeleton_ci_runs_validate_on_merge_requests_with_a_code_quality_report(tmp_path):
    main([*NEW, str(tmp_path)])
    ci = yaml.safe_load((tmp_path / "wohngeld" / ".gitlab-ci.yml").read_text())
    job = ci["transferhub-validate"]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in job["rules"]
    assert any("hub validate --id stadt-musterhausen/wohngeld --format gitlab . > gl-code-quality-report.json" in s for s in job["script"])
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json" and job["artifacts"]["when"] == "always"


def test_ci_validation_ignores_the_repository_folder_name_but_checks_the_id(tmp_path, capsys):
    main([*NEW, str(tmp_path)])
    repo = tmp_path / "wohngeld-repository"
    (tmp_path / "wohngeld").rename(repo)
    assert main(["validate", str(repo)]) == 1  # without --id the folder must be named like the slug
    assert main(["validate", "--id", "stadt-musterhausen/wohngeld", str(repo)]) == 0
    assert main(["validate", "--id", "stadt-musterhausen/anders", str(repo)]) == 1
    assert "[manifest-id-folder]" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--publisher", "Stadt Muster"], "Herausgeberkennung „Stadt Muster“"),
        (["--themenfeld", "Verwaltung"], "kein OZG-Themenfeld"),
        (["--slug", "Wohn_geld"], "Kurzname „Wohn_geld“"),
    ],
)
def test_new_refuses_bad_answers_in_german(tmp_path, capsys, args, needle):
    assert main([*NEW, *args, str(tmp_path)]) == 2
    assert needle in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_new_without_terminal_names_the_missing_flag_and_never_overwrites(tmp_path, capsys):
    assert main(["new", "--publisher", "stadt-x", str(tmp_path)]) == 2
    assert "--slug" in capsys.readouterr().err
    assert main([*NEW, str(tmp_path)]) == 0
    assert main([*NEW, str(tmp_path)]) == 2
    assert "nicht leer" in capsys.readouterr().err


def test_new_asks_in_a_terminal(tmp_path):
    """In a terminal without flags, `hub new` asks each question; the Themenfeld comes from the numbered list."""
    master, slave = pty.openpty()
    answers = "stadt-musterhausen\n\nwohngeld\nWohngeld digital\n2\n\nwohngeld@musterhausen.de\n"
    process = subprocess.Popen([sys.executable, "-m", "hub", "new", str(tmp_path)], stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    os.write(master, answers.encode())
    output = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        output += chunk
    os.close(master)
    assert process.wait(timeout=60) == 0, output.decode(errors="replace")
    text = output.decode()
    assert "Kennung des Herausgebers" in text and "14  Unternehmensführung & -entwicklung" in text
    manifest = validate_package(PackageFiles.from_folder(tmp_path / "wohngeld")).manifest
    assert manifest is not None and manifest.classification.themenfeld == "Bauen & Wohnen"
    assert manifest.publisher.name == "Stadt Musterhausen" and manifest.contacts[0].email == "wohngeld@musterhausen.de"


def test_themenfeld_by_number_or_name_from_the_fourteen():
    from hub.cli.package import _themenfeld

    assert len(themenfelder()) == 14
    assert _themenfeld("14") == "Unternehmensführung & -entwicklung"
    assert _themenfeld("gesundheit") == "Gesundheit"


# -- report formats ----------------------------------------------------------------------------------


def _broken(tmp_path: Path) -> Path:
    return make_package(
        tmp_path,
        license="Freeware-42",
        files={"README.md": None, "prozess/ablauf.bpmn": "<bpmn:definitions", "formulare/antrag.schema.json": None},
    )


def test_gitlab_report_follows_gitlabs_code_quality_format(tmp_path, capsys, monkeypatch):
    folder = _broken(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--format", "gitlab", folder.name]) == 1
    report = json.loads(capsys.readouterr().out)
    Draft202012Validator(GITLAB_SCHEMA).validate(report)
    by_check = {issue["check_name"]: issue for issue in report}
    assert {"manifest-license-unknown", "readme-missing", "bpmn-syntax"} <= set(by_check)
    licence = by_check["manifest-license-unknown"]
    assert licence["location"]["path"] == "testpaket/hub.yaml" and licence["location"]["lines"]["begin"] > 1
    assert licence["severity"] == "major" and "Freeware-42" in licence["description"]
    assert by_check["bpmn-syntax"]["location"]["path"] == "testpaket/prozess/ablauf.bpmn"
    manifest_lines = (tmp_path / "testpaket" / "hub.yaml").read_text().splitlines()
    missing = by_check["artefact-missing"]  # placed by pointer only: the line is looked up in hub.yaml
    assert "formulare/antrag.schema.json" in manifest_lines[missing["location"]["lines"]["begin"] - 1]
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    assert main(["validate", "--format", "gitlab", folder.name]) == 1
    assert [i["fingerprint"] for i in json.loads(capsys.readouterr().out)] == [i["fingerprint"] for i in report]  # stable across runs


def test_gitlab_report_of_a_valid_package_is_an_empty_array(tmp_path, capsys):
    assert main(["validate", "--format", "gitlab", str(make_package(tmp_path))]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_sarif_report(tmp_path, capsys, monkeypatch):
    folder = _broken(tmp_path)
    monkeypatch.chdir(folder)
    assert main(["validate", "--format", "sarif", "."]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    [run] = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "Transferhub"
    rule_ids = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} == rule_ids
    licence = next(r for r in run["results"] if r["ruleId"] == "manifest-license-unknown")
    location = licence["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "hub.yaml" and location["region"]["startLine"] > 1
    assert licence["level"] == "error"
