"""The adopting city's side: ``hub adopt`` and ``hub upstream``, on real repositories in temporary folders.

A package with three versions (a form field added in 1.1.0; a task renamed and a config key
added in 2.0.0) is adopted at 1.0.0 from a hub data directory, from an exported folder served
by a plain static web server, or from a repository path; git's own command line checks what
came out.
"""

from __future__ import annotations

import copy
import functools
import itertools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pygit2
import pytest
import yaml

from hub.adopt import (
    DirtyWorkTree,
    MergeConflict,
    NotAnAdoption,
    TargetNotEmpty,
    UpstreamUnreachable,
    adopt,
    config_keys,
    flow_nodes,
    form_fields,
    render_diff,
    render_status,
    upstream_diff,
    upstream_merge,
    upstream_status,
)
from hub.adopt.model import ConfigDelta, FieldDelta, FieldInfo, NodeDelta
from hub.adopt.transport import parse_pack_index
from hub.cli import main as run
from hub.errors import AdoptionExists, BadRequest, PackageNotFound, VersionNotFound
from hub.resources import catalog_dir
from hub.store import Catalog, publish
from hub.store.export import export_dir, export_package
from hub.store.records import adoptions
from hub.validate import PackageFiles
from tests.factory import BPMN, CONFIG_SCHEMA, FORM, README, make_catalog, package_files, register
from tests.gitcli import git_runner

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command line")

PID = "stadt-test/testpaket"
ORG = "stadt-lemgo"

FORM_2 = copy.deepcopy(FORM)
FORM_2["properties"]["telefon"] = {"title": "Telefonnummer", "type": "string", "format": "phone"}
CONFIG_SCHEMA_3 = copy.deepcopy(CONFIG_SCHEMA)
CONFIG_SCHEMA_3["properties"]["erinnerung_stunden"] = {"type": "integer", "minimum": 1}
BPMN_3 = BPMN.replace('name="Antrag prüfen"', 'name="Antrag fachlich prüfen"')
CONFIG_3 = "dauer_minuten: 15\nerinnerung_stunden: 24\n"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


V1 = {"package_id": PID, "version": "1.0.0"}
V2 = {
    "package_id": PID,
    "version": "1.1.0",
    "files": {"formulare/antrag.schema.json": _json(FORM_2), "CHANGELOG.md": "# 1.1.0\n\nFeld Telefon.\n"},
}
V3 = {
    "package_id": PID,
    "version": "2.0.0",
    "files": {
        "formulare/antrag.schema.json": _json(FORM_2),
        "CHANGELOG.md": "# 2.0.0\n\nErinnerung, Aufgabe umbenannt.\n\n# 1.1.0\n\nFeld Telefon.\n",
        "prozess/ablauf.bpmn": BPMN_3,
        "konfiguration/termine.yaml": CONFIG_3,
        "schemas/termine.schema.json": _json(CONFIG_SCHEMA_3),
    },
}
VERSIONS = [V1, V2, V3]


# -- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded_data(tmp_path_factory) -> Path:
    """A hub data directory with the three versions, built once; tests work on copies."""
    data = tmp_path_factory.mktemp("seed") / "data"
    register(make_catalog(data, VERSIONS), ORG, "Stadt Lemgo")
    return data


@pytest.fixture
def data(tmp_path, seeded_data) -> Path:
    target = tmp_path / "data"
    shutil.copytree(seeded_data, target, symlinks=True)
    return target


@pytest.fixture
def catalog(data) -> Catalog:
    return Catalog.open(data / "catalog.git")


@pytest.fixture
def git(tmp_path):
    """Run git quietly, without the user's configuration; returns stdout (asserts success unless check=False)."""
    return git_runner(tmp_path / "git-home", "Stadt Lemgo", "it@lemgo.example")


@pytest.fixture
def http_root(tmp_path):
    """A plain static web server (no git on the server) over ``<tmp>/www``; yields (root, base url, requested paths)."""
    root = tmp_path / "www"
    root.mkdir()
    requests: list[str] = []

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def version_files(catalog: Catalog, version: str) -> dict[str, bytes]:
    return {f.path: catalog.read_file(PID, f.path, version) for f in catalog.get(PID, version).files}


def work_tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def snapshot(git, repo: Path) -> dict:
    """Everything a failed merge must leave alone."""
    return {
        "head": git("rev-parse", "HEAD", cwd=repo),
        "symbolic": git("symbolic-ref", "HEAD", cwd=repo),
        "main": git("rev-parse", "refs/heads/main", cwd=repo),
        "files": work_tree(repo),
        "index": (repo / ".git" / "index").read_bytes(),
        "config": git("config", "--get-regexp", "^transferhub\\.", cwd=repo),
        "staged": git("ls-files", "--stage", cwd=repo),
    }


def commit_all(git, repo: Path, message: str) -> None:
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", message, cwd=repo)


def publish_version(catalog: Catalog, version: str, files: dict[str, str]) -> None:
    publish(catalog, PackageFiles(package_files(PID, version, files=files), folder_name="testpaket"))


# -- adopt ----------------------------------------------------------------------------------


