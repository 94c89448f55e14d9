"""Per-package git exports, checked with git's own command line over a path and over dumb HTTP."""

from __future__ import annotations

import functools
import shutil
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pygit2
import pytest

from hub.adopt.transport import parse_pack_index
from hub.errors import CatalogError, PackageNotFound
from hub.store import Catalog, packfile, publish
from hub.store.catalog import package_path
from hub.store.export import export_all, export_dir, export_package, plan_export
from hub.store.trees import subtree
from hub.validate import PackageFiles
from tests.factory import README, make_catalog, package_files
from tests.gitcli import git_runner
from tests.gitdelta import apply_delta

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command line")

PID = "stadt-test/testpaket"
VERSIONS = [
    {"package_id": PID, "version": "1.0.0"},
    {"package_id": PID, "version": "1.1.0", "files": {"README.md": README + "\nNeu in 1.1.\n", "CHANGELOG.md": "# 1.1.0\n"}},
    {"package_id": PID, "version": "2.0.0", "files": {"konfiguration/termine.yaml": "dauer_minuten: 30\n", "CHANGELOG.md": "# 2.0.0\n"}},
]


# -- helpers ------------------------------------------------------------------------------


@pytest.fixture
def git(tmp_path):
    """Run git quietly, non-interactively and without the user's configuration."""
    return git_runner(tmp_path / "git-home")


