"""Per-package git exports: every package as a small bare repository that any static host can serve.

``export_package`` writes ``<publisher>/<slug>.git``: one commit per published version
(oldest first) whose tree is the package folder at that version, ``main`` at the latest
version, an annotated tag ``v<version>`` per version, and the files git's "dumb" HTTP
protocol reads (``HEAD``, ``info/refs``, ``objects/info/packs``, one pack per version with its index).

Every exported object is built byte for byte from the catalogue (:func:`plan_export`):

* the tree is the catalogue's own tree object of ``packages/<publisher>/<slug>`` at the
  version's tag (git trees are content-addressed, so it is reused, not rebuilt);
* the commit has that tree, the previous version's exported commit as parent, and the
  author, committer (with their dates) and message of the catalogue commit that published
  the version; the message keeps its ``Hub-*`` trailers, so a clone knows which package
  version each commit is even where the tags were not fetched or are renamed in an
  adopter's repository;
* the tag ``v<version>`` points at that commit, tagger = the publishing author, with the
  same message.

Nothing else (no clock, no catalogue commit id, no other package) goes into the bytes, so
the same catalogue always gives the same ids, and a new version only appends: the old
commits are recomputed to the very same ids, found present and left alone. Because the
expected ``info/refs`` follows from the plan alone, "already current" is one small file
comparison (:func:`is_current`), and an unchanged package is not touched at all.

One pack per version, holding that version's tag and commit and the trees and blobs its
package folder does not share with the previous version's: publishing version N writes one
new pack and rewrites the few small ref files, never the packs of versions below N; a
``git fetch`` over dumb HTTP downloads just that pack. A fresh export builds the same packs
from the same plan, so it is byte for byte what the incremental one is.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pygit2
from pygit2.enums import ObjectType

from hub.errors import CatalogError, PackageNotFound
from hub.model import PACKAGE_ID, VersionInfo
from hub.store.catalog import TAG_PREFIX, Catalog, package_path, tag_name
from hub.store.packfile import PackEntry, index_ids, pack_entry, recent_entry, write_entries
from hub.store.trees import subtree, tree_at

try:  # an export is serialised per target folder where the platform allows it
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

EXPORT_BRANCH = "refs/heads/main"
EXPORT_HEAD = b"ref: refs/heads/main\n"
_PACKAGE_ID = re.compile(PACKAGE_ID)
_LOOSE_DIR = re.compile(r"^[0-9a-f]{2}$")


@dataclass(frozen=True)
class ExportedVersion:
    """One version as it appears in the export: its commit and tag, with their raw bytes."""

    version: str
    source_commit: str  # the catalogue commit that published the version
    tree: pygit2.Oid  # the package folder's tree (shared with the catalogue)
    commit: str
    commit_raw: bytes
    tag: str
    tag_raw: bytes


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_package` did for one package."""

    id: str
    path: Path
    head: str  # the exported commit of the latest version (``main``)
    versions: tuple[str, ...]  # every exported version, oldest first
    added: tuple[str, ...]  # versions whose commit was newly written in this run
    skipped: bool  # the export was already current; nothing was written
    pack: str | None  # file name of the newest version's pack below objects/pack/


def export_dir(root_dir: str | os.PathLike[str], package_id: str) -> Path:
    """Where ``export_all`` puts a package: ``<root>/<publisher>/<slug>.git``."""
    publisher, slug = _check_id(package_id).split("/")
    return Path(root_dir) / publisher / f"{slug}.git"


def export_all(catalog: Catalog, root_dir: str | os.PathLike[str], *, force: bool = False, stage: object = None) -> list[ExportResult]:
    """Export every package of the catalogue below ``root_dir``; current exports are skipped."""
    versions = catalog.all_versions()  # one pass over the tags, not one per package
    return [
        export_package(catalog, pid, export_dir(root_dir, pid), force=force, versions=versions.get(pid)) for pid in catalog.package_ids()
    ]