def test_adopt_from_the_catalogue_at_an_older_version(tmp_path, data, catalog, git):
    city = tmp_path / "lemgo" / "terminpaket"
    result = adopt(data, PID, "1.0.0", city, as_org=ORG)

    assert (result.package, result.version, result.latest, result.versions) == (PID, "1.0.0", "2.0.0", ["1.0.0", "1.1.0", "2.0.0"])
    assert result.source == str(data.resolve()) and result.adoption is None
    assert result.remote == str(export_dir(data / "git", PID).resolve())  # the export was written for it
    assert work_tree(city) == version_files(catalog, "1.0.0")
    assert not (city / "CHANGELOG.md").exists()

    # a normal repository: main checked out at 1.0.0, clean, with every version tag and the whole history upstream
    assert not pygit2.Repository(str(city)).is_bare
    assert git("symbolic-ref", "HEAD", cwd=city).strip() == "refs/heads/main"
    assert git("status", "--porcelain", cwd=city) == ""
    assert git("tag", "--list", cwd=city).split() == ["v1.0.0", "v1.1.0", "v2.0.0"]
    assert git("rev-parse", "main", cwd=city).strip() == git("rev-parse", "v1.0.0^{commit}", cwd=city).strip() == result.commit
    assert git("log", "--format=%s", "main", cwd=city).splitlines() == [f"{PID} 1.0.0 veröffentlicht"]
    assert git("log", "--format=%s", "hub/main", cwd=city).splitlines() == [
        f"{PID} {v} veröffentlicht" for v in ("2.0.0", "1.1.0", "1.0.0")
    ]
    assert git("log", "-1", "--format=%(trailers:key=Hub-Version,valueonly)", "v1.1.0", cwd=city).strip() == "1.1.0"
    assert git("cat-file", "-t", "v2.0.0", cwd=city).strip() == "tag"  # annotated, as exported
    git("checkout", "-q", "v1.1.0", cwd=city)
    assert work_tree(city) == version_files(catalog, "1.1.0")
    git("checkout", "-q", "main", cwd=city)
    git("fsck", "--strict", cwd=city)

    # where it came from, for hub upstream (and for people reading .git/config)
    assert git("remote", "get-url", "hub", cwd=city).strip() == result.remote
    assert git("config", "--get-regexp", "^transferhub\\.", cwd=city).splitlines() == [
        f"transferhub.package {PID}",
        "transferhub.version 1.0.0",
        f"transferhub.source {data.resolve()}",
        f"transferhub.org {ORG}",
    ]
    assert git("rev-parse", "--abbrev-ref", "main@{upstream}", cwd=city).strip() == "hub/main"
    assert adoptions(catalog, PID) == []  # not recorded unless asked


def test_adopt_defaults_to_the_latest_version_and_records_the_adoption(tmp_path, data, catalog, git):
    city = tmp_path / "city"
    city.mkdir()  # an existing empty folder is fine
    result = adopt(data, PID, None, city, as_org=ORG, record=True)
    assert result.version == "2.0.0"
    assert work_tree(city) == version_files(catalog, "2.0.0")
    assert result.adoption is not None and result.adoption.status == "planned" and result.adoption.version == "2.0.0"
    (record,) = adoptions(catalog, PID)
    assert (record.adopter, record.status, record.version) == (ORG, "planned", "2.0.0")
    assert catalog.head().author.name == "Stadt Lemgo"  # authored by the adopting organisation

    # recording twice is refused before anything is written
    again = tmp_path / "again"
    with pytest.raises(AdoptionExists):
        adopt(data, PID, None, again, as_org=ORG, record=True)
    assert not again.exists()


def test_adopt_from_a_repository_path(tmp_path, catalog, git):
    export = export_dir(tmp_path / "exports", PID)
    export_package(catalog, PID, export)
    result = adopt(export, PID, "1.1.0", tmp_path / "city", as_org=ORG)
    assert result.remote == str(export.resolve()) and result.version == "1.1.0"
    assert work_tree(tmp_path / "city") == version_files(catalog, "1.1.0")


def test_adopt_over_plain_http_from_an_exported_folder(tmp_path, catalog, git, http_root):
    root, base, requests = http_root
    export_package(catalog, PID, export_dir(root / "git", PID))
    url = f"{base}/git/{PID}.git"

    city = tmp_path / "city"
    result = adopt(url, PID, "1.0.0", city, as_org=ORG)
    assert result.remote == url and result.source == url
    assert work_tree(city) == version_files(catalog, "1.0.0")
    assert git("tag", "--list", cwd=city).split() == ["v1.0.0", "v1.1.0", "v2.0.0"]
    assert len(git("log", "--format=%H", "hub/main", cwd=city).splitlines()) == 3
    assert git("remote", "get-url", "hub", cwd=city).strip() == url
    assert git("status", "--porcelain", cwd=city) == ""
    git("fsck", "--strict", cwd=city)
    assert any(p.endswith(".pack") for p in requests)  # dumb protocol: plain files only

    # nothing new upstream: a status reads info/refs and nothing else
    requests.clear()
    status = upstream_status(city)
    assert status.newer == ["1.1.0", "2.0.0"] and status.remote == url
    assert requests == [f"/git/{PID}.git/info/refs?service=git-upload-pack"]

    # git itself can fetch from the same remote (the repository is an ordinary clone)
    git("fetch", "-q", "hub", cwd=city)

    # the hub's (or the site's) base address works too: /git/<publisher>/<slug>.git is appended
    result = adopt(base + "/", PID, None, tmp_path / "city2", as_org=ORG)
    assert result.remote == url and result.version == "2.0.0"


