"""The manifest form with the package's own files: the form's manifest, uploaded files and the base combined, checked as one package.

In process, over a real catalogue: the combination (:mod:`hub.validate.combine`, in the budget worker) and the use case
(:mod:`hub.usecases.manifests`) that keeps the person's files between the form's steps and publishes exactly what it checked.
"""

from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

from hub.sessions import Session
from hub.usecases import manifests
from hub.usecases import publish as publishing
from hub.validate.combine import DRAFT_MARK, combine, draft_archive
from hub.validate.skeleton import manifest_text
from hub.web.workspace_publish import dry_run_view, zip_folder
from tests.factory import BPMN, archive, make_services, manifest, package_files

PACKAGE = "stadt-test/testpaket"
FORM = '{\n  "type": "object",\n  "properties": {\n    "name": {"type": 5}\n  }\n}\n'


@pytest.fixture
def services(tmp_path):
    services = make_services(tmp_path, [(PACKAGE, "1.0.0"), ("stadt-andere/paket", "1.0.0")])
    yield services
    services.close()


@pytest.fixture
def session(services) -> Session:
    return services.sessions.start()


def bpmn_artefact(path: str) -> dict:
    return {"path": path, "kind": "process-model", "format": "bpmn", "title": "Antrag bearbeiten"}


def git(services, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(services.catalog.path), *args], capture_output=True, text=True, check=True).stdout


def test_uploaded_files_join_the_base_an_uploaded_hub_yaml_is_set_aside_and_removed_files_leave():
    base = {"hub.yaml": b"alt", "README.md": b"# Alt\n", "prozess/ablauf.bpmn": b"<alt/>", "alt.md": b"weg"}
    upload = archive({"hub.yaml": b"id: hochgeladen\n", "README.md": b"# Neu\n", "bpmn/antrag.bpmn": b"<neu/>"}, folder="mein-paket")
    found = combine(base, b"id: formular\n", uploads=(upload,), removed=frozenset({"alt.md"}))
    assert found.package.files == {
        "hub.yaml": b"id: formular\n",  # the form's manifest wins
        "README.md": b"# Neu\n",  # replaced by the upload at the same path
        "prozess/ablauf.bpmn": b"<alt/>",
        "bpmn/antrag.bpmn": b"<neu/>",  # the archive's top folder is the package folder
    }
    assert found.manifest_replaced and found.replaced == ["README.md"] and found.changed and not found.refused
    assert found.own == {"hub.yaml": b"id: hochgeladen\n", "README.md": b"# Neu\n", "bpmn/antrag.bpmn": b"<neu/>"}
    # single files go to the chosen folder; the draft carries the person's files to the next step unchanged
    loose = zip_folder([("antrag.schema.json", b"{}"), ("merkblatt.md", b"# M\n")])
    later = combine(base, b"id: formular\n", draft=draft_archive(found.own), uploads=(loose,), target="formulare/")
    assert set(later.own) == {"hub.yaml", "README.md", "bpmn/antrag.bpmn", "formulare/antrag.schema.json", "formulare/merkblatt.md"}
    assert later.package.files["formulare/merkblatt.md"] == b"# M\n" and later.package.files["hub.yaml"] == b"id: formular\n"
    # a draft is no archive the upload's publish would take
    assert draft_archive({}).startswith(DRAFT_MARK) and not draft_archive({}).startswith(b"PK")


def test_an_upload_with_problems_of_its_own_is_refused_whole_and_the_kept_files_stay():
    base = {"README.md": b"# Alt\n"}
    kept = draft_archive({"bpmn/a.bpmn": b"<a/>"})
    hostile = zip_folder([("../../etc/passwd", b"x"), ("gut.md", b"# gut\n")])
    found = combine(base, b"id: x\n", draft=kept, uploads=(hostile,))
    assert found.refused and not found.changed and found.own == {"bpmn/a.bpmn": b"<a/>"}
    assert ("file-unsafe-path", "../../etc/passwd") in {(p.code, p.file) for p in found.result.problems}
    assert not found.result.ok
    # a target folder that leaves the package, a file where the base has a folder, a broken archive
    assert combine(base, b"id: x\n", uploads=(zip_folder([("a.md", b"a")]),), target="../raus").refused
    clash = combine({"prozess/ablauf.bpmn": b"<x/>"}, b"id: x\n", uploads=(zip_folder([("prozess", b"datei")]),))
    assert clash.refused and ("file-unsafe-path", "prozess") in {(p.code, p.file) for p in clash.result.problems}
    broken = combine(base, b"id: x\n", uploads=(b"PK\x03\x04kaputt",))
    assert broken.refused and "archive-invalid" in {p.code for p in broken.result.problems}


