"""Writing a git pack file and its index (version 2) from whole objects, without libgit2.

A clone export's pack per version holds a handful of objects. libgit2's pack builder needs a
repository holding every object (a staging repository with the catalogue as alternate), runs
its delta search, and syncs the pack and index to disk one by one; for an export, which
``catch_up`` can always write again from the catalogue, that sync is most of a publish's
export time. The format is small and fixed (gitformat-pack(5)): objects stored whole and
zlib-compressed, the same bytes for the same objects, checked by ``git fsck`` and ``git clone``
in the tests.
"""

from __future__ import annotations

import hashlib
import os
import struct
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# object type numbers in a pack entry's header
TYPES = {"commit": 1, "tree": 2, "blob": 3, "tag": 4}
IDX_MAGIC = b"\xfftOc"


def encode_header(kind: int, size: int) -> bytes:
    """Type and inflated size: 3 bits of type and 4 of size in the first byte, then 7 bits of size per byte."""
    first = (kind << 4) | (size & 0x0F)
    size >>= 4
    out = bytearray()
    while size:
        out.append(first | 0x80)
        first = size & 0x7F
        size >>= 7
    out.append(first)
    return bytes(out)


@dataclass(frozen=True)
class PackEntry:
    """One object as a pack stores it: its binary id and the entry's bytes (header and zlib stream)."""

    oid: bytes
    data: bytes


LEVEL = 6  # zlib's level for a pack entry unless a caller chooses another


def pack_entry(oid: str, kind: str, raw: bytes, level: int = LEVEL) -> PackEntry:
    """Compress one object for a pack (callers may do this before they hold a lock, and join the entries later)."""
    return PackEntry(bytes.fromhex(oid), encode_header(TYPES[kind], len(raw)) + zlib.compress(raw, level))


# -- deltas: a large tree stored as its differences from another version of it in the same pack ----------

DELTA_BLOCK = 64  # bytes: differing stretches of two trees are found down to this size and inserted whole


def entry_header(data: bytes | bytearray, start: int = 0) -> tuple[int, int, int]:
    """The type number, inflated size and header length of the pack entry at ``start`` of ``data`` (gitformat-pack(5))."""
    kind = (data[start] >> 4) & 7
    size = data[start] & 0x0F
    shift, at = 4, start
    while data[at] & 0x80:
        at += 1
        size |= (data[at] & 0x7F) << shift
        shift += 7
    return kind, size, at + 1 - start


def inflate(entry: PackEntry) -> tuple[int, bytes]:
    """Type number and content of an entry stored whole (not a delta)."""
    kind, _, header = entry_header(entry.data)
    return kind, zlib.decompressobj().decompress(entry.data[header:])


def varint(value: int) -> bytes:
    """A delta's size field: 7 bits a byte, least significant first."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _differing(base: bytes, target: bytes, start: int, end: int, found: list[tuple[int, int]]) -> None:
    """The stretches of ``start:end`` where two buffers of the same length differ, halved down to :data:`DELTA_BLOCK`
    bytes (each comparison runs in C: a tree that differs in a few ids costs a few dozen comparisons)."""
    if base[start:end] == target[start:end]:
        return
    if end - start <= DELTA_BLOCK:
        if found and found[-1][1] == start:
            found[-1] = (found[-1][0], end)
        else:
            found.append((start, end))
        return
    middle = (start + end) // 2
    _differing(base, target, start, middle, found)
    _differing(base, target, middle, end, found)


def copy_instruction(offset: int, size: int) -> bytes:
    """A delta's copy instruction: ``size`` bytes of the base from ``offset`` (size at most 0xFFFFFF)."""
    command, out = 0x80, bytearray()
    for i in range(4):
        if byte := (offset >> (8 * i)) & 0xFF:
            command |= 1 << i
            out.append(byte)
    for i in range(3):
        if byte := (size >> (8 * i)) & 0xFF:
            command |= 0x10 << i
            out.append(byte)
    return bytes([command]) + bytes(out)