def test_a_new_version_over_http_is_fetched_and_merged(tmp_path, catalog, git, http_root):
    root, base, _requests = http_root
    target = export_dir(root / "git", PID)
    export_package(catalog, PID, target)
    city = tmp_path / "city"
    adopt(f"{base}/git/{PID}.git", PID, "2.0.0", city, as_org=ORG)
    assert upstream_status(city).up_to_date

    publish_version(catalog, "2.1.0", {**V3["files"], "README.md": README + "\nNeu in 2.1.\n"})
    export_package(catalog, PID, target)
    status = upstream_status(city)
    assert (status.newer, status.latest, status.up_to_date) == (["2.1.0"], "2.1.0", False)
    result = upstream_merge(city)
    assert result.merged and result.upstream_files == ["README.md", "hub.yaml"]
    assert work_tree(city) == version_files(catalog, "2.1.0")
    git("fsck", "--strict", cwd=city)


# -- refusals leave nothing behind ------------------------------------------------------------


def test_adopting_into_a_non_empty_folder_is_refused_and_leaves_it_unchanged(tmp_path, data):
    city = tmp_path / "city"
    city.mkdir()
    (city / "notizen.txt").write_text("meins\n")
    with pytest.raises(TargetNotEmpty) as info:
        adopt(data, PID, None, city, as_org=ORG)
    assert "kein leerer Ordner" in info.value.detail and info.value.exit_code == 2
    assert [p.name for p in city.iterdir()] == ["notizen.txt"] and (city / "notizen.txt").read_text() == "meins\n"

    a_file = tmp_path / "datei"
    a_file.write_text("x")
    with pytest.raises(TargetNotEmpty):
        adopt(data, PID, None, a_file, as_org=ORG)
    assert a_file.read_text() == "x"


@pytest.mark.parametrize(
    ("package_id", "version", "error"),
    [
        ("stadt-test/gibtsnicht", None, PackageNotFound),
        (PID, "9.9.9", VersionNotFound),
    ],
)
def test_unknown_package_or_version_is_refused_from_the_catalogue(tmp_path, data, package_id, version, error):
    with pytest.raises(error) as info:
        adopt(data, package_id, version, tmp_path / "city", as_org=ORG)
    assert info.value.exit_code == 3
    assert not (tmp_path / "city").exists()


@pytest.mark.parametrize(
    ("package_id", "version", "error"),
    [
        ("stadt-test/gibtsnicht", None, PackageNotFound),
        (PID, "9.9.9", VersionNotFound),
    ],
)
def test_unknown_package_or_version_is_refused_over_http(tmp_path, catalog, http_root, package_id, version, error):
    root, base, _ = http_root
    export_package(catalog, PID, export_dir(root / "git", PID))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(error):
        adopt(base, package_id, version, empty, as_org=ORG)
    assert list(empty.iterdir()) == []  # the folder stays, empty as it was
    with pytest.raises(error):
        adopt(base, package_id, version, tmp_path / "new", as_org=ORG)
    assert not (tmp_path / "new").exists()


def test_a_repository_of_another_package_is_refused(tmp_path, catalog):
    export = export_dir(tmp_path / "exports", PID)
    export_package(catalog, PID, export)
    with pytest.raises(PackageNotFound, match="stadt-test/testpaket"):
        adopt(export, "stadt-test/anderes", None, tmp_path / "city", as_org=ORG)
    assert not (tmp_path / "city").exists()


def test_malformed_ids_and_sources_are_refused(tmp_path, data):
    with pytest.raises(BadRequest):
        adopt(data, "kein-paket", None, tmp_path / "a", as_org=ORG)
    with pytest.raises(BadRequest):
        adopt(tmp_path / "gibtsnicht", PID, None, tmp_path / "a", as_org=ORG)
    (tmp_path / "leer").mkdir()
    with pytest.raises(BadRequest):
        adopt(tmp_path / "leer", PID, None, tmp_path / "a", as_org=ORG)
    assert not (tmp_path / "a").exists()


# -- upstream status and diff -----------------------------------------------------------------


@pytest.fixture
def city(tmp_path, data) -> Path:
    """The package adopted at 1.0.0 from the data directory."""
    folder = tmp_path / "city"
    adopt(data, PID, "1.0.0", folder, as_org=ORG)
    return folder


def test_status_shows_newer_versions_and_local_changes(city, git):
    status = upstream_status(city)
    assert (status.package, status.adopted, status.latest, status.newer) == (PID, "1.0.0", "2.0.0", ["1.1.0", "2.0.0"])
    assert not status.up_to_date and not status.dirty and status.local_commits == 0 and status.branch == "refs/heads/main"

    (city / "README.md").write_text("# Unser Paket\n")
    (city / "lokal.txt").write_text("neu\n")
    status = upstream_status(city / "prozess")  # from a subfolder, like git
    assert status.dirty and status.changed == ["README.md", "lokal.txt"]
    commit_all(git, city, "Lokale Anpassung")
    status = upstream_status(city)
    assert not status.dirty and status.local_commits == 1
    text = render_status(status)
    assert "übernommen ist Version 1.0.0, neueste im Hub: 2.0.0" in text and "1.1.0, 2.0.0" in text