@pytest.fixture
def http_root(tmp_path):
    """A plain static file server (no git on the server side) over ``<tmp>/www``; yields (root, base url)."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def version_files(catalog: Catalog, version: str) -> dict[str, bytes]:
    return {f.path: catalog.read_file(PID, f.path, version) for f in catalog.get(PID, version).files}


def work_tree_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def listed_packs(target: Path) -> list[str]:
    return [line[2:] for line in (target / "objects" / "info" / "packs").read_text().splitlines() if line.startswith("P ")]


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file's inode and modification time: a rewritten file (even with the same bytes) changes one of them."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def publish_version(catalog: Catalog, version: str, files: dict[str, str]) -> None:
    contents = package_files(PID, version, files=files)
    publish(catalog, PackageFiles(contents, folder_name=PID.split("/")[1]))


def check_clone(git, clone: Path, catalog: Catalog) -> None:
    assert work_tree_files(clone) == version_files(catalog, "2.0.0")
    log = git("log", "--format=%an|%ae|%s", cwd=clone).splitlines()
    publisher = catalog.get(PID).manifest.publisher.name
    assert len(log) == 3
    assert all(line.startswith(f"{publisher}|digital@test.example|") for line in log)
    assert [line.rsplit("|", 1)[1] for line in log] == [f"{PID} {v} veröffentlicht" for v in ("2.0.0", "1.1.0", "1.0.0")]
    assert git("tag", "--list", cwd=clone).split() == ["v1.0.0", "v1.1.0", "v2.0.0"]
    assert git("rev-parse", "--abbrev-ref", "HEAD", cwd=clone).strip() == "main"
    git("checkout", "-q", "v1.0.0", cwd=clone)
    assert work_tree_files(clone) == version_files(catalog, "1.0.0")
    git("checkout", "-q", "v1.1.0", cwd=clone)
    assert work_tree_files(clone) == version_files(catalog, "1.1.0")
    git("checkout", "-q", "main", cwd=clone)


@pytest.fixture
def catalog(tmp_path) -> Catalog:
    return make_catalog(tmp_path, VERSIONS)


# -- the export and its clones ------------------------------------------------------------


def test_export_is_a_bare_repository_with_one_commit_per_version(tmp_path, catalog, git):
    target = tmp_path / "git" / "stadt-test" / "testpaket.git"
    result = export_package(catalog, PID, target)
    assert result.versions == result.added == ("1.0.0", "1.1.0", "2.0.0") and not result.skipped

    repo = pygit2.Repository(str(target))
    assert repo.is_bare and (target / "HEAD").read_text() == "ref: refs/heads/main\n"
    head = repo[repo.references["refs/heads/main"].target]
    assert str(head.id) == result.head
    chain = []
    commit = head
    while True:
        chain.append(commit)
        if not commit.parents:
            break
        (commit,) = commit.parents
    chain.reverse()
    for version, exported in zip(result.versions, chain, strict=True):
        source = catalog.repo.get(catalog.get(PID, version).commit)
        # the package folder sits at the root, as the very same tree object as in the catalogue
        assert exported.tree_id == subtree(catalog.repo, source.tree, package_path(PID)).id
        assert exported.author == source.author and exported.committer == source.committer
        assert exported.message == source.message  # Hub-* trailers kept: which version a commit is
        tag = repo[repo.references[f"refs/tags/v{version}"].target]
        assert isinstance(tag, pygit2.Tag) and tag.peel(pygit2.Commit).id == exported.id
        assert tag.message == source.message and tag.tagger == source.author

    # one pack with its index for all versions, no loose objects, no template leftovers
    packs = listed_packs(target)
    assert packs == [result.pack]
    assert not [p for p in (target / "objects").iterdir() if p.name not in ("pack", "info")]
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == sorted(
        ["HEAD", "config", "packed-refs", "info/refs", "objects/info/packs"]
        + [f"objects/pack/{pack}" for pack in packs]
        + [f"objects/pack/{pack.replace('.pack', '.idx')}" for pack in packs]
    )
    git("--git-dir", str(target), "fsck", "--strict", "--no-dangling")


def test_dumb_protocol_files_match_git_update_server_info(tmp_path, catalog, git):
    target = tmp_path / "export.git"
    export_package(catalog, PID, target)
    copy = tmp_path / "copy.git"
    shutil.copytree(target, copy)
    (copy / "info" / "refs").unlink()
    (copy / "objects" / "info" / "packs").unlink()
    git("--git-dir", str(copy), "update-server-info")
    assert (copy / "info" / "refs").read_bytes() == (target / "info" / "refs").read_bytes()
    # git orders packs of the same second as the folder lists them: the same lines, in any order
    assert sorted((copy / "objects" / "info" / "packs").read_text().splitlines()) == sorted(
        (target / "objects" / "info" / "packs").read_text().splitlines()
    )


def test_clone_from_the_bare_folder(tmp_path, catalog, git):
    target = export_dir(tmp_path / "git", PID)
    export_package(catalog, PID, target)
    git("clone", "-q", str(target), str(tmp_path / "clone"))
    check_clone(git, tmp_path / "clone", catalog)


def test_clone_over_plain_http(tmp_path, catalog, git, http_root):
    root, base = http_root
    export_all(catalog, root / "git")
    git("clone", "-q", f"{base}/git/{PID}.git", str(tmp_path / "clone"))
    check_clone(git, tmp_path / "clone", catalog)
    git("fsck", "--strict", cwd=tmp_path / "clone")


# -- determinism, increments, skipping ----------------------------------------------------


def test_export_is_deterministic(tmp_path, catalog):
    first = export_package(catalog, PID, tmp_path / "a.git")
    second = export_package(catalog, PID, tmp_path / "b.git")
    copied = Catalog.open(shutil.copytree(catalog.path, tmp_path / "copy" / "catalog.git"))
    third = export_package(copied, PID, tmp_path / "c.git")
    assert first.head == second.head == third.head
    # not just the ids: every byte of the folder, pack included
    assert folder_bytes(tmp_path / "a.git") == folder_bytes(tmp_path / "b.git") == folder_bytes(tmp_path / "c.git")


def test_catalogues_built_separately_with_the_same_dates_export_the_same_ids(tmp_path):
    heads = []
    for name in ("one", "two"):
        catalog = Catalog.create(tmp_path / name / "catalog.git")
        for day, spec in enumerate(VERSIONS, start=1):
            files = package_files(**spec)
            publish(catalog, PackageFiles(files, folder_name="testpaket"), when=datetime(2024, 3, day, 9, 30, tzinfo=UTC))
        heads.append(export_package(catalog, PID, tmp_path / name / "export.git").head)
    assert heads[0] == heads[1]
    # an unrelated package in the catalogue does not change this package's export
    publish(catalog, PackageFiles(package_files("stadt-test/anderes"), folder_name="anderes"))
    assert plan_export(catalog, PID)[-1].commit == heads[0]


def test_new_version_appends_one_commit_and_a_fetch_over_http_gets_it(tmp_path, catalog, git, http_root):
    root, base = http_root
    target = export_dir(root / "git", PID)
    before = export_package(catalog, PID, target)
    old_refs = (target / "info" / "refs").read_text()
    clone = tmp_path / "clone"
    git("clone", "-q", f"{base}/git/{PID}.git", str(clone))

    publish_version(catalog, "2.1.0", {"konfiguration/termine.yaml": "dauer_minuten: 45\n"})
    after = export_package(catalog, PID, target)
    assert after.added == ("2.1.0",) and after.versions == (*before.versions, "2.1.0")
    refs = (target / "info" / "refs").read_text()
    assert set(old_refs.splitlines()) - set(refs.splitlines()) == {f"{before.head}\trefs/heads/main"}  # only main moved
    assert str(pygit2.Repository(str(target))[after.head].parents[0].id) == before.head
    assert [p.name for p in (target / "objects" / "pack").glob("*.pack")] == [after.pack]  # still one pack
    git("--git-dir", str(target), "fsck", "--strict", "--no-dangling")

    git("fetch", "-q", "--tags", "origin", cwd=clone)
    assert git("rev-list", "--format=%H", "--no-commit-header", "main..origin/main", cwd=clone).split() == [after.head]
    git("pull", "-q", "--ff-only", cwd=clone)
    assert git("rev-list", "--count", "HEAD", cwd=clone).strip() == "4"
    assert git("tag", "--list", cwd=clone).split() == ["v1.0.0", "v1.1.0", "v2.0.0", "v2.1.0"]
    assert work_tree_files(clone) == version_files(catalog, "2.1.0")


def test_incremental_and_fresh_exports_are_identical(tmp_path, catalog):
    export_package(catalog, PID, tmp_path / "incremental.git")
    publish_version(catalog, "2.1.0", {"README.md": README + "\nNeu in 2.1.\n"})
    readme = catalog.repo[catalog.head().tree[f"{package_path(PID)}/README.md"].id]
    assert packfile.recent_entry(readme.id.raw) is not None  # the publish's compressed entry: the export takes it as it is
    export_package(catalog, PID, tmp_path / "incremental.git")
    export_package(catalog, PID, tmp_path / "fresh.git")
    assert folder_bytes(tmp_path / "incremental.git") == folder_bytes(tmp_path / "fresh.git")
    packfile._recent.clear()  # a process that did not publish compresses every object itself: the same bytes
    export_package(catalog, PID, tmp_path / "cold.git")
    assert folder_bytes(tmp_path / "cold.git") == folder_bytes(tmp_path / "fresh.git")


def pack_of(target: Path) -> tuple[bytes, set[str]]:
    """The export's one pack and the ids its index lists."""
    (pack,) = listed_packs(target)
    folder = target / "objects" / "pack"
    return (folder / pack).read_bytes(), parse_pack_index((folder / pack.replace(".pack", ".idx")).read_bytes())