def delta(base: bytes, target: bytes) -> bytes:
    """A git delta that makes ``target`` from ``base``, two buffers of the same length (the catalogue's ``packages``
    tree of one publish and of another: the same names at the same places, a few ids changed)."""
    if len(base) != len(target):
        raise ValueError("a delta is made only between buffers of the same length")
    stretches: list[tuple[int, int]] = []
    _differing(base, target, 0, len(target), stretches)
    out = bytearray(varint(len(base)) + varint(len(target)))
    at = 0
    for start, end in [*stretches, (len(target), len(target))]:
        while at < start:  # the same bytes: copied from the base
            size = min(start - at, 0xFFFFFF)
            out += copy_instruction(at, size)
            at += size
        while at < end:  # differing bytes: inserted, at most 127 per instruction
            size = min(end - at, 0x7F)
            out.append(size)
            out += target[at : at + size]
            at += size
    return bytes(out)


OFS_DELTA = 6  # an entry that is a delta against the entry a given distance before it in the same pack


def encode_distance(distance: int) -> bytes:
    """An ``OFS_DELTA`` entry's distance back to its base (big-endian, 7 bits a byte, each continued byte adding one)."""
    encoded = bytearray([distance & 0x7F])
    distance >>= 7
    while distance:
        distance -= 1
        encoded.insert(0, 0x80 | (distance & 0x7F))
        distance >>= 7
    return bytes(encoded)


def delta_entry(oid: bytes, data: bytes, distance: int, level: int = 1) -> PackEntry:
    """An ``OFS_DELTA`` entry: the delta ``data`` against the entry ``distance`` bytes before this one."""
    return PackEntry(oid, encode_header(OFS_DELTA, len(data)) + encode_distance(distance) + zlib.compress(data, level))


def decode_distance(data: bytes | bytearray, at: int) -> tuple[int, int]:
    """The ``OFS_DELTA`` distance encoded at ``at`` of ``data`` (see :func:`encode_distance`) and where it ends."""
    byte = data[at]
    distance = byte & 0x7F
    while byte & 0x80:
        at += 1
        byte = data[at]
        distance = ((distance + 1) << 7) | (byte & 0x7F)
    return distance, at + 1


def delta_base(entry: PackEntry) -> tuple[int, int]:
    """An ``OFS_DELTA`` entry's distance back to its base and where its compressed delta starts in its bytes."""
    return decode_distance(entry.data, entry_header(entry.data)[2])


def moved_delta(entry: PackEntry, distance: int) -> PackEntry:
    """The same ``OFS_DELTA`` entry with its base ``distance`` bytes before it (its base moved in a merged pack)."""
    at = entry_header(entry.data)[2]
    return PackEntry(entry.oid, entry.data[:at] + encode_distance(distance) + entry.data[decode_distance(entry.data, at)[1] :])


# -- entries of the latest writes, for the clone export that packs the same objects right after ---------

RECENT_KEEP = 1024  # entries (a publish brings a few dozen): a few writes' worth
_recent: dict[bytes, PackEntry] = {}
_recent_lock = threading.Lock()


def keep_recent(entries: Iterable[PackEntry]) -> None:
    """Keep entries compressed at :data:`LEVEL` that were just written: a publish's new files are packed again for the
    package's clone export right after, and the same object at the same level gives the same bytes."""
    with _recent_lock:
        for entry in entries:
            _recent[entry.oid] = entry
        while len(_recent) > RECENT_KEEP:
            del _recent[next(iter(_recent))]  # the oldest first


def recent_entry(oid: bytes) -> PackEntry | None:
    """The entry of a recent write for this binary id, compressed at :data:`LEVEL` (None: not kept)."""
    with _recent_lock:
        return _recent.get(oid)


def pack_bytes(objects: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, bytes, str]:
    """The pack and its index for ``(object id, type name, raw content)``; returns (pack, index, pack name without suffix)."""
    return join_entries(pack_entry(oid, kind, raw) for oid, kind, raw in objects)


def join_entries(pack_entries: Iterable[PackEntry]) -> tuple[bytes, bytes, str]:
    """The pack and its index for compressed entries; returns (pack, index, pack name without suffix)."""
    entries: list[tuple[bytes, int, int]] = []  # (binary id, crc32, offset)
    body = bytearray()
    count = 0
    for item in pack_entries:
        entries.append((item.oid, zlib.crc32(item.data), 12 + len(body)))
        body += item.data
        count += 1
    pack = b"PACK" + struct.pack(">II", 2, count) + bytes(body)
    checksum = hashlib.sha1(pack).digest()
    pack += checksum
    return pack, pack_index(entries, checksum), "pack-" + checksum.hex()