def test_status_sees_versions_published_after_the_adoption(city, catalog):
    publish_version(catalog, "2.1.0", V3["files"])  # the export below <data>/git is refreshed by status itself
    assert upstream_status(city).newer == ["1.1.0", "2.0.0", "2.1.0"]


def test_diff_names_the_form_field_the_task_and_the_config_key(city):
    diff = upstream_diff(city)
    assert (diff.package, diff.from_version, diff.to_version) == (PID, "1.0.0", "2.0.0")
    assert {(f.path, f.status) for f in diff.files} == {
        ("CHANGELOG.md", "added"),
        ("formulare/antrag.schema.json", "changed"),
        ("hub.yaml", "changed"),
        ("konfiguration/termine.yaml", "changed"),
        ("prozess/ablauf.bpmn", "changed"),
        ("schemas/termine.schema.json", "changed"),
    }
    assert diff.form_fields == [
        FieldDelta(
            form="formulare/antrag.schema.json",
            field="/telefon",
            status="added",
            after=FieldInfo(type="string", required=False, title="Telefonnummer", format="phone"),
        )
    ]
    assert diff.process_nodes == [
        NodeDelta(
            process="prozess/ablauf.bpmn",
            id="Task_1",
            category="task",
            status="renamed",
            kind="userTask",
            name="Antrag fachlich prüfen",
            old_name="Antrag prüfen",
        )
    ]
    assert diff.config_keys == [ConfigDelta(config="konfiguration/termine.yaml", key="/erinnerung_stunden", status="added", after=24)]
    assert diff.notes == []

    text = render_diff(diff)
    assert "+ /telefon „Telefonnummer“" in text
    assert "Task_1 (userTask) umbenannt: „Antrag prüfen“ → „Antrag fachlich prüfen“" in text
    assert "+ /erinnerung_stunden = 24" in text


def _chain_diffs(catalog: Catalog, broken: pygit2.Tree) -> list:
    """The semantic diff of each version against the one before, as the site's comparison pages ask for them, then 2.0.0
    against a copy of it whose config does not parse."""
    from types import SimpleNamespace

    from hub.adopt.semantic import semantic_diff
    from hub.store.catalog import package_path
    from hub.store.trees import subtree

    repo = catalog.repo
    trees = {v.version: SimpleNamespace(tree=subtree(repo, repo[v.commit].tree, package_path(PID))) for v in catalog.versions(PID)}
    trees["kaputt"] = SimpleNamespace(tree=broken)
    chain = ["1.0.0", "1.1.0", "2.0.0", "kaputt"]
    return [semantic_diff(repo, PID, trees[a], trees[b], a, b) for a, b in itertools.pairwise(chain)]


def test_each_file_is_read_once_by_its_blob_id_and_the_diffs_stay_the_same(catalog):
    # semantic.py keeps what it read of a blob by the blob's id (which names its bytes): the second pass
    # reads nothing again and gives the same diffs, an unreadable file the same note
    from pygit2.enums import FileMode

    from hub.adopt import semantic
    from hub.store.catalog import package_path
    from hub.store.trees import replace_path, subtree

    repo = catalog.repo
    latest = subtree(repo, repo[catalog.versions(PID)[0].commit].tree, package_path(PID))
    broken = repo[replace_path(repo, latest, ["konfiguration", "termine.yaml"], repo.create_blob(b"a: [1, 2\n"), FileMode.BLOB)]
    # a hub.yaml that is no sound manifest (only its artefacts): read as it stands, not as the catalogue decodes manifests
    artefacts = {"artefacts": yaml.safe_load(repo[latest["hub.yaml"].id].data)["artefacts"]}
    broken = repo[replace_path(repo, broken, ["hub.yaml"], repo.create_blob(yaml.safe_dump(artefacts).encode()), FileMode.BLOB)]
    semantic._kept.clear()
    first = _chain_diffs(catalog, broken)
    kept = dict(semantic._kept)
    assert {reading for _, reading in kept} == {"artefacts", "form", "process", "config-yaml"}
    assert [reading for _, reading in kept].count("artefacts") == 1  # the sound manifests come decoded from the catalogue
    assert [note.split(":")[0] for note in first[-1].notes] == [
        "konfiguration/termine.yaml (Version kaputt) ist nicht lesbar und wird nicht verglichen"
    ]
    second = _chain_diffs(catalog, broken)
    assert second == first and all(semantic._kept[key] is found for key, found in kept.items())  # nothing read again
    semantic._kept.clear()
    assert _chain_diffs(catalog, broken) == first
    assert [f.field for f in first[0].form_fields] == ["/telefon"] and [d.id for d in first[1].process_nodes] == ["Task_1"]


def test_flow_nodes_are_the_bpmn_elements_of_a_flow_node_type_in_document_order():
    from lxml import etree

    from hub.adopt.semantic import flow_nodes
    from hub.validate.bpmn import BPMN_NS, FLOW_NODES, parse_bpmn

    def walked(data: bytes) -> dict[str, tuple[str, str | None]]:  # every element looked at, as before
        nodes: dict[str, tuple[str, str | None]] = {}
        for element in parse_bpmn(data).iter():
            if isinstance(element.tag, str):
                qname = etree.QName(element)
                if qname.namespace == BPMN_NS and qname.localname in FLOW_NODES and element.get("id"):
                    nodes.setdefault(element.get("id"), (qname.localname, element.get("name")))
        return nodes

    models = [BPMN.encode(), BPMN_3.encode(), *(p.read_bytes() for p in sorted(catalog_dir().glob("packages/*/*/**/*.bpmn")))]
    for data in models:
        assert list(flow_nodes(data).items()) == list(walked(data).items())
    assert sum(len(flow_nodes(data)) for data in models) > 20