def export_package(
    catalog: Catalog,
    package_id: str,
    target_dir: str | os.PathLike[str],
    *,
    force: bool = False,
    versions: list[VersionInfo] | None = None,
    stage: object = None,
) -> ExportResult:
    """Write or update the bare repository at ``target_dir`` with the package's version history.

    Only the versions whose pack is missing are packed (normally: the new one). Raises
    :class:`PackageNotFound` for a package the catalogue does not have. With ``force`` the
    repository is rewritten (same bytes) even if it looks current. ``stage`` is no longer
    needed (see :func:`staging`).
    """
    plan = plan_export(catalog, package_id, versions)
    target = Path(target_dir)
    done = tuple(v.version for v in plan)
    if not force and is_current(target, plan):
        return ExportResult(package_id, target, plan[-1].commit, done, (), True, _newest_pack(target))
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        if not force and is_current(target, plan):  # another exporter finished it while we waited
            return ExportResult(package_id, target, plan[-1].commit, done, (), True, _newest_pack(target))
        before = _exported_commits(target, plan)
        packs = [] if force else _packs_in_place(target, plan)  # oldest version first
        for index in range(len(packs), len(plan)):
            packs.append(_pack(catalog.repo, target, plan[index], plan[index - 1] if index else None))
        _write_layout(target, plan)
        _write_file(target / "objects" / "info" / "packs", packs_file(packs))
        _write_file(target / "info" / "refs", expected_info_refs(plan))
        _remove_stale(target, keep=set(packs))
    added = tuple(v.version for v in plan if v.commit not in before)
    return ExportResult(package_id, target, plan[-1].commit, done, added, False, packs[-1])


@contextlib.contextmanager
def staging(catalog: Catalog) -> Iterator[None]:
    """Formerly a scratch repository for libgit2's pack builder; packs are now written directly (``hub.store.packfile``).

    Kept so that callers that open one around many exports keep working; it holds nothing.
    """
    yield None


# -- the plan: every exported object computed from the catalogue, nothing written ----------


def plan_export(catalog: Catalog, package_id: str, versions: list[VersionInfo] | None = None) -> list[ExportedVersion]:
    """The export's commits and tags for every published version, oldest first (``versions``: already listed)."""
    _check_id(package_id)
    repo = catalog.repo
    infos = versions or catalog.versions(package_id)  # highest first; raises PackageNotFound
    if not infos:
        raise CatalogError(f"Das Paket „{package_id}“ hat keine Versions-Tags im Katalog; „hub init“ stellt fehlende Tags wieder her.")
    plan: list[ExportedVersion] = []
    parent: str | None = None
    for info in reversed(infos):  # publishing only ever raises the version: semver order is history order
        ref = repo.references.get(TAG_PREFIX + tag_name(package_id, info.version))
        if ref is None:  # pragma: no cover - versions() just listed it
            raise CatalogError(f"Der Tag von {package_id} {info.version} ist verschwunden.")
        source = repo[ref.target].peel(pygit2.Commit)
        tree = subtree(repo, source.tree, package_path(package_id))
        if tree is None:
            raise CatalogError(f"Im Katalog fehlt der Ordner von {package_id} {info.version} (Commit {source.id}).")
        message = source.raw_message
        headers = [b"tree " + str(tree.id).encode()]
        if parent is not None:
            headers.append(b"parent " + parent.encode())
        headers.append(b"author " + _signature(source.author))
        headers.append(b"committer " + _signature(source.committer))
        if source.message_encoding:
            headers.append(b"encoding " + source.message_encoding.encode())
        commit_raw = b"\n".join(headers) + b"\n\n" + message
        commit = _object_id("commit", commit_raw)
        tag_raw = (
            b"object "
            + commit.encode()
            + b"\ntype commit\ntag v"
            + info.version.encode()
            + b"\ntagger "
            + _signature(source.author)
            + b"\n\n"
            + message
        )
        plan.append(ExportedVersion(info.version, str(source.id), tree.id, commit, commit_raw, _object_id("tag", tag_raw), tag_raw))
        parent = commit
    return plan


