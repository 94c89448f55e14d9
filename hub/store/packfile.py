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
import zlib
from collections.abc import Iterable
from pathlib import Path

# object type numbers in a pack entry's header
TYPES = {"commit": 1, "tree": 2, "blob": 3, "tag": 4}
_IDX_MAGIC = b"\xfftOc"


def _entry_header(kind: int, size: int) -> bytes:
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


def pack_bytes(objects: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, bytes, str]:
    """The pack and its index for ``(object id, type name, raw content)``; returns (pack, index, pack name without suffix)."""
    entries: list[tuple[bytes, int, int]] = []  # (binary id, crc32, offset)
    body = bytearray()
    count = 0
    for oid, kind, raw in objects:
        entry = _entry_header(TYPES[kind], len(raw)) + zlib.compress(raw)
        entries.append((bytes.fromhex(oid), zlib.crc32(entry), 12 + len(body)))
        body += entry
        count += 1
    pack = b"PACK" + struct.pack(">II", 2, count) + bytes(body)
    checksum = hashlib.sha1(pack).digest()
    pack += checksum
    entries.sort()
    fanout = [0] * 256
    for binary, _, _ in entries:
        fanout[binary[0]] += 1
    total = 0
    for i in range(256):
        total += fanout[i]
        fanout[i] = total
    if any(offset >= 0x80000000 for _, _, offset in entries):
        raise ValueError("pack too large for 32-bit offsets")  # an export's version is never 2 GB
    index = (
        _IDX_MAGIC
        + struct.pack(">I", 2)
        + struct.pack(">256I", *fanout)
        + b"".join(binary for binary, _, _ in entries)
        + b"".join(struct.pack(">I", crc) for _, crc, _ in entries)
        + b"".join(struct.pack(">I", offset) for _, _, offset in entries)
        + checksum
    )
    index += hashlib.sha1(index).digest()
    return pack, index, "pack-" + checksum.hex()


def write_pack(folder: Path, objects: Iterable[tuple[str, str, bytes]]) -> str:
    """Write ``pack-<checksum>.pack`` and ``.idx`` into ``folder`` (pack first, each renamed into place); return the pack's file name.

    Not synced to disk: an export is derived from the catalogue and written again if lost.
    """
    pack, index, name = pack_bytes(objects)
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, data in ((".pack", pack), (".idx", index)):  # pack before index: a reader that finds the index finds its pack
        temporary = folder / f".tmp-{os.getpid()}-{name}{suffix}"
        temporary.write_bytes(data)
        os.replace(temporary, folder / f"{name}{suffix}")
    return f"{name}.pack"
