"""Federation and standards: harvesting real git repositories, feedback to publishers, publiccode.yml, DCAT-AP, Atom, API, CLI."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pygit2
import pytest
import yaml
from litestar.testing import TestClient
from lxml import etree
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from hub.budget import Pool
from hub.errors import HubError, problem_details
from hub.federation import (
    atom_feed,
    export_dcat,
    export_publiccode,
    feedback_feed,
    harvest,
    import_publiccode,
    load_sources,
    publisher_feedback,
    read_report,
    save_sources,
)
from hub.federation.errors import SourceNotFound, SourcesInvalid
from hub.federation.model import DCAT_PAGE_SIZE
from hub.federation.publiccode import PUBLICCODE_FILES
from hub.model import Actor
from hub.store import publish
from hub.store.catalog import parse_trailers
from hub.store.records import record_adoption
from hub.validate import PackageFiles, validate_package
from tests.factory import README, make_catalog, make_services, package_files, register, write_files
from tests.schema_fields import field_paths

# rdflib's own JSON-LD parser still builds a ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
VCARD_HAS_EMAIL = URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Quelle",
    "GIT_AUTHOR_EMAIL": "quelle@test.example",
    "GIT_COMMITTER_NAME": "Quelle",
    "GIT_COMMITTER_EMAIL": "quelle@test.example",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


# -- helpers ----------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "commit.gpgsign=false", *args], env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout


def source_repo(path: Path, packages: dict[str, dict[str, bytes]]) -> Path:
    """A real git repository with ``packages`` (folder -> files), committed on ``main``."""
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    return commit_packages(path, packages, "Pakete angelegt")


def commit_packages(path: Path, packages: dict[str, dict[str, bytes] | None], message: str) -> Path:
    for folder, files in packages.items():
        if files is None:
            shutil.rmtree(path / folder)
        else:
            if (path / folder).exists():
                shutil.rmtree(path / folder)
            write_files(path / folder, files)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return path


def set_sources(catalog, *sources: dict) -> None:
    save_sources(catalog, yaml.safe_dump({"sources": list(sources)}, allow_unicode=True).encode())


def package_tree(catalog) -> dict[str, str]:
    """Every entry of HEAD but the reports and the source list: what a failing source must not change."""
    head = catalog.head()
    return {e.name: str(e.id) for e in head.tree if e.name not in ("harvest", "sources.yaml")}


def tags(catalog) -> set[str]:
    return {r for r in catalog.repo.references if r.startswith("refs/tags/")}


@pytest.fixture
def catalog(tmp_path):
    return make_catalog(tmp_path / "hub", [("stadt-test/testpaket", "1.0.0")])


# -- sources.yaml -----------------------------------------------------------------------------


def test_sources_schema_is_draft_2020_12_with_german_descriptions():
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "schemas" / "sources.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://transferhub.de/schemas/v1/sources.schema.json"
    paths = field_paths(schema)
    assert {
        "sources",
        "sources[].name",
        "sources[].url",
        "sources[].branch",
        "sources[].publisher",
        "sources[].folders",
        "sources[].hub",
    } <= {p for p, _ in paths}
    assert all(description.strip() for _, description in paths)
    german = re.compile(r"\b(der|die|das|ein|eine|und|oder|wird|nicht)\b")
    assert all(german.search(description) for _, description in paths), [p for p, d in paths if not german.search(d)]


def test_invalid_sources_are_refused_with_places_and_nothing_is_written(catalog):
    head = catalog.head().id
    text = b"""sources:
  - name: quelle
    url: /tmp/x
  - name: quelle
    url: ftp://example.org/repo.git
    publisher: stadt-a
  - name: hub
    url: https://hub.example/katalog.git
    hub: true
    folders: ["*"]
