"""The new objects of one write, built in memory and made durable as one pack with one sync, before any ref moves.

Written through libgit2, every blob, tree, commit and tag of a publish became a loose object file of
its own, and with ``HUB_FSYNC`` on each was synced on its own (the file, then its folder): some forty
disk syncs per publish, most of its wall-clock time on a busy disk. Git's answer
(``core.fsyncMethod=batch``) is to write the objects out unsynced and flush once before the refs
move. Here the objects are not written one by one at all: :class:`ObjectBatch` computes each
object's bytes and id itself (git's object format: ``<type> <size>\\0<content>``, SHA-1), keeps them
in memory, and :meth:`ObjectBatch.write` puts them into the catalogue as one pack with its index
(``hub.store.packfile``), each file synced before it is renamed into place and the pack folder synced
after. Only then does :func:`hub.store.commit.commit_change` move ``main``; the tag's reference follows.
So the durability rule is the one git's is: when a reference names an object, the object is on disk,
and after a crash no reference points at a missing object. A write that is refused (in the checks,
or by ``change`` after a lost race) leaves nothing, because nothing is written before the pack.

The objects are built byte for byte as libgit2 builds them (trees sorted as git sorts them, modes
without a leading zero, the commit and tag headers in git's order); ``tests/test_batch.py`` compares the
ids with libgit2's for the same content. Objects the catalogue already holds (a file that did not
change between versions) are not packed again.

Small packs are merged (:func:`consolidate`) so that their number stays bounded: libgit2 looks an
object up pack by pack. Packs are grouped into tiers by size (below 64 KiB, below 512 KiB, … a factor
of 8 each); when a tier holds 8 packs, they become one pack of the next tier, synced before the old
ones are removed. A reader that still has an old pack open keeps reading it; one that does not finds
the object in the merged pack (libgit2 rescans the pack folder when it misses an object).

A large tree (the ``packages`` tree: one entry per publisher, new at every publish) is written uncompressed, and a
merge keeps its versions as deltas against one of them (``OFS_DELTA``, depth 1), as ``git gc`` would: a publish no
longer spends a tenth of its CPU compressing 127 kB of mostly ids at 50,000 packages, and the catalogue no longer grows
on disk by that tree at every publish.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

import pygit2
from pygit2.enums import FileMode, ObjectType

from hub.store.packfile import (
    LEVEL,
    OFS_DELTA,
    TYPES,
    PackEntry,
    delta,
    delta_base,
    delta_entry,
    entry_header,
    inflate,
    join_entries,
    keep_recent,
    located_entries,
    moved_delta,
    pack_entry,
    sync_folder,
    write_pack_files,
)
from hub.store.trees import LARGE_TREE, RAW_ENTRY, TREE_MODE, RawEntries, keep_tree, nest, raw_entries, raw_tree

KINDS = {ObjectType.COMMIT: "commit", ObjectType.TREE: "tree", ObjectType.BLOB: "blob", ObjectType.TAG: "tag"}
TIER_BASE = 64 * 1024  # packs below this size are tier 0
TIER_FACTOR = 8  # each tier holds packs up to 8 times the size of the one below; 8 packs of a tier are merged
TIER_LIMIT = 32 * 1024 * 1024  # packs this large are left alone (a merge never rewrites more than 8 of them)
DELTA_USES = 64  # deltas against one base in a merged pack (each then holds the changes of at most that many writes)
CONSOLIDATE_LOCK = "hub-consolidate.lock"  # in the repository folder (not served: hub.api.controllers.catalogue_git)

Changes = Mapping[str, tuple[pygit2.Oid | None, int]]  # path -> (object id or None to remove, file mode)


def object_id(kind: str, raw: bytes) -> pygit2.Oid:
    return pygit2.Oid(raw=hashlib.sha1(f"{kind} {len(raw)}\0".encode() + raw).digest())


def signature_bytes(sig: pygit2.Signature) -> bytes:
    """``Name <email> <seconds> <+hhmm>``, as git writes an author, committer or tagger."""
    sign = "-" if sig.offset < 0 else "+"
    hours, minutes = divmod(abs(sig.offset), 60)
    return sig.raw_name + b" <" + sig.raw_email + b"> " + f"{sig.time} {sign}{hours:02d}{minutes:02d}".encode()


class ObjectBatch:
    """New objects for one repository, in memory until :meth:`write`; ids as git computes them."""

    def __init__(self, repo: pygit2.Repository) -> None:
        self.repo = repo
        self._known: set[bytes] = set()  # binary ids of objects the catalogue holds (see :meth:`know`)
        self._entries: dict[pygit2.Oid, PackEntry] = {}  # compressed now, so that the pack is only joined under the lock
        self._trees: dict[pygit2.Oid, bytes] = {}  # raw trees of this batch, readable before they are written
        self._written: set[pygit2.Oid] = set()
        self._plain: set[pygit2.Oid] = set()  # entries compressed at packfile.LEVEL (an export may reuse them)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, oid: pygit2.Oid) -> bool:
        return oid in self._entries

    def know(self, tree: pygit2.Oid) -> None:
        """Take ``tree`` and everything below it as present: an unchanged file of a new version is not packed again.

        Asking the object database about each new object instead costs a rescan of the pack folder per
        miss; an object packed twice (the same content elsewhere in the catalogue) is harmless in git.
        """
        if tree.raw in self._known:
            return
        self._known.add(tree.raw)
        for mode, oid in self._entries_of(tree).values():
            if mode == TREE_MODE:
                self.know(pygit2.Oid(raw=oid))
            else:
                self._known.add(oid)

    def add(self, kind: str, raw: bytes) -> pygit2.Oid:
        oid = object_id(kind, raw)
        if oid not in self._entries and oid.raw not in self._known:
            # a large tree (``packages``: one entry per publisher, mostly ids that do not compress) is written at every
            # publish: stored uncompressed (at 50,000 packages zlib's fastest level took 2.3 ms of CPU for its 127 kB, a
            # tenth of a publish); the merge of small packs keeps it as a delta against another version (:func:`_merge`)
            level = 0 if kind == "tree" and len(raw) >= LOCATED_FROM else LEVEL
            self._entries[oid] = pack_entry(str(oid), kind, raw, level)
            if level == LEVEL:
                self._plain.add(oid)
        return oid

    def blob(self, data: bytes) -> pygit2.Oid:
        return self.add("blob", data)

    def tree(self, entries: Mapping[bytes, tuple[int, pygit2.Oid]]) -> pygit2.Oid:
        """A tree of ``name -> (mode, id)``; names are checked as libgit2's tree builder checks them."""
        return self._tree({name: (b"%o" % mode, oid.raw) for name, (mode, oid) in entries.items()})

    def _tree(self, entries: RawEntries) -> pygit2.Oid:
        for name in entries:
            if not name or name in (b".", b"..") or b"/" in name or b"\0" in name:
                raise ValueError(f"invalid tree entry name {name!r}")
        ordered = sorted(entries.items(), key=lambda item: item[0] + b"/" if item[1][0] == TREE_MODE else item[0])
        raw = b"".join(mode + b" " + name + b"\0" + oid for name, (mode, oid) in ordered)
        oid = self.add("tree", raw)
        self._trees[oid] = raw
        keep_tree(oid, raw)
        return oid

    def files(self, files: Mapping[str, bytes]) -> pygit2.Oid:
        """``files`` (POSIX path -> content) as a tree; what :func:`hub.store.trees.write_tree` writes, not yet written."""
        return self._level(nest(files))

    def _level(self, level: Mapping[str, object]) -> pygit2.Oid:
        entries: dict[bytes, tuple[int, pygit2.Oid]] = {}
        for name, value in level.items():
            if isinstance(value, bytes):
                entries[name.encode()] = (FileMode.BLOB, self.blob(value))
            else:
                entries[name.encode()] = (FileMode.TREE, self._level(value))  # type: ignore[arg-type]
        return self.tree(entries)

    def replace(self, root: pygit2.Tree | None, changes: Changes) -> pygit2.Oid:
        """A copy of ``root`` with each path of ``changes`` set (or removed); what :func:`hub.store.trees.replace_path`
        does, for several paths at once. Only the trees on the paths are new; every other subtree is shared."""
        new = self._replace(root.id if root is not None else None, {tuple(path.split("/")): value for path, value in changes.items()})
        return new if new is not None else self._tree({})

    def _replace(self, tree: pygit2.Oid | None, changes: Mapping[tuple[str, ...], tuple[pygit2.Oid | None, int]]) -> pygit2.Oid | None:
        raw = self._raw_tree(tree) if tree is not None else b""
        located = _located(tree, raw) if tree is not None else {}
        updates: dict[bytes, tuple[bytes, bytes] | None] = {}  # name -> (octal mode, binary id), or None to remove
        below: dict[str, dict[tuple[str, ...], tuple[pygit2.Oid | None, int]]] = {}
        for parts, (oid, mode) in changes.items():
            if len(parts) > 1:
                below.setdefault(parts[0], {})[parts[1:]] = (oid, mode)
            else:
                updates[parts[0].encode()] = None if oid is None else (b"%o" % mode, oid.raw)
        for name, inner in below.items():
            current = located.get(name.encode())
            child = pygit2.Oid(raw=raw[current[1] : current[1] + 20]) if current is not None and current[0] == TREE_MODE else None
            new_child = self._replace(child, inner)
            updates[name.encode()] = None if new_child is None else (TREE_MODE, new_child.raw)
        if tree is not None and all(new is not None and located.get(key, (b"",))[0] == new[0] for key, new in updates.items()):
            return self._spliced(raw, located, updates)  # type: ignore[arg-type]  # all() above: no None among them
        entries = {key: (mode, raw[at : at + 20]) for key, (mode, at) in located.items()}
        for key, new in updates.items():
            if new is None:
                entries.pop(key, None)
            else:
                entries[key] = new
        return self._tree(entries) if entries else None

    def _spliced(self, raw: bytes, located: Located, updates: Mapping[bytes, tuple[bytes, bytes]]) -> pygit2.Oid:
        """``raw`` with only the ids of existing entries replaced: the names, their order and every entry's place stay,
        so the catalogue's ``packages`` tree (one entry per publisher) is neither parsed nor sorted again."""
        spliced = bytearray(raw)
        for name, (_, binary) in updates.items():
            at = located[name][1]
            spliced[at : at + 20] = binary
        new = bytes(spliced)
        oid = self.add("tree", new)
        self._trees[oid] = new
        keep_tree(oid, new)  # the next write and the index's comparison start from this tree
        _remember_located(oid, new, located)  # same names at the same places
        return oid

    def _entries_of(self, tree: pygit2.Oid) -> RawEntries:
        """A tree's entries as they stand in its bytes (name -> (octal mode, binary id)): the catalogue's ``packages``
        tree has one entry per publisher, and reading them as pygit2 objects cost more than the rest of the commit."""
        return raw_entries(self._raw_tree(tree))

    def _raw_tree(self, tree: pygit2.Oid) -> bytes:
        raw = self._trees.get(tree)
        if raw is None:
            raw = raw_tree(self.repo, tree)
            if raw is None:
                raise ValueError(f"{tree} is not a tree")
        return raw

    def commit(
        self, tree: pygit2.Oid, parents: Iterable[pygit2.Oid], author: pygit2.Signature, committer: pygit2.Signature, message: str
    ) -> pygit2.Oid:
        """The commit object libgit2's ``create_commit`` writes for the same arguments."""
        headers = [b"tree " + str(tree).encode()] + [b"parent " + str(parent).encode() for parent in parents]
        headers += [b"author " + signature_bytes(author), b"committer " + signature_bytes(committer)]
        return self.add("commit", b"\n".join(headers) + b"\n\n" + message.encode("utf-8"))

    def tag(self, name: str, target: pygit2.Oid, tagger: pygit2.Signature, message: str) -> pygit2.Oid:
        """An annotated tag object for a commit (no reference), byte for byte what ``git tag -a`` writes."""
        raw = b"object %s\ntype commit\ntag %s\ntagger %s\n\n%s" % (
            str(target).encode(),
            name.encode("utf-8"),
            signature_bytes(tagger),
            message.encode("utf-8"),
        )
        return self.add("tag", raw)

    def write(self, *, durable: bool) -> str | None:
        """Put every object not written yet into the catalogue as one pack; return its file name (None: nothing new).

        With ``durable`` (``HUB_FSYNC``, on by default) the pack and its index are synced before they are renamed
        into place and the pack folder after: when this returns, the objects survive a crash.
        """
        fresh = [oid for oid in self._entries if oid not in self._written]
        if not fresh:
            return None
        pack, index, name = join_entries(self._entries[oid] for oid in fresh)
        written = write_pack_files(Path(self.repo.path) / "objects" / "pack", pack, index, name, durable=durable)
        self._written.update(oid for oid in self._entries)
        keep_recent(self._entries[oid] for oid in fresh if oid in self._plain)  # the clone export packs them next
        return written


