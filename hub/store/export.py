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

One pack for all versions of a package, oldest version first: each version's tag and commit, then the trees and
blobs its package folder brings (none that an earlier version already brought). A tree or blob that replaces
the one at the same path in the version before is stored as a delta against it (git's ``OFS_DELTA``: a patch
release that adds a line to the README costs the line, not the README again), chains at most
:data:`MAX_DEPTH` long. Publishing version N appends its entries to the pack (the older entries are copied
byte for byte, their offsets stay) and writes the pack under its new name with a new index; a fresh export
builds the same pack from the same plan, so it is byte for byte what the incremental one is. One pack and
one index rather than one of each per version: an index costs at least 1 KiB (its fan-out table) and a
version's files, stored whole again, several; a ``git fetch`` over dumb HTTP then downloads the package's
one pack again (a few KiB), which a clone needs anyway.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pygit2
from pygit2.enums import ObjectType

from hub.errors import CatalogError, PackageNotFound
from hub.model import PACKAGE_ID, VersionInfo
from hub.store.catalog import TAG_PREFIX, Catalog, package_path, tag_name
from hub.store.packfile import (
    LEVEL,
    OFS_DELTA,
    copy_instruction,
    decode_distance,
    delta_entry,
    entry_header,
    index_ids,
    index_rows,
    pack_entry,
    pack_index,
    recent_entry,
    varint,
    write_pack_files,
)
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
    trees = catalog.version_store.folder_trees()  # one query, not one per package
    return [
        export_package(catalog, pid, export_dir(root_dir, pid), force=force, versions=versions.get(pid), trees=trees.get(pid, {}))
        for pid in catalog.package_ids()
    ]


def export_package(
    catalog: Catalog,
    package_id: str,
    target_dir: str | os.PathLike[str],
    *,
    force: bool = False,
    versions: list[VersionInfo] | None = None,
    trees: Mapping[str, str] | None = None,
    stage: object = None,
) -> ExportResult:
    """Write or update the bare repository at ``target_dir`` with the package's version history.

    Only the versions whose pack is missing are packed (normally: the new one). Raises
    :class:`PackageNotFound` for a package the catalogue does not have. With ``force`` the
    repository is rewritten (same bytes) even if it looks current. ``stage`` is no longer
    needed (see :func:`staging`). ``versions`` and ``trees``: as :func:`plan_export` takes them.
    """
    plan = plan_export(catalog, package_id, versions, trees)
    target = Path(target_dir)
    done = tuple(v.version for v in plan)
    if not force and is_current(target, plan):
        return ExportResult(package_id, target, plan[-1].commit, done, (), True, _newest_pack(target))
    target.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        if not force and is_current(target, plan):  # another exporter finished it while we waited
            return ExportResult(package_id, target, plan[-1].commit, done, (), True, _newest_pack(target))
        before = _exported_commits(target, plan)
        pack = _pack(catalog.repo, target, plan, None if force else _pack_in_place(target, plan))
        _write_layout(target, plan)
        _write_file(target / "objects" / "info" / "packs", packs_file([pack]))
        _write_file(target / "info" / "refs", expected_info_refs(plan))
        _remove_stale(target, keep={pack})
    added = tuple(v.version for v in plan if v.commit not in before)
    return ExportResult(package_id, target, plan[-1].commit, done, added, False, pack)


@contextlib.contextmanager
def staging(catalog: Catalog) -> Iterator[None]:
    """Formerly a scratch repository for libgit2's pack builder; packs are now written directly (``hub.store.packfile``).

    Kept so that callers that open one around many exports keep working; it holds nothing.
    """
    yield None


# -- the plan: every exported object computed from the catalogue, nothing written ----------


