"""A package's history and audit history come from the version store, not from a walk of all of ``main``."""

from __future__ import annotations

from pathlib import Path

import pygit2
import pytest

from hub.store import Catalog, publish
from hub.store.audit import record_histories, record_history
from hub.store.changes import of_commit, since
from hub.store.records import actor_for, record_adoption
from hub.store.seed import seed
from hub.store.snapshot import changed_packages, changed_publishers, step_hint
from hub.store.trees import blob_at, tree_files, write_tree
from hub.store.version_store import store_path
from hub.validate import PackageFiles
from tests.factory import make_catalog, package_files, register


def _walked(catalog: Catalog) -> dict:
    """Everything read by walking the whole history (no store)."""
    store_path(catalog.path).unlink(missing_ok=True)
    fresh = Catalog.open(catalog.path)
    return {
        "history": {pid: fresh.history(pid) for pid in fresh.package_ids()},
        "audit": {pid: record_history(fresh, pid) for pid in fresh.package_ids()},
        "audits": record_histories(fresh),
    }


def _stored(catalog: Catalog) -> dict:
    fresh = Catalog.open(catalog.path)
    return {
        "history": {pid: fresh.history(pid) for pid in fresh.package_ids()},
        "audit": {pid: record_history(fresh, pid) for pid in fresh.package_ids()},
        "audits": record_histories(fresh),
    }


@pytest.fixture
def seeded(tmp_path: Path) -> Catalog:
    catalog = Catalog.create(tmp_path / "catalog.git")
    seed(catalog)
    return catalog


def test_the_store_gives_what_a_walk_of_the_whole_history_gives(seeded):
    walked = _walked(seeded)
    assert sum(len(v) for v in walked["audits"].values()) >= 10  # adoptions, confirmations, reviews
    assert all(walked["history"].values())
    seeded.record_versions()  # the writers' catch-up
    assert store_path(seeded.path).exists()
    assert _stored(seeded) == walked


def test_a_store_behind_main_is_brought_forward_by_the_new_commits_only(seeded):
    seeded.record_versions()
    package_id = seeded.package_ids()[0]
    publish(seeded, PackageFiles(package_files(package_id, "99.0.0")))
    publish(seeded, PackageFiles(package_files("stadt-test/neu", "1.0.0")))
    behind = _stored(seeded)  # the store still records the seed's head
    assert behind["history"][package_id][0].version == "99.0.0"
    assert [e.version for e in behind["history"]["stadt-test/neu"]] == ["1.0.0"]
    assert behind == _walked(seeded)


def test_a_store_ahead_of_the_ref_read_leaves_out_the_later_commits(seeded):
    before = str(seeded.head().id)
    expected = record_histories(seeded, ref=before)
    package_id = seeded.package_ids()[0]
    register(seeded, "stadt-neuland")
    record_adoption(seeded, actor_for(seeded, "stadt-neuland"), package_id, seeded.versions(package_id)[0].version)
    seeded.record_versions()
    fresh = Catalog.open(seeded.path)
    assert fresh.version_store.commit() != before
    assert len(record_histories(fresh)[package_id]) == len(expected.get(package_id, [])) + 1
    assert record_histories(fresh, ref=before) == expected


def test_reading_one_package_does_not_read_commits_that_did_not_change_it(tmp_path):
    # the old walk read every commit on main: with an unrelated commit's object gone it failed
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0"), ("stadt-test/zwei", "1.0.0")])
    head = catalog.head()
    files = {path: blob_at(catalog.repo, obj.id).data for path, obj in tree_files(catalog.repo, head.tree).items()}
    # a commit that changes no package (written loose, as pygit2 writes one object)
    unrelated = _commit(catalog.repo, {**files, "NOTIZ.txt": b"nichts"}, [head.id], "Notiz")
    catalog.repo.references["refs/heads/main"].set_target(unrelated.id)
    publish(catalog, PackageFiles(package_files("stadt-test/eins", "1.1.0")))
    catalog.record_versions()
    _remove_loose(catalog.path, unrelated.id)
    fresh = Catalog.open(catalog.path)
    assert [e.version for e in fresh.history("stadt-test/eins")] == ["1.1.0", "1.0.0"]
    assert since(fresh.repo, fresh.head(), None) is None  # a walk of all of main meets the missing commit


def test_changes_since_a_commit_not_on_main_are_unknown(tmp_path):
    catalog = make_catalog(tmp_path, [("stadt-test/eins", "1.0.0")])
    head = catalog.head()
    assert since(catalog.repo, head, "0" * 40) is None
    assert since(catalog.repo, head, str(head.id)) == []
    every = since(catalog.repo, head, None)
    assert every is not None and {c.package for c in every} == {"stadt-test/eins"}