def test_diff_to_a_given_version(city):
    diff = upstream_diff(city, "1.1.0")
    assert diff.to_version == "1.1.0" and [f.field for f in diff.form_fields] == ["/telefon"]
    assert diff.process_nodes == [] and diff.config_keys == []
    with pytest.raises(VersionNotFound):
        upstream_diff(city, "3.0.0")


def test_a_folder_that_was_not_adopted_is_refused(tmp_path, git):
    with pytest.raises(NotAnAdoption):
        upstream_status(tmp_path)
    git("init", "-q", str(tmp_path / "plain"))
    with pytest.raises(NotAnAdoption) as info:
        upstream_status(tmp_path / "plain")
    assert "hub adopt" in info.value.detail and info.value.exit_code == 3


# -- upstream merge ---------------------------------------------------------------------------


def test_merge_brings_upstream_changes_and_keeps_local_ones(city, catalog, git):
    readme = README + "\n## Lemgo\nBei uns im Bürgerbüro am Marktplatz.\n"
    (city / "README.md").write_text(readme)
    (city / "docs").mkdir()
    (city / "docs" / "betrieb-lemgo.md").write_text("# Betrieb in Lemgo\n")
    commit_all(git, city, "Lemgoer Anpassungen")
    before = git("rev-parse", "HEAD", cwd=city).strip()

    result = upstream_merge(city)
    assert result.merged and (result.from_version, result.to_version, result.previous) == ("1.0.0", "2.0.0", before)
    assert result.local_files == ["README.md", "docs/betrieb-lemgo.md"]
    assert "konfiguration/termine.yaml" in result.upstream_files

    upstream = version_files(catalog, "2.0.0")
    files = work_tree(city)
    assert files["README.md"].decode() == readme  # local edit kept
    assert files["docs/betrieb-lemgo.md"] == b"# Betrieb in Lemgo\n"  # local file kept
    for path in ("konfiguration/termine.yaml", "prozess/ablauf.bpmn", "formulare/antrag.schema.json", "CHANGELOG.md", "hub.yaml"):
        assert files[path] == upstream[path]  # upstream changes arrived
    assert set(files) == set(upstream) | {"docs/betrieb-lemgo.md"}

    assert git("status", "--porcelain", cwd=city) == ""
    git("fsck", "--strict", cwd=city)
    head = git("rev-parse", "HEAD", cwd=city).strip()
    assert head == result.commit and git("symbolic-ref", "HEAD", cwd=city).strip() == "refs/heads/main"
    parents = git("rev-list", "--parents", "-1", "HEAD", cwd=city).split()[1:]
    assert parents == [before, git("rev-parse", "v2.0.0^{commit}", cwd=city).strip()]
    assert git("log", "-1", "--format=%s", cwd=city).strip() == f"Übernahme von {PID} 2.0.0 aus dem Hub"
    assert git("config", "transferhub.version", cwd=city).strip() == "2.0.0"

    status = upstream_status(city)
    assert status.up_to_date and status.adopted == "2.0.0" and not status.dirty
    again = upstream_merge(city)
    assert not again.merged and again.commit == head


def test_merge_step_by_step_to_a_given_version(city, git):
    result = upstream_merge(city, "1.1.0")
    assert result.merged and result.to_version == "1.1.0"
    assert json.loads((city / "formulare" / "antrag.schema.json").read_text())["properties"]["telefon"]["title"] == "Telefonnummer"
    assert upstream_status(city).newer == ["2.0.0"]
    assert upstream_diff(city).from_version == "1.1.0"
    with pytest.raises(BadRequest):
        upstream_merge(city, "1.0.0")  # never backwards
    assert upstream_merge(city).to_version == "2.0.0"
    git("fsck", "--strict", cwd=city)


def test_merge_conflict_touches_nothing_and_names_the_file(tmp_path, data, catalog, git):
    publish_version(catalog, "2.1.0", {**V3["files"], "konfiguration/termine.yaml": "dauer_minuten: 30\nerinnerung_stunden: 24\n"})
    city = tmp_path / "city"
    adopt(data, PID, "2.0.0", city, as_org=ORG)
    (city / "konfiguration" / "termine.yaml").write_text("dauer_minuten: 20\nerinnerung_stunden: 24\n")  # the same line as upstream
    (city / "README.md").write_text(README + "\nLokal.\n")
    commit_all(git, city, "Termine dauern bei uns 20 Minuten")
    before = snapshot(git, city)

    with pytest.raises(MergeConflict) as info:
        upstream_merge(city)
    error = info.value
    assert error.exit_code == 4
    assert [(p.file, p.code) for p in error.problems] == [("konfiguration/termine.yaml", "merge-conflict")]
    assert "konfiguration/termine.yaml" in error.detail and "Nichts wurde verändert" in error.detail
    assert snapshot(git, city) == before
    assert git("status", "--porcelain", cwd=city) == ""
    assert not (city / ".git" / "MERGE_HEAD").exists()


