"""Building git trees in memory: no work tree, no index file, no subprocess."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import cast

import pygit2
from pygit2.enums import FileMode, ObjectType

# libgit2 keeps a parsed tree in its object cache only up to 4 KB (its default). The catalogue's ``packages`` tree has
# one entry per publisher (25 KB at 500 publishers), so every path looked up below it (``root["packages/p/s"]``, a
# dozen per package when the index or the site reads every package) parsed it again: a lookup grew with the catalogue
# (0.27 ms at 10,000 packages against 0.03 ms cached). Trees up to 4 MB are kept; the cache's total stays libgit2's bound.
pygit2.settings.cache_object_limit(ObjectType.TREE, 4 << 20)


# pygit2's stubs type ``repo[oid]`` and a tree's entries as the general ``Object`` (they cannot know what
# an id names) and an entry's ``name`` as optional (an object read by id has none). These say what the
# caller knows: the id of a blob, of a tree, of a commit, an entry of a tree. They check nothing at run
# time, just like the attribute access they stand before.
def blob_at(repo: pygit2.Repository, oid: pygit2.Oid | str) -> pygit2.Blob:
    return cast(pygit2.Blob, repo[oid])


def tree_at(repo: pygit2.Repository, oid: pygit2.Oid | str) -> pygit2.Tree:
    return cast(pygit2.Tree, repo[oid])


def commit_at(repo: pygit2.Repository, oid: pygit2.Oid | str) -> pygit2.Commit:
    return cast(pygit2.Commit, repo[oid])


def entry_name(entry: pygit2.Object) -> str:
    return cast(str, entry.name)


def nest(files: Mapping[str, bytes]) -> dict[str, object]:
    """``files`` (POSIX path -> content) as nested folders: name -> content, or name -> folder."""
    nested: dict[str, object] = {}
    for path, data in files.items():
        *folders, name = path.split("/")
        node = nested
        for folder in folders:
            node = node.setdefault(folder, {})  # type: ignore[assignment]
        node[name] = data
    return nested


TREE_MODE = b"40000"  # a subtree's mode as git writes it in a tree
RawEntries = dict[bytes, tuple[bytes, bytes]]  # a tree's entries as stored: name -> (octal mode, binary id)
# one entry of a raw git tree: mode, space, name, NUL, the 20-byte object id (the catalogue is SHA-1)
RAW_ENTRY = re.compile(rb"([0-7]+) ([^\0]*)\0(.{20})", re.DOTALL)


LARGE_TREE = 4096  # bytes: the root, ``packages`` and ``publishers`` trees of a catalogue past a few dozen publishers
_LARGE_KEEP = 32  # so many large trees' bytes are kept (a few writes' worth of each)
_SMALL_KEEP = 2048  # and so many smaller ones (a publisher's folder, a package's, the root): a few hundred kB
_large: dict[bytes, bytes] = {}  # binary id -> raw tree; an id names the same bytes in any repository
_small: dict[bytes, bytes] = {}
_kept_lock = threading.Lock()


def raw_tree(repo: pygit2.Repository, oid: pygit2.Oid) -> bytes | None:
    """A tree's raw bytes (None: missing, or not a tree), kept for the next reads.

    One publish reads the same few trees a dozen times each (the root, the publisher's and the package's folder, old
    and new: the version check, the commit, the index, the hints, the export), and every read through libgit2 looked
    the object up in each pack and then as a loose file and inflated it again (0.1 ms each at 50,000 packages). The
    large ones (one entry per publisher) are compared and rewritten in several places per publish.
    """
    with _kept_lock:
        found = _large.get(oid.raw) or _small.get(oid.raw)
    if found is not None:
        return found
    try:
        kind, raw = repo.odb.read(oid)
    except KeyError:
        return None
    if kind != ObjectType.TREE:
        return None
    keep_tree(oid, raw)
    return raw


def keep_tree(oid: pygit2.Oid, raw: bytes) -> None:
    """Keep a tree's bytes under its id (a write that has just built them: the next reads start from them)."""
    kept, limit = (_large, _LARGE_KEEP) if len(raw) >= LARGE_TREE else (_small, _SMALL_KEEP)
    with _kept_lock:
        kept[oid.raw] = raw
        while len(kept) > limit:
            del kept[next(iter(kept))]  # the oldest first