def expected_info_refs(plan: list[ExportedVersion]) -> bytes:
    """``info/refs`` as ``git update-server-info`` writes it: sorted refs, tags followed by their peeled line."""
    lines = [(EXPORT_BRANCH, plan[-1].commit)]
    for v in plan:
        lines.append((f"refs/tags/v{v.version}", v.tag))
        lines.append((f"refs/tags/v{v.version}^{{}}", v.commit))
    lines.sort(key=lambda line: line[0].encode())
    return "".join(f"{oid}\t{name}\n" for name, oid in lines).encode()


def packs_file(packs: list[str]) -> bytes:
    """``objects/info/packs``: newest version's pack first, as ``git update-server-info`` lists the newest first."""
    return "".join(f"P {pack}\n" for pack in reversed(packs)).encode() + b"\n"


def is_current(target_dir: str | os.PathLike[str], plan: list[ExportedVersion]) -> bool:
    """True if ``target_dir`` already holds exactly this plan (read: a few small files, no repository opened)."""
    target = Path(target_dir)
    try:
        if (target / "HEAD").read_bytes() != EXPORT_HEAD:
            return False
        if (target / "info" / "refs").read_bytes() != expected_info_refs(plan):
            return False
    except OSError:
        return False
    packs = _listed_packs(target)
    return len(packs) == len(plan) and all((target / "objects" / "pack" / pack).is_file() for pack in packs)


def _packs_in_place(target: Path, plan: list[ExportedVersion]) -> list[str]:
    """The packs of the plan's oldest versions that the export already holds, oldest first.

    They are trusted when the export's ``info/refs`` is exactly the one of those versions (it was
    written last, after their packs) and each listed pack is there with its index; anything else
    (a damaged export, the single pack of an older layout) is packed again from the start.
    """
    packs = list(reversed(_listed_packs(target)))
    if not packs or len(packs) >= len(plan):
        return []
    try:
        if (target / "info" / "refs").read_bytes() != expected_info_refs(plan[: len(packs)]):
            return []
    except OSError:
        return []
    folder = target / "objects" / "pack"
    if not all((folder / pack).is_file() and (folder / pack.replace(".pack", ".idx")).is_file() for pack in packs):
        return []
    return packs


def _check_id(package_id: str) -> str:
    if not isinstance(package_id, str) or not _PACKAGE_ID.match(package_id):
        raise PackageNotFound(f"„{package_id}“ ist keine gültige Paketkennung (<herausgeber>/<kurzname>); so ein Paket gibt es nicht.")
    return package_id


def _signature(sig: pygit2.Signature) -> bytes:
    sign = "-" if sig.offset < 0 else "+"
    hours, minutes = divmod(abs(sig.offset), 60)
    return sig.raw_name + b" <" + sig.raw_email + b"> " + f"{sig.time} {sign}{hours:02d}{minutes:02d}".encode()


def _object_id(kind: str, raw: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(raw)}\0".encode() + raw).hexdigest()


# -- writing ------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Serialise exports into one folder (flock on the folder itself: no extra file for the host to serve)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(target, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _exported_commits(target: Path, plan: list[ExportedVersion]) -> set[str]:
    """Which of the plan's commits an existing export already holds, to tell which versions are new.

    Read from the packs' indexes (and loose files of an older layout), without opening the folder as a
    repository: libgit2 sets up a repository's backends for that, which cost more than the rest of the check.
    """
    if not (target / "HEAD").exists():
        if target.is_dir() and any(target.iterdir()):
            raise CatalogError(f"„{target}“ ist kein leerer Ordner und kein Git-Repository; der Export schreibt dort nicht hinein.")
        return set()
    held: set[str] = set()
    for index in (target / "objects" / "pack").glob("pack-*.idx"):
        try:
            held.update(oid.hex() for oid in index_ids(index.read_bytes()))
        except (OSError, ValueError):  # an unreadable index: its versions are packed again
            continue
    return {v.commit for v in plan if v.commit in held or (target / "objects" / v.commit[:2] / v.commit[2:]).is_file()}


