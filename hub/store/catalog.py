"""The catalogue: a bare git repository read and written in-process with pygit2.

Layout of the tree on ``main``: ``packages/<publisher>/<slug>/`` holds the latest
version of each package, ``publishers/<id>.yaml`` the organisations. Every
published version is an annotated tag ``<publisher>/<slug>/v<version>`` on the
commit that published it, so any version is one ref lookup away.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import msgspec
import pygit2

from hub.errors import CatalogError, FileNotFound, PackageNotFound, RefNotFound, VersionNotFound
from hub.model import FileChange, FileChangeStatus, FileEntry, HistoryEntry, Manifest, PackageVersion, Publisher, VersionDiff, VersionInfo
from hub.settings import environment
from hub.store import changes
from hub.store.changes import Change
from hub.store.manifests import manifest_of_blob
from hub.store.snapshot import PUBLISHERS, CatalogSnapshot
from hub.store.trees import blob_at, commit_at, subtree, tree_files
from hub.store.version_store import VersionStore, store_path
from hub.store.versions import TAG_PREFIX, VersionTable, iso, parse_trailers
from hub.validate.yamlsafe import load_yaml

BRANCH = "refs/heads/main"
COMMITTER = ("Transferhub", "hub@transferhub.invalid")
# libgit2 keeps every pack file a repository handle has opened open until the handle is freed, also after the file
# was deleted: each write adds a pack and merging packs deletes them (hub.store.batch.consolidate), so a long-lived
# handle held one more open file per write (a growth run stopped at its 20,000 open files, "Too many open files",
# after 20,000 writes) and looked every object up in each of those packs. At most this often, where the pack folder
# changed since the last look, a handle counts the process's open files of deleted packs of this catalogue, and at
# DELETED_PACKS_HELD more than after its last letting go it lets go of its pack files (Repository.free). Not at every
# change: letting go also empties libgit2's object cache, 3 ms in a process that publishes but 0.6 s in one that has
# just read every package of 50,000 (the site's child process).
HANDLE_CHECK_SECONDS = 5.0
DELETED_PACKS_HELD = 64


def default_data_dir() -> Path:
    """``$HUB_DATA``, else ``$XDG_DATA_HOME/transferhub``, else ``~/.local/share/transferhub``."""
    return environment().data_dir


def tag_name(package_id: str, version: str) -> str:
    return f"{package_id}/v{version}"


def package_path(package_id: str) -> str:
    return f"packages/{package_id}"


class Catalog:
    """A catalogue repository. Safe to share between threads: each thread gets its own handle."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.version_store = VersionStore(store_path(self.path))
        self._versions = VersionTable(self.version_store)
        # what the last read of each kind found, by the commit or tree it was read from: health asks for the package
        # count and anyone for the publishers' list per request, and both read a folder per publisher (2,500 at 50,000
        # packages: 16 ms and 120 ms of CPU per request); a commit or tree id names its contents, so a hit is always right
        self._counted: tuple[pygit2.Oid, int] | None = None
        self._publishers_read: tuple[pygit2.Oid, list[Publisher]] | None = None
        # Durable by default: objects and refs reach the disk before a publish returns.
        # HUB_FSYNC=0 trades that for speed (throwaway catalogues, benchmarks of the rest).
        pygit2.settings.enable_fsync_gitdir(environment().fsync)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Catalog:
        catalog = cls(path)
        if not (catalog.path / "HEAD").exists():
            raise CatalogError(f"Unter „{catalog.path}“ liegt kein Katalog-Repository; zuerst „hub init“ ausführen.")
        return catalog

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Catalog:
        path = Path(path)
        if not (path / "HEAD").exists():
            path.mkdir(parents=True, exist_ok=True)
            pygit2.init_repository(str(path), bare=True, initial_head="main")
        return cls(path)

    @property
    def repo(self) -> pygit2.Repository:
        """This thread's handle of the repository (see :data:`HANDLE_CHECK_SECONDS` for when it lets go of its files)."""
        local = self._local
        repo = getattr(local, "repo", None)
        if repo is None:
            try:
                repo = pygit2.Repository(str(self.path))
            except pygit2.GitError as exc:
                raise CatalogError(f"Das Katalog-Repository „{self.path}“ lässt sich nicht öffnen: {exc}") from None
            local.repo, local.packs_changed, local.check_at = repo, self._packs_changed(), time.monotonic() + HANDLE_CHECK_SECONDS
            local.held_after_free = 0
            return repo
        now = time.monotonic()
        if now >= local.check_at:
            local.check_at = now + HANDLE_CHECK_SECONDS
            changed = self._packs_changed()
            if changed != local.packs_changed:
                local.packs_changed = changed
                held = self._deleted_packs_held()
                if held is None or held >= local.held_after_free + DELETED_PACKS_HELD:
                    # libgit2 closes the object database with its pack files and opens it again at the next read
                    # (objects read from it stay valid); a fresh handle instead would keep the old one's files open
                    # until the cyclic garbage collector freed it (a pygit2 handle is part of a reference cycle)
                    repo.free()
                    local.held_after_free = self._deleted_packs_held() or 0  # other threads' handles hold the rest
        return repo

    def _deleted_packs_held(self) -> int | None:
        """How many files this process holds open that are deleted pack files of this catalogue (Linux: /proc; None
        where that cannot be read, and then every change of the pack folder counts as enough)."""
        folder = str(self.path.resolve() / "objects" / "pack") + os.sep
        try:
            fds = os.listdir("/proc/self/fd")
        except OSError:
            return None
        held = 0
        for fd in fds:
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:  # closed while listed
                continue
            held += target.startswith(folder) and target.endswith(" (deleted)")
        return held

    def _packs_changed(self) -> int:
        """When the pack folder last gained or lost a file (its modification time; 0 before it exists)."""
        try:
            return os.stat(self.path / "objects" / "pack").st_mtime_ns
        except OSError:
            return 0

    # -- refs ------------------------------------------------------------------------------

    def head(self) -> pygit2.Commit | None:
        ref = self.repo.references.get(BRANCH)
        return None if ref is None else commit_at(self.repo, ref.target)

    def resolve(self, ref: str | None = None) -> pygit2.Commit | None:
        """A commit by branch, tag, or commit id; None means HEAD of ``main``."""
        if ref is None:
            return self.head()
        try:
            obj = self.repo.revparse_single(ref)
        except (KeyError, ValueError, pygit2.GitError):
            raise RefNotFound(f"Den Stand „{ref}“ gibt es im Katalog nicht.") from None
        return obj.peel(pygit2.Commit)

    def is_empty(self) -> bool:
        return self.head() is None

    # -- reading ---------------------------------------------------------------------------

    def snapshot(self, ref: str | None = None) -> CatalogSnapshot | None:
        """The packages and publishers at ``ref`` (default: HEAD); None for an empty catalogue."""
        commit = self.resolve(ref)
        return None if commit is None else CatalogSnapshot(self.repo, commit)

    def package_ids(self, ref: str | None = None) -> list[str]:
        snapshot = self.snapshot(ref)
        return [] if snapshot is None else snapshot.package_ids()

    def manifests(self, ref: str | None = None, *, only: Iterable[str] | None = None) -> list[Manifest]:
        """The manifest of every package at ``ref`` (default HEAD), or of the packages ``only`` names."""
        commit = self.resolve(ref)
        return [] if commit is None else [self._manifest_at(commit.tree, pid) for pid in (self.package_ids(ref) if only is None else only)]

    def _manifest_at(self, root: pygit2.Tree, package_id: str) -> Manifest:
        try:
            oid = root[f"{package_path(package_id)}/hub.yaml"].id
        except KeyError:
            raise PackageNotFound(f"Das Paket „{package_id}“ gibt es im Katalog nicht.") from None
        return manifest_of_blob(self.repo, oid)

    def _version_commit(self, package_id: str, version: str) -> pygit2.Commit | None:
        ref = self.repo.references.get(TAG_PREFIX + tag_name(package_id, version))
        return None if ref is None else self.repo[ref.target].peel(pygit2.Commit)

    def get(
        self, package_id: str, version: str | None = None, *, ref: str | None = None, manifest: Manifest | None = None
    ) -> PackageVersion:
        """One package: the latest version at ``ref`` (default HEAD), or a given version.

        ``manifest``: the package's manifest at ``ref``, when the caller has decoded it already (the
        search index does, for its documents): decoding YAML is most of the cost of this read.
        """
        if version is None:
            commit = self.resolve(ref)
            if commit is None:
                raise PackageNotFound(f"Das Paket „{package_id}“ gibt es im Katalog nicht (der Katalog ist leer).")
            manifest = manifest or self._manifest_at(commit.tree, package_id)
            published = self._version_commit(package_id, manifest.version) or commit
        else:
            tagged = self._version_commit(package_id, version)
            if tagged is None:
                self._manifest_at(self._head_tree_or_fail(package_id), package_id)
                raise VersionNotFound(f"Das Paket „{package_id}“ hat keine Version „{version}“.")
            published = tagged
            manifest = self._manifest_at(published.tree, package_id)
        package_tree = subtree(self.repo, published.tree, package_path(package_id))
        files = (
            [
                # the size from the object's header: a package's files are not read to list them
                FileEntry(path=path, size=self.repo.odb.read_header(entry.id)[1], oid=str(entry.id))
                for path, entry in sorted(tree_files(self.repo, package_tree).items())
            ]
            if package_tree is not None
            else []
        )
        return PackageVersion(
            manifest=manifest,
            commit=str(published.id),
            published_at=iso(published.author.time, published.author.offset),
            published_by=published.author.name,
            files=files,
        )

    def _head_tree_or_fail(self, package_id: str) -> pygit2.Tree:
        commit = self.head()
        if commit is None:
            raise PackageNotFound(f"Das Paket „{package_id}“ gibt es im Katalog nicht (der Katalog ist leer).")
        return commit.tree

    def read_file(self, package_id: str, path: str, version: str | None = None) -> bytes:
        info_commit = self._version_commit(package_id, version) if version else self.head()
        if info_commit is None:
            self.get(package_id, version)  # raises the right not-found error
            raise VersionNotFound(f"Das Paket „{package_id}“ hat keine Version „{version}“.")
        try:
            entry = info_commit.tree[f"{package_path(package_id)}/{path}"]
        except KeyError:
            self._manifest_at(info_commit.tree, package_id)
            raise FileNotFound(f"Das Paket „{package_id}“ hat keine Datei „{path}“.") from None
        obj = self.repo[entry.id]
        if not isinstance(obj, pygit2.Blob):
            raise FileNotFound(f"Das Paket „{package_id}“ hat keine Datei „{path}“.")
        return obj.data

    def versions(self, package_id: str) -> list[VersionInfo]:
        """Every published version, highest first."""
        found = self._versions.of(self.repo, self.head(), package_id)
        if not found:
            self._manifest_at(self._head_tree_or_fail(package_id), package_id)
        return found

    def all_versions(self, only: str | None = None) -> dict[str, list[VersionInfo]]:
        """Published versions of every package (or of ``only``), highest first.

        From the version table, advanced by the commits since the head last seen: reading one
        package's versions does not grow with the catalogue (hub.store.versions).
        """
        if only is not None:
            return self.versions_of([only])
        return self._versions.at(self.repo, self.head())

    def newest_versions(self, limit: int, publisher: str | None = None) -> list[tuple[str, VersionInfo]] | None:
        """The ``limit`` versions published last (of ``publisher``'s packages), newest first, as (package id, version);
        None when the version store cannot say (a caller then reads :meth:`all_versions`). Costs the same in any catalogue."""
        return self._versions.newest(self.head(), limit, publisher)

    def versions_of(self, package_ids: Iterable[str]) -> dict[str, list[VersionInfo]]:
        """The published versions of each of ``package_ids`` that has any, highest first: one lookup per package, so
        a few packages' versions cost the same in any catalogue (``all_versions()`` copies every package's)."""
        head = self.head()
        found = {package_id: self._versions.of(self.repo, head, package_id) for package_id in package_ids}
        return {package_id: versions for package_id, versions in found.items() if versions}

    def record_versions(self) -> None:
        """Bring the version store beside the repository to HEAD (the writers' catch-up does, under its lock)."""
        head = self.head()
        self._versions.persist(self.repo, head, lambda stop: changes.since(self.repo, head, stop) if head is not None else [])

    def changes(self, head: pygit2.Commit, package_id: str | None = None) -> list[Change]:
        """What the first-parent commits up to ``head`` changed in ``package_id``'s folder and records (or in every
        package's), newest first: from the version store and the few commits since its commit (hub.store.changes)."""
        return changes.at(self.repo, head, self.version_store.changes(package_id), package_id)

    def history(self, package_id: str) -> list[HistoryEntry]:
        """Every commit on ``main`` that changed the package, newest first."""
        head = self.head()
        if head is None:
            raise PackageNotFound(f"Das Paket „{package_id}“ gibt es im Katalog nicht (der Katalog ist leer).")
        entries = []
        for change in self.changes(head, package_id):
            if change.kind == "package":
                commit = self.repo[change.commit].peel(pygit2.Commit)
                trailers = parse_trailers(commit.message)
                entries.append(
                    HistoryEntry(
                        commit=str(commit.id),
                        time=iso(commit.author.time, commit.author.offset),
                        author=commit.author.name,
                        email=commit.author.email,
                        summary=commit.message.split("\n", 1)[0],
                        version=trailers.get("Hub-Version") if trailers.get("Hub-Package") == package_id else None,
                    )
                )
        if not entries:
            raise PackageNotFound(f"Das Paket „{package_id}“ gibt es im Katalog nicht.")
        return entries

    def diff(self, package_id: str, old: str, new: str) -> VersionDiff:
        """What changed in the package's files between two published versions."""
        trees = []
        for version in (old, new):
            commit = self._version_commit(package_id, version)
            if commit is None:
                self._manifest_at(self._head_tree_or_fail(package_id), package_id)
                raise VersionNotFound(f"Das Paket „{package_id}“ hat keine Version „{version}“.")
            trees.append(subtree(self.repo, commit.tree, package_path(package_id)))
        # pygit2's stubs leave out the trees repo.diff takes (and documents)
        diff = self.repo.diff(trees[0], trees[1], context_lines=3)  # type: ignore[arg-type]
        diff.find_similar()
        statuses: dict[str, FileChangeStatus] = {"A": "added", "D": "removed", "M": "modified", "R": "renamed"}
        files = []
        for patch in diff:
            if patch is None:  # libgit2 makes no patch for an unchanged file, which a diff of two trees does not list
                continue
            delta = patch.delta
            _, additions, deletions = patch.line_stats
            status = statuses.get(delta.status_char(), "modified")
            files.append(
                FileChange(
                    path=delta.new_file.path if status != "removed" else delta.old_file.path,
                    status=status,
                    additions=additions,
                    deletions=deletions,
                    old_path=delta.old_file.path if status == "renamed" else None,
                )
            )
        return VersionDiff(id=package_id, from_version=old, to_version=new, files=files, patch=diff.patch or "")

    def package_count(self, commit: pygit2.Commit) -> int:
        """How many packages ``commit`` holds (read from the publishers' folders, remembered for the last commit asked)."""
        known = self._counted
        if known is not None and known[0] == commit.id:
            return known[1]
        count = CatalogSnapshot(self.repo, commit).package_count()
        self._counted = (commit.id, count)
        return count

    def publishers(self, ref: str | None = None) -> list[Publisher]:
        """Every publisher's record at ``ref`` (default HEAD), in the folder's order (remembered for the last folder read)."""
        commit = self.resolve(ref)
        entry = commit.tree[PUBLISHERS] if commit is not None and PUBLISHERS in commit.tree else None
        if commit is None or entry is None:
            return []
        known = self._publishers_read
        if known is not None and known[0] == entry.id:
            return list(known[1])
        snapshot = CatalogSnapshot(self.repo, commit)
        found = [msgspec.convert(load_yaml(blob_at(self.repo, oid).data).data, Publisher) for oid in snapshot.publishers.values()]
        self._publishers_read = (entry.id, found)
        return list(found)

    def publisher(self, publisher_id: str) -> Publisher | None:
        commit = self.head()
        if commit is None:
            return None
        try:
            blob = blob_at(self.repo, commit.tree[f"publishers/{publisher_id}.yaml"].id)
        except KeyError:
            return None
        return msgspec.convert(load_yaml(blob.data).data, Publisher)
