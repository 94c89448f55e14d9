"""The version table: one package's versions without listing every reference, current with every head."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import msgspec
import pygit2

from hub.config import HubConfig
from hub.model import VersionInfo
from hub.services import Services
from hub.store import Catalog, publish, repair_tags, versions
from hub.store.catalog import TAG_PREFIX
from hub.store.versions import VersionTable
from hub.usecases.publish import publish as publish_usecase
from hub.validate import PackageFiles
from tests.factory import make_catalog, make_services, package_files


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


def _publish_through_hub(services, package_id: str, version: str) -> None:
    publish_usecase(services, PackageFiles(package_files(package_id, version)))


def test_a_new_process_reads_one_package_from_the_store_not_from_the_tags(tmp_path):
    services = make_services(tmp_path, [("stadt-test/eins", "1.0.0"), ("stadt-test/zwei", "1.0.0")])
    _publish_through_hub(services, "stadt-test/eins", "1.1.0")  # the catch-up after it records the versions
    assert services.catalog.version_store.commit() == str(services.catalog.head().id)
    # a tag written behind the hub's back (no publish commit names it) shows whether the tags were listed
    stray = services.catalog.head().id
    services.catalog.repo.references.create(f"{TAG_PREFIX}stadt-test/eins/v9.9.9", stray)
    fresh = Catalog.open(services.catalog.path)
    assert [v.version for v in fresh.versions("stadt-test/eins")] == ["1.1.0", "1.0.0"]
    assert [v.version for v in fresh.versions("stadt-test/zwei")] == ["1.0.0"]
    assert "9.9.9" in [v.version for v in VersionTable().at(fresh.repo, fresh.head())["stadt-test/eins"]]  # the tags have it


def test_the_store_is_advanced_not_rebuilt_and_a_reader_adds_the_commits_since(tmp_path):
    services = make_services(tmp_path, [("stadt-test/eins", "1.0.0")])
    store = services.catalog.version_store
    assert store.commit() is None  # a first start's open leaves it to the first full catch-up, with the clone exports
    services.catch_up()  # what a server's follower does behind its first answers (or the first write)
    assert store.commit() == str(services.catalog.head().id)
    # a row only the store holds: a rebuild from the tags would drop it, advancing keeps it
    with closing(sqlite3.connect(store.path)) as db, db:
        info = VersionInfo(version="1.0.0", commit="0" * 40, published_at="", published_by="")
        db.execute("INSERT INTO versions VALUES (?, ?, ?, ?)", ("stadt-test/nur-gespeichert", "1.0.0", msgspec.json.encode(info), 0.0))
    _publish_through_hub(services, "stadt-test/eins", "1.1.0")
    _publish_through_hub(services, "stadt-test/zwei", "0.1.0")
    assert store.commit() == str(services.catalog.head().id)
    assert store.read("stadt-test/nur-gespeichert") is not None and store.read("stadt-test/nur-gespeichert")[1]
    # a process that read the store earlier sees later publishes by walking the commits since its commit
    reader = Catalog.open(services.catalog.path)
    assert [v.version for v in reader.versions("stadt-test/eins")] == ["1.1.0", "1.0.0"]
    publish(services.catalog, PackageFiles(package_files("stadt-test/eins", "2.0.0")))  # no catch-up: the store stays behind
    assert store.commit() != str(services.catalog.head().id)
    again = Catalog.open(services.catalog.path)
    for catalog in (reader, again):
        assert [v.version for v in catalog.versions("stadt-test/eins")] == ["2.0.0", "1.1.0", "1.0.0"]
        assert [v.version for v in catalog.versions("stadt-test/zwei")] == ["0.1.0"]
        assert catalog.all_versions() == _from_tags(catalog) | {
            "stadt-test/nur-gespeichert": catalog.all_versions()["stadt-test/nur-gespeichert"]
        }


def test_a_branch_set_back_rebuilds_the_store_from_the_tags(tmp_path):
    services = make_services(tmp_path, [("stadt-test/eins", "1.0.0")])
    first = services.catalog.head().id
    _publish_through_hub(services, "stadt-test/eins", "1.1.0")
    services.catalog.repo.references.create("refs/heads/main", first, force=True)
    publish(services.catalog, PackageFiles(package_files("stadt-test/zwei", "1.0.0")))  # a history the store never saw
    services.catch_up()
    assert services.catalog.version_store.commit() == str(services.catalog.head().id)
    fresh = Catalog.open(services.catalog.path)
    assert fresh.all_versions() == _from_tags(fresh)
    assert [v.version for v in fresh.versions("stadt-test/eins")] == ["1.1.0", "1.0.0"]  # the tag still counts


def test_a_store_that_cannot_be_read_falls_back_to_the_tags(tmp_path):
    services = make_services(tmp_path, [("stadt-test/eins", "1.0.0")])
    services.catalog.version_store.path.write_bytes(b"kein SQLite")
    fresh = Catalog.open(services.catalog.path)
    assert [v.version for v in fresh.versions("stadt-test/eins")] == ["1.0.0"]
    _publish_through_hub(services, "stadt-test/eins", "1.1.0")  # the next writer replaces it
    assert services.catalog.version_store.commit() == str(services.catalog.head().id)


def test_a_publish_that_died_before_its_tag_is_repaired_and_listed_at_the_next_start(tmp_path):
    services = make_services(tmp_path, [("stadt-test/eins", "1.0.0")])
    services.close()
    # main moved, the process died before the tag reference (and before any catch-up)
    publish(services.catalog, PackageFiles(package_files("stadt-test/eins", "1.1.0")))
    services.catalog.repo.references.delete(f"{TAG_PREFIX}stadt-test/eins/v1.1.0")
    with Services.open(HubConfig(data_dir=tmp_path, seed=False)) as restarted:
        assert restarted.catalog.repo.references.get(f"{TAG_PREFIX}stadt-test/eins/v1.1.0") is not None
        assert [v.version for v in restarted.catalog.versions("stadt-test/eins")] == ["1.1.0", "1.0.0"]
        assert restarted.catalog.version_store.tagged() == str(restarted.catalog.head().id)


def test_repairing_tags_walks_back_only_to_the_commit_known_to_be_tagged(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0")])
    root = catalog.head().id
    _publish(catalog, "stadt-test/eins", "1.1.0")
    assert repair_tags(catalog) == []  # records HEAD as tagged
    _publish(catalog, "stadt-test/eins", "1.2.0")
    catalog.repo.references.delete(f"{TAG_PREFIX}stadt-test/eins/v1.2.0")  # died before its tag
    _drop_object(catalog, root)  # a walk over the whole history would fail here
    assert repair_tags(Catalog.open(catalog.path)) == ["stadt-test/eins/v1.2.0"]


def test_a_start_with_everything_current_does_not_write_the_store(tmp_path):
    # a server's start (repair_tags, catch-up) with nothing new: no write transaction, nothing synced to disk
    with make_services(tmp_path, [("stadt-test/eins", "1.0.0")]) as services:
        services.catch_up()  # the first full catch-up: clone exports and the version store
    store = Catalog.open(tmp_path / "catalog.git").version_store
    before = store.path.read_bytes()
    with Services.open(HubConfig(data_dir=tmp_path, seed=False)):
        pass
    assert store.path.read_bytes() == before
    assert store.tagged() is not None and store.commit() == store.tagged()


def test_a_store_of_the_schema_before_is_made_anew_with_every_table(tmp_path):
    # schema 2 had the changes table without the object each change leaves at its path: a writer of schema 3 must drop
    # it too, or its first insert fails and the store stays behind for good
    from hub.store.version_store import SCHEMA

    services = make_services(tmp_path, [("stadt-test/eins", "1.0.0")])
    path = services.catalog.version_store.path
    path.unlink(missing_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        db.execute(
            "CREATE TABLE versions (package TEXT NOT NULL, version TEXT NOT NULL, info BLOB NOT NULL, PRIMARY KEY (package, version)) WITHOUT ROWID"
        )
        db.execute(
            "CREATE TABLE changes (seq INTEGER PRIMARY KEY, package TEXT NOT NULL, commit_id TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL)"
        )
        db.execute("INSERT INTO meta VALUES ('schema', '2'), ('commit', ?)", (str(services.catalog.head().id),))
    assert SCHEMA != "2"
    _publish_through_hub(services, "stadt-test/eins", "1.1.0")
    store = Catalog.open(services.catalog.path).version_store
    assert store.commit() == str(services.catalog.head().id)
    assert {c.kind for c in store.changes()[1]} == {"package"}
    assert all(c.object is not None for c in store.changes()[1])
    assert len(store.folder_trees("stadt-test/eins")["stadt-test/eins"]) == 2


def test_a_store_of_schema_3_is_upgraded_in_place_keeping_its_rows_and_what_is_tagged(tmp_path):
    # schema 4 adds each version's publishing time (the feeds' newest versions); built again from the tags the store
    # would drop what only it holds and the commit up to which every publish is tagged (repair_tags' start)
    services = make_services(tmp_path, [("stadt-test/eins", "1.0.0")])
    services.catch_up()
    store = services.catalog.version_store
    head = str(services.catalog.head().id)
    rows = {(p, i.version): i for p, infos in store.read()[1].items() for i in infos}
    store.path.unlink()
    only_here = VersionInfo(version="0.9.0", commit="0" * 40, published_at="2020-05-01T10:00:00+02:00", published_by="x")
    with closing(sqlite3.connect(store.path)) as db, db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        db.execute(
            "CREATE TABLE versions (package TEXT NOT NULL, version TEXT NOT NULL, info BLOB NOT NULL, PRIMARY KEY (package, version)) WITHOUT ROWID"
        )
        db.execute(
            "CREATE TABLE changes (seq INTEGER PRIMARY KEY, package TEXT NOT NULL, commit_id TEXT NOT NULL, kind TEXT NOT NULL,"
            " path TEXT NOT NULL, object TEXT)"
        )
        db.execute("CREATE INDEX changes_by_package ON changes (package, seq)")
        db.executemany(
            "INSERT INTO versions VALUES (?, ?, ?)",
            [(p, v, msgspec.json.encode(i)) for (p, v), i in rows.items()] + [("stadt-test/eins", "0.9.0", msgspec.json.encode(only_here))],
        )
        db.execute("INSERT INTO meta VALUES ('schema', '3'), ('commit', ?), ('tagged', ?)", (head, head))
    assert store.commit() is None  # a reader of schema 4 does not read it
    _publish_through_hub(services, "stadt-test/eins", "1.1.0")  # the writer's catch-up upgrades it, then advances it
    assert store.commit() == str(services.catalog.head().id) and store.tagged() == head
    kept = store.read("stadt-test/eins")[1]["stadt-test/eins"]
    assert {i.version for i in kept} == {"0.9.0", "1.0.0", "1.1.0"}  # the row only the store held: not built again
    newest = store.newest(3)[1]
    assert [i.version for _, i in newest] == ["1.1.0", "1.0.0", "0.9.0"]  # by the publishing times the upgrade filled in


def test_the_production_trailer_takes_what_the_schema_takes_as_start_of_production():
    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "package.schema.json").read_text())
    pattern = schema["properties"]["status"]["properties"]["production"]["properties"]["since"]["pattern"]
    assert pattern == f"^{versions._SINCE.pattern}$"
    assert versions.production_trailer("2024-13") == ""
    assert versions.production_trailer("2024-02-30") == "Hub-Production-Since: 2024-02-30\n"  # the schema's form, as it takes it