_MODES = (TREE_MODE, b"100644", b"100755", b"120000", b"160000")  # what git writes in a tree


def entry_id(repo: pygit2.Repository, tree: pygit2.Oid, path: str) -> pygit2.Oid | None:
    """The id at ``path`` below ``tree`` (None: no such entry), found in the trees' bytes.

    ``root[path]`` through libgit2 parses every tree on the way, and an earlier commit's ``packages`` tree (one entry
    per publisher) is not in its cache: reading an earlier version's ``hub.yaml`` cost a parse of 100 KB at 40,000
    packages. One search of the bytes per level finds the entry at C speed (the large trees' bytes are kept, :func:`raw_tree`).
    """
    current = tree
    for name in path.split("/"):
        raw = raw_tree(repo, current)
        if raw is None:
            return None
        found = _find_entry(raw, name.encode())
        if found is None:
            return None
        current = found
    return current


def _find_entry(raw: bytes, name: bytes) -> pygit2.Oid | None:
    for mode in _MODES:
        key = mode + b" " + name + b"\0"
        at = raw.find(key)
        # an entry starts the tree or follows the previous entry's NUL and 20-byte id
        while at > 0 and (at < 21 or raw[at - 21] != 0):
            at = raw.find(key, at + 1)
        if at >= 0:
            start = at + len(key)
            return pygit2.Oid(raw=raw[start : start + 20])
    return None


def raw_entries(raw: bytes) -> RawEntries:
    """A tree's entries as they stand in its bytes: reading a large tree (the catalogue's ``packages`` tree has
    one entry per publisher) as pygit2 objects costs far more than one regular expression over its bytes."""
    return {match[2]: (match[1], match[3]) for match in RAW_ENTRY.finditer(raw)}


def write_tree(repo: pygit2.Repository, files: Mapping[str, bytes]) -> pygit2.Oid:
    """Write ``files`` (POSIX path -> content) as a tree and return its id."""
    return _write_level(repo, nest(files))


def _write_level(repo: pygit2.Repository, level: Mapping[str, object]) -> pygit2.Oid:
    builder = repo.TreeBuilder()
    for name, value in level.items():
        if isinstance(value, bytes):
            builder.insert(name, repo.create_blob(value), FileMode.BLOB)
        else:
            builder.insert(name, _write_level(repo, value), FileMode.TREE)  # type: ignore[arg-type]
    return builder.write()


def replace_path(
    repo: pygit2.Repository, root: pygit2.Tree | None, parts: list[str], oid: pygit2.Oid | None, mode: int = FileMode.TREE
) -> pygit2.Oid:
    """A copy of ``root`` with the entry at ``parts`` set to ``oid`` (or removed when None).

    Only the trees on the path are rewritten; every other subtree is shared, which
    is what keeps a publish into a catalogue of 10,000 packages cheap.
    """
    builder = repo.TreeBuilder(root) if root is not None else repo.TreeBuilder()
    name = parts[0]
    if len(parts) == 1:
        if oid is None:
            if builder.get(name) is not None:
                builder.remove(name)
        else:
            builder.insert(name, oid, mode)
        return builder.write()
    child = None
    if root is not None and name in root:
        entry = root[name]
        if entry.type_str == "tree":
            child = tree_at(repo, entry.id)
    new_child = replace_path(repo, child, parts[1:], oid, mode)
    if len(tree_at(repo, new_child)) == 0:
        if builder.get(name) is not None:
            builder.remove(name)
    else:
        builder.insert(name, new_child, FileMode.TREE)
    return builder.write()


def tree_files(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str = "") -> dict[str, pygit2.Object]:
    """Every blob below ``tree`` by its POSIX path."""
    found: dict[str, pygit2.Object] = {}
    for entry in tree:
        path = prefix + entry_name(entry)
        if entry.type_str == "tree":
            found.update(tree_files(repo, tree_at(repo, entry.id), path + "/"))
        else:
            found[path] = entry
    return found


def subtree(repo: pygit2.Repository, root: pygit2.Tree, path: str) -> pygit2.Tree | None:
    try:
        entry = root[path]
    except KeyError:
        return None
    return tree_at(repo, entry.id) if entry.type_str == "tree" else None