def test_a_new_version_with_replaced_and_added_files_reports_every_problem_in_its_file_together(services, session):
    data = manifest(PACKAGE, "1.1.0")
    data["artefacts"] = [*data["artefacts"], bpmn_artefact("bpmn/neu.bpmn")]
    bad_config = b"# Termine\ndauer_minuten: lang\n"
    upload = zip_folder(
        [
            ("paket/bpmn/neu.bpmn", b"<definitions>kaputt"),
            ("paket/formulare/antrag.schema.json", FORM.encode()),
            ("paket/hub.yaml", b"id: etwas-anderes\n"),
            ("paket/konfiguration/termine.yaml", bad_config),
        ]
    )
    checked, run = manifests.dry_run(services, session, "stadt-test", PACKAGE, data, manifests.OwnFiles(uploads=(upload,)))
    assert run is None and not checked.ok
    # the broken BPMN (added), the form schema and the configuration (replaced): one run reports them all, each in its file
    assert {(p.file, p.code) for p in checked.problems if not p.is_hint} == {
        ("bpmn/neu.bpmn", "bpmn-syntax"),
        ("formulare/antrag.schema.json", "form-dialect"),
        ("formulare/antrag.schema.json", "form-metaschema"),
        ("formulare/antrag.schema.json", "form-title-missing"),
        ("konfiguration/termine.yaml", "config-invalid"),
    }
    # the dry run's view shows each inside its file with the line marked (a pointer placed through the file's node tree)
    view = dry_run_view(checked.package, checked.problems)
    marked = {(f.path, line.number) for f in view.files for line in f.lines if line.problems}
    assert {("bpmn/neu.bpmn", 1), ("konfiguration/termine.yaml", 2), ("formulare/antrag.schema.json", 4)} <= marked
    # the uploaded hub.yaml was set aside; the form's manifest is the package's
    listing = {f.path: f.origin for f in checked.files if f.origin != "formular"}
    assert listing["hub.yaml"] == "beiseite"
    assert listing["formulare/antrag.schema.json"] == "ersetzt" and listing["bpmn/neu.bpmn"] == "hochgeladen"
    assert listing["README.md"] == "bisher"
    assert checked.package.files["hub.yaml"] == manifest_text(data).encode()
    assert checked.draft is not None  # the files are kept for the next step, though the dry run was refused
    assert services.catalog.versions(PACKAGE)[0].version == "1.0.0"  # nothing published
    # the next step: the broken files fixed by uploading them again, one removed, the rest from the draft
    fixed = zip_folder(
        [
            ("korrektur/bpmn/neu.bpmn", BPMN.encode()),
            ("korrektur/bpmn/termine.yaml", b"dauer_minuten: 20\n"),
            ("korrektur/formulare/antrag.schema.json", package_files()["formulare/antrag.schema.json"]),
        ]
    )
    own = manifests.OwnFiles(draft=checked.draft, uploads=(fixed,), removed=frozenset({"konfiguration/termine.yaml"}))
    data["artefacts"][2]["path"] = "bpmn/termine.yaml"  # the configuration now lives beside the model
    again, run = manifests.dry_run(services, session, "stadt-test", PACKAGE, data, own)
    assert [p for p in again.problems if not p.is_hint] == [] and run is not None and run.upload is not None
    assert again.draft is not None and again.draft != checked.draft
    assert services.sessions.peek_upload(session.id, checked.draft) is None  # the replaced draft is gone
    published = publishing.publish_upload(services, session, "stadt-test", "paula@test.example", run.upload)
    assert published.version == "1.1.0"
    tree = git(services, "ls-tree", "-r", "--name-only", "HEAD", f"packages/{PACKAGE}/").split()
    assert f"packages/{PACKAGE}/bpmn/neu.bpmn" in tree
    assert f"packages/{PACKAGE}/konfiguration/termine.yaml" not in tree and f"packages/{PACKAGE}/bpmn/termine.yaml" in tree
    assert git(services, "show", f"HEAD:packages/{PACKAGE}/hub.yaml") == manifest_text(data)
    log = git(services, "log", "-1", "--format=%an|%b")
    assert "Hub-Person: paula@test.example" in log