def _first_parents(catalog: Catalog) -> list[pygit2.Commit]:
    commits, commit = [], catalog.head()
    while commit is not None:
        commits.append(commit)
        commit = commit.parents[0] if commit.parent_ids else None
    return commits


def _remove_loose(repo_path: Path, oid: pygit2.Oid) -> None:
    hexid = str(oid)
    loose = repo_path / "objects" / hexid[:2] / hexid[2:]
    assert loose.exists()
    loose.chmod(0o644)
    loose.unlink()


def _commit(repo: pygit2.Repository, files: dict[str, bytes], parents: list, message: str) -> pygit2.Commit:
    who = pygit2.Signature("Test", "test@example.org", 1_700_000_000, 0)
    oid = repo.create_commit(None, who, who, message, write_tree(repo, files), parents)
    return repo[oid].peel(pygit2.Commit)


def test_only_package_folders_count_and_a_package_named_in_the_trailers_is_checked(tmp_path):
    repo = pygit2.init_repository(tmp_path / "r.git", bare=True)
    before = {"packages/p/one/hub.yaml": b"a", "packages/p/two/hub.yaml": b"b", "adoptions/p/one/stadt-x.yaml": b"s"}
    after = {
        **before,
        "packages/p/one/hub.yaml": b"A",
        "packages/NOTES": b"a file beside the publishers",
        "packages/p/stray.txt": b"a file beside the packages",
        "packages/q/three/hub.yaml": b"c",
        "adoptions/p/one/stadt-x.yaml": b"t",
        "adoptions/p/one/readme.txt": b"not a record",
    }
    first = _commit(repo, before, [], "eins")
    # the trailers name only p/one, but q/three changed too: the hint must not hide it
    second = _commit(repo, after, [first.id], "zwei\n\nHub-Action: publish\nHub-Package: p/one\nHub-Version: 1.0.1")
    assert changed_packages(repo, first.tree, second.tree) == ["p/one", "q/three"]
    assert changed_packages(repo, second.tree, first.tree) == ["p/one", "q/three"]
    assert [(c.package, c.kind, c.path) for c in of_commit(repo, second)] == [
        ("p/one", "package", "packages/p/one"),
        ("q/three", "package", "packages/q/three"),
        ("p/one", "adoption", "adoptions/p/one/stadt-x.yaml"),
    ]
    only = _commit(repo, {**before, "packages/p/one/hub.yaml": b"B"}, [first.id], "drei\n\nHub-Package: p/one")
    assert [c.path for c in of_commit(repo, only)] == ["packages/p/one"]
    # the index and the exports pass the one step's trailer as a hint: the answer is the same, right or wrong
    assert step_hint(first, second) == "p/one" and step_hint(first, only) == "p/one" and step_hint(second, only) is None
    assert changed_packages(repo, first.tree, second.tree, hint=step_hint(first, second)) == ["p/one", "q/three"]
    assert changed_packages(repo, first.tree, second.tree, hint="q/three") == ["p/one", "q/three"]
    assert changed_packages(repo, first.tree, only.tree, hint=step_hint(first, only)) == ["p/one"]
    assert changed_packages(repo, first.tree, only.tree, hint="q/three") == ["p/one"]
    assert changed_packages(repo, first.tree, second.tree, "adoptions", hint="p/one") == ["p/one"]
    assert changed_publishers(repo, first.tree, second.tree) == set()
    registered = _commit(repo, {**after, "publishers/q.yaml": b"name: Q"}, [second.id], "vier")
    assert changed_publishers(repo, second.tree, registered.tree) == {"q"}


def test_each_change_records_what_its_path_holds_after_the_commit(seeded):
    seeded.record_versions()
    package_id = seeded.package_ids()[0]
    publish(seeded, PackageFiles(package_files(package_id, "99.0.0")))
    seeded.record_versions()
    stored = Catalog.open(seeded.path).version_store.changes()
    assert stored is not None
    kinds = {change.kind for change in stored[1]}
    assert kinds == {"package", "adoption", "review"}
    for change in stored[1]:  # the folder's tree, the record's blob: what the commit itself holds at the path
        commit = seeded.repo[change.commit].peel(pygit2.Commit)
        assert change.object == str(commit.tree[change.path].id), change
    trees = Catalog.open(seeded.path).version_store.folder_trees(package_id)
    newest = seeded.versions(package_id)[0]
    assert newest.version == "99.0.0"
    assert trees[package_id][newest.commit] == str(seeded.head().tree[f"packages/{package_id}"].id)
    assert set(Catalog.open(seeded.path).version_store.folder_trees()) == set(seeded.package_ids())