def plan_export(
    catalog: Catalog, package_id: str, versions: list[VersionInfo] | None = None, trees: Mapping[str, str] | None = None
) -> list[ExportedVersion]:
    """The export's commits and tags for every published version, oldest first (``versions``: already listed;
    ``trees``: the package folder's tree after each commit, as the version store records them, read here if not given).

    Each version's folder is taken from the version store: found through its commit's trees instead, it took parsing
    the commit's ``packages`` tree, which lists every publisher, once for every version, and from the disk for each
    older version (at 50,000 packages about half a millisecond a publish, growing with the catalogue; at a first start
    once for every version of the catalogue). A commit the store lacks (the newest, a store of another history or none)
    has its folder found in its trees."""
    _check_id(package_id)
    repo = catalog.repo
    infos = versions or catalog.versions(package_id)  # highest first; raises PackageNotFound
    if not infos:
        raise CatalogError(f"Das Paket „{package_id}“ hat keine Versions-Tags im Katalog; „hub init“ stellt fehlende Tags wieder her.")
    recorded = trees if trees is not None else catalog.version_store.folder_trees(package_id).get(package_id, {})
    plan: list[ExportedVersion] = []
    parent: str | None = None
    for info in reversed(infos):  # publishing only ever raises the version: semver order is history order
        ref = repo.references.get(TAG_PREFIX + tag_name(package_id, info.version))
        if ref is None:  # pragma: no cover - versions() just listed it
            raise CatalogError(f"Der Tag von {package_id} {info.version} ist verschwunden.")
        source = repo[ref.target].peel(pygit2.Commit)
        tree = _folder(repo, source, package_id, recorded.get(str(source.id)))
        if tree is None:
            raise CatalogError(f"Im Katalog fehlt der Ordner von {package_id} {info.version} (Commit {source.id}).")
        message = source.raw_message
        headers = [b"tree " + str(tree).encode()]
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
        plan.append(ExportedVersion(info.version, str(source.id), tree, commit, commit_raw, _object_id("tag", tag_raw), tag_raw))
        parent = commit
    return plan


def _folder(repo: pygit2.Repository, source: pygit2.Commit, package_id: str, recorded: str | None) -> pygit2.Oid | None:
    """The package folder's tree in the commit ``source``: as recorded, else looked up through its trees."""
    if recorded is not None:
        return pygit2.Oid(hex=recorded)
    tree = subtree(repo, source.tree, package_path(package_id))
    return None if tree is None else tree.id


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
    # one pack, or one per version as exports were written before: a complete export either way, and a hub's first start
    # after the change must not write every package's export again (the next version packs it as one)
    return len(packs) in (1, len(plan)) and all((target / "objects" / "pack" / pack).is_file() for pack in packs)


@dataclass(frozen=True)
class _InPlace:
    """The pack an export already holds for the plan's oldest versions: its entries are kept as they are."""

    versions: int  # how many of the plan's versions it holds
    body: bytes  # the pack without its header and trailing checksum
    rows: dict[bytes, tuple[int, int]]  # binary id → (crc32, offset)


def _pack_in_place(target: Path, plan: list[ExportedVersion]) -> _InPlace | None:
    """The pack of the plan's oldest versions that the export holds, to append the new versions to.

    Trusted when the export lists one pack, its ``info/refs`` (written last, after the pack) is exactly that of
    some of the plan's oldest versions, and the pack and index are there and read; anything else (a damaged
    export, the pack-per-version layout of before) is packed again from the start.
    """
    packs = _listed_packs(target)
    if len(packs) != 1:
        return None
    try:
        refs = (target / "info" / "refs").read_bytes()
    except OSError:
        return None
    held = refs.count(b"\trefs/tags/") // 2  # each tag and its peeled line
    if not 0 < held < len(plan) or refs != expected_info_refs(plan[:held]):
        return None
    folder = target / "objects" / "pack"
    try:
        pack = (folder / packs[0]).read_bytes()
        rows = index_rows((folder / packs[0].replace(".pack", ".idx")).read_bytes())
    except (OSError, ValueError):
        return None
    if pack[:4] != b"PACK" or len(pack) < 32 or int.from_bytes(pack[8:12], "big") != len(rows):
        return None
    if hashlib.sha1(pack[:-20]).digest() != pack[-20:]:
        return None
    return _InPlace(held, pack[12:-20], rows)


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


MAX_DEPTH = 10  # longest delta chain: a reader applies at most this many deltas to get an object
DELTA_LIMIT = 1 << 20  # larger trees and blobs are stored whole: finding a delta is linear, but bounded all the same


@dataclass(frozen=True)
class _Brought:
    """A tree or blob a version brings, and the object at its path in the version before (its delta base), if any."""

    oid: pygit2.Oid
    kind: str  # "tree" or "blob"
    base: pygit2.Oid | None