def version_objects(repo: pygit2.Repository, tree: pygit2.Oid, previous: pygit2.Oid | None) -> list[pygit2.Oid]:
    """The trees and blobs of ``tree`` that ``previous`` (the prior version's tree) does not hold, in walk order."""
    shared: set[pygit2.Oid] = set()
    if previous is not None:
        _walk(repo, previous, shared, None)
    new: list[pygit2.Oid] = []
    _walk(repo, tree, shared, new)
    return new


def _walk(repo: pygit2.Repository, tree: pygit2.Oid, seen: set[pygit2.Oid], out: list[pygit2.Oid] | None) -> None:
    if tree in seen:
        return  # a subtree the previous version has: everything below it is there too
    seen.add(tree)
    if out is not None:
        out.append(tree)
    for entry in tree_at(repo, tree):
        if entry.type == ObjectType.TREE:
            _walk(repo, entry.id, seen, out)
        elif entry.type == ObjectType.BLOB and entry.id not in seen:
            seen.add(entry.id)
            if out is not None:
                out.append(entry.id)


def _pack(repo: pygit2.Repository, target: Path, version: ExportedVersion, previous: ExportedVersion | None) -> str:
    """Pack one version: its tag, its commit and the trees and blobs it brings; return the pack's file name."""
    brought = version_objects(repo, version.tree, previous.tree if previous is not None else None)
    odb = repo.odb

    def entries() -> Iterator[PackEntry]:
        yield pack_entry(version.tag, "tag", version.tag_raw)
        yield pack_entry(version.commit, "commit", version.commit_raw)
        for oid in brought:
            kept = recent_entry(oid.raw)  # just published: compressed by the publish at the same level, the same bytes
            if kept is not None:
                yield kept
                continue
            kind, data = odb.read(oid)
            yield pack_entry(str(oid), "tree" if kind == ObjectType.TREE else "blob", data)

    return write_entries(target / "objects" / "pack", entries())


def _write_layout(target: Path, plan: list[ExportedVersion]) -> None:
    """The few files that make the folder a bare repository git can clone from a path too.

    Written directly: creating them through libgit2 (init, one ref at a time, packing
    the refs) costs more than the export itself, ten thousand times over for a site.
    """
    for folder in ("refs/heads", "refs/tags", "objects/info"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    if not (target / "config").is_file():
        _write_file(target / "config", b"[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n")
    refs = [(EXPORT_BRANCH, plan[-1].commit, None)] + [(f"refs/tags/v{v.version}", v.tag, v.commit) for v in plan]
    lines = ["# pack-refs with: peeled fully-peeled sorted \n"]
    for name, oid, peeled in sorted(refs, key=lambda r: r[0].encode()):
        lines.append(f"{oid} {name}\n" + (f"^{peeled}\n" if peeled else ""))
    _write_file(target / "packed-refs", "".join(lines).encode())
    if not (target / "HEAD").is_file() or (target / "HEAD").read_bytes() != EXPORT_HEAD:
        _write_file(target / "HEAD", EXPORT_HEAD)


def _write_file(path: Path, data: bytes) -> None:
    """Replace a file atomically, so a static host never serves half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _remove_stale(target: Path, keep: set[str]) -> None:
    """Packs of no version and every loose object: all of it is in the packs. Runs after info/ lists the packs."""
    stems = {pack.removesuffix(".pack") for pack in keep}
    pack_dir = target / "objects" / "pack"
    for path in pack_dir.iterdir():
        if (path.name.startswith("pack-") and path.name.split(".", 1)[0] not in stems) or path.name.startswith(".tmp-"):
            path.unlink(missing_ok=True)
    for path in (target / "objects").iterdir():  # loose objects, and temporary packs of an interrupted run
        if path.is_dir() and (_LOOSE_DIR.match(path.name) or path.name.startswith("tmp-export-")):
            shutil.rmtree(path, ignore_errors=True)


def _listed_packs(target: Path) -> list[str]:
    """The packs ``objects/info/packs`` names, as listed (newest version first)."""
    try:
        lines = (target / "objects" / "info" / "packs").read_text().split("\n")
    except OSError:
        return []
    return [line[2:] for line in lines if line.startswith("P ")]


def _newest_pack(target: Path) -> str | None:
    packs = _listed_packs(target)
    return packs[0] if packs else None
