from __future__ import annotations

import subprocess

import pygit2
import pytest
import yaml

from hub.errors import FileNotFound, InvalidPackage, PackageNotFound, RefNotFound, VersionExists, VersionNotFound, VersionNotNewer
from hub.store import Catalog, publish, repair_tags
from hub.store.catalog import BRANCH, TAG_PREFIX, parse_trailers
from hub.store.manifests import manifest_of_blob
from hub.validate import PackageFiles, validate_package
from tests.factory import README, make_catalog, manifest, package_files
from tests.snapshot import snapshot


def _package(package_id="stadt-test/testpaket", version="1.0.0", **kwargs) -> PackageFiles:
    return PackageFiles(package_files(package_id, version, **kwargs), folder_name=package_id.split("/")[1])


def test_publish_writes_commit_tag_and_tree(tmp_path):
    catalog = Catalog.create(tmp_path / "c.git")
    result = publish(catalog, _package())
    repo = catalog.repo
    head = repo[repo.references[BRANCH].target]
    assert str(head.id) == result.commit
    assert head.author.name == "Stadt Stadt-Test" and head.author.email == "digital@test.example"
    assert parse_trailers(head.message) == {
        "Hub-Action": "publish",
        "Hub-Package": "stadt-test/testpaket",
        "Hub-Version": "1.0.0",
        "Hub-Actor": "stadt-test",
        "Hub-Production-Since": "2021-03",  # the version's start of production, for later versions' hints
    }
    tag = repo.references[TAG_PREFIX + "stadt-test/testpaket/v1.0.0"]
    assert isinstance(repo[tag.target], pygit2.Tag)  # annotated
    assert repo[tag.target].peel(pygit2.Commit).id == head.id
    assert head.tree["packages/stadt-test/testpaket/prozess/ablauf.bpmn"].type_str == "blob"
    assert head.tree["publishers/stadt-test.yaml"].type_str == "blob"  # unknown publisher registered
    assert repo.is_bare and repo.workdir is None


def test_get_reads_latest_and_given_version(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    publish(catalog, _package(version="1.1.0", files={"README.md": README + "\nNeu in 1.1.\n"}))
    latest = catalog.get("stadt-test/testpaket")
    old = catalog.get("stadt-test/testpaket", "1.0.0")
    assert latest.manifest.version == "1.1.0" and old.manifest.version == "1.0.0"
    assert latest.commit != old.commit
    assert b"Neu in 1.1." in catalog.read_file("stadt-test/testpaket", "README.md")
    assert b"Neu in 1.1." not in catalog.read_file("stadt-test/testpaket", "README.md", "1.0.0")
    assert [f.path for f in latest.files] == sorted(package_files())
    # the catalogue as it was at the first version's commit
    assert catalog.get("stadt-test/testpaket", ref=old.commit).manifest.version == "1.0.0"


def test_versions_are_ordered_by_semver_precedence(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", v) for v in ("0.9.0", "1.0.0-rc.1", "1.0.0", "1.10.0")])
    assert [v.version for v in catalog.versions("stadt-test/testpaket")] == ["1.10.0", "1.0.0", "1.0.0-rc.1", "0.9.0"]


def test_history_lists_commits_of_the_package_only(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/a", "1.0.0"), ("stadt-test/b", "1.0.0"), ("stadt-test/a", "2.0.0")])
    history = catalog.history("stadt-test/a")
    assert [h.version for h in history] == ["2.0.0", "1.0.0"]
    assert all(h.author == "Stadt Stadt-Test" for h in history)


def test_diff_between_versions(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    publish(
        catalog,
        _package(
            version="1.1.0",
            files={"README.md": README + "\nNeu.\n", "docs/neu.md": "# Neu\n", "konfiguration/termine.yaml": None},
            artefacts=manifest()["artefacts"][:2],
        ),
    )
    diff = catalog.diff("stadt-test/testpaket", "1.0.0", "1.1.0")
    changes = {f.path: f.status for f in diff.files}
    assert changes == {"README.md": "modified", "docs/neu.md": "added", "hub.yaml": "modified", "konfiguration/termine.yaml": "removed"}
    assert "+Neu." in diff.patch


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: _package(license="Freeware-42"), InvalidPackage),
        (lambda: _package(version="1.0.0"), VersionExists),
        (lambda: _package(version="0.9.0"), VersionNotNewer),
    ],
    ids=["invalid", "version-exists", "not-newer"],
)
def test_refused_publish_leaves_repository_byte_for_byte_unchanged(tmp_path, make, error):
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    before = snapshot(catalog.path)
    with pytest.raises(error) as info:
        publish(catalog, make())
    assert info.value.status in (409, 422)
    assert snapshot(catalog.path) == before


def test_republishing_after_tag_loss_is_still_refused(tmp_path):
    # the branch is the truth: even without its tag, a published version stays immutable
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    catalog.repo.references.delete(TAG_PREFIX + "stadt-test/testpaket/v1.0.0")
    with pytest.raises(VersionExists):
        publish(catalog, _package())
    assert repair_tags(catalog) == ["stadt-test/testpaket/v1.0.0"]
    assert repair_tags(catalog) == []
    assert [v.version for v in catalog.versions("stadt-test/testpaket")] == ["1.0.0"]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.get("stadt-test/gibt-es-nicht"), PackageNotFound),
        (lambda c: c.get("stadt-test/testpaket", "9.9.9"), VersionNotFound),
        (lambda c: c.get("stadt-test/gibt-es-nicht", "1.0.0"), PackageNotFound),
        (lambda c: c.versions("stadt-test/gibt-es-nicht"), PackageNotFound),
        (lambda c: c.history("stadt-test/gibt-es-nicht"), PackageNotFound),
        (lambda c: c.diff("stadt-test/testpaket", "1.0.0", "3.0.0"), VersionNotFound),
        (lambda c: c.read_file("stadt-test/testpaket", "fehlt.md"), FileNotFound),
        (lambda c: c.get("stadt-test/testpaket", ref="refs/heads/gibt-es-nicht"), RefNotFound),
    ],
)
def test_reads_of_missing_things_raise_german_not_found(catalog, call, error):
    with pytest.raises(error) as info:
        call(catalog)
    assert info.value.status == 404
    assert "gibt es" in info.value.detail or "hat keine" in info.value.detail