def _walk(repo: pygit2.Repository, tree: pygit2.Oid, before: pygit2.Oid | None, seen: set[bytes], out: list[_Brought]) -> None:
    """The trees and blobs below ``tree`` that are not ``seen`` (in the pack), in walk order, each with the object at its
    path below ``before`` (the version before's tree) as its base."""
    if tree.raw in seen:
        return  # brought by an earlier version: everything below it is in the pack too
    seen.add(tree.raw)
    out.append(_Brought(tree, "tree", before))
    old = {entry.name: entry for entry in tree_at(repo, before)} if before is not None else {}
    for entry in tree_at(repo, tree):
        was = old.get(entry.name)
        if entry.type == ObjectType.TREE:
            _walk(repo, entry.id, was.id if was is not None and was.type == ObjectType.TREE else None, seen, out)
        elif entry.type == ObjectType.BLOB and entry.id.raw not in seen:
            seen.add(entry.id.raw)
            out.append(_Brought(entry.id, "blob", was.id if was is not None and was.type == ObjectType.BLOB else None))


def version_objects(repo: pygit2.Repository, tree: pygit2.Oid, previous: pygit2.Oid | None) -> list[pygit2.Oid]:
    """The trees and blobs of ``tree`` that ``previous`` (the prior version's tree) does not hold, in walk order."""
    seen: set[bytes] = set()
    if previous is not None:
        _walk(repo, previous, None, seen, [])
    out: list[_Brought] = []
    _walk(repo, tree, None, seen, out)
    return [item.oid for item in out]


class _Pack:
    """The package's one pack as it is written: the kept entries of older versions, then the new ones."""

    def __init__(self, repo: pygit2.Repository, kept: _InPlace | None) -> None:
        self.body = bytearray(kept.body if kept is not None else b"")
        self.rows: dict[bytes, tuple[int, int]] = dict(kept.rows) if kept is not None else {}  # binary id → (crc32, offset)
        self.depths: dict[int, int] = {}  # offset → delta chain length of the entry there

    def add(self, oid: bytes, kind: str, raw: bytes, base: bytes | None, source: bytes | None, *, tree: bool = False) -> None:
        """Append one object: as a delta against ``base`` (``source`` its content, in the pack already, of the same type)
        where that is smaller and the chain stays within :data:`MAX_DEPTH`, else whole."""
        offset = 12 + len(self.body)
        data = b""
        if base is not None and source is not None and base in self.rows:
            at = self.rows[base][1]
            depth = self.depth(at)
            if depth < MAX_DEPTH and len(source) <= DELTA_LIMIT and len(raw) <= DELTA_LIMIT:
                delta = make_delta(source, raw, tree=tree)
                if len(delta) < len(raw):
                    data = delta_entry(oid, delta, offset - at, LEVEL).data
                    self.depths[offset] = depth + 1
        self.append(oid, data or pack_entry(oid.hex(), kind, raw).data)

    def append(self, oid: bytes, data: bytes) -> None:
        """Append an entry as it is (whole, unless :meth:`add` made it a delta and noted its depth)."""
        offset = 12 + len(self.body)
        self.depths.setdefault(offset, 0)
        self.rows[oid] = (zlib.crc32(data), offset)
        self.body.extend(data)

    def depth(self, offset: int) -> int:
        """The delta chain length of the entry at ``offset``, read from the entries' headers (no inflating)."""
        if offset in self.depths:
            return self.depths[offset]
        position = offset - 12
        kind, _, length = entry_header(self.body, position)
        if kind != OFS_DELTA:
            depth = 0
        else:
            distance = decode_distance(self.body, position + length)[0]
            depth = 1 + self.depth(offset - distance) if 0 < distance <= offset - 12 else MAX_DEPTH  # else: not ours
        self.depths[offset] = depth
        return depth


