"""A write's objects in one synced pack (hub.store.batch): git's ids, synced before any ref moves, nothing on refusal."""

from __future__ import annotations

import os
from pathlib import Path

import pygit2
import pytest
from pygit2.enums import FileMode, ObjectType

from hub.errors import VersionExists
from hub.store import batch as batches
from hub.store.batch import ObjectBatch, consolidate, object_id
from hub.store.catalog import BRANCH, COMMITTER, TAG_PREFIX, Catalog
from hub.store.commit import commit_change, signature
from hub.store.packfile import delta, entry_header, inflate, pack_entries
from hub.store.publish import publish
from hub.store.trees import blob_at, commit_at, entry_id, raw_tree, replace_path, tree_at, write_tree
from hub.validate import PackageFiles
from tests.factory import make_catalog, package_files
from tests.gitcli import git_runner
from tests.gitdelta import apply_delta

FILES = {
    "hub.yaml": b"id: x\n",
    "a": b"blob a\n",
    "a-b": b"sorts before a/ as a tree would\n",
    "a.b/c": b"nested below a name with a dot\n",
    "b/c/d.json": b"{}\n",
    "b/c.d": b"beside a folder\n",
    "Überblick/Straße.md": "# Umlaute äöü\n".encode(),
    "leer": b"",
}


def _loose(repo: pygit2.Repository) -> set[str]:
    objects = Path(repo.path) / "objects"
    return {f"{d.name}{f.name}" for d in objects.iterdir() if len(d.name) == 2 for f in d.iterdir()}


def _files(repo: pygit2.Repository) -> set[str]:
    return {str(p.relative_to(repo.path)) for p in (Path(repo.path) / "objects").rglob("*") if p.is_file()}


def test_trees_commits_and_tags_get_the_ids_libgit2_gives_them(tmp_path):
    repo = pygit2.init_repository(str(tmp_path / "r.git"), bare=True)
    batch = ObjectBatch(repo)
    tree = batch.files(FILES)
    assert tree == write_tree(repo, FILES)

    root = tree_at(repo, write_tree(repo, {"packages/a/x/hub.yaml": b"1", "packages/b/y/hub.yaml": b"2", "publishers/a.yaml": b"a"}))
    for changes in (
        {"packages/a/x": (tree, FileMode.TREE)},  # replaced
        {"packages/c/z": (tree, FileMode.TREE), "publishers/c.yaml": (repo.create_blob(b"c"), FileMode.BLOB)},  # added, two at once
        {"packages/b/y": (None, FileMode.TREE)},  # removed, and the emptied folder with it
    ):
        expected = root.id
        for path, (oid, mode) in changes.items():
            expected = replace_path(repo, tree_at(repo, expected), path.split("/"), oid, mode)
        assert batch.replace(root, changes) == expected

    author = signature("Stadt Überall", "it@ueberall.example")
    committer = pygit2.Signature("Transferhub", "hub@transferhub.invalid", 1_700_000_000, -150)
    message = "stadt/x 1.0.0 veröffentlicht\n\nText: äöü\n\nHub-Action: publish\n"
    commit = batch.commit(tree, [], author, committer, message)
    assert commit == repo.create_commit(None, author, committer, message, tree, [])
    second = batch.commit(tree, [commit], author, committer, message)
    assert second == repo.create_commit(None, author, committer, message, tree, [commit])
    assert batch.tag("stadt/x/v1.0.0", commit, author, "Name 1.0.0\n") == repo.create_tag(
        "stadt/x/v1.0.0", commit, ObjectType.COMMIT, author, "Name 1.0.0\n"
    )


