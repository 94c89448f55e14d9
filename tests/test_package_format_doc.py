"""docs/package-format.md: its complete example is a valid package; its vocabularies are the schema's."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hub.index.documents import STATUS_LABELS
from hub.validate import PackageFiles, validate_package
from tests.factory import package_files

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "package-format.md").read_text(encoding="utf-8")
SCHEMA = json.loads((ROOT / "schemas" / "package.schema.json").read_text(encoding="utf-8"))


def _section(heading: str) -> str:
    return DOC.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]


def _rows(heading: str) -> list[list[str]]:
    return [
        [c.strip().strip("`") for c in line.strip("|").split("|")]
        for line in _section(heading).splitlines()
        if line.startswith("| ") and not line.startswith("| Nr.") and not line.startswith("| Wert")
    ]


def test_complete_example_is_a_valid_package():
    example = re.search(r"```yaml\n(.*?)```", _section("Vollständiges Beispiel"), re.DOTALL).group(1)
    assert example.startswith("# yaml-language-server: $schema=https://transferhub.de/schemas/v1/package.schema.json\n")
    files = package_files(
        files={
            "hub.yaml": example,
            "CHANGELOG.md": "# Änderungen\n\n## 1.2.0\n\nBuchung für Reisepässe.\n",
            "docs/handbuch.md": "# Handbuch\n\nSiehe [Konfiguration](../konfiguration/termine.yaml).\n",
        }
    )
    result = validate_package(PackageFiles(files, folder_name="online-terminvergabe"))
    assert result.problems == []
    manifest = result.manifest
    assert manifest.adoption is not None and manifest.status.production is not None and manifest.status.outcomes
    assert {a.kind for a in manifest.artefacts} == {"process-model", "form-schema", "config", "document"}


def test_the_fourteen_themenfelder_are_listed():
    rows = _rows("Themenfelder")
    assert [name for _, name in rows] == SCHEMA["properties"]["classification"]["properties"]["themenfeld"]["enum"]
    assert [int(number) for number, _ in rows] == list(range(1, 15))


def test_category_vocabulary_is_listed():
    assert [value for value, _ in _rows("Kategorien")] == SCHEMA["$defs"]["category"]["enum"]


def test_status_values_with_their_german_labels():
    assert dict(_rows("Entwicklungsstand")) == STATUS_LABELS
    assert list(STATUS_LABELS) == SCHEMA["properties"]["status"]["properties"]["development"]["enum"]


def test_validation_in_editor_locally_and_in_ci_is_explained():
    text = _section("Prüfen: im Editor, lokal, im Merge Request")
    for needle in ("yaml-language-server", "hub validate", "--format gitlab", ".gitlab-ci.yml", "hub new"):
        assert needle in text, needle  # in this section, not somewhere else in the document