def _pack(repo: pygit2.Repository, target: Path, plan: list[ExportedVersion], kept: _InPlace | None) -> str:
    """Write the package's one pack (the kept entries of older versions, then the rest); return its file name.

    Per version: its tag and its commit (deltas against the version before's, whose messages differ by a few words; a
    delta has its base's type), then the trees and blobs no earlier version brought, each a delta against what its
    path held in the version before. Whether an entry is a delta follows from the objects and the pack before it, so
    appending to a kept pack gives the bytes of packing every version afresh.
    """
    pack = _Pack(repo, kept)
    odb = repo.odb
    for number in range(kept.versions if kept is not None else 0, len(plan)):
        version = plan[number]
        before = plan[number - 1] if number else None
        if before is None:
            pack.add(bytes.fromhex(version.tag), "tag", version.tag_raw, None, None)
            pack.add(bytes.fromhex(version.commit), "commit", version.commit_raw, None, None)
        else:
            pack.add(bytes.fromhex(version.tag), "tag", version.tag_raw, bytes.fromhex(before.tag), before.tag_raw)
            pack.add(bytes.fromhex(version.commit), "commit", version.commit_raw, bytes.fromhex(before.commit), before.commit_raw)
        brought: list[_Brought] = []
        _walk(repo, version.tree, before.tree if before is not None else None, set(pack.rows), brought)
        for item in brought:
            source = odb.read(item.base)[1] if item.base is not None and item.base.raw in pack.rows else None
            recent = recent_entry(item.oid.raw) if source is None else None
            if recent is not None:  # just published, no base: compressed by the publish at the same level, the same bytes
                pack.append(item.oid.raw, recent.data)
                continue
            _, raw = odb.read(item.oid)
            pack.add(item.oid.raw, item.kind, raw, item.base.raw if item.base is not None else None, source, tree=item.kind == "tree")
    data = b"PACK" + struct.pack(">II", 2, len(pack.rows)) + bytes(pack.body)
    return write_pack_files(target / "objects" / "pack", *_pack_and_index(data, pack.rows), durable=False)


def _pack_and_index(pack: bytes, rows: dict[bytes, tuple[int, int]]) -> tuple[bytes, bytes, str]:
    """The pack with its trailing checksum, its version 2 index, and its name (``pack-<checksum>``)."""
    checksum = hashlib.sha1(pack).digest()
    index = pack_index(((oid, crc, offset) for oid, (crc, offset) in rows.items()), checksum)
    return pack + checksum, index, "pack-" + checksum.hex()


# -- git's delta format (gitformat-pack(5), "Deltified representation") ----------------------

_MIN_COPY = 8  # a shorter run is inserted: a copy instruction costs up to 8 bytes itself


def make_delta(source: bytes, target: bytes, *, tree: bool = False) -> bytes:
    """A git delta that turns ``source`` into ``target``: copies of the common start and end and of whole lines (of a
    ``tree``: whole entries) found in ``source``, inserts for the rest. Linear in the sizes (a dict of the source's
    lines), so a hostile file costs no more than reading it; not git's best delta, but an edited text file's is a few
    instructions."""
    split = _entries if tree else _lines
    out = bytearray(varint(len(source)) + varint(len(target)))
    start = _common_prefix(source, target)
    end = len(target) - _common_suffix(source[start:], target[start:])
    pending = bytearray()

    def copy(offset: int, length: int) -> None:
        if length < _MIN_COPY:
            pending.extend(source[offset : offset + length])
            return
        flush()
        while length:
            step = min(length, 0x10000)
            out.extend(copy_instruction(offset, step))
            offset, length = offset + step, length - step

    def flush() -> None:
        for i in range(0, len(pending), 0x7F):
            chunk = pending[i : i + 0x7F]
            out.append(len(chunk))
            out.extend(chunk)
        pending.clear()

    copy(0, start)
    lines: dict[bytes, int] = {}
    at = 0
    for line in split(source):
        if len(line) >= _MIN_COPY:
            lines.setdefault(line, at)
        at += len(line)
    middle = split(target, start, end)
    i = 0
    while i < len(middle):
        line = middle[i]
        found = lines.get(line)
        if found is None:
            pending.extend(line)
            i += 1
            continue
        length = len(line)
        i += 1
        while i < len(middle) and source.startswith(middle[i], found + length):  # the following lines too, as one copy
            length += len(middle[i])
            i += 1
        copy(found, length)
    copy(len(source) - (len(target) - end), len(target) - end)
    flush()
    return bytes(out)


def _lines(data: bytes, start: int = 0, end: int | None = None) -> list[bytes]:
    return data[start:end].splitlines(keepends=True)


def _entries(data: bytes, start: int = 0, end: int | None = None) -> list[bytes]:
    """A tree's entries (``<mode> <name>\\0<20-byte id>``) from ``start`` (which may fall inside one) to ``end``."""
    end = len(data) if end is None else end
    out = []
    while start < end:
        nul = data.find(b"\0", start, end)
        stop = end if nul < 0 else min(nul + 21, end)
        out.append(data[start:stop])
        start = stop
    return out


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common start (a binary search over slice comparisons, which run in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: bytes, b: bytes) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[len(a) - middle :] == b[len(b) - middle :]:
            low = middle
        else:
            high = middle - 1
    return low


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
