"""The catalogue at one commit, read one way by Catalog.package_ids, the search index and the static site."""

from __future__ import annotations

import pygit2
from pygit2.enums import FileMode

from hub.index import Index
from hub.site.data import ManifestCache, gather
from hub.store.snapshot import CatalogSnapshot, changed_packages, changed_publishers
from hub.store.trees import replace_path
from tests.factory import make_catalog

PACKAGES = [("stadt-a/eins", "1.0.0"), ("stadt-a/zwei", "1.0.0"), ("kreis-b/drei", "2.0.0")]


def test_snapshot_lists_packages_with_tree_and_manifest_ids(tmp_path):
    catalog = make_catalog(tmp_path, PACKAGES)
    head = catalog.head()
    snapshot = CatalogSnapshot(catalog.repo, head)
    assert snapshot.package_ids() == ["kreis-b/drei", "stadt-a/eins", "stadt-a/zwei"] == catalog.package_ids()
    for package_id, entry in snapshot.packages.items():
        assert entry.id == package_id and (entry.publisher, entry.slug) == tuple(package_id.split("/"))
        assert entry.tree == head.tree[f"packages/{package_id}"].id
        assert entry.manifest == head.tree[f"packages/{package_id}/hub.yaml"].id
        assert snapshot.package(package_id) == entry == CatalogSnapshot(catalog.repo, head).package(package_id)  # listed or looked up
        assert snapshot.manifest_blob(package_id) == entry.manifest
    assert snapshot.package("stadt-a/gibt-es-nicht") is None and snapshot.package("stadt-a") is None
    assert CatalogSnapshot(catalog.repo, head).package("stadt-a/eins/hub.yaml") is None
    # publishers: every registered organisation's file, each also found directly
    assert {p.id for p in catalog.publishers()} == set(snapshot.publishers) >= {"stadt-a", "kreis-b"}
    assert all(snapshot.publisher_blob(pid) == oid for pid, oid in snapshot.publishers.items())
    assert snapshot.publisher_blob("gibt-es-nicht") is None
    # at an older commit: what was there then
    first = head
    while len(first.parents) > 0:
        first = first.parents[0]
    assert CatalogSnapshot(catalog.repo, first).packages.keys() <= {"stadt-a/eins"}
    assert catalog.snapshot() is not None and catalog.snapshot().package_ids() == snapshot.package_ids()  # type: ignore[union-attr]


def test_index_site_and_catalogue_agree_on_a_damaged_commit(tmp_path):
    """Files beside package folders are no packages; a folder without hub.yaml is listed, and the index and site leave it out alike."""
    catalog = make_catalog(tmp_path, PACKAGES)
    repo, head = catalog.repo, catalog.head()
    root = head.tree
    note = repo.create_blob(b"kein Paket")
    root = repo[replace_path(repo, root, ["packages", "LIESMICH.md"], note, FileMode.BLOB)]
    root = repo[replace_path(repo, root, ["packages", "stadt-a", "notiz.txt"], note, FileMode.BLOB)]
    root = repo[replace_path(repo, root, ["packages", "stadt-a", "leer", "README.md"], note, FileMode.BLOB)]
    signature = pygit2.Signature("Test", "test@example.org")
    damaged = repo[repo.create_commit("refs/heads/main", signature, signature, "damaged", root.id, [head.id])]

    snapshot = CatalogSnapshot(repo, damaged)
    assert snapshot.package_ids() == ["kreis-b/drei", "stadt-a/eins", "stadt-a/leer", "stadt-a/zwei"] == catalog.package_ids()
    assert snapshot.packages["stadt-a/leer"].manifest is None and snapshot.manifest_blob("stadt-a/leer") is None
    with_manifest = ["kreis-b/drei", "stadt-a/eins", "stadt-a/zwei"]

    site = gather(catalog, ManifestCache(tmp_path / "manifests.json"))
    assert list(site.packages) == with_manifest
    assert {pid: info.tree for pid, info in site.packages.items()} == {pid: str(snapshot.packages[pid].tree) for pid in with_manifest}

    with Index(tmp_path / "index.sqlite") as index:
        report = index.sync(catalog)
        assert report.indexed == with_manifest and report.skipped == ["stadt-a/leer"]

    assert changed_packages(repo, head.tree, damaged.tree) == ["stadt-a/leer"]
    assert changed_publishers(repo, head.tree, damaged.tree) == set()
