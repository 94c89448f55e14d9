"""Quality hints (severity "hint"): one case per rule, never blocking, shown by CLI and API, counted by maturity."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hub.cli import main
from hub.maturity import maturity
from hub.site import build_site
from hub.store import Catalog, publish
from hub.store.hints import files_hints
from hub.store.trees import tree_at
from hub.validate import PackageFiles, validate_package
from hub.validate.codes import CODES
from hub.validate.hints import HINT_CODES, bpmn_hints, catalogue_hints, evidence_hints, package_hints, period_end, started
from hub.validate.manifest import manifest_from_bytes
from tests.factory import BPMN, make_catalog, manifest, package_files, write_files

DOCS = Path(__file__).resolve().parent.parent / "docs" / "problem-codes.md"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'id="D" targetNamespace="https://transferhub.de/test">\n'
)


def model(body: str, collaboration: str = "") -> bytes:
    return (HEAD + collaboration + f'<bpmn:process id="P" isExecutable="false">\n{body}\n</bpmn:process>\n</bpmn:definitions>\n').encode()


def flow(fid: str, source: str, target: str, name: str = "") -> str:
    named = f' name="{name}"' if name else ""
    return f'<bpmn:sequenceFlow id="{fid}"{named} sourceRef="{source}" targetRef="{target}" />'


START = '<bpmn:startEvent id="S" name="Antrag eingegangen" />'
END = '<bpmn:endEvent id="E" name="Bescheid erteilt" />'
CLEAN = model(START + '<bpmn:userTask id="T" name="Antrag prüfen" />' + END + flow("F1", "S", "T") + flow("F2", "T", "E"))
POOLS = (
    '<bpmn:collaboration id="C"><bpmn:participant id="Amt" name="Stadt" processRef="P" />'
    '<bpmn:participant id="Antragsteller" name="Antragstellende" />{flows}</bpmn:collaboration>\n'
)

BPMN_CASES = {
    "bpmn-disconnected": model(
        START
        + '<bpmn:userTask id="T" name="Antrag prüfen" /><bpmn:userTask id="X" name="Vergessene Aufgabe" />'
        + END
        + flow("F1", "S", "T")
        + flow("F2", "T", "E")
    ),
    "bpmn-implicit-split": model(
        START
        + '<bpmn:userTask id="T" name="Antrag prüfen" /><bpmn:endEvent id="E2" name="Abgelehnt" />'
        + END
        + flow("F1", "S", "T")
        + flow("F2", "T", "E")
        + flow("F3", "T", "E2")
    ),
    "bpmn-implicit-join": model(
        START + '<bpmn:userTask id="T" name="Antrag prüfen" />'
        '<bpmn:exclusiveGateway id="G" name="Vollständig?" /><bpmn:userTask id="N" name="Nachfordern" />'
        + END
        + flow("F1", "S", "T")
        + flow("F2", "T", "G")
        + flow("F3", "G", "E", "ja")
        + flow("F4", "G", "N", "nein")
        + flow("F5", "N", "T")
    ),
    "bpmn-gateway-unlabelled": model(
        START
        + '<bpmn:exclusiveGateway id="G" /><bpmn:exclusiveGateway id="J" />'
        + END
        + flow("F1", "S", "G")
        + flow("F2", "G", "J", "ja")
        + flow("F3", "G", "J", "nein")
        + flow("F4", "J", "E")
    ),
    "bpmn-event-unlabelled": model(
        '<bpmn:startEvent id="S" /><bpmn:userTask id="T" name="Antrag prüfen" />' + END + flow("F1", "S", "T") + flow("F2", "T", "E")
    ),
    "bpmn-message-flow-missing": model(
        START + '<bpmn:sendTask id="T" name="Bescheid senden" />' + END + flow("F1", "S", "T") + flow("F2", "T", "E")
    ),
    "bpmn-external-lane": model(
        '<bpmn:laneSet id="L"><bpmn:lane id="L1" name="Gewerbetreibende"><bpmn:flowNodeRef>S</bpmn:flowNodeRef></bpmn:lane>'
        '<bpmn:lane id="L2" name="Gewerbeamt"><bpmn:flowNodeRef>T</bpmn:flowNodeRef><bpmn:flowNodeRef>E</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
        + START
        + '<bpmn:userTask id="T" name="Antrag prüfen" />'
        + END
        + flow("F1", "S", "T")
        + flow("F2", "T", "E")
    ),
    "bpmn-working-days": model(
        START + '<bpmn:userTask id="T" name="Antrag prüfen" />'
        '<bpmn:boundaryEvent id="B" name="2 Arbeitstage ohne Bearbeitung" attachedToRef="T" cancelActivity="false">'
        '<bpmn:timerEventDefinition id="TD"><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
        '<bpmn:userTask id="R" name="Teamleitung informieren" /><bpmn:endEvent id="E2" name="Teamleitung informiert" />'
        + END
        + flow("F1", "S", "T")
        + flow("F2", "T", "E")
        + flow("F3", "B", "R")
        + flow("F4", "R", "E2")
    ),
}


@pytest.mark.parametrize("code", sorted(BPMN_CASES))
def test_each_bpmn_rule_has_a_case_that_reports_only_it(code):
    hints = bpmn_hints("prozess/ablauf.bpmn", BPMN_CASES[code])
    assert {h.code for h in hints} == {code}
    assert all(h.severity == "hint" and h.file == "prozess/ablauf.bpmn" and h.line for h in hints)


def test_a_clean_model_with_message_flows_to_a_collapsed_pool_has_no_hint():
    assert bpmn_hints("a.bpmn", CLEAN) == []
    with_pool = model(
        START + '<bpmn:sendTask id="T" name="Bescheid senden" />' + END + flow("F1", "S", "T") + flow("F2", "T", "E"),
        POOLS.format(flows='<bpmn:messageFlow id="M" sourceRef="T" targetRef="Antragsteller" />'),
    )
    assert bpmn_hints("a.bpmn", with_pool) == []
    merged = BPMN_CASES["bpmn-gateway-unlabelled"].replace(b'id="G" />', b'id="G" name="Vollst\xc3\xa4ndig?" />')
    assert bpmn_hints("a.bpmn", merged) == []  # a joining gateway needs no name
    calendar = BPMN_CASES["bpmn-working-days"].replace(b"2 Arbeitstage", b"2 Tage")
    assert bpmn_hints("a.bpmn", calendar) == []


def _manifest(**status):
    return manifest_from_bytes(yaml.safe_dump(manifest(status={"development": "stable", **status})).encode())


def test_outcome_measured_before_production_is_a_hint():
    m = _manifest(
        production={"since": "2020-01", "cases_per_year": 900},
        outcomes=[
            {"indicator": "Durchlaufzeit", "value": 3, "period": "4. Quartal 2019"},
            {"indicator": "Onlinequote", "value": 60, "period": "Januar und Februar 2020"},
        ],
    )
    hints = evidence_hints(m)
    assert [(h.code, h.pointer) for h in hints] == [("evidence-outcome-before-production", "/status/outcomes/0/period")]


def test_since_differing_between_versions_is_a_hint():
    old = _manifest(production={"since": "2020-08"})
    new = manifest_from_bytes(
        yaml.safe_dump(manifest(version="2.0.0", status={"development": "stable", "production": {"since": "2020-10"}})).encode()
    )
    hints = catalogue_hints(new, [started(old)])
    assert [(h.code, h.pointer) for h in hints] == [("evidence-since-differs", "/status/production/since")]
    assert "1.0.0: 2020-08" in hints[0].message
    assert catalogue_hints(new, [started(_manifest(production={"since": "2020-10"}))]) == []


def test_volume_implausible_for_the_publishers_size():
    m = manifest_from_bytes(
        yaml.safe_dump(
            manifest(
                classification={"themenfeld": "Unternehmensführung & -entwicklung", "leika": ["99050012104000"]},
                status={"development": "stable", "production": {"since": "2019-09", "cases_per_year": 2700}},
            )
        ).encode()
    )
    hints = catalogue_hints(m, population=155_000)
    assert [h.code for h in hints] == ["evidence-volume-implausible"]
    assert "17,4 je 1.000" in hints[0].message
    assert catalogue_hints(m, population=None) == [] and catalogue_hints(m, population=400_000) == []


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("2021", (2021, 12)),
        ("4. Quartal 2019", (2019, 12)),
        ("2. Halbjahr 2023", (2023, 12)),
        ("1. Halbjahr 2021", (2021, 6)),
        ("Februar bis April 2024", (2024, 4)),
        ("2. Halbjahr 2020 gegenüber 2019", (2020, 12)),
        ("2020-03", (2020, 3)),
        ("laufend", None),
    ],
)
def test_period_end(text, end):
    assert period_end(text) == end


def test_every_hint_code_is_documented_and_has_a_case():
    docs = DOCS.read_text(encoding="utf-8")
    covered = set(BPMN_CASES) | {"evidence-outcome-before-production", "evidence-since-differs", "evidence-volume-implausible"}
    assert covered == set(HINT_CODES)
    assert not set(HINT_CODES) & set(CODES)  # a hint code is never also an error code
    for code in HINT_CODES:
        assert f"`{code}`" in docs


UNLABELLED = BPMN.replace('<bpmn:endEvent id="End_1" name="Bescheid versandt">', '<bpmn:endEvent id="End_1">')


def test_hints_never_block_validation_or_publishing_and_fail_artefacts_valid(tmp_path):
    files = package_files(files={"prozess/ablauf.bpmn": UNLABELLED})
    result = validate_package(PackageFiles(files, folder_name="testpaket"))
    assert result.ok and result.manifest is not None
    assert [(p.code, p.severity) for p in result.problems] == [("bpmn-event-unlabelled", "hint")]

    catalog = make_catalog(tmp_path)
    published = publish(catalog, PackageFiles(files, folder_name="testpaket"))
    assert [h.code for h in published.hints] == ["bpmn-event-unlabelled"]
    m = maturity(catalog, "stadt-test/testpaket")
    valid = next(c for c in m.criteria if c.id == "artefacts-valid")
    assert not valid.met and "bpmn-event-unlabelled" in valid.evidence
    assert [h.code for h in m.hints] == ["bpmn-event-unlabelled"]

    fixed = package_files(version="1.0.1", status={"development": "stable", "production": {"since": "2021-05", "cases_per_year": 1200}})
    published = publish(catalog, PackageFiles(fixed, folder_name="testpaket"))
    assert [h.code for h in published.hints] == ["evidence-since-differs"]  # known only against the catalogue


def test_the_files_hints_kept_at_publish_are_what_evaluating_the_published_files_gives(tmp_path):
    # the publish keeps validation's hints for the new folder (maturity reads them next): they must be package_hints'
    status = {
        "development": "stable",
        "production": {"since": "2020-01", "cases_per_year": 900},
        "outcomes": [{"indicator": "Durchlaufzeit", "value": 3, "period": "4. Quartal 2019"}],
    }
    files = package_files(files={"prozess/ablauf.bpmn": UNLABELLED}, status=status)
    catalog = make_catalog(tmp_path)
    published = publish(catalog, PackageFiles(files, folder_name="testpaket"))
    assert {h.code for h in published.hints} == {"bpmn-event-unlabelled", "evidence-outcome-before-production"}
    assert any(h.file == "hub.yaml" and h.line is not None for h in published.hints)  # validation places them by line
    head = catalog.head()
    assert head is not None
    folder = tree_at(catalog.repo, head.tree["packages/stadt-test/testpaket"].id)
    manifest_of = manifest_from_bytes(files["hub.yaml"])
    assert files_hints(catalog.repo, folder, manifest_of) == package_hints(manifest_of, files)


def test_cli_shows_hints_as_hinweis_and_stays_valid(tmp_path, capsys):
    folder = tmp_path / "testpaket"
    write_files(folder, package_files(files={"prozess/ablauf.bpmn": UNLABELLED}))
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "gültig, 1 Hinweis zur Qualität" in out
    assert "Hinweis: prozess/ablauf.bpmn:" in out and "[bpmn-event-unlabelled]" in out

    data = tmp_path / "daten"
    Catalog.create(data / "catalog.git")  # an existing empty repository is not seeded
    assert main(["--data", str(data), "publish", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Veröffentlicht: stadt-test/testpaket 1.0.0" in out and "1 Hinweis zur Qualität" in out
    assert "Hinweis: prozess/ablauf.bpmn:" in out


def test_the_package_page_lists_the_hints(tmp_path):
    catalog = make_catalog(tmp_path)
    publish(catalog, PackageFiles(package_files(files={"prozess/ablauf.bpmn": UNLABELLED}), folder_name="testpaket"))
    build_site(catalog, tmp_path / "site")
    html = (tmp_path / "site" / "pakete" / "stadt-test" / "testpaket" / "index.html").read_text(encoding="utf-8")
    assert "Hinweise zur Qualität (1)" in html and "<code>bpmn-event-unlabelled</code>" in html


def test_earlier_versions_are_read_from_head_and_from_their_commits_alike(tmp_path):
    # the newest earlier version's manifest is read through HEAD's trees, older ones through their own commits
    catalog = make_catalog(tmp_path)
    for version, since in (("1.0.0", "2019-03"), ("1.1.0", "2021-05"), ("1.2.0", "2021-05")):
        status = {"development": "stable", "production": {"since": since, "cases_per_year": 1200}}
        published = publish(catalog, PackageFiles(package_files(version=version, status=status), folder_name="testpaket"))
    differs = [h for h in published.hints if h.code == "evidence-since-differs"]
    assert len(differs) == 1 and "1.0.0: 2019-03" in differs[0].message and "1.1.0" not in differs[0].message


def _publish_started(catalog, version: str, since: str | None):
    """Publish ``version`` of the test package, in production since ``since`` (None: in beta)."""
    status = {"development": "stable", "production": {"since": since, "cases_per_year": 1200}} if since else {"development": "beta"}
    return publish(catalog, PackageFiles(package_files(version=version, status=status), folder_name="testpaket"))


def _publish_counting_reads(catalog, monkeypatch, version: str) -> tuple[list, list[str]]:
    """Publish ``version`` in production since 2021-05: its hints evidence-since-differs, and the earlier versions
    whose manifest the hint read."""
    import hub.store.hints as store_hints

    read: list[str] = []
    original = store_hints._manifest_of
    monkeypatch.setattr(store_hints, "_manifest_of", lambda c, p, info: read.append(info.version) or original(c, p, info))
    published = _publish_started(catalog, version, "2021-05")
    return [h for h in published.hints if h.code == "evidence-since-differs"], read


def test_earlier_starts_of_production_are_read_from_the_publish_commits_not_from_every_earlier_manifest(tmp_path, monkeypatch):
    """A package's versions grow without bound: a new version's hint reads each earlier start from its commit's trailer."""
    catalog = make_catalog(tmp_path)
    for version, since in [("1.0.0", "2019-03"), ("1.1.0", None), ("1.2.0", "2021-05"), ("1.3.0", "2021-05-17")]:
        _publish_started(catalog, version, since)
    head = catalog.head()
    assert head is not None and "Hub-Production-Since: 2021-05-17" in head.message
    differs, read = _publish_counting_reads(catalog, monkeypatch, "2.0.0")
    assert len(differs) == 1 and "1.0.0: 2019-03" in differs[0].message and "1.1.0" not in differs[0].message
    assert read == []


def test_commits_from_before_the_trailer_have_their_manifest_read(tmp_path, monkeypatch):
    import importlib

    store_publish = importlib.import_module("hub.store.publish")  # the package's name "publish" is the function
    catalog = make_catalog(tmp_path)
    with monkeypatch.context() as older_hub:  # a hub before the trailer: its commits do not say
        older_hub.setattr(store_publish, "production_trailer", lambda since: "")
        for version, since in (("1.0.0", "2019-03"), ("1.1.0", "2021-05")):
            _publish_started(catalog, version, since)
    head = catalog.head()
    assert head is not None and "Hub-Production-Since" not in head.message
    differs, read = _publish_counting_reads(catalog, monkeypatch, "1.2.0")
    assert len(differs) == 1 and "1.0.0: 2019-03" in differs[0].message
    assert sorted(read) == ["1.0.0", "1.1.0"]