def pack_index(entries: Iterable[tuple[bytes, int, int]], checksum: bytes) -> bytes:
    """A version 2 pack index for ``(binary id, crc32, offset)`` of every entry and the pack's trailing checksum."""
    ordered = sorted(entries)
    fanout = [0] * 256
    for binary, _, _ in ordered:
        fanout[binary[0]] += 1
    total = 0
    for i in range(256):
        total += fanout[i]
        fanout[i] = total
    if any(offset >= 0x80000000 for _, _, offset in ordered):
        raise ValueError("pack too large for 32-bit offsets")  # an export or a publish's pack is never 2 GB
    index = (
        IDX_MAGIC
        + struct.pack(">I", 2)
        + struct.pack(">256I", *fanout)
        + b"".join(binary for binary, _, _ in ordered)
        + b"".join(struct.pack(">I", crc) for _, crc, _ in ordered)
        + b"".join(struct.pack(">I", offset) for _, _, offset in ordered)
        + checksum
    )
    return index + hashlib.sha1(index).digest()


def write_pack(folder: Path, objects: Iterable[tuple[str, str, bytes]]) -> str:
    """Write ``pack-<checksum>.pack`` and ``.idx`` into ``folder`` (pack first, each renamed into place); return the pack's file name.

    Not synced to disk: an export is derived from the catalogue and written again if lost.
    """
    return write_pack_files(folder, *pack_bytes(objects), durable=False)


def write_entries(folder: Path, entries: Iterable[PackEntry]) -> str:
    """:func:`write_pack` for entries already compressed."""
    return write_pack_files(folder, *join_entries(entries), durable=False)


def write_pack_files(folder: Path, pack: bytes, index: bytes, name: str, *, durable: bool) -> str:
    """Put a pack and its index into ``folder``: each written to a temporary file and renamed into place, the pack first
    (a reader that finds the index finds its pack); return the pack's file name.

    ``durable``: each file is synced before its rename and the folder after both, so when this returns, a crash
    cannot lose the pack (what the catalogue needs before a reference may name one of its objects).
    """
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, data in ((".pack", pack), (".idx", index)):
        temporary = folder / f".tmp-{os.getpid()}-{name}{suffix}"
        with open(temporary, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, folder / f"{name}{suffix}")
    if durable:
        sync_folder(folder)
    return f"{name}.pack"


def sync_folder(folder: Path) -> None:
    """Make the entries of ``folder`` (files created, renamed or removed in it) durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def pack_entries(pack: bytes, index: bytes) -> list[PackEntry]:
    """Every entry of a pack as stored (compressed, deltas left as they are), from the pack and its version 2 index."""
    return [entry for _, entry in located_entries(pack, index)]


def located_entries(pack: bytes, index: bytes) -> list[tuple[int, PackEntry]]:
    """:func:`pack_entries` with each entry's offset in the pack, in the pack's order."""
    if pack[:4] != b"PACK":
        raise ValueError("not a version 2 pack and index")
    located = []
    for oid, (_, offset) in index_rows(index).items():
        if offset & 0x80000000:
            raise ValueError("pack too large for 32-bit offsets")
        located.append((offset, oid))
    located.sort()
    ends = [offset for offset, _ in located[1:]] + [len(pack) - 20]  # the last entry ends at the trailing checksum
    return [(offset, PackEntry(oid, pack[offset:end])) for (offset, oid), end in zip(located, ends, strict=True)]


def index_rows(index: bytes) -> dict[bytes, tuple[int, int]]:
    """A version 2 pack index's binary ids with their CRC32 and offset."""
    ids = index_ids(index)
    count = len(ids)
    crcs = 8 + 1024 + 20 * count
    offsets = crcs + 4 * count
    if len(index) < offsets + 4 * count + 40:
        raise ValueError("pack index cut short")
    return {
        oid: (struct.unpack_from(">I", index, crcs + 4 * i)[0], struct.unpack_from(">I", index, offsets + 4 * i)[0])
        for i, oid in enumerate(ids)
    }


def index_ids(index: bytes) -> list[bytes]:
    """The binary object ids a pack index (version 2) lists, in its (sorted) order."""
    if index[:4] != IDX_MAGIC or struct.unpack(">I", index[4:8])[0] != 2:
        raise ValueError("not a version 2 pack index")
    count = struct.unpack(">I", index[8 + 1020 : 8 + 1024])[0]
    start = 8 + 1024
    if len(index) < start + 20 * count:
        raise ValueError("pack index cut short")
    return [index[start + 20 * i : start + 20 * (i + 1)] for i in range(count)]