# -- where a large tree's entries stand, kept from one write to the next ------------------------------

Located = dict[bytes, tuple[bytes, int]]  # a tree's entries: name -> (octal mode, offset of its binary id in the tree's bytes)
LOCATED_FROM = LARGE_TREE  # trees of at least this many bytes keep their entries' places (the ``packages`` tree, the root)
DELTA_FROM = LOCATED_FROM  # trees of at least this many bytes are kept as deltas when small packs are merged
LOCATED_KEEP = 16  # so many such trees (a few writes' worth: each write makes one new one per level)
_located_cache: dict[bytes, Located] = {}
_located_lock = threading.Lock()


def _located(tree: pygit2.Oid, raw: bytes) -> Located:
    """Where each entry of ``tree`` (whose bytes are ``raw``) stands; read once per process for the large trees a publish
    rewrites: the next write's tree has its entries at the same places, and changes only ids (:meth:`ObjectBatch._spliced`)."""
    with _located_lock:
        found = _located_cache.get(tree.raw)
    if found is not None:
        return found
    found = {match[2]: (match[1], match.start(3)) for match in RAW_ENTRY.finditer(raw)}
    _remember_located(tree, raw, found)
    return found


def _remember_located(tree: pygit2.Oid, raw: bytes, located: Located) -> None:
    if len(raw) < LOCATED_FROM:
        return
    with _located_lock:
        _located_cache[tree.raw] = located
        while len(_located_cache) > LOCATED_KEEP:
            del _located_cache[next(iter(_located_cache))]  # the oldest first (dicts keep their insertion order)