def test_merge_refuses_a_dirty_work_tree(city, git):
    (city / "README.md").write_text("# geändert, nicht committet\n")
    before = snapshot(git, city)
    with pytest.raises(DirtyWorkTree) as info:
        upstream_merge(city)
    assert "README.md" in info.value.detail and info.value.exit_code == 4
    assert snapshot(git, city) == before

    git("checkout", "--", "README.md", cwd=city)
    (city / "neu.txt").write_text("noch nicht committet\n")  # untracked files count as well
    with pytest.raises(DirtyWorkTree):
        upstream_merge(city)
    (city / "neu.txt").unlink()
    git("add", "README.md", cwd=city)
    assert upstream_merge(city).merged


def test_a_failing_checkout_restores_the_old_state(city, git, monkeypatch):
    (city / "lokal.txt").write_text("lokal\n")
    commit_all(git, city, "lokal")
    before = snapshot(git, city)
    original = pygit2.Repository.checkout_tree

    def half_then_fail(self, treeish, **kwargs):
        original(self, treeish, **kwargs)  # the work tree is already half way (here: all the way) to the merge
        raise pygit2.GitError("Platte voll")

    monkeypatch.setattr(pygit2.Repository, "checkout_tree", half_then_fail)
    with pytest.raises(pygit2.GitError):
        upstream_merge(city)
    monkeypatch.undo()
    after = snapshot(git, city)
    del before["index"], after["index"]  # files were rewritten: their stat data in the index differ, the entries not
    assert after == before
    assert git("status", "--porcelain", cwd=city) == ""


def test_merge_only_into_main(city, git):
    git("switch", "-q", "-c", "experiment", cwd=city)
    with pytest.raises(BadRequest, match="main"):
        upstream_merge(city)


def test_a_merge_done_with_git_itself_is_just_recorded(city, git):
    git("merge", "-q", "--no-edit", "v2.0.0", cwd=city)  # fast-forward by hand
    result = upstream_merge(city)
    assert not result.merged and result.to_version == "2.0.0"
    assert git("config", "transferhub.version", cwd=city).strip() == "2.0.0"


def test_local_tags_are_never_overwritten(city, git):
    git("tag", "-f", "v1.1.0", "v1.0.0^{commit}", cwd=city)  # the city has its own idea of v1.1.0
    status = upstream_status(city)
    assert status.newer == ["1.1.0", "2.0.0"]  # upstream's versions still known
    assert any("v1.1.0" in note for note in status.notes)
    assert git("rev-parse", "v1.1.0", cwd=city).strip() == git("rev-parse", "v1.0.0^{commit}", cwd=city).strip()


# -- the commands -----------------------------------------------------------------------------