def test_a_new_package_from_the_form_and_an_uploaded_folder(services, session):
    data = manifests.new_manifest("stadt-test", "Stadt Test", "paula@test.example") | {
        "id": "stadt-test/eigenes-paket",
        "name": "Eigenes Paket",
        "summary": {"de": "Ein Paket aus Formular und eigenem Ordner."},
        "description": {"de": "Das Manifest kommt aus dem Formular, die Dateien aus dem Ordner der Person."},
        "classification": {"themenfeld": "Bildung"},
        "contacts": [{"name": "Schulamt", "email": "paula@test.example"}],
    }
    data["artefacts"] = [bpmn_artefact("prozess/ablauf.bpmn")]
    own_folder = {path: package_files()[path] for path in ("README.md", "formulare/antrag.schema.json", "prozess/ablauf.bpmn")}
    folder = zip_folder([(f"mein-ordner/{path}", content) for path, content in own_folder.items()])
    own = manifests.OwnFiles(uploads=(folder,), removed=frozenset({".gitlab-ci.yml"}))
    checked, run = manifests.dry_run(services, session, "stadt-test", None, data, own)
    assert [p for p in checked.problems if not p.is_hint] == [], checked.problems
    assert run is not None and run.upload is not None
    paths = ["README.md", "formulare/antrag.schema.json", "hub.yaml", "prozess/ablauf.bpmn"]
    assert sorted(checked.package.files) == paths  # the scaffold's README and model replaced, its CI file removed
    assert {f.path: f.origin for f in checked.files if f.removed} == {".gitlab-ci.yml": "vorlage"}
    assert {f.path: f.origin for f in checked.files if f.path == "prozess/ablauf.bpmn"} == {"prozess/ablauf.bpmn": "ersetzt"}
    with zipfile.ZipFile(io.BytesIO(services.sessions.peek_upload(session.id, run.upload) or b"")) as kept:
        assert sorted(kept.namelist()) == [f"eigenes-paket/{p}" for p in paths]
    # an id of another organisation is refused at the id, with the files' problems, nothing kept for publishing
    other, none = manifests.dry_run(services, session, "stadt-test", None, data | {"id": "stadt-andere/eigenes"}, own)
    assert none is None and ("/id", "forbidden") in {(p.pointer, p.code) for p in other.problems}


def test_the_live_check_reads_the_kept_files_and_changes_nothing(services, session):
    data = manifest(PACKAGE, "1.1.0")
    upload = zip_folder([("notiz.md", b"# Notiz\n")])
    first, _ = manifests.dry_run(services, session, "stadt-test", PACKAGE, data, manifests.OwnFiles(uploads=(upload,)))
    assert first.draft is not None
    own = manifests.OwnFiles(draft=first.draft, removed=frozenset({"notiz.md"}))
    live = manifests.check(services, "stadt-test", PACKAGE, data, own, session)
    assert "notiz.md" not in live.package.files
    assert services.sessions.peek_upload(session.id, first.draft) is not None  # still kept: the live check only reads
    # another session cannot use the id
    stranger = services.sessions.start()
    lost = manifests.check(services, "stadt-test", PACKAGE, data, manifests.OwnFiles(draft=first.draft), stranger)
    assert lost.draft_lost and "notiz.md" not in lost.package.files