"""
    with pytest.raises(SourcesInvalid) as info:
        save_sources(catalog, text)
    found = {(p.code, p.pointer) for p in info.value.problems}
    assert ("sources-schema", "/sources/0/publisher") in found  # a source of one publisher names it
    assert ("sources-schema", "/sources/1/url") in found  # no ftp
    assert ("sources-schema", "/sources/2/folders") in found  # another hub has a fixed layout
    assert all(p.line for p in info.value.problems) and all("„" in p.message or "Wert" in p.message for p in info.value.problems)
    assert catalog.head().id == head

    with pytest.raises(SourcesInvalid) as info:
        save_sources(catalog, b"sources:\n  - {name: a, url: /x, publisher: p}\n  - {name: a, url: /y, publisher: p}\n")
    assert [p.code for p in info.value.problems] == ["sources-duplicate-name"]
    with pytest.raises(SourcesInvalid):
        save_sources(catalog, b"sources: [")
    assert catalog.head().id == head and load_sources(catalog) == []


# -- harvesting -------------------------------------------------------------------------------


def test_valid_source_accepted_then_unchanged_then_new_version(catalog, tmp_path):
    src = source_repo(tmp_path / "src", {"pakete/antrag": package_files("stadt-quelle/antrag", "1.0.0")})
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle", "folders": ["pakete/*"]})
    messages: list[str] = []

    [report] = harvest(catalog, progress=messages.append)
    assert report.status == "ok" and report.commit == git(src, "rev-parse", "HEAD").strip()
    assert [(a.id, a.version) for a in report.accepted] == [("stadt-quelle/antrag", "1.0.0")]
    assert report.refused == [] and report.unchanged == []
    assert any("übernommen" in m for m in messages) and messages[0].startswith("Quelle „quelle“: hole")

    published = catalog.get("stadt-quelle/antrag")
    assert published.manifest.version == "1.0.0"
    commit = catalog.repo[pygit2.Oid(hex=published.commit)]
    assert (commit.author.name, commit.author.email) == ("Stadt Stadt-Quelle", "digital@test.example")  # the source's publisher
    trailers = parse_trailers(commit.message)
    assert trailers["Hub-Source"] == "quelle" and trailers["Hub-Action"] == "publish" and trailers["Hub-Source-Commit"] == report.commit
    assert catalog.publisher("stadt-quelle") is not None

    stored = read_report(catalog, "quelle")
    assert stored == report  # harvest/quelle.yaml is the report, as a commit of its own
    assert parse_trailers(catalog.head().message) == {"Hub-Action": "harvest", "Hub-Source": "quelle", "Hub-Source-Commit": report.commit}

    before = package_tree(catalog)
    [again] = harvest(catalog, progress=messages.append)
    assert [(u.id, u.version) for u in again.unchanged] == [("stadt-quelle/antrag", "1.0.0")] and again.accepted == []
    assert package_tree(catalog) == before and any("unverändert" in m for m in messages)

    newer = package_files(
        "stadt-quelle/antrag", "1.1.0", files={"README.md": "# Antrag\n\n## Problem\nLangsam.\n\n## Lösung\nSchneller.\n"}
    )
    commit_packages(src, {"pakete/antrag": newer}, "Version 1.1.0")
    [third] = harvest(catalog)
    assert [(a.id, a.version) for a in third.accepted] == [("stadt-quelle/antrag", "1.1.0")]
    assert [v.version for v in catalog.versions("stadt-quelle/antrag")] == ["1.1.0", "1.0.0"]
    assert third.commit == git(src, "rev-parse", "HEAD").strip()


def test_versions_side_by_side_are_taken_in_order(catalog, tmp_path):
    src = source_repo(
        tmp_path / "src",
        {
            "termin@1.1.0": package_files("stadt-quelle/termin", "1.1.0"),
            "termin@1.0.0": package_files("stadt-quelle/termin", "1.0.0"),
            "termin@2.0.0": package_files("stadt-quelle/termin", "2.1.0"),  # folder and manifest disagree
        },
    )
    set_sources(catalog, {"name": "quelle", "url": f"file://{src}", "publisher": "stadt-quelle", "branch": "main"})
    [report] = harvest(catalog)
    assert [(a.id, a.version) for a in report.accepted] == [("stadt-quelle/termin", "1.0.0"), ("stadt-quelle/termin", "1.1.0")]
    [refused] = report.refused
    assert refused.folder == "termin@2.0.0" and [p.code for p in refused.problems] == ["harvest-version-folder"]
    assert [v.version for v in catalog.versions("stadt-quelle/termin")] == ["1.1.0", "1.0.0"]


def test_invalid_package_is_refused_with_every_problem_and_others_accepted(catalog, tmp_path):
    src = source_repo(
        tmp_path / "src",
        {
            "pakete/gut": package_files("stadt-quelle/gut", "1.0.0"),
            "pakete/kaputt": package_files("stadt-quelle/kaputt", "1.0.0", license="NOPE", files={"prozess/ablauf.bpmn": None}),
            "pakete/fremd": package_files("stadt-andere/fremd", "1.0.0"),
            "pakete/leer": {"hub.yaml": b"id: [kein yaml\n", "README.md": b"# x\n"},
        },
    )
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle", "folders": ["pakete/*"]})
    [report] = harvest(catalog)

    assert [(a.id, a.version) for a in report.accepted] == [("stadt-quelle/gut", "1.0.0")]
    refused = {r.folder: r for r in report.refused}
    assert set(refused) == {"pakete/kaputt", "pakete/fremd", "pakete/leer"}
    kaputt = {(p.code, p.file, p.pointer) for p in refused["pakete/kaputt"].problems}
    assert ("manifest-license-unknown", "hub.yaml", "/license") in kaputt
    assert ("markdown-link-broken", "README.md", None) in kaputt  # every problem validation finds, each with its place
    assert all(p.message and (p.line or p.pointer) for p in refused["pakete/kaputt"].problems)
    assert "harvest-publisher-mismatch" in {p.code for p in refused["pakete/fremd"].problems}
    assert refused["pakete/fremd"].id == "stadt-andere/fremd"
    assert [p.code for p in refused["pakete/leer"].problems] == ["manifest-syntax"] and refused["pakete/leer"].id == "stadt-quelle/leer"

    ids = catalog.package_ids()
    assert "stadt-quelle/gut" in ids and not {"stadt-quelle/kaputt", "stadt-andere/fremd", "stadt-andere/leer"} & set(ids)
    assert not [t for t in tags(catalog) if "kaputt" in t or "fremd" in t]

    # the publisher hears about every refusal, the other publisher of the foreign package does not
    feedback = publisher_feedback(catalog, "stadt-quelle")
    assert {i.folder for i in feedback.refused} == {"pakete/kaputt", "pakete/fremd", "pakete/leer"}
    assert publisher_feedback(catalog, "stadt-andere").refused == []

    # a refusal keeps the time it was first seen, so feed readers see it once
    first_since = refused["pakete/kaputt"].since
    [again] = harvest(catalog, when=datetime.now(UTC) + timedelta(hours=1))
    assert {r.folder: r.since for r in again.refused}["pakete/kaputt"] == first_since and again.time != report.time


def test_package_past_the_validation_budget_is_refused_and_the_others_taken(catalog, tmp_path):
    """A source's files are validated in a budget worker as an upload is: Markdown that takes seconds to parse is cut off."""
    # 128 KB, inside the Markdown limit: seconds of parsing (the closing "](" makes the whole run a candidate link)
    expensive = README + "![" * 65_536 + "](x)"
    src = source_repo(
        tmp_path / "src",
        {
            "pakete/gut": package_files("stadt-quelle/gut"),
            "pakete/teuer": package_files("stadt-quelle/teuer", files={"README.md": expensive}),
        },
    )
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle", "folders": ["pakete/*"]})
    pool = Pool(workers=1, seconds=1.5)
    try:
        # the worker's first package also loads the licence list: not what the budget is about here
        assert pool.run(validate_package, PackageFiles(package_files()), seconds=120).ok
        start = time.monotonic()
        [report] = harvest(catalog, pool=pool)
        elapsed = time.monotonic() - start
    finally:
        pool.close()
    assert [(a.id, a.version) for a in report.accepted] == [("stadt-quelle/gut", "1.0.0")]  # a fresh worker took the killed one's place
    [refused] = report.refused
    assert [(p.code, p.file) for p in refused.problems] == [("validation-budget-exceeded", "hub.yaml")]
    assert "länger als 1.5 Sekunden" in refused.problems[0].message and "zu aufwendig zu prüfen" in refused.problems[0].message
    assert "stadt-quelle/teuer" not in catalog.package_ids()
    assert elapsed < 30, elapsed


def test_package_that_stops_validating_and_older_or_modified_versions(catalog, tmp_path):
    src = source_repo(tmp_path / "src", {"antrag": package_files("stadt-quelle/antrag", "1.0.0")})
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle"})
    harvest(catalog)
    assert catalog.get("stadt-quelle/antrag").manifest.version == "1.0.0"

    commit_packages(
        src, {"antrag": package_files("stadt-quelle/antrag", "1.1.0", contacts=[{"name": "X", "email": "keine-adresse"}])}, "kaputt"
    )
    before = package_tree(catalog)
    [report] = harvest(catalog)
    assert report.accepted == [] and [r.version for r in report.refused] == ["1.1.0"]
    assert [(s.id, s.published, s.refused) for s in report.stopped] == [("stadt-quelle/antrag", "1.0.0", "1.1.0")]
    assert package_tree(catalog) == before and catalog.get("stadt-quelle/antrag").manifest.version == "1.0.0"
    feedback = publisher_feedback(catalog, "stadt-quelle")
    assert [(s.id, s.refused) for s in feedback.stopped] == [("stadt-quelle/antrag", "1.1.0")]

    commit_packages(src, {"antrag": package_files("stadt-quelle/antrag", "0.9.0")}, "zurück")
    [report] = harvest(catalog)
    assert [p.code for p in report.refused[0].problems] == ["harvest-version-not-newer"] and report.stopped[0].refused == "0.9.0"

    modified = package_files("stadt-quelle/antrag", "1.0.0", files={"README.md": "# Anders\n\n## Problem\nx\n"})
    commit_packages(src, {"antrag": modified}, "gleiche Version, anderer Inhalt")
    [report] = harvest(catalog)
    assert [p.code for p in report.refused[0].problems] == ["harvest-version-modified"]
    assert package_tree(catalog) == before

    commit_packages(src, {"antrag": package_files("stadt-quelle/antrag", "1.0.0")}, "wieder wie veröffentlicht")
    [report] = harvest(catalog)
    assert [u.version for u in report.unchanged] == ["1.0.0"] and report.stopped == [] and report.refused == []
    assert publisher_feedback(catalog, "stadt-quelle").stopped == []


def test_source_that_disappears_leaves_the_catalogue_untouched(catalog, tmp_path):
    src = source_repo(tmp_path / "src", {"antrag": package_files("stadt-quelle/antrag", "1.0.0")})
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle"})
    harvest(catalog)
    before, before_tags = package_tree(catalog), tags(catalog)

    shutil.rmtree(src)
    messages: list[str] = []
    [report] = harvest(catalog, progress=messages.append)
    assert report.status == "unreachable" and "gibt es nicht" in report.reason
    assert report.accepted == report.unchanged == report.refused == [] and report.commit is None
    assert package_tree(catalog) == before and tags(catalog) == before_tags
    assert read_report(catalog, "quelle").status == "unreachable"
    assert any("nicht erreichbar" in m for m in messages)

    [later] = harvest(catalog, when=datetime.now(UTC) + timedelta(days=1))
    assert later.since == report.since and later.time != report.time  # unreachable since the first failure
    feedback = publisher_feedback(catalog, "stadt-quelle")
    assert [u.source for u in feedback.unreachable] == ["quelle"]

    # a branch that is gone is as broken as a repository that is gone
    other = source_repo(tmp_path / "zweig", {"antrag": package_files("stadt-quelle/antrag", "1.0.0")})
    set_sources(catalog, {"name": "zweig", "url": str(other), "publisher": "stadt-quelle", "branch": "gibt-es-nicht"})
    [report] = harvest(catalog, "zweig")
    assert report.status == "unreachable" and "gibt-es-nicht" in report.reason
    assert package_tree(catalog) == before


@pytest.fixture
def silent_server():
    """A socket on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def loop():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                accepted.append(conn)
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    server.close()


def test_slow_source_times_out_and_is_reported_unreachable(catalog, silent_server):
    set_sources(
        catalog,
        {"name": "langsam", "url": f"http://127.0.0.1:{silent_server}/pakete.git", "publisher": "stadt-quelle", "timeout_seconds": 1.5},
    )
    before, before_tags = package_tree(catalog), tags(catalog)
    started = time.monotonic()
    [report] = harvest(catalog)
    elapsed = time.monotonic() - started
    assert report.status == "unreachable" and report.reason
    assert 1.0 < elapsed < 15, elapsed  # bounded by the source's timeout, not by the silent server
    assert package_tree(catalog) == before and tags(catalog) == before_tags


def test_hub_to_hub_keeps_publishers_and_origin(catalog, tmp_path):
    other = make_catalog(
        tmp_path / "anderer-hub",
        [
            ("stadt-a/termin", "1.0.0"),
            ("stadt-a/termin", "1.1.0"),
            ("kreis-b/akte", "2.0.0"),
        ],
    )
    set_sources(catalog, {"name": "hub-nrw", "url": str(other.path), "hub": True})
    [report] = harvest(catalog)
    assert report.status == "ok" and report.hub
    assert sorted((a.id, a.version) for a in report.accepted) == [
        ("kreis-b/akte", "2.0.0"),
        ("stadt-a/termin", "1.0.0"),
        ("stadt-a/termin", "1.1.0"),
    ]
    assert {a.origin.source for a in report.accepted} == {"hub-nrw"} and {a.origin.path for a in report.accepted} == {
        "packages/stadt-a/termin",
        "packages/kreis-b/akte",
    }
    tagged = {a.version: a.origin.commit for a in report.accepted if a.id == "stadt-a/termin"}
    assert tagged["1.0.0"] == other.get("stadt-a/termin", "1.0.0").commit  # each version from the commit the other hub published it in

    assert [v.version for v in catalog.versions("stadt-a/termin")] == ["1.1.0", "1.0.0"]
    for package_id, author in (("stadt-a/termin", "Stadt Stadt-A"), ("kreis-b/akte", "Stadt Kreis-B")):
        commit = catalog.repo[pygit2.Oid(hex=catalog.get(package_id).commit)]
        assert commit.author.name == author  # published under the original publisher
        assert parse_trailers(commit.message)["Hub-Source"] == "hub-nrw"
    assert catalog.publisher("kreis-b") is not None

    [again] = harvest(catalog)
    assert again.accepted == [] and len(again.unchanged) == 3

    # only the allowed publishers of another hub
    third = make_services(tmp_path / "dritter")  # an empty hub
    set_sources(third.catalog, {"name": "hub-nrw", "url": str(other.path), "hub": True, "publishers": ["kreis-b"]})
    [limited] = harvest(third.catalog)
    assert [(a.id, a.version) for a in limited.accepted] == [("kreis-b/akte", "2.0.0")]


def test_publiccode_only_folder_is_refused_with_what_is_missing(catalog, tmp_path):
    src = source_repo(tmp_path / "src", {"dienst": {"publiccode.yml": PUBLICCODE.encode()}})
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle"})
    [report] = harvest(catalog)
    [refused] = report.refused
    codes = [p.code for p in refused.problems]
    assert codes[0] == "harvest-manifest-missing" and "publiccode-process-model" in codes and "publiccode-contact-email" in codes


def test_unknown_source_and_no_sources(catalog):
    messages: list[str] = []
    assert harvest(catalog, progress=messages.append) == [] and "Keine aktiven Quellen" in messages[0]
    with pytest.raises(SourceNotFound):
        harvest(catalog, "gibt-es-nicht")


# -- publiccode.yml ---------------------------------------------------------------------------

# publiccode.yml 0.4: the controlled vocabularies and rules the export must keep
PC_CATEGORIES = set(
    [
        "accounting",
        "agile-project-management",
        "applicant-tracking",
        "application-development",
        "appointment-scheduling",
        "backup",
        "billing-and-invoicing",
        "blog",
        "budgeting",
        "business-intelligence",
        "business-process-management",
        "cad",
        "call-center-management",
        "cloud-management",
        "communications",
        "compliance-management",
        "contact-management",
        "content-management",
        "crm",
        "customer-service-and-support",
        "data-analytics",
        "data-collection",
        "data-visualization",
        "digital-asset-management",
        "digital-citizenship",
        "document-management",
        "donor-management",
        "e-commerce",
        "e-signature",
        "email-management",
        "email-marketing",
        "employee-management",
        "enterprise-project-management",
        "enterprise-social-networking",
        "erp",
        "event-management",
        "facility-management",
        "feedback-and-reviews-management",
        "financial-reporting",
        "fleet-management",
        "fundraising",
        "gamification",
        "geographic-information-systems",
        "grant-management",
        "graphic-design",
        "help-desk",
        "hr",
        "ide",
        "instant-messaging",
        "inventory-management",
        "it-asset-management",
        "it-development",
        "it-management",
        "it-security",
        "it-service-management",
        "knowledge-management",
        "learning-management-system",
        "marketing",
        "mind-mapping",
        "mobile-marketing",
        "mobile-payment",
        "network-management",
        "office",
        "online-booking",
        "online-community",
        "payment-gateway",
        "payroll",
        "predictive-analysis",
        "procurement",
        "productivity-suite",
        "project-collaboration",
        "project-management",
        "property-management",
        "real-estate-management",
        "remote-support",
        "resource-management",
        "sales-management",
        "seo",
        "service-desk-management",
        "social-media-management",
        "survey",
        "talent-management",
        "task-management",
        "taxes-management",
        "test-management",
        "time-management",
        "time-tracking",
        "translation",
        "video-conferencing",
        "video-editing",
        "visitor-management",
        "voip",
        "warehouse-management",
        "web-collaboration",
        "web-conferencing",
        "website-builder",
        "whistleblowing",
        "workflow-management",
    ]
)
PC_SCOPES = set(
    [
        "agriculture",
        "culture",
        "defence",
        "education",
        "emergency-services",
        "employment",
        "energy",
        "environment",
        "finance-and-economic-development",
        "foreign-affairs",
        "government",
        "healthcare",
        "infrastructures",
        "justice",
        "local-authorities",
        "manufacturing",
        "research",
        "science-and-technology",
        "security",
        "society",
        "sport",
        "tourism",
        "transportation",
        "welfare",
    ]
)
PC_THEMENFELDER = {
    "Arbeit & Ruhestand",
    "Bauen & Wohnen",
    "Bildung",
    "Ein- & Auswanderung",
    "Engagement & Hobby",
    "Familie & Kind",
    "Forschung & Förderung",
    "Gesundheit",
    "Mobilität & Reisen",
    "Querschnitt",
    "Recht & Ordnung",
    "Steuern & Zoll",
    "Umwelt",
    "Unternehmensführung & -entwicklung",
}


def check_publiccode(doc: dict) -> list[str]:
    """Violations of publiccode.yml 0.4's required keys and limits (from the standard's core schema)."""
    errors = []
    for key in (
        "publiccodeYmlVersion",
        "name",
        "url",
        "platforms",
        "categories",
        "developmentStatus",
        "softwareType",
        "description",
        "legal",
        "maintenance",
        "localisation",
    ):
        if key not in doc:
            errors.append(f"missing {key}")
    if doc.get("publiccodeYmlVersion") != "0.4":
        errors.append("publiccodeYmlVersion")
    if not isinstance(doc.get("url"), str) or not re.match(r"^https?://", doc["url"]):
        errors.append("url")
    if not doc.get("platforms") or not isinstance(doc["platforms"], list):
        errors.append("platforms")
    if not doc.get("categories") or not set(doc["categories"]) <= PC_CATEGORIES:
        errors.append(f"categories {doc.get('categories')}")
    if doc.get("developmentStatus") not in {"concept", "development", "beta", "stable", "obsolete"}:
        errors.append("developmentStatus")
    if doc.get("softwareType") not in {
        "standalone/mobile",
        "standalone/iot",
        "standalone/desktop",
        "standalone/web",
        "standalone/backend",
        "standalone/other",
        "addon",
        "library",
        "configurationFiles",
    }:
        errors.append("softwareType")
    for key in ("releaseDate",):
        if key in doc and not (isinstance(doc[key], str) and re.match(r"^\d{4}-\d{2}-\d{2}$", doc[key])):
            errors.append(key)
    if "softwareVersion" in doc and not isinstance(doc["softwareVersion"], str):
        errors.append("softwareVersion")
    description = doc.get("description") or {}
    if not description:
        errors.append("description needs a language")
    for lang, section in description.items():
        if not re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$", lang):
            errors.append(f"language {lang}")
        short = section.get("shortDescription")
        if not isinstance(short, str) or not short or len(short) > 150 or "\n" in short:
            errors.append(f"description.{lang}.shortDescription")
        long = section.get("longDescription")
        if not isinstance(long, str) or not 150 <= len(long) <= 10000:
            errors.append(f"description.{lang}.longDescription {len(long or '')}")
        if not isinstance(section.get("features"), list) or not all(isinstance(f, str) and f for f in section["features"]):
            errors.append(f"description.{lang}.features")
        if "genericName" in section and len(section["genericName"]) > 35:
            errors.append("genericName")
    if not any(section.get("features") for section in description.values()):
        errors.append("features in at least one language")
    if not isinstance((doc.get("legal") or {}).get("license"), str):
        errors.append("legal.license")
    maintenance = doc.get("maintenance") or {}
    if maintenance.get("type") not in {"internal", "contract", "community", "none"}:
        errors.append("maintenance.type")
    if maintenance.get("type") in {"internal", "community"}:
        contacts = maintenance.get("contacts")
        if not contacts or not all(isinstance(c, dict) and c.get("name") for c in contacts):
            errors.append("maintenance.contacts")
    if maintenance.get("type") == "contract" and not maintenance.get("contractors"):
        errors.append("maintenance.contractors")
    localisation = doc.get("localisation") or {}
    if not isinstance(localisation.get("localisationReady"), bool):
        errors.append("localisation.localisationReady")
    if not localisation.get("availableLanguages") or not all(isinstance(x, str) for x in localisation["availableLanguages"]):
        errors.append("localisation.availableLanguages")
    audience = doc.get("intendedAudience") or {}
    if not set(audience.get("scope", [])) <= PC_SCOPES:
        errors.append("intendedAudience.scope")
    if "usedBy" in doc and not all(isinstance(x, str) for x in doc["usedBy"]):
        errors.append("usedBy")
    if "organisation" in doc and not str(doc["organisation"].get("uri", "")).strip():
        errors.append("organisation.uri")
    if "de" in doc:
        extension = doc["de"]
        if not isinstance(extension.get("countryExtensionVersion"), str):
            errors.append("de.countryExtensionVersion")
        for entry in extension.get("leika", []):
            if not re.match(r"^\d{14}$", str(entry.get("leika-id", ""))):
                errors.append("de.leika[].leika-id")
            if "themenfeld" in entry and entry["themenfeld"] not in PC_THEMENFELDER:
                errors.append(f"de.leika[].themenfeld {entry['themenfeld']}")
    return errors


LONG_SUMMARY = (
    "Bürgerinnen und Bürger melden ihr Gewerbe vollständig online an, das Gewerbeamt prüft den Antrag im Fachverfahren "
    "und leitet die Daten automatisch an alle Empfänger weiter"
)


@pytest.fixture
def rich_catalog(tmp_path):
    catalog = make_catalog(
        tmp_path / "hub",
        [
            ("stadt-test/testpaket", "1.0.0"),
            {
                "package_id": "stadt-paderborn/gewerbe",
                "version": "2.0.0",
                "name": "Digitale Gewerbeanmeldung",
                "summary": {"de": LONG_SUMMARY, "en": "Register a trade online; the office checks and forwards the data automatically."},
                "description": {"de": "Kurze Beschreibung des Pakets.", "en": "Short English description of the package."},
                "publisher": {"id": "stadt-paderborn", "name": "Stadt Paderborn", "url": "https://www.paderborn.de"},
                "contacts": [{"name": "Gewerbeamt", "email": "gewerbe@paderborn.example", "phone": "+49 5251 88-0"}],
                "classification": {
                    "themenfeld": "Unternehmensführung & -entwicklung",
                    "lebenslagen": ["Unternehmensstart und Gewerbezulassung"],
                    "leika": ["99050012104000"],
                    "categories": ["gewerbeamt", "online-antrag"],
                },
                "license": "Apache-2.0",
            },
        ],
    )
    record_adoption(
        catalog, Actor(id="stadt-soest", name="Stadt Soest", email="it@soest.example"), "stadt-paderborn/gewerbe", "2.0.0", "production"
    )
    record_adoption(
        catalog, Actor(id="stadt-aachen", name="Stadt Aachen", email="it@aachen.example"), "stadt-paderborn/gewerbe", "2.0.0", "planned"
    )
    return catalog


def test_export_publiccode_keeps_the_standard(rich_catalog):
    text = export_publiccode(rich_catalog, "stadt-paderborn/gewerbe", base_url="https://hub.example/")
    doc = yaml.safe_load(text)
    assert check_publiccode(doc) == []
    assert doc["publiccodeYmlVersion"] == "0.4" and doc["softwareVersion"] == "2.0.0" and doc["releaseDate"] == "2024-01-15"
    assert doc["url"] == "https://hub.example/git/stadt-paderborn/gewerbe.git" and doc["platforms"] == ["web"]
    assert doc["softwareType"] == "configurationFiles" and doc["developmentStatus"] == "stable"
    assert {"digital-citizenship", "data-collection", "workflow-management"} <= set(doc["categories"])
    short = doc["description"]["de"]["shortDescription"]
    assert (
        len(short) <= 150 and short.endswith("…") and LONG_SUMMARY.startswith(short[:-1].rstrip()) and LONG_SUMMARY[len(short) - 1] == " "
    )
    long = doc["description"]["de"]["longDescription"]
    assert long.startswith("Kurze Beschreibung des Pakets.") and "**Problem:**" in long and len(long) >= 150  # padded from the README
    assert "https://hub.example/api/v1/packages/stadt-paderborn/gewerbe/files/prozess/ablauf.bpmn" in long  # README links made absolute
    assert doc["description"]["en"]["features"] and doc["localisation"] == {"localisationReady": True, "availableLanguages": ["de", "en"]}
    assert doc["legal"]["license"] == "Apache-2.0"
    assert doc["maintenance"]["type"] == "internal"
    assert doc["maintenance"]["contacts"] == [
        {"name": "Gewerbeamt", "email": "gewerbe@paderborn.example", "phone": "+49 5251 88-0", "affiliation": "Stadt Paderborn"}
    ]
    assert doc["usedBy"] == ["Stadt Soest"]  # production adopters; a planned adoption is no use yet
    assert doc["organisation"] == {"name": "Stadt Paderborn", "uri": "https://www.paderborn.de"}
    assert doc["de"] == {
        "countryExtensionVersion": "1.0",
        "leika": [
            {
                "themenfeld": "Unternehmensführung & -entwicklung",
                "lebenslage": "Unternehmensstart und Gewerbezulassung",
                "leika-id": "99050012104000",
            }
        ],
    }

    plain = yaml.safe_load(export_publiccode(rich_catalog, "stadt-test/testpaket"))
    assert check_publiccode(plain) == [] and "de" not in plain and "usedBy" not in plain
    assert plain["description"]["de"].keys() >= {"shortDescription", "longDescription", "features"} and list(plain["description"]) == ["de"]


def test_export_publiccode_limits_and_obsolete(tmp_path):
    huge = "Sehr ausführlich. " * 800  # 14400 characters
    catalog = make_catalog(
        tmp_path,
        [
            {
                "package_id": "stadt-test/alt",
                "version": "1.0.0",
                "description": {"de": huge},
                "status": {"development": "obsolete"},
                "classification": {"themenfeld": "Querschnittsleistungen", "leika": ["99102013104000"]},
            }
        ],
    )
    doc = yaml.safe_load(export_publiccode(catalog, "stadt-test/alt"))
    assert check_publiccode(doc) == []
    assert len(doc["description"]["de"]["longDescription"]) <= 10000 and doc["description"]["de"]["longDescription"].endswith("…")
    assert doc["maintenance"] == {"type": "none"}
    assert doc["de"]["leika"][0]["themenfeld"] == "Querschnitt"  # publiccode.yml's German spelling


PUBLICCODE = """publiccodeYmlVersion: "0.4"
name: Online-Terminvergabe
url: https://gitlab.example/stadt-musterstadt/terminvergabe.git
landingURL: https://gitlab.example/stadt-musterstadt/terminvergabe
softwareVersion: "1.2.0"
releaseDate: "2023-05-02"
platforms: [web]
categories: [appointment-scheduling, it-security]
developmentStatus: stable
softwareType: standalone/web
description:
  de:
    shortDescription: Termine im Bürgerbüro online buchen, mit Erinnerung und Warteschlange.
    longDescription: >
      Die Online-Terminvergabe erlaubt Bürgerinnen und Bürgern, Termine für das Bürgerbüro rund um die Uhr zu buchen.
      Erinnerungen per E-Mail senken die Zahl verpasster Termine, die Warteschlange im Amt wird kürzer.
    features:
      - Terminbuchung online
      - Erinnerung per E-Mail
legal:
  license: EUPL-1.2
  repoOwner: Stadt Musterstadt
maintenance:
  type: internal
  contacts:
    - name: Erika Mustermann
      email: erika.mustermann@musterstadt.example
      affiliation: Stadt Musterstadt
    - name: Max Mustermann
      phone: "+49 123 4567"
localisation:
  localisationReady: false
  availableLanguages: [de]
de:
  countryExtensionVersion: "1.0"
  leika:
    - themenfeld: Querschnitt
      leika-id: "99008001012000"
"""


def test_import_publiccode_gives_a_skeleton_and_what_is_missing():
    skeleton, problems = import_publiccode(PUBLICCODE)
    assert set(skeleton.files) == {"hub.yaml", "README.md", "publiccode.yml"} and skeleton.folder_name == "terminvergabe"
    manifest = yaml.safe_load(skeleton.files["hub.yaml"])
    assert manifest["id"] == "stadt-musterstadt/terminvergabe" and manifest["version"] == "1.2.0" and manifest["license"] == "EUPL-1.2"
    assert manifest["publisher"] == {"id": "stadt-musterstadt", "name": "Stadt Musterstadt"}
    assert manifest["classification"] == {
        "themenfeld": "Querschnittsleistungen",
        "leika": ["99008001012000"],
        "categories": ["terminvergabe"],
    }
    assert manifest["contacts"] == [
        {"name": "Erika Mustermann", "email": "erika.mustermann@musterstadt.example", "role": "Stadt Musterstadt"}
    ]
    assert manifest["url"] == "https://gitlab.example/stadt-musterstadt/terminvergabe" and manifest["release_date"] == "2023-05-02"
    readme = skeleton.files["README.md"].decode()
    assert "## Problem" in readme and "## Nachnutzung" in readme and "- Erinnerung per E-Mail" in readme

    codes = {p.code: p for p in problems}
    assert set(codes) == {"publiccode-contact-email", "publiccode-production", "publiccode-process-model", "publiccode-readme"}
    assert all(p.code.startswith("publiccode-") and p.message for p in problems)
    assert "Max Mustermann" in codes["publiccode-contact-email"].message and codes["publiccode-process-model"].pointer == "/artefacts"

    # without the German extension the Themenfeld is missing too; a broken file says so
    bare = re.sub(r"de:\n  countryExtensionVersion.*", "", PUBLICCODE, flags=re.DOTALL).replace(
        'softwareVersion: "1.2.0"', "softwareVersion: v1.2"
    )
    _, problems = import_publiccode(bare)
    assert {"publiccode-themenfeld", "publiccode-version"} <= {p.code for p in problems}
    files, problems = import_publiccode("name: [")
    assert files.files == {} and [p.code for p in problems] == ["publiccode-syntax"]


def test_imported_skeleton_validates_once_the_problems_are_dealt_with():
    skeleton, _problems = import_publiccode(PUBLICCODE)
    manifest = yaml.safe_load(skeleton.files["hub.yaml"])
    complete = package_files("stadt-musterstadt/terminvergabe", "1.2.0")
    factory = yaml.safe_load(complete["hub.yaml"])
    manifest["artefacts"] = factory["artefacts"]  # publiccode-process-model
    manifest["status"]["production"] = {"since": "2021-03"}  # publiccode-production
    files = {**complete, **skeleton.files, "hub.yaml": yaml.safe_dump(manifest, allow_unicode=True).encode()}
    files["README.md"] = complete["README.md"]  # publiccode-readme
    result = validate_package(PackageFiles(files, folder_name=skeleton.folder_name))
    assert result.ok, result.problems


def test_publiccode_round_trip(rich_catalog):
    skeleton, problems = import_publiccode(export_publiccode(rich_catalog, "stadt-paderborn/gewerbe"))
    manifest = yaml.safe_load(skeleton.files["hub.yaml"])
    original = rich_catalog.get("stadt-paderborn/gewerbe").manifest
    assert manifest["id"] == original.id and manifest["version"] == original.version and manifest["license"] == original.license
    assert manifest["classification"]["themenfeld"] == original.classification.themenfeld
    assert manifest["classification"]["leika"] == original.classification.leika
    assert manifest["contacts"][0]["email"] == original.contacts[0].email
    assert "publiccode-themenfeld" not in {p.code for p in problems} and "publiccode-contacts" not in {p.code for p in problems}


# -- DCAT-AP ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["turtle", "json-ld"])
def test_dcat_has_the_mandatory_dcat_ap_properties(rich_catalog, fmt):
    text = export_dcat(rich_catalog, "https://hub.example", fmt)
    graph = Graph().parse(data=text, format=fmt)
    [catalog_node] = list(graph.subjects(ns.RDF.type, ns.DCAT.Catalog))
    for prop in (ns.DCTERMS.title, ns.DCTERMS.description, ns.DCTERMS.publisher, ns.DCAT.dataset):
        assert graph.value(catalog_node, prop) is not None, prop
    publisher = graph.value(catalog_node, ns.DCTERMS.publisher)
    assert (publisher, ns.RDF.type, ns.FOAF.Agent) in graph and graph.value(publisher, ns.FOAF.name) is not None

    datasets = set(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))
    assert datasets == set(graph.objects(catalog_node, ns.DCAT.dataset)) and len(datasets) == 2
    for dataset in datasets:
        for prop in (
            ns.DCTERMS.title,
            ns.DCTERMS.description,
            ns.DCTERMS.identifier,
            ns.DCTERMS.publisher,
            ns.DCTERMS.modified,
            ns.DCAT.contactPoint,
            ns.DCAT.theme,
        ):
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        assert any(isinstance(d, Literal) and d.language == "de" for d in graph.objects(dataset, ns.DCTERMS.description))
        agent = graph.value(dataset, ns.DCTERMS.publisher)
        assert (agent, ns.RDF.type, ns.FOAF.Agent) in graph and graph.value(agent, ns.FOAF.name)
        contact = graph.value(dataset, ns.DCAT.contactPoint)
        assert str(graph.value(contact, VCARD_HAS_EMAIL)).startswith("mailto:")
        assert any(
            str(t).startswith("http://publications.europa.eu/resource/authority/data-theme/") for t in graph.objects(dataset, ns.DCAT.theme)
        )
        for distribution in graph.objects(dataset, ns.DCAT.distribution):
            assert (distribution, ns.RDF.type, ns.DCAT.Distribution) in graph
            assert graph.value(distribution, ns.DCAT.accessURL) is not None
            assert graph.value(distribution, ns.DCTERMS.format) is not None and graph.value(distribution, ns.DCTERMS.issued) is not None

    gewerbe = URIRef("https://hub.example/api/v1/packages/stadt-paderborn/gewerbe")
    assert str(graph.value(gewerbe, ns.DCTERMS.identifier)) == "stadt-paderborn/gewerbe"
    assert {str(k) for k in graph.objects(gewerbe, ns.DCAT.keyword)} == {"Test", "Antrag"}
    [distribution] = list(graph.objects(gewerbe, ns.DCAT.distribution))
    assert str(graph.value(distribution, ns.DCAT.accessURL)) == "https://hub.example/api/v1/packages/stadt-paderborn/gewerbe/versions/2.0.0"
    assert str(graph.value(distribution, ns.DCTERMS.license)) == "https://spdx.org/licenses/Apache-2.0"
    assert URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON") in set(graph.objects(gewerbe, ns.DCAT.theme))


# -- Atom -------------------------------------------------------------------------------------


def test_atom_feed_newest_first_with_unique_ids(tmp_path):
    catalog = make_catalog(tmp_path)
    start = datetime(2024, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    order = [("stadt-a/eins", "1.0.0"), ("kreis-b/zwei", "1.0.0"), ("stadt-a/eins", "1.1.0"), ("stadt-a/drei", "0.1.0")]
    for day, (package_id, version) in enumerate(order):
        publish(
            catalog,
            PackageFiles(package_files(package_id, version), folder_name=package_id.split("/")[1]),
            when=start + timedelta(days=day),
        )

    feed = etree.fromstring(atom_feed(catalog, "https://hub.example"))
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 4 and all(i.startswith("tag:transferhub.de,2018:") for i in ids)
    times = [datetime.fromisoformat(e.findtext(f"{ATOM}updated")) for e in entries]
    assert times == sorted(times, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    assert ids[0] == "tag:transferhub.de,2018:stadt-a/drei/v0.1.0"
    for entry in entries:
        assert entry.findtext(f"{ATOM}title") and entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("https://hub.example/pakete/")
    summaries = [e.findtext(f"{ATOM}summary") for e in entries]
    assert summaries[1].startswith("Neue Version 1.1.0 (vorher 1.0.0)") and summaries[3].startswith("Neues Lösungspaket")

    mine = etree.fromstring(atom_feed(catalog, "https://hub.example", publisher="stadt-a", limit=2))
    assert [e.findtext(f"{ATOM}id").split(":", 2)[2] for e in mine.findall(f"{ATOM}entry")] == [
        "stadt-a/drei/v0.1.0",
        "stadt-a/eins/v1.1.0",
    ]
    assert mine.findtext(f"{ATOM}id") != feed.findtext(f"{ATOM}id")


def test_feedback_feed_per_publisher(catalog, tmp_path):
    src = source_repo(tmp_path / "src", {"kaputt": package_files("stadt-quelle/kaputt", "1.0.0", license="NOPE")})
    set_sources(catalog, {"name": "quelle", "url": str(src), "publisher": "stadt-quelle"})
    harvest(catalog)
    first = etree.fromstring(feedback_feed(catalog, "https://hub.example", "stadt-quelle"))
    harvest(catalog, when=datetime.now(UTC) + timedelta(hours=2))
    second = etree.fromstring(feedback_feed(catalog, "https://hub.example", "stadt-quelle"))
    ids = [e.findtext(f"{ATOM}id") for e in second.findall(f"{ATOM}entry")]
    assert len(ids) == 1 and ids == [e.findtext(f"{ATOM}id") for e in first.findall(f"{ATOM}entry")]  # same refusal, same entry
    entry = second.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Abgelehnt: stadt-quelle/kaputt 1.0.0" and "manifest-license-unknown" in entry.findtext(
        f"{ATOM}content"
    )
    empty = etree.fromstring(feedback_feed(catalog, "https://hub.example", "stadt-test"))
    assert empty.findall(f"{ATOM}entry") == [] and empty.findtext(f"{ATOM}updated")


# -- API --------------------------------------------------------------------------------------


@pytest.fixture
def api(tmp_path):
    from hub.api import create_app

    services = make_services(tmp_path / "hub", [("stadt-test/testpaket", "1.0.0")])
    with TestClient(create_app(services)) as client:
        yield client, services


def bearer(services, org: str, role: str) -> dict[str, str]:
    secret, _ = services.tokens.create(org, role)
    return {"Authorization": f"Bearer {secret}"}


def test_api_sources_harvest_feedback(api, tmp_path):
    client, services = api
    src = source_repo(
        tmp_path / "src",
        {"gut": package_files("stadt-quelle/gut", "1.0.0"), "kaputt": package_files("stadt-quelle/kaputt", "1.0.0", license="NOPE")},
    )
    sources = yaml.safe_dump({"sources": [{"name": "quelle", "url": str(src), "publisher": "stadt-quelle"}]})
    admin = bearer(services, "ministerium", "admin")
    register(services.catalog, "stadt-quelle", "Stadt Quelle")

    assert client.get("/api/v1/sources").json() == []
    assert client.put("/api/v1/sources", content=sources).status_code == 401
    assert client.put("/api/v1/sources", content=sources, headers=bearer(services, "stadt-quelle", "publisher")).status_code == 403
    bad = client.put("/api/v1/sources", content="sources: [{name: x}]", headers=admin)
    assert bad.status_code == 422 and bad.json()["code"] == "sources-invalid" and bad.json()["problems"]
    assert client.put("/api/v1/sources", content=sources, headers=admin).json()[0]["name"] == "quelle"

    assert client.post("/api/v1/harvest").status_code == 401
    response = client.post("/api/v1/harvest", headers=admin)
    assert response.status_code == 200
    [report] = response.json()
    assert [a["id"] for a in report["accepted"]] == ["stadt-quelle/gut"] and report["refused"][0]["problems"][0][
        "code"
    ] == "manifest-license-unknown"
    assert client.get("/api/v1/packages/stadt-quelle/gut").status_code == 200  # the index and exports were brought up to date
    assert client.post("/api/v1/harvest?source=nope", headers=admin).json()["code"] == "source-not-found"

    status = client.get("/api/v1/sources/quelle").json()
    assert status["source"]["publisher"] == "stadt-quelle" and status["report"]["status"] == "ok"
    assert client.get("/api/v1/sources/nope").status_code == 404

    feedback = client.get("/api/v1/publishers/stadt-quelle/feedback").json()
    assert [i["id"] for i in feedback["refused"]] == ["stadt-quelle/kaputt"]
    assert client.get("/api/v1/publishers/gibt-es-nicht/feedback").status_code == 404
    atom = client.get("/api/v1/publishers/stadt-quelle/feedback.atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert len(etree.fromstring(atom.content).findall(f"{ATOM}entry")) == 1


def test_api_exports(api):
    client, _services = api
    response = client.get("/api/v1/packages/stadt-test/testpaket/publiccode.yml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/yaml")
    assert check_publiccode(yaml.safe_load(response.text)) == []
    assert (
        client.get("/api/v1/packages/stadt-test/testpaket/publiccode.yml", headers={"If-None-Match": response.headers["etag"]}).status_code
        == 304
    )
    assert client.get("/api/v1/packages/stadt-test/nope/publiccode.yml").json()["code"] == "package-not-found"
    assert client.get("/api/v1/packages/stadt-test/testpaket/publiccode.yml?version=9.9.9").status_code == 404

    for path, fmt in (("/api/v1/export/dcat.ttl", "turtle"), ("/api/v1/export/dcat.jsonld", "json-ld")):
        response = client.get(path)
        assert response.status_code == 200
        graph = Graph().parse(data=response.text, format=fmt)
        assert len(list(graph.subjects(ns.RDF.type, ns.DCAT.Dataset))) == 1

    feed = client.get("/api/v1/feeds/packages.atom?publisher=stadt-test")
    assert feed.status_code == 200 and len(etree.fromstring(feed.content).findall(f"{ATOM}entry")) == 1
    assert client.get("/api/v1/feeds/packages.atom?limit=0").status_code == 400

    imported = client.post("/api/v1/publiccode/import?publisher=stadt-muster", content=PUBLICCODE.encode())
    body = imported.json()
    assert imported.status_code == 200 and body["id"] == "stadt-muster/terminvergabe"
    assert set(body["files"]) == {"hub.yaml", "README.md", "publiccode.yml"} and "publiccode-process-model" in {
        p["code"] for p in body["problems"]
    }
    assert client.post("/api/v1/publiccode/import", content=b"").status_code == 400

    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/sources", "/api/v1/harvest", "/api/v1/export/dcat.ttl", "/api/v1/feeds/packages.atom"} <= set(paths)


HYDRA = ns.Namespace("http://www.w3.org/ns/hydra/core#")


def test_dcat_pages_hold_every_package_once_and_link_the_next(tmp_path):
    from hub.federation.dcat import export_dcat

    ids = [f"stadt-test/paket-{n}" for n in range(5)]
    catalog = make_catalog(tmp_path, [(pid, "1.0.0") for pid in ids])
    seen: list[str] = []
    for page in (1, 2, 3):
        text = export_dcat(catalog, "https://hub.example", "turtle", page=page, page_size=2, page_url=lambda n: f"https://hub.example/p{n}")
        graph = Graph().parse(data=text, format="turtle")
        datasets = [str(graph.value(d, ns.DCTERMS.identifier)) for d in graph.subjects(ns.RDF.type, ns.DCAT.Dataset)]
        assert len(datasets) == (2 if page < 3 else 1)
        seen += datasets
        view = URIRef(f"https://hub.example/p{page}")
        assert (view, ns.RDF.type, HYDRA.PagedCollection) in graph
        assert graph.value(view, HYDRA.totalItems).toPython() == 5 and graph.value(view, HYDRA.itemsPerPage).toPython() == 2
        assert (
            str(graph.value(view, HYDRA.firstPage)) == "https://hub.example/p1"
            and str(graph.value(view, HYDRA.lastPage)) == "https://hub.example/p3"
        )
        following = graph.value(view, HYDRA.nextPage)
        assert (str(following) if following else None) == (f"https://hub.example/p{page + 1}" if page < 3 else None)
        before = graph.value(view, HYDRA.previousPage)
        assert (str(before) if before else None) == (f"https://hub.example/p{page - 1}" if page > 1 else None)
        # the catalogue on every page names the page's datasets and no others
        assert {str(d) for d in graph.objects(None, ns.DCAT.dataset)} == {f"https://hub.example/api/v1/packages/{pid}" for pid in datasets}
    assert sorted(seen) == sorted(ids)
    with pytest.raises(HubError) as refused:
        export_dcat(catalog, "https://hub.example", "turtle", page=4, page_size=2)
    assert refused.value.status == 404 and "3 Seite(n) zu je höchstens 2 Paketen" in refused.value.detail


def test_api_dcat_answers_a_page_with_its_paging_and_refuses_a_page_that_is_not_there(api):
    client, _services = api
    for path, fmt in (("/api/v1/export/dcat.ttl", "turtle"), ("/api/v1/export/dcat.jsonld", "json-ld")):
        answer = client.get(path)
        graph = Graph().parse(data=answer.text, format=fmt)
        (view,) = graph.subjects(ns.RDF.type, HYDRA.PagedCollection)
        assert str(view) == f"http://testserver.local{path}?page=1"
        assert graph.value(view, HYDRA.totalItems).toPython() == 1 and graph.value(view, HYDRA.nextPage) is None
        assert client.get(path + "?page=1").headers["etag"] == answer.headers["etag"]  # the first page is the default
        missing = client.get(path + "?page=2")
        assert missing.status_code == 404 and missing.json()["code"] == "not-found" and "Seite 2 gibt es nicht" in missing.json()["detail"]
        assert client.get(path + "?page=0").status_code == 400
        assert client.get(path + "?page=eins").status_code == 400
    docs = (Path(__file__).resolve().parent.parent / "docs" / "federation.md").read_text(encoding="utf-8")
    assert f"seitenweise zu je {DCAT_PAGE_SIZE} Paketen" in docs and f"(`?page=`, je {DCAT_PAGE_SIZE} Pakete)" in docs
    for name, text in (
        ("api.md", f"{DCAT_PAGE_SIZE} packages a page (`page`"),
        ("architecture.md", f"DCAT-AP: {DCAT_PAGE_SIZE} packages a page"),
    ):
        assert text in (Path(__file__).resolve().parent.parent / "docs" / name).read_text(encoding="utf-8"), name


# -- CLI --------------------------------------------------------------------------------------


def cli(argv: list[str]) -> int:
    """A tiny ``hub``: the federation commands registered the way hub.cli registers its own."""
    from hub.cli.federation import register

    parser = argparse.ArgumentParser(prog="hub")
    parser.add_argument("--data", type=Path)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name, handler, text, *, json_flag=True):
        p = sub.add_parser(name, help=text)
        p.set_defaults(handler=handler)
        if json_flag:
            p.add_argument("--json", action="store_true")
        return p

    register(sub, command)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except HubError as exc:
        if getattr(args, "json", False):
            print(json.dumps(problem_details(exc)))
        else:
            print(f"Fehler: {exc.detail}", file=sys.stderr)
        return exc.exit_code


def test_cli(tmp_path, capsys):
    data = tmp_path / "data"
    make_catalog(data, [("stadt-test/testpaket", "1.0.0")])
    src = source_repo(tmp_path / "src", {"gut": package_files("stadt-quelle/gut", "1.0.0")})
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [{"name": "quelle", "url": str(src), "publisher": "stadt-quelle"}]}))
    run = ["--data", str(data)]

    assert cli([*run, "sources", "set", str(tmp_path / "sources.yaml")]) == 0
    assert "Quellenliste gespeichert" in capsys.readouterr().out
    assert cli([*run, "harvest"]) == 0
    out = capsys.readouterr().out
    assert "✓ stadt-quelle/gut 1.0.0 übernommen" in out and "fertig: 1 übernommen" in out
    assert cli([*run, "sources", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["report"]["accepted"][0]["id"] == "stadt-quelle/gut"
    assert cli([*run, "sources", "report", "quelle"]) == 0 and "✓ stadt-quelle/gut 1.0.0" in capsys.readouterr().out
    assert cli([*run, "sources", "report", "nope", "--json"]) == 3 and json.loads(capsys.readouterr().out)["code"] == "source-not-found"

    commit_packages(src, {"gut": package_files("stadt-quelle/gut", "1.1.0", license="NOPE")}, "kaputt")
    assert cli([*run, "harvest", "--json"]) == 1  # something was refused
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["refused"][0]["version"] == "1.1.0" and "abgelehnt" in captured.err
    assert cli([*run, "feedback", "stadt-quelle"]) == 0
    out = capsys.readouterr().out
    assert "validiert nicht mehr" in out and "[manifest-license-unknown]" in out
    assert cli([*run, "feedback", "stadt-quelle", "--atom", "--base-url", "https://hub.example"]) == 0
    assert etree.fromstring(capsys.readouterr().out.encode()).findtext(f"{ATOM}id").endswith("rueckmeldung/stadt-quelle")

    assert cli([*run, "export", "publiccode", "stadt-quelle/gut@1.0.0", "--base-url", "https://hub.example"]) == 0
    assert check_publiccode(yaml.safe_load(capsys.readouterr().out)) == []
    assert cli([*run, "export", "dcat", "--format", "json-ld", "--out", str(tmp_path / "dcat.jsonld")]) == 0
    assert len(list(Graph().parse(tmp_path / "dcat.jsonld", format="json-ld").subjects(ns.RDF.type, ns.DCAT.Dataset))) == 2
    assert cli([*run, "export", "atom", "--publisher", "stadt-quelle"]) == 0
    assert len(etree.fromstring(capsys.readouterr().out.encode()).findall(f"{ATOM}entry")) == 1
    assert cli([*run, "export", "publiccode", "kaputt"]) == 2

    (tmp_path / "pc").mkdir()
    (tmp_path / "pc" / PUBLICCODE_FILES[0]).write_text(PUBLICCODE)
    out_dir = tmp_path / "skelett"
    assert cli(["import", "publiccode", str(tmp_path / "pc"), "--out", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert (out_dir / "hub.yaml").is_file() and (out_dir / "README.md").is_file() and "[publiccode-process-model]" in out
    assert cli(["import", "publiccode", str(tmp_path / "pc"), "--out", str(out_dir)]) == 4  # does not overwrite
    assert cli(["import", "publiccode", str(tmp_path / "pc"), "--out", str(out_dir), "--force", "--json"]) == 0
    capsys.readouterr()


# -- the documented example -------------------------------------------------------------------


def test_example_source_harvests(catalog, tmp_path):
    from hub.federation.sources import parse_sources

    sources, problems = parse_sources((ROOT / "examples" / "sources.yaml").read_bytes())
    assert problems == [] and [s.name for s in sources] == ["musterstadt", "kreis-beispiel", "hub-nachbarland"]
    src = tmp_path / "musterstadt"
    shutil.copytree(ROOT / "examples" / "quelle", src)
    git(src, "init", "-q", "-b", "main")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "Pakete der Stadt Musterstadt")
    example = sources[0].to_dict() | {"url": str(src)}
    set_sources(catalog, example)
    [report] = harvest(catalog)
    assert [(a.id, a.version) for a in report.accepted] == [("stadt-musterstadt/sperrmuell-termin", "1.0.0")] and report.refused == []
    assert check_publiccode(yaml.safe_load(export_publiccode(catalog, "stadt-musterstadt/sperrmuell-termin"))) == []