def test_a_new_version_appends_to_the_one_pack_and_stores_a_changed_file_as_a_delta(tmp_path, catalog, git):
    """Exporting version N appends its entries to the package's one pack: the older versions' entries stay byte for byte
    where they were, and a file changed by a line costs about the line (a delta against its version before), not the file."""
    target = tmp_path / "export.git"
    export_package(catalog, PID, target)
    readme = README
    growth = []
    for minor in range(1, 13):  # past the longest delta chain
        before, old_ids = pack_of(target)
        readme += f"\nNeu in 2.{minor}: ein Absatz mehr.\n"
        publish_version(catalog, f"2.{minor}.0", {"README.md": readme, "CHANGELOG.md": f"# 2.{minor}.0\n"})
        result = export_package(catalog, PID, target)
        assert result.added == (f"2.{minor}.0",)
        after, ids = pack_of(target)
        assert after[12:-20].startswith(before[12:-20])  # the old entries as they were, at the same offsets
        growth.append(len(after) - len(before))
        assert {p.name for p in (target / "objects" / "pack").iterdir()} == {result.pack, result.pack.replace(".pack", ".idx")}
        # the new entries are this version's tag and commit and the objects (per git ls-tree) its tree does not share
        # with the version before, less those an older version brought (the factory's files that 2.0.0 changed come back)
        new_objects = set(git("--git-dir", str(target), "ls-tree", "-r", "-t", "--format=%(objectname)", "main").split())
        old_objects = set(git("--git-dir", str(target), "ls-tree", "-r", "-t", "--format=%(objectname)", "main~1").split())
        tree = git("--git-dir", str(target), "rev-parse", "main^{tree}").strip()
        tag = git("--git-dir", str(target), "rev-parse", f"v2.{minor}.0").strip()
        assert ids - old_ids == {tag, result.head, tree} | (new_objects - old_objects - old_ids) and old_ids <= ids
    # tag, commit, two trees and two files, each a delta (the README whole is ~1.9 kB), but where a chain starts anew
    assert sorted(growth)[len(growth) // 2] < 700 and max(growth) < 1600, growth
    git("--git-dir", str(target), "fsck", "--strict", "--no-dangling")
    chains = git("--git-dir", str(target), "verify-pack", "-v", str(target / "objects" / "pack" / result.pack))
    depths = [int(line.split()[5]) for line in chains.splitlines() if len(line.split()) == 7 and len(line.split()[0]) == 40]
    assert depths and max(depths) <= 10  # a reader applies at most ten deltas
    export_package(catalog, PID, tmp_path / "fresh.git")
    assert folder_bytes(tmp_path / "fresh.git") == folder_bytes(target)
    clone = tmp_path / "clone"
    git("clone", "-q", str(target), str(clone))
    assert (clone / "README.md").read_text() == readme


def test_a_delta_rebuilds_the_target_exactly():
    from hub.store.export import make_delta

    text = b"".join(f"Zeile {i}: etwas Text zum Kopieren\n".encode() for i in range(5000))
    cases = [
        (b"", b"neu\n"),
        (text, text + b"angeh\xc3\xa4ngt\n"),
        (text, b"vorne\n" + text),
        (text, text.replace(b"Zeile 2500:", b"Zeile zweitausendfuenfhundert:")),
        (text, b"\n".join(reversed(text.split(b"\n")))),
        (bytes(range(256)) * 300, bytes(range(255, -1, -1)) * 300),
        (text, b""),
    ]
    for source, target in cases:
        delta = make_delta(source, target)
        assert apply_delta(source, delta) == target
    assert len(make_delta(text, text + b"x\n")) < 20


def test_an_export_of_the_pack_per_version_layout_stays_until_the_next_version_packs_it_as_one(tmp_path, catalog, git):
    target = tmp_path / "export.git"
    export_package(catalog, PID, target)
    (pack,) = listed_packs(target)
    folder = target / "objects" / "pack"
    others = [f"pack-{str(n) * 40}.pack" for n in (1, 2)]  # three packs listed for three versions, as before one pack per version
    for other in others:
        for suffix in (".pack", ".idx"):
            shutil.copy(folder / pack.replace(".pack", suffix), folder / other.replace(".pack", suffix))
    (target / "objects" / "info" / "packs").write_text("".join(f"P {name}\n" for name in [pack, *others]) + "\n")
    assert export_package(catalog, PID, target).skipped  # complete as it is: a first start does not write it again

    (target / "objects" / "info" / "packs").write_text(f"P {pack}\nP {others[0]}\n\n")  # two packs for three versions: damaged
    assert not export_package(catalog, PID, target).skipped
    assert folder_bytes(target) == folder_bytes(Path(export_package(catalog, PID, tmp_path / "fresh.git").path))

    (target / "objects" / "info" / "packs").write_text("".join(f"P {name}\n" for name in [pack, *others]) + "\n")
    for other in others:
        for suffix in (".pack", ".idx"):
            shutil.copy(folder / pack.replace(".pack", suffix), folder / other.replace(".pack", suffix))
    publish_version(catalog, "2.1.0", {"CHANGELOG.md": "# 2.1.0\n"})
    result = export_package(catalog, PID, target)
    assert result.added == ("2.1.0",) and listed_packs(target) == [result.pack]
    assert folder_bytes(target) == folder_bytes(Path(export_package(catalog, PID, tmp_path / "fresh-2.git").path))
    git("--git-dir", str(target), "fsck", "--strict", "--no-dangling")


def test_unchanged_packages_are_skipped(tmp_path, catalog):
    publish(catalog, PackageFiles(package_files("stadt-muster/anderes"), folder_name="anderes"))
    root = tmp_path / "git"
    first = export_all(catalog, root)
    assert [(r.id, r.skipped) for r in first] == [("stadt-muster/anderes", False), (PID, False)]
    assert (root / "stadt-muster" / "anderes.git" / "info" / "refs").is_file()
    stamps = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}

    again = export_all(catalog, root)
    assert all(r.skipped and r.added == () for r in again)
    assert [r.head for r in again] == [r.head for r in first]
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()} == stamps  # not a byte touched

    publish_version(catalog, "2.1.0", {"CHANGELOG.md": "# 2.1.0\n"})
    third = export_all(catalog, root)
    assert [(r.id, r.skipped, r.added) for r in third] == [("stadt-muster/anderes", True, ()), (PID, False, ("2.1.0",))]