def test_repository_passes_git_fsck(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/a", "1.0.0"), ("stadt-test/a", "1.0.1"), ("stadt-zwei/b", "0.1.0")])
    subprocess.run(["git", "--git-dir", str(catalog.path), "fsck", "--strict", "--no-dangling"], check=True, capture_output=True)


def test_publisher_record_from_manifest_is_valid_yaml(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/a", "1.0.0")])
    publisher = catalog.publisher("stadt-test")
    assert publisher is not None and publisher.type == "sonstige"
    raw = catalog.repo[catalog.head().tree["publishers/stadt-test.yaml"].id].data
    assert yaml.safe_load(raw)["name"] == "Stadt Stadt-Test"


def test_a_manifest_blob_is_decoded_once_and_a_publish_hands_in_the_one_it_validated(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    package = PackageFiles(package_files("stadt-test/testpaket", "2.0.0"))
    validated = validate_package(package)
    publish(catalog, package, validated=validated)
    # another handle on the catalogue (the index, maturity) gets the validated manifest: no YAML parsed again
    assert Catalog.open(catalog.path).get("stadt-test/testpaket").manifest is validated.manifest
    oid = catalog.head().tree["packages/stadt-test/testpaket/hub.yaml"].id
    assert manifest_of_blob(catalog.repo, oid) is validated.manifest
    older = catalog.repo[catalog.head().parents[0].id].peel(pygit2.Commit)
    first = manifest_of_blob(catalog.repo, older.tree["packages/stadt-test/testpaket/hub.yaml"].id)
    assert first.version == "1.0.0" and manifest_of_blob(catalog.repo, older.tree["packages/stadt-test/testpaket/hub.yaml"].id) is first


def test_package_count_and_publishers_follow_every_commit(tmp_path):
    # both are remembered for the last commit or folder read (health and the publishers' list ask per request)
    from tests.factory import register

    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    head = catalog.head()
    assert catalog.package_count(head) == 1 and catalog.package_count(head) == 1
    before = {p.id: p.name for p in catalog.publishers()}
    register(catalog, "stadt-test", "Stadt Test")
    first = catalog.publishers()
    assert {p.id: p.name for p in first} == before | {"stadt-test": "Stadt Test"}
    first.clear()  # a caller's list is its own
    assert {p.id: p.name for p in catalog.publishers()} == before | {"stadt-test": "Stadt Test"}
    register(catalog, "stadt-test", "Stadt Test (neu)")
    register(catalog, "stadt-zwei", "Stadt Zwei")
    assert {p.id: p.name for p in catalog.publishers()} == before | {"stadt-test": "Stadt Test (neu)", "stadt-zwei": "Stadt Zwei"}
    assert {p.id: p.name for p in catalog.publishers(ref=str(head.id))} == before  # an older commit: its own folder
    publish(catalog, _package("stadt-test/zweites"))
    assert catalog.package_count(catalog.head()) == 2 and catalog.package_count(head) == 1
