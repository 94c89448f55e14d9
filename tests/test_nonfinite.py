"""Numbers JSON cannot carry (infinity, NaN, beyond 1e308) are refused where they are read, with their place.

YAML reads ``.inf`` and ``.nan`` as floats and Python's JSON decoder reads ``NaN``, ``Infinity`` and
``1e400``; JSON Schema's ``number`` lets them through, and every export that writes the number (the
API's JSON, DCAT, the site's data) would then fail for the whole catalogue.
"""

from __future__ import annotations

import json

import pytest
import yaml

from hub.validate import PackageFiles, validate_package
from tests.factory import FORM, manifest, package_files


def _problems(files: dict[str, bytes | str]):
    result = validate_package(PackageFiles(package_files(files=files), folder_name="testpaket"))
    assert not result.ok
    return result.problems


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "+.Inf", "1.0e+400"])
def test_manifest_number_that_json_cannot_carry_is_refused_with_its_line(value):
    text = yaml.safe_dump(manifest(), allow_unicode=True, sort_keys=False)
    line = text.count("\n") + 3
    problems = _problems({"hub.yaml": text + f"adoption:\n  effort:\n    person_days: {value}\n"})
    assert [(p.code, p.file, p.line) for p in problems] == [("manifest-syntax", "hub.yaml", line)]
    assert "endliche Zahl" in problems[0].message


def test_config_number_that_json_cannot_carry_is_refused():
    problems = _problems({"konfiguration/termine.yaml": "dauer_minuten: .inf\n"})
    assert [(p.file, p.line) for p in problems] == [("konfiguration/termine.yaml", 1)]
    assert "endliche Zahl" in problems[0].message


@pytest.mark.parametrize(
    ("raw", "pointer"), [("NaN", "/x-max"), ("Infinity", "/x-max"), ("[1, -Infinity]", "/x-max/1"), ("1e999", "/x-max")]
)
def test_form_number_that_json_cannot_carry_is_refused_with_its_pointer(raw, pointer):
    form = json.dumps(FORM)[:-1] + f', "x-max": {raw}}}'
    problems = _problems({"formulare/antrag.schema.json": form})
    assert [(p.code, p.file) for p in problems] == [("form-syntax", "formulare/antrag.schema.json")]
    assert f"An der Stelle {pointer} steht eine Zahl, die JSON nicht kennt" in problems[0].message


def test_finite_numbers_still_pass():
    text = yaml.safe_dump(manifest(), allow_unicode=True, sort_keys=False)
    files = package_files(files={"hub.yaml": text + "adoption:\n  effort:\n    person_days: 1.5e+3\n    costs_eur: 0\n"})
    result = validate_package(PackageFiles(files, folder_name="testpaket"))
    assert result.ok, result.problems
    assert result.manifest is not None and result.manifest.adoption is not None
