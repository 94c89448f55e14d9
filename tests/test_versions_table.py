"""The version table: one package's versions without listing every reference, current with every head."""

from __future__ import annotations

import pygit2

from hub.store import Catalog, publish
from hub.store.catalog import TAG_PREFIX
from hub.store.versions import VersionTable
from hub.validate import PackageFiles
from tests.factory import make_catalog, package_files


def _publish(catalog: Catalog, package_id: str, version: str) -> None:
    publish(catalog, PackageFiles(package_files(package_id, version)))


def _from_tags(catalog: Catalog) -> dict:
    return VersionTable().at(catalog.repo, catalog.head())


def test_the_table_follows_publishes_made_by_another_handle(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0"), ("stadt-test/zwei", "1.0.0")])
    reader = Catalog.open(catalog.path)  # another process, in effect: its own table
    assert [v.version for v in reader.versions("stadt-test/eins")] == ["1.0.0"]
    _publish(catalog, "stadt-test/eins", "1.0.1")
    _publish(catalog, "stadt-test/eins", "1.10.0")
    _publish(catalog, "stadt-test/drei", "0.1.0")
    assert [v.version for v in reader.versions("stadt-test/eins")] == ["1.10.0", "1.0.1", "1.0.0"]  # semver order, advanced by the commits
    assert reader.all_versions() == _from_tags(catalog)  # the same as read from the tags
    assert set(reader.all_versions()) == {"stadt-test/eins", "stadt-test/zwei", "stadt-test/drei"}
    assert reader.all_versions("stadt-test/zwei") == {"stadt-test/zwei": _from_tags(catalog)["stadt-test/zwei"]}
    assert reader.all_versions("stadt-test/fehlt") == {}


def test_a_published_version_whose_tag_is_not_written_yet_is_listed(tmp_path):
    # publish moves main first and writes the tag after it: a reader in between must see the version
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0")])
    _publish(catalog, "stadt-test/eins", "2.0.0")
    catalog.repo.references.delete(f"{TAG_PREFIX}stadt-test/eins/v2.0.0")
    fresh = Catalog.open(catalog.path)
    infos = fresh.versions("stadt-test/eins")
    assert [v.version for v in infos] == ["2.0.0", "1.0.0"]
    assert infos[0].commit == str(catalog.head().id)


def test_callers_cannot_change_the_table(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0")])
    catalog.versions("stadt-test/eins").clear()
    catalog.all_versions()["stadt-test/eins"].clear()
    assert [v.version for v in catalog.versions("stadt-test/eins")] == ["1.0.0"]


def test_a_head_that_is_not_a_descendant_is_read_from_the_tags_again(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0")])
    first = catalog.head().id
    _publish(catalog, "stadt-test/eins", "1.1.0")
    assert [v.version for v in catalog.versions("stadt-test/eins")] == ["1.1.0", "1.0.0"]
    # the branch set back (as a repair by hand would): the table is rebuilt, the tag still counts
    catalog.repo.references.create("refs/heads/main", first, force=True)
    assert [v.version for v in catalog.versions("stadt-test/eins")] == ["1.1.0", "1.0.0"]
    _publish(catalog, "stadt-test/eins", "1.0.5")  # and advanced from there again
    assert [v.version for v in catalog.versions("stadt-test/eins")] == ["1.1.0", "1.0.5", "1.0.0"]
    assert catalog.all_versions() == _from_tags(catalog)


def _drop_object(catalog: Catalog, oid: pygit2.Oid) -> None:
    """Delete a loose object file: whatever still reads it fails."""
    hexid = str(oid)
    (catalog.path / "objects" / hexid[:2] / hexid[2:]).unlink()


def test_advancing_reads_only_the_new_commits(tmp_path):
    # a topological walk reads the whole history before its first commit: with the oldest commit gone,
    # advancing by one publish must still work, because it must not look further back than the last head
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0")])
    root = catalog.head().id
    _publish(catalog, "stadt-test/eins", "1.1.0")
    table = VersionTable()
    table.at(pygit2.Repository(str(catalog.path)), catalog.head())
    _publish(catalog, "stadt-test/zwei", "1.0.0")
    _drop_object(catalog, root)
    repo = pygit2.Repository(str(catalog.path))  # no object cache holding the dropped commit
    advanced = table.at(repo, repo[catalog.head().id])
    assert [v.version for v in advanced["stadt-test/zwei"]] == ["1.0.0"]
    assert [v.version for v in advanced["stadt-test/eins"]] == ["1.1.0", "1.0.0"]