# -- keeping the number of packs small ---------------------------------------------------------------


def tier(size: int) -> int:
    return 0 if size < TIER_BASE else 1 + int(math.log(size / TIER_BASE, TIER_FACTOR))


def consolidate(repo: pygit2.Repository, *, durable: bool) -> list[str]:
    """Merge every tier that holds :data:`TIER_FACTOR` packs into one pack; return the new packs' names.

    Runs after a write's references moved (never inside the commit turn); one process at a time (a
    non-blocking lock: whoever finds it taken leaves the merge to its holder). The merged pack is synced
    before the packs it replaces are removed, so every object stays on disk throughout.
    """
    folder = Path(repo.path) / "objects" / "pack"
    lock = os.open(Path(repo.path) / CONSOLIDATE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []
        made: list[str] = []
        while True:
            full = _full_tiers(folder)
            if not full:
                return made
            made.append(_merge(repo, folder, sorted(full[0]), durable=durable))

    finally:
        os.close(lock)


# a pack's size by its file name: the name is the checksum of its content, so it never changes (the catalogue's
# folder holds the packs of its whole history: stat-ing each of them after every write grew with it)
_pack_sizes: dict[str, int] = {}


def _full_tiers(folder: Path) -> list[list[Path]]:
    """The packs of each tier that holds :data:`TIER_FACTOR` of them, smallest tier first (one listing of the
    folder: this runs after every write, and a stat and two existence checks per pack through pathlib cost more)."""
    try:
        with os.scandir(folder) as listing:
            entries = {entry.name: entry for entry in listing}
    except FileNotFoundError:  # no pack yet
        return []
    tiers: dict[int, list[Path]] = {}
    for name, entry in entries.items():
        if not (name.startswith("pack-") and name.endswith(".pack")):
            continue
        stem = name.removesuffix(".pack")
        size = _pack_sizes.get(name)
        if size is None:
            try:
                size = entry.stat().st_size
            except FileNotFoundError:
                continue
            if len(_pack_sizes) >= 4096:
                _pack_sizes.clear()
            _pack_sizes[name] = size
        if size < TIER_LIMIT and f"{stem}.idx" in entries and f"{stem}.keep" not in entries:
            tiers.setdefault(tier(size), []).append(folder / name)
    return [packs for _, packs in sorted(tiers.items()) if len(packs) >= TIER_FACTOR]


def _written(pack: Path) -> float:
    try:
        return pack.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _with_deltas(repo: pygit2.Repository, packs: Iterable[list[tuple[int, PackEntry]]]) -> list[PackEntry]:
    """The entries of a merged pack, in order (each pack's entries with their offsets in it): each large tree that is
    stored uncompressed (as a write leaves it, :data:`DELTA_FROM` bytes and more) as a delta against an earlier version
    of it in the same pack (a tree of the same length, stored whole), every other entry as before.

    Every publish writes a new ``packages`` tree (one entry per publisher: 127 kB at 50,000 packages) that differs
    from the one before in one id; stored whole, it was most of the catalogue's growth on disk (what ``git gc`` would
    delta). A delta's base is stored whole in the same pack (an ``OFS_DELTA``); after :data:`DELTA_USES` deltas, or
    when a delta would not be much smaller, the tree is a new base. A delta of a merged pack stays a delta when packs
    are merged again (its distance to its base corrected), so each tree is delta-compressed once, in the first merge.
    """
    merged: list[PackEntry] = []
    placed: dict[bytes, int] = {}  # binary id -> offset in the merged pack
    bases: dict[int, list] = {}  # tree length -> [raw base, its offset in the merged pack, deltas made against it]
    offset = 12  # the pack's header
    for entries in packs:
        at_offset = {at: stored.oid for at, stored in entries}
        for at, stored in entries:
            if stored.oid in placed:
                continue
            entry = stored
            kind, size, header = entry_header(stored.data)
            if kind == OFS_DELTA:
                base = placed.get(at_offset.get(at - delta_base(stored)[0], b""))
                entry = moved_delta(stored, offset - base) if base is not None else _resolved(repo, stored, offset, bases)
            elif kind > OFS_DELTA:  # a delta naming its base by id (in a pack git made): the object whole
                entry = _resolved(repo, stored, offset, bases)
            elif kind == TYPES["tree"] and size >= DELTA_FROM and len(stored.data) - header >= size:  # stored, not compressed
                entry = _tree_entry(stored.oid, inflate(stored)[1], offset, bases)
            elif kind == TYPES["tree"] and size >= DELTA_FROM and size not in bases:  # a base of an earlier merge: one here too
                bases[size] = [inflate(stored)[1], offset, 0]
            merged.append(entry)
            placed[stored.oid] = offset
            offset += len(entry.data)
    return merged


def _resolved(repo: pygit2.Repository, stored: PackEntry, offset: int, bases: dict[int, list]) -> PackEntry:
    """A delta entry whose base is not in the merged pack (before it): the object whole, a large tree as a new delta."""
    object_kind, raw = repo.odb.read(pygit2.Oid(raw=stored.oid))
    if object_kind == ObjectType.TREE and len(raw) >= DELTA_FROM:
        return _tree_entry(stored.oid, raw, offset, bases)
    return pack_entry(stored.oid.hex(), KINDS[object_kind], raw)


def _tree_entry(oid: bytes, raw: bytes, offset: int, bases: dict[int, list]) -> PackEntry:
    base = bases.get(len(raw))
    if base is not None and base[2] < DELTA_USES:
        made = delta(base[0], raw)
        if len(made) * 4 < len(raw):
            base[2] += 1
            return delta_entry(oid, made, offset - base[1])
    if len(bases) >= 8:  # a handful of large trees (``packages``, ``publishers``): forget the oldest length
        del bases[next(iter(bases))]
    bases[len(raw)] = [raw, offset, 0]
    return pack_entry(oid.hex(), "tree", raw, 1)


def _merge(repo: pygit2.Repository, folder: Path, packs: list[Path], *, durable: bool) -> str:
    # oldest first: successive versions of a large tree follow each other
    entries = [located_entries(pack.read_bytes(), pack.with_suffix(".idx").read_bytes()) for pack in sorted(packs, key=_written)]
    pack_data, index, name = join_entries(_with_deltas(repo, entries))
    merged = write_pack_files(folder, pack_data, index, name, durable=durable)
    for pack in packs:
        if pack.name == merged:
            continue
        pack.with_suffix(".idx").unlink(missing_ok=True)  # the index first: no reader finds a pack without its index
        pack.unlink(missing_ok=True)
    if durable:
        sync_folder(folder)
    return merged