def test_a_large_tree_rewritten_write_after_write_keeps_libgit2s_ids(tmp_path):
    # the packages tree of a large catalogue: its entries' places are kept, and later writes change ids in place
    repo = pygit2.init_repository(str(tmp_path / "r.git"), bare=True)
    files = {f"packages/stadt-{n:03d}/p/hub.yaml": b"%d" % n for n in range(300)} | {"publishers/stadt-000.yaml": b"a"}
    root = tree_at(repo, write_tree(repo, files))
    assert len(repo.odb.read(root["packages"].id)[1]) >= batches.LOCATED_FROM
    steps = [
        {"packages/stadt-007/p": (repo.create_blob(b"a file where a folder was"), FileMode.BLOB)},  # the mode changes
        {"packages/stadt-150/p/hub.yaml": (repo.create_blob(b"neu"), FileMode.BLOB)},  # an id changes in place
        {"packages/stadt-150/q/hub.yaml": (repo.create_blob(b"neu"), FileMode.BLOB), "packages/stadt-299/p": (None, FileMode.TREE)},
        {
            "packages/stadt-000/p/hub.yaml": (repo.create_blob(b"x"), FileMode.BLOB),
            "packages/neu/p/hub.yaml": (repo.create_blob(b"y"), FileMode.BLOB),
        },
        {"packages/stadt-001/p/hub.yaml": (repo.create_blob(b"z"), FileMode.BLOB)},
    ]
    for changes in steps:
        expected = root.id
        for path, (oid, mode) in changes.items():
            expected = replace_path(repo, tree_at(repo, expected), path.split("/"), oid, mode)
        batch = ObjectBatch(repo)
        new = batch.replace(root, changes)
        assert new == expected
        batch.write(durable=False)
        root = tree_at(repo, new)
    assert tree_at(repo, root["packages/stadt-150"].id)["q/hub.yaml"].data == b"neu"
    # paths are found in the trees' bytes as libgit2 finds them
    for path in ("packages", "packages/stadt-150/q/hub.yaml", "packages/stadt-007/p", "packages/neu/p", "publishers/stadt-000.yaml"):
        assert entry_id(repo, root.id, path) == root[path].id
    for missing in ("packages/stadt-299", "packages/stadt-007/p/hub.yaml", "packages/stadt-15", "packages/stadt-150/q/hub.yam", "nichts"):
        assert entry_id(repo, root.id, missing) is None
    assert "stadt-299" not in tree_at(repo, root["packages"].id) and "neu" in tree_at(repo, root["packages"].id)


def test_a_name_git_refuses_in_a_tree_is_refused(tmp_path):
    batch = ObjectBatch(pygit2.init_repository(str(tmp_path / "r.git"), bare=True))
    for name in (b"", b".", b"..", b"a\0b"):
        with pytest.raises(ValueError):
            batch.tree({name: (FileMode.BLOB, batch.blob(b"x"))})


def test_a_publish_syncs_its_objects_in_one_pack_before_main_moves(tmp_path, monkeypatch):
    """Every object of the publish is in a pack that was synced, with its folder, while main still named the old commit."""
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    repo = catalog.repo
    before = repo.references[BRANCH].target
    loose = _loose(repo)
    synced: list[tuple[str, pygit2.Oid | str]] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:  # the real sync, noting what was synced and where main stood then
        real_fsync(fd)
        synced.append((os.readlink(f"/proc/self/fd/{fd}"), pygit2.Repository(repo.path).references[BRANCH].target))

    monkeypatch.setattr(os, "fsync", spy)
    result = publish(catalog, PackageFiles(package_files(version="1.1.0", files={"neu.md": "# Neu\n"}), folder_name="testpaket"))
    monkeypatch.undo()

    assert str(repo.references[BRANCH].target) == result.commit != str(before)
    assert _loose(repo) == loose  # no object went to a loose file of its own
    pack_folder = str(Path(repo.path, "objects", "pack").resolve())
    packs_synced = {path for path, main in synced if path.endswith(".pack") and main == before}
    assert pack_folder in {path for path, main in synced if main == before}
    new = {str(repo.references[TAG_PREFIX + result.tag].target), result.commit}
    commit = commit_at(repo, result.commit)
    new |= {str(commit.tree_id), str(commit.tree["packages"].id), str(commit.tree["packages/stadt-test"].id)}
    new |= {str(commit.tree["packages/stadt-test/testpaket"].id), str(commit.tree["packages/stadt-test/testpaket/neu.md"].id)}
    in_synced_packs = set()
    for pack in packs_synced:
        name = Path(pack).name.removeprefix(".tmp-").split("-", 1)[1]  # synced as its temporary file, then renamed
        final = Path(pack_folder) / name
        entries = pack_entries(final.read_bytes(), final.with_suffix(".idx").read_bytes())
        in_synced_packs |= {entry.oid.hex() for entry in entries}
    assert new <= in_synced_packs
    # an unchanged file of the new version is not packed again
    assert str(commit.tree["packages/stadt-test/testpaket/README.md"].id) not in in_synced_packs


