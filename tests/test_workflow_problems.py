"""Each problem code of the workflows beside package validation, triggered for real: publiccode.yml import,
the sources list, harvesting and merging an adopted package."""

from __future__ import annotations

import pytest
import yaml

from hub.adopt import adopt
from hub.adopt.errors import DirtyWorkTree
from hub.adopt.upstream import upstream_merge
from hub.federation import harvest, import_publiccode
from hub.federation.sources import parse_sources
from tests.factory import make_catalog, package_files
from tests.test_adopt import ORG, PID, data, git, seeded_data  # noqa: F401  (fixtures)
from tests.test_federation import PUBLICCODE, set_sources, source_repo


def _mutated(change) -> str:
    doc = yaml.safe_load(PUBLICCODE)
    change(doc)
    return yaml.safe_dump(doc, allow_unicode=True)


def _drop(*path: str):
    def change(doc):
        for key in path[:-1]:
            doc = doc[key]
        del doc[path[-1]]

    return change


PUBLICCODE_CASES = [
    ("publiccode-syntax", "name: [unclosed\n"),
    ("publiccode-syntax", "- eine Liste\n"),
    ("publiccode-name", _mutated(_drop("name"))),
    ("publiccode-publisher", _mutated(_drop("legal", "repoOwner"))),
    ("publiccode-version", _mutated(lambda d: d.update(softwareVersion="1.2"))),
    ("publiccode-description", _mutated(lambda d: d["description"]["de"].update(shortDescription="kurz"))),
    ("publiccode-license", _mutated(lambda d: d["legal"].update(license="Freeware-42"))),
    ("publiccode-status", _mutated(lambda d: d.update(developmentStatus="fertig"))),
    ("publiccode-themenfeld", _mutated(lambda d: d["de"]["leika"][0].update(themenfeld="Sport"))),
    ("publiccode-leika", _mutated(lambda d: d["de"]["leika"][0].update({"leika-id": "12345"}))),
    ("publiccode-incomplete", _mutated(lambda d: d.update(name="N" * 300))),
]


@pytest.mark.parametrize(("code", "text"), PUBLICCODE_CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(PUBLICCODE_CASES)])
def test_publiccode_import_names_what_is_wrong(code, text):
    _, problems = import_publiccode(text)
    found = [p for p in problems if p.code == code]
    assert found and all(p.message and (p.pointer or p.line or p.file) for p in found)


def test_publiccode_without_faults_of_its_own_has_none_of_those_codes():
    _, problems = import_publiccode(PUBLICCODE)
    assert not {p.code for p in problems} & {code for code, _ in PUBLICCODE_CASES}


def test_sources_list_that_is_no_yaml_is_refused_with_its_line():
    sources, problems = parse_sources(b"sources:\n  - name: [kaputt\n")
    assert sources == [] and [p.code for p in problems] == ["sources-syntax"] and problems[0].line


def test_one_version_twice_with_different_content_is_refused(tmp_path):
    catalog = make_catalog(tmp_path / "hub")
    src = source_repo(
        tmp_path / "src",
        {
            "a/termin": package_files("stadt-quelle/termin", "1.0.0"),
            "b/termin": package_files("stadt-quelle/termin", "1.0.0", files={"README.md": "# Termin\n\n## Problem\nAnders.\n"}),
        },
    )
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle"})
    [report] = harvest(catalog)
    assert report.accepted == []
    assert sorted(r.folder for r in report.refused) == ["a/termin", "b/termin"]
    assert {p.code for r in report.refused for p in r.problems} == {"harvest-version-duplicate"}


def test_merge_into_a_dirty_work_tree_names_every_changed_file(tmp_path, data):  # noqa: F811
    city = tmp_path / "city"
    adopt(data, PID, "1.0.0", city, as_org=ORG)
    (city / "README.md").write_text("# Lokal geändert\n")
    with pytest.raises(DirtyWorkTree) as caught:
        upstream_merge(city, fetch_first=False)
    assert [(p.code, p.file) for p in caught.value.problems] == [("worktree-dirty", "README.md")]
    assert (city / "README.md").read_text() == "# Lokal geändert\n"