def test_a_damaged_export_is_repaired(tmp_path, catalog, git):
    target = tmp_path / "export.git"
    good = export_package(catalog, PID, target)
    (target / "info" / "refs").write_text("kaputt\n")
    repaired = export_package(catalog, PID, target)
    assert not repaired.skipped and repaired.added == () and repaired.head == good.head
    assert export_package(catalog, PID, target).skipped
    git("--git-dir", str(target), "fsck", "--strict", "--no-dangling")


def test_concurrent_exports_into_one_folder_agree(tmp_path, catalog, git):
    target = tmp_path / "export.git"
    export_package(catalog, PID, target)
    publish_version(catalog, "2.1.0", {"CHANGELOG.md": "# 2.1.0\n"})
    results: list = []
    threads = [threading.Thread(target=lambda: results.append(export_package(catalog, PID, target))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 6 and len({r.head for r in results}) == 1
    assert sum(r.added == ("2.1.0",) for r in results) == 1  # written once; the others found it current
    assert len(list((target / "objects" / "pack").glob("*.pack"))) == 1
    git("--git-dir", str(target), "fsck", "--strict", "--no-dangling")


# -- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("package_id", ["stadt-test/gibt-es-nicht", "niemand/testpaket", "../../etc", "", "stadt-test"])
def test_unknown_package_raises_package_not_found(tmp_path, catalog, package_id):
    with pytest.raises(PackageNotFound) as caught:
        export_package(catalog, package_id, tmp_path / "x.git")
    assert "Paket" in caught.value.detail and "gibt es" in caught.value.detail
    assert not (tmp_path / "x.git").exists()


def test_refuses_to_write_into_a_foreign_folder(tmp_path, catalog):
    target = tmp_path / "not-a-repo"
    target.mkdir()
    (target / "wichtig.txt").write_text("bleibt")
    with pytest.raises(CatalogError, match="kein leerer Ordner"):
        export_package(catalog, PID, target)
    assert [p.name for p in target.iterdir()] == ["wichtig.txt"]


def test_empty_catalogue_exports_nothing(tmp_path):
    catalog = Catalog.create(tmp_path / "empty.git")
    assert export_all(catalog, tmp_path / "git") == []
    with pytest.raises(PackageNotFound):
        export_package(catalog, PID, tmp_path / "x.git")


def test_each_version_s_folder_is_read_from_the_version_store_not_from_the_catalogue_s_trees(tmp_path, catalog, monkeypatch):
    # finding a folder through a commit's trees parses its `packages` tree, which lists every publisher: once a
    # version at every publish, and from the disk for the older ones; the version store records each folder's tree
    from hub.store import export

    looked_up: list[str] = []

    def counted(repo, root, path):
        looked_up.append(path)
        return subtree(repo, root, path)

    monkeypatch.setattr(export, "subtree", counted)
    walked = plan_export(catalog, PID)  # no store yet: every version's folder through its commit's trees
    assert len(looked_up) == 3
    catalog.record_versions()
    looked_up.clear()
    recorded = plan_export(Catalog.open(catalog.path), PID)
    assert looked_up == []
    assert recorded == walked
    publish_version(catalog, "2.1.0", {"CHANGELOG.md": "# 2.1.0\n"})  # past the store's commit: its own trees
    newer = plan_export(Catalog.open(catalog.path), PID)
    assert looked_up == [package_path(PID)]
    assert newer[:3] == walked
    assert newer[3].tree == catalog.head().tree[package_path(PID)].id


def test_a_version_store_of_another_catalogue_does_not_change_an_export(tmp_path, catalog):
    # its rows name commits this catalogue does not have: every folder is found in the commits' own trees
    other = make_catalog(tmp_path / "other", [{"package_id": PID, "version": "1.0.0", "files": {"CHANGELOG.md": "# anders\n"}}])
    other.record_versions()
    expected = plan_export(catalog, PID)
    shutil.copy(other.version_store.path, catalog.version_store.path)
    assert Catalog.open(catalog.path).version_store.folder_trees(PID)
    assert plan_export(Catalog.open(catalog.path), PID) == expected