def test_a_write_refused_in_the_commit_turn_leaves_no_object(tmp_path):
    """``change`` refuses after it built objects (as a publish does when it lost the race to the same version)."""
    catalog = make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    repo = catalog.repo
    files = _files(repo)
    refs = {name: repo.references[name].target for name in repo.references}
    batch = ObjectBatch(repo)
    package = batch.files({"hub.yaml": b"id: stadt-test/anderes\n"})

    def change(root: pygit2.Tree | None) -> pygit2.Oid:
        batch.replace(root, {"packages/stadt-test/anderes": (package, FileMode.TREE)})
        raise VersionExists("gleichzeitig veröffentlicht")

    sig = signature(*COMMITTER)
    with pytest.raises(VersionExists):
        commit_change(catalog, change, author=sig, committer=sig, message="x\n", batch=batch)
    assert len(batch) > 0
    assert _files(repo) == files
    assert {name: repo.references[name].target for name in repo.references} == refs


def test_small_packs_are_merged_and_every_object_stays_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(batches, "TIER_FACTOR", 3)
    catalog = make_catalog(tmp_path)
    repo = catalog.repo
    results = [
        publish(catalog, PackageFiles(package_files(version=f"1.{n}.0", files={f"n{n}.md": f"# {n}\n"}), folder_name="testpaket"))
        for n in range(7)
    ]
    packs = sorted((Path(repo.path) / "objects" / "pack").glob("pack-*.pack"))
    assert len(packs) < 7
    assert all(pack.with_suffix(".idx").is_file() for pack in packs)
    assert consolidate(repo, durable=False) == []  # nothing left to merge
    fresh = pygit2.Repository(repo.path)  # a reader that opens the catalogue now
    for result in results:
        assert blob_at(fresh, commit_at(fresh, result.commit).tree["packages/stadt-test/testpaket/hub.yaml"].id).data
    assert catalog.versions("stadt-test/testpaket")[0].version == "1.6.0"
    git = git_runner(tmp_path / "git-home")
    git("--git-dir", repo.path, "fsck", "--strict")


def test_a_large_tree_is_written_uncompressed_and_merged_packs_keep_its_versions_as_deltas(tmp_path, monkeypatch):
    """The ``packages`` tree (one entry per publisher) is new at every write: written whole without zlib, and kept as
    deltas against one version of it when small packs are merged, in later merges too; every version reads back exact."""
    monkeypatch.setattr(batches, "TIER_FACTOR", 3)
    catalog = Catalog.create(tmp_path / "catalog.git")
    repo = catalog.repo
    who = signature("Test", "test@example.invalid")
    start = write_tree(repo, {f"packages/gemeinde-nummer-{n:03d}/paket/hub.yaml": f"id: {n}\n".encode() for n in range(100)})
    repo.references.create(BRANCH, repo.create_commit(None, who, who, "Anfang\n", start, []))
    assert len(raw_tree(repo, tree_at(repo, start)["packages"].id) or b"") >= batches.DELTA_FROM  # large, as at 100 publishers
    written = []
    for n in range(14):
        batch = ObjectBatch(repo)
        changes = {f"packages/gemeinde-nummer-{n * 7 % 100:03d}/paket/hub.yaml": (batch.blob(f"Version {n}\n".encode()), FileMode.BLOB)}
        if n == 6:  # a new publisher: the tree grows by an entry, so the next deltas need a new base
            changes["packages/gemeinde-neu/paket/hub.yaml"] = (batch.blob(b"neu\n"), FileMode.BLOB)
        pack = Path(repo.path) / "objects" / "pack"
        before = set(pack.glob("pack-*.pack")) if pack.is_dir() else set()
        commit = commit_change(
            catalog, lambda root, c=changes, b=batch: b.replace(root, c), author=who, committer=who, message=f"{n}\n", batch=batch
        )
        tree = tree_at(repo, commit_at(repo, commit).tree["packages"].id)
        written.append(tree.id)
        (new,) = set(pack.glob("pack-*.pack")) - before
        raw = tree.read_raw()
        (entry,) = [e for e in pack_entries(new.read_bytes(), new.with_suffix(".idx").read_bytes()) if e.oid == tree.id.raw]
        assert len(entry.data) > len(raw) and inflate(entry) == (2, raw)  # stored, not compressed
        consolidate(repo, durable=False)
    packs = sorted((Path(repo.path) / "objects" / "pack").glob("pack-*.pack"))
    assert len(packs) < 14
    stored = {e.oid: e for p in packs for e in pack_entries(p.read_bytes(), p.with_suffix(".idx").read_bytes())}
    deltas = [oid for oid in written if entry_header(stored[oid.raw].data)[0] == 6]
    assert len(deltas) >= 8  # most versions of the tree are deltas, also after a second merge
    assert sum(len(stored[oid.raw].data) for oid in deltas) * 20 < sum(len(tree_at(repo, oid).read_raw()) for oid in deltas)
    fresh = pygit2.Repository(repo.path)  # a reader that opens the catalogue now reads every version exact
    for oid in written:
        assert object_id("tree", fresh.odb.read(oid)[1]) == oid
    git = git_runner(tmp_path / "git-home")
    git("--git-dir", repo.path, "fsck", "--strict")
    assert git("--git-dir", repo.path, "rev-list", "--objects", "--all").count("\n") > 100