def test_commands_end_to_end(tmp_path, data, git, capsys):
    city = tmp_path / "city"
    assert run(["--data", str(data), "adopt", f"{PID}@1.0.0", str(city), "--as", ORG, "--json"]) == 0
    adopted = json.loads(capsys.readouterr().out)
    assert adopted["version"] == "1.0.0" and adopted["latest"] == "2.0.0" and adopted["path"] == str(city.resolve())

    assert run(["upstream", "status", str(city), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["newer"] == ["1.1.0", "2.0.0"]
    assert run(["upstream", "status", str(city)]) == 0
    assert "Neuere Versionen: 1.1.0, 2.0.0" in capsys.readouterr().out

    assert run(["upstream", "diff", "--dir", str(city), "--json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    assert [f["field"] for f in diff["form_fields"]] == ["/telefon"]
    assert run(["upstream", "diff", "1.1.0", "--dir", str(city)]) == 0
    assert "Formularfelder in formulare/antrag.schema.json:" in capsys.readouterr().out

    (city / "README.md").write_text(README + "\nIn Lemgo seit 2025.\n")
    assert run(["upstream", "merge", "--dir", str(city)]) == 4  # dirty
    assert "nicht committete" in capsys.readouterr().err
    commit_all(git, city, "Lemgo")
    assert run(["upstream", "merge", "--dir", str(city), "--json"]) == 0
    merged = json.loads(capsys.readouterr().out)
    assert merged["merged"] is True and merged["to_version"] == "2.0.0" and merged["local_files"] == ["README.md"]
    assert (city / "README.md").read_text().endswith("In Lemgo seit 2025.\n")
    assert (city / "konfiguration" / "termine.yaml").read_text() == CONFIG_3
    assert run(["upstream", "merge", "--dir", str(city)]) == 0
    assert "bereits auf Version 2.0.0" in capsys.readouterr().out


def test_command_errors_are_german_with_exit_codes(tmp_path, data, capsys):
    (tmp_path / "voll").mkdir()
    (tmp_path / "voll" / "x").write_text("x")
    assert run(["--data", str(data), "adopt", PID, str(tmp_path / "voll"), "--as", ORG]) == 2
    assert "Fehler: " in capsys.readouterr().err
    assert run(["--data", str(data), "adopt", "stadt-test/gibtsnicht", str(tmp_path / "a"), "--as", ORG, "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["code"] == "package-not-found"
    assert run(["upstream", "status", str(tmp_path)]) == 3
    assert "hub adopt" in capsys.readouterr().err


def test_merge_conflict_through_the_command(tmp_path, data, catalog, git, capsys):
    publish_version(catalog, "2.1.0", {**V3["files"], "konfiguration/termine.yaml": "dauer_minuten: 30\nerinnerung_stunden: 24\n"})
    city = tmp_path / "city"
    assert run(["--data", str(data), "adopt", f"{PID}@2.0.0", str(city), "--as", ORG]) == 0
    (city / "konfiguration" / "termine.yaml").write_text("dauer_minuten: 20\nerinnerung_stunden: 24\n")
    commit_all(git, city, "20 Minuten")
    capsys.readouterr()
    assert run(["upstream", "merge", "--dir", str(city), "--json"]) == 4
    problem = json.loads(capsys.readouterr().out)
    assert problem["code"] == "merge-conflict" and problem["problems"][0]["file"] == "konfiguration/termine.yaml"


def test_adopt_record_through_the_command(tmp_path, data, catalog, capsys):
    assert run(["--data", str(data), "adopt", PID, str(tmp_path / "city"), "--as", ORG, "--record"]) == 0
    assert "Nachnutzung im Katalog erfasst: planned" in capsys.readouterr().out
    assert [a.adopter for a in adoptions(catalog, PID)] == [ORG]


def test_commands_are_registered_in_the_hub_cli():
    from hub.cli import _parser

    parser = _parser()
    args = parser.parse_args(["adopt", f"{PID}@1.0.0", "ziel", "--as", ORG, "--from", "https://hub.example/", "--record"])
    assert (args.ref, args.dir, args.org, args.source, args.record, args.json) == (
        f"{PID}@1.0.0",
        Path("ziel"),
        ORG,
        "https://hub.example/",
        True,
        False,
    )
    args = parser.parse_args(["upstream", "merge", "2.0.0", "--dir", "x", "--json"])
    assert (args.upstream_command, args.version, args.dir, args.json) == ("merge", "2.0.0", Path("x"), True)
    assert parser.parse_args(["upstream", "status"]).dir == Path(".")


# -- the semantic comparison, piece by piece ---------------------------------------------------


def test_form_fields_follow_refs_allof_arrays_and_branches():
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Antrag",
        "type": "object",
        "required": ["person"],
        "$defs": {
            "adresse": {
                "title": "Adresse",
                "type": "object",
                "required": ["ort"],
                "properties": {
                    "ort": {"title": "Ort", "type": "string"},
                    "plz": {"title": "PLZ", "type": "string", "pattern": "^[0-9]{5}$"},
                },
            }
        },
        "properties": {
            "person": {
                "title": "Person",
                "allOf": [{"type": "object", "properties": {"name": {"title": "Name", "type": "string"}}, "required": ["name"]}],
            },
            "anschrift": {"$ref": "#/$defs/adresse", "title": "Anschrift"},
            "kinder": {
                "title": "Kinder",
                "type": "array",
                "items": {"title": "Kind", "type": "object", "properties": {"vorname": {"title": "Vorname", "type": "string"}}},
            },
            "art": {"title": "Art", "type": "string", "oneOf": [{"const": "neu", "title": "Neu"}, {"const": "ab", "title": "Abmeldung"}]},
            "sprachen": {"title": "Sprachen", "type": "array", "items": {"enum": ["de", "en"]}},
            "a/b": {"title": "Schräg", "type": ["string", "null"]},
        },
        "if": {"properties": {"art": {"const": "ab"}}},
        "then": {
            "properties": {"abmeldedatum": {"title": "Abmeldedatum", "type": "string", "format": "date"}},
            "required": ["abmeldedatum"],
        },
    }
    fields = form_fields(schema)
    assert fields["/person"] == FieldInfo(type="object", required=True, title="Person")
    assert fields["/person/name"].required is True
    assert fields["/anschrift"].title == "Anschrift" and fields["/anschrift/ort"] == FieldInfo(type="string", required=True, title="Ort")
    assert fields["/kinder/0/vorname"].title == "Vorname"
    assert fields["/art"].enum == ["neu", "ab"]
    assert fields["/sprachen"].enum == ["de", "en"]
    assert fields["/a~1b"].type == "string|null"
    assert fields["/abmeldedatum"] == FieldInfo(type="string", required=True, title="Abmeldedatum", format="date")
    assert list(fields)[:3] == ["/person", "/person/name", "/anschrift"]


def test_form_field_changes_say_what_changed(tmp_path):
    from hub.adopt.semantic import compare_forms

    old = form_fields(FORM)
    changed = copy.deepcopy(FORM)
    changed["required"] = []
    changed["properties"]["name"]["title"] = "Vollständiger Name"
    del changed["properties"]["anschrift"]
    deltas = {d.field: d for d in compare_forms("f.json", old, form_fields(changed))}
    assert deltas["/name"].status == "changed" and deltas["/name"].changes == ["required", "title"]
    assert deltas["/anschrift"].status == deltas["/anschrift/ort"].status == "removed"


def test_config_keys_flatten_with_ids_and_positions():
    document = {
        "dauer": 15,
        "schliesstage": ["2024-12-24", "2024-12-31"],
        "arbeitsplaetze": [{"id": "platz-1", "barrierefrei": True}, {"id": "platz-2", "barrierefrei": False}],
        "stufen": [{"ab": 1}, {"ab": 5}],
        "leer": {},
    }
    assert config_keys(document) == {
        "/dauer": 15,
        "/schliesstage": ["2024-12-24", "2024-12-31"],
        "/arbeitsplaetze[id=platz-1]/id": "platz-1",
        "/arbeitsplaetze[id=platz-1]/barrierefrei": True,
        "/arbeitsplaetze[id=platz-2]/id": "platz-2",
        "/arbeitsplaetze[id=platz-2]/barrierefrei": False,
        "/stufen/0/ab": 1,
        "/stufen/1/ab": 5,
        "/leer": {},
    }


def test_flow_nodes_and_their_changes():
    from hub.adopt.semantic import compare_processes

    old = flow_nodes(BPMN.encode())
    assert old == {
        "Start_1": ("startEvent", "Antrag eingegangen"),
        "Task_1": ("userTask", "Antrag prüfen"),
        "End_1": ("endEvent", "Bescheid versandt"),
    }
    new = flow_nodes(
        BPMN.replace("bpmn:userTask", "bpmn:serviceTask").replace('id="End_1" name="Bescheid versandt"', 'id="End_1"').encode()
    )
    deltas = {d.id: d for d in compare_processes("p.bpmn", old, new)}
    assert deltas["Task_1"].status == "changed" and (deltas["Task_1"].old_kind, deltas["Task_1"].kind) == ("userTask", "serviceTask")
    assert deltas["End_1"].status == "renamed" and deltas["End_1"].category == "event" and deltas["End_1"].name is None


def test_pack_index_parser_reads_what_libgit2_writes(tmp_path, catalog):
    export = export_dir(tmp_path / "exports", PID)
    result = export_package(catalog, PID, export)
    ids = parse_pack_index((export / "objects" / "pack" / result.pack.replace(".pack", ".idx")).read_bytes())
    repo = pygit2.Repository(str(export))
    assert result.head in ids and len(ids) > 10
    assert all(repo.odb.exists(oid) for oid in ids)


def test_a_version_merged_by_hand_becomes_the_base_of_the_next_merge(city, git):
    (city / "lokal.txt").write_text("lokal\n")
    commit_all(git, city, "lokal")
    git("merge", "-q", "--no-edit", "v1.1.0", cwd=city)  # by hand; transferhub.version still says 1.0.0
    result = upstream_merge(city)
    assert result.merged and result.from_version == "1.0.0" and result.to_version == "2.0.0"
    assert "formulare/antrag.schema.json" not in result.upstream_files  # unchanged since 1.1.0, the real base
    assert (city / "lokal.txt").read_text() == "lokal\n"
    assert git("status", "--porcelain", cwd=city) == ""


def test_dumb_http_with_loose_objects_from_a_plain_git_server_folder(tmp_path, catalog, git, http_root):
    """A package repository kept by git itself (push leaves loose objects, update-server-info lists the pack)."""
    root, base, requests = http_root
    export = export_dir(tmp_path / "exports", PID)
    export_package(catalog, PID, export)
    served = root / "repos" / "terminpaket.git"
    git("clone", "-q", "--bare", str(export), str(served))
    work = tmp_path / "work"
    git("clone", "-q", str(served), str(work))
    manifest = (work / "hub.yaml").read_text().replace("version: 2.0.0", "version: 2.1.0")
    (work / "hub.yaml").write_text(manifest)
    commit_all(git, work, "Version 2.1.0")
    git("tag", "-a", "-m", "2.1.0", "v2.1.0", cwd=work)
    git("push", "-q", "origin", "main", "v2.1.0", cwd=work)
    git("update-server-info", cwd=served)
    assert [p for p in (served / "objects").iterdir() if len(p.name) == 2]  # loose objects on the server

    result = adopt(f"{base}/repos/terminpaket.git", PID, None, tmp_path / "city", as_org=ORG)
    assert result.version == "2.1.0" and result.versions == ["1.0.0", "1.1.0", "2.0.0", "2.1.0"]
    assert (tmp_path / "city" / "hub.yaml").read_text() == manifest
    assert any("/objects/pack/" in p for p in requests) and any(
        p.count("/") == 5 and "/objects/" in p and "pack" not in p for p in requests
    )
    git("fsck", "--strict", cwd=tmp_path / "city")

    # a damaged object on the server is refused, and nothing is left behind
    loose = sorted(p for d in (served / "objects").iterdir() if len(d.name) == 2 for p in d.iterdir())
    loose[0].write_bytes(loose[1].read_bytes())
    with pytest.raises(UpstreamUnreachable, match="beschädigt"):
        adopt(f"{base}/repos/terminpaket.git", PID, None, tmp_path / "city2", as_org=ORG)
    assert not (tmp_path / "city2").exists()


def test_a_failure_after_moving_main_restores_it_too(city, git, monkeypatch):
    import hub.adopt.upstream as upstream

    before = snapshot(git, city)
    original = upstream.write_recorded

    def fail_on_the_new_version(repo, recorded):
        if recorded.version != "1.0.0":
            raise OSError("config gesperrt")
        original(repo, recorded)

    monkeypatch.setattr(upstream, "write_recorded", fail_on_the_new_version)
    with pytest.raises(OSError):
        upstream_merge(city)
    after = snapshot(git, city)
    del before["index"], after["index"]
    assert after == before and git("status", "--porcelain", cwd=city) == ""