def test_a_delta_makes_the_target_from_its_base(tmp_path):
    base = bytes(range(256)) * 40
    target = bytearray(base)
    target[5:25] = b"x" * 20
    target[5000:5003] = b"abc"
    target[-1:] = b"!"
    made = delta(base, bytes(target))
    assert len(made) < 400
    assert apply_delta(base, made) == bytes(target)
    assert apply_delta(base, delta(base, base)) == base
    with pytest.raises(ValueError):
        delta(base, base + b"?")


def test_a_pack_git_made_with_deltas_is_merged_with_the_publishes_packs_and_stays_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(batches, "TIER_FACTOR", 2)
    monkeypatch.setattr(batches, "TIER_BASE", 1 << 30)  # every pack in one tier: git's pack is merged with the next write's
    catalog = make_catalog(tmp_path)
    repo = catalog.repo
    git = git_runner(tmp_path / "git-home")
    for n in range(3):
        publish(
            catalog,
            PackageFiles(
                package_files(version=f"1.{n}.0", files={"README.md": "# Paket\n\n" + "Zeile\n" * 50 * (n + 1)}), folder_name="testpaket"
            ),
        )
    git("--git-dir", repo.path, "repack", "-a", "-d", "-q", "--depth=5", "--window=10")
    packs = list((Path(repo.path) / "objects" / "pack").glob("pack-*.pack"))
    assert len(packs) == 1 and any(
        entry_header(e.data)[0] == 6 for e in pack_entries(packs[0].read_bytes(), packs[0].with_suffix(".idx").read_bytes())
    )
    last = publish(catalog, PackageFiles(package_files(version="1.3.0"), folder_name="testpaket"))  # its pack and git's: merged
    (merged,) = list((Path(repo.path) / "objects" / "pack").glob("pack-*.pack"))
    assert any(entry_header(e.data)[0] == 6 for e in pack_entries(merged.read_bytes(), merged.with_suffix(".idx").read_bytes()))
    git("--git-dir", repo.path, "fsck", "--strict")
    fresh = pygit2.Repository(repo.path)
    assert catalog.versions("stadt-test/testpaket")[0].version == "1.3.0"
    assert blob_at(fresh, commit_at(fresh, last.commit).tree["packages/stadt-test/testpaket/hub.yaml"].id).data


def _open_deleted_packs(folder: Path) -> int:
    """Files of this process that are pack files of ``folder`` deleted since they were opened."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed while listed
            continue
        count += target.startswith(str(folder)) and target.endswith(" (deleted)")
    return count


@pytest.mark.parametrize("check_seconds, bounded", [(0.0, True), (1e9, False)])
def test_a_long_lived_catalogue_does_not_keep_the_merged_away_packs_open(tmp_path, monkeypatch, check_seconds, bounded):
    """Each write adds a pack and merging deletes packs; libgit2 keeps a deleted pack open as long as the handle that
    opened it lives. The catalogue's handle lets go of its pack files once it holds a few deleted ones (here checked at
    every access, and at 4), so the files held open stay few; a handle never checked (the second case, the behaviour
    before) holds one more per write."""
    from hub.store import catalog as catalogs

    monkeypatch.setattr(batches, "TIER_FACTOR", 2)
    monkeypatch.setattr(catalogs, "HANDLE_CHECK_SECONDS", check_seconds)
    monkeypatch.setattr(catalogs, "DELETED_PACKS_HELD", 4)
    catalog = make_catalog(tmp_path)
    folder = catalog.path / "objects" / "pack"
    for n in range(40):
        publish(catalog, PackageFiles(package_files(version=f"1.{n}.0", files={f"n{n}.md": f"# {n}\n"}), folder_name="testpaket"))
        catalog.head()  # a read between writes, as a server's process makes them
    held = _open_deleted_packs(folder)
    if bounded:
        assert held <= 4 + 3  # let go at 4 held, and the merges of one write
    else:
        assert held >= 20
    assert catalog.versions("stadt-test/testpaket")[0].version == "1.39.0"
