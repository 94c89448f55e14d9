"""Which commits on ``main`` changed which package's folder, adoption records and reviews.

A package's history and its audit history list the first-parent commits on ``main`` that changed
``packages/<id>/``, ``adoptions/<id>/*.yaml`` or ``reviews/<id>/*.yaml``. Finding them by walking
``main`` costs O(history) for every request (at 10,000 packages about 0.6 s of CPU for one package),
so the version store beside the repository (hub.store.version_store) keeps every commit's changes,
one row per changed folder or record file, indexed by package. A reader takes the rows valid for
the store's commit and walks only the few commits between that commit and the head it reads;
without a usable store it walks the whole history, as before.
"""

from __future__ import annotations

from collections.abc import Iterable

import pygit2

from hub.store.trees import TREE_MODE, raw_entries, raw_tree
from hub.store.version_store import Change
from hub.store.versions import WALK_LIMIT, after, parse_trailers

__all__ = ["Change", "at", "changed_folders", "changed_outside", "of_commit", "since"]

# (kind, top folder, depth below it of what is recorded): packages/<publisher>/<slug> (the folder),
# adoptions/<publisher>/<slug>/<org>.yaml, reviews/<publisher>/<slug>/<version>.yaml
FOLDERS = (("package", "packages", 2), ("adoption", "adoptions", 3), ("review", "reviews", 3))


class _Trees:
    """Raw trees of one repository. Walking newest first, a commit's parent's trees are the next
    commit's own: the last reads are kept so each is inflated once."""

    KEEP = 64

    def __init__(self, repo: pygit2.Repository) -> None:
        self.repo = repo
        self._kept: dict[pygit2.Oid, bytes] = {}

    def raw(self, oid: pygit2.Oid | None) -> bytes:
        """A tree's raw entries; nothing for a missing object or one that is not a tree (a damaged catalogue)."""
        if oid is None:
            return b""
        if (data := self._kept.get(oid)) is not None:
            return data
        data = raw_tree(self.repo, oid) or b""
        if len(self._kept) >= self.KEEP:
            self._kept.clear()
        self._kept[oid] = data
        return data


def _find(raw: bytes, name: bytes) -> int:
    """Where the subtree entry ``name`` starts in ``raw``, or -1."""
    key = TREE_MODE + b" " + name + b"\0"
    at = raw.find(key)
    # an entry starts the tree or follows the previous entry's NUL and 20-byte id
    while at > 0 and (at < 21 or raw[at - 21] != 0):
        at = raw.find(key, at + 1)
    return at


def _without(raw: bytes, name: bytes) -> bytes:
    """``raw`` without the subtree entry ``name`` (as it is, when it has none)."""
    at = _find(raw, name)
    return raw if at < 0 else raw[:at] + raw[at + len(TREE_MODE) + 2 + len(name) + 20 :]


def _differing(
    trees: _Trees, old: pygit2.Oid | None, new: pygit2.Oid | None, hint: str | None, subtrees: bool
) -> list[tuple[str, pygit2.Oid | None, pygit2.Oid | None]]:
    """(name, old id, new id) of the subtree entries (``subtrees``) or of the other entries that differ
    between two trees, by name.

    A hub commit names its package in its trailers: when the trees are equal but for that subtree (one
    comparison of bytes in C), that is the answer; otherwise every entry of both is read. Either way
    the answer is exact; the hint makes a commit's cost independent of how many publishers there are.
    """
    before, after = trees.raw(old), trees.raw(new)
    if hint is not None and subtrees:
        name = hint.encode()
        if _without(before, name) == _without(after, name):
            return [(hint, _entry(before, name), _entry(after, name))]
    old_entries = {name: entry for name, entry in raw_entries(before).items() if (entry[0] == TREE_MODE) == subtrees}
    new_entries = {name: entry for name, entry in raw_entries(after).items() if (entry[0] == TREE_MODE) == subtrees}
    found = []
    for key in sorted(old_entries.keys() | new_entries.keys()):
        a, b = old_entries.get(key), new_entries.get(key)
        if a != b:
            found.append((key.decode("utf-8", "replace"), _oid(a), _oid(b)))
    return found


def _entry(raw: bytes, name: bytes) -> pygit2.Oid | None:
    at = _find(raw, name)
    if at < 0:
        return None
    start = at + len(TREE_MODE) + 2 + len(name)
    return pygit2.Oid(raw=raw[start : start + 20])


def _oid(entry: tuple[bytes, bytes] | None) -> pygit2.Oid | None:
    return None if entry is None else pygit2.Oid(raw=entry[1])


def _changed(
    trees: _Trees, old: pygit2.Oid | None, new: pygit2.Oid | None, prefix: str, depth: int, kind: str, hints: list[str]
) -> list[tuple[str, pygit2.Oid | None]]:
    """Paths ``depth`` levels down that differ between two trees (only differing subtrees are entered), each with what
    it holds in ``new`` (None: removed): package folders for ``kind`` "package", ``*.yaml`` record files otherwise."""
    if old == new:
        return []
    if depth == 0:
        return [(prefix, new)] if kind == "package" or prefix.endswith(".yaml") else []
    subtrees = depth > 1 or kind == "package"
    found: list[tuple[str, pygit2.Oid | None]] = []
    for name, a, b in _differing(trees, old, new, hints[0] if hints else None, subtrees):
        found.extend(_changed(trees, a, b, f"{prefix}/{name}", depth - 1, kind, hints[1:]))
    return found


def changed_folders(repo: pygit2.Repository, old: pygit2.Tree, new: pygit2.Tree, folder: str, hint: str | None = None) -> list[str]:
    """Ids (``publisher/slug``) of the ``<folder>/<publisher>/<slug>`` trees that differ between two root trees.

    ``hint``: the package id the change most likely concerns (a publish commit's ``Hub-Package``); the answer is
    exact either way, but with the right hint it costs the same whatever the number of publishers.
    """
    trees = _Trees(repo)
    name = folder.encode()
    hints = hint.split("/") if hint is not None and hint.count("/") == 1 else []
    paths = _changed(trees, _entry(trees.raw(old.id), name), _entry(trees.raw(new.id), name), folder, 2, "package", hints)
    return [path.split("/", 1)[1] for path, _ in paths]


def changed_outside(repo: pygit2.Repository, old: pygit2.Tree, new: pygit2.Tree, folder: str) -> bool:
    """True if the two root trees differ anywhere but in their ``folder`` subtree: one comparison of bytes."""
    trees = _Trees(repo)
    name = folder.encode()
    return _without(trees.raw(old.id), name) != _without(trees.raw(new.id), name)


def of_commit(repo: pygit2.Repository, commit: pygit2.Commit, trees: _Trees | None = None) -> list[Change]:
    """What ``commit`` changed against its first parent, in the order the history lists it."""
    trees = trees or _Trees(repo)
    root = trees.raw(commit.tree_id)
    parent = trees.raw(commit.parents[0].tree_id) if commit.parent_ids else b""
    package = parse_trailers(commit.message).get("Hub-Package", "")
    hints = package.split("/") if package.count("/") == 1 else []
    found = []
    for kind, folder, depth in FOLDERS:
        name = folder.encode()
        for path, held in _changed(trees, _entry(parent, name), _entry(root, name), folder, depth, kind, hints):
            parts = path.split("/")
            found.append(Change(str(commit.id), f"{parts[1]}/{parts[2]}", kind, path, None if held is None else str(held)))
    return found


def since(repo: pygit2.Repository, head: pygit2.Commit, stop: str | None, limit: int = WALK_LIMIT) -> list[Change] | None:
    """The changes of the first-parent commits after ``stop`` up to ``head``, oldest first (reversed, the
    newest first lists each commit's changes in :func:`of_commit`'s order).

    Every commit's changes when ``stop`` is None; None when ``stop`` is not among the ``limit`` first
    parents of ``head`` (another history, a long fetch).
    """
    commits = after(head, stop, limit)
    if commits is None:
        return None
    trees = _Trees(repo)
    try:
        newest_first = [change for commit in commits for change in of_commit(repo, commit, trees)]
    except (KeyError, pygit2.GitError):  # a parent missing from the object database
        return None
    return newest_first[::-1]


def at(repo: pygit2.Repository, head: pygit2.Commit, stored: tuple[str, list[Change]] | None, package: str | None) -> list[Change]:
    """The changes up to ``head`` (of ``package``, or of every package), newest first.

    ``stored`` is the version store's commit and its rows (oldest first); they serve when that commit
    is a recent first-parent ancestor of ``head`` (the commits in between are walked) or a recent
    descendant (the rows of the commits past ``head`` are left out). Otherwise the whole history is walked.
    """
    rows: Iterable[Change]
    if stored is not None and (new := since(repo, head, stored[0])) is not None:
        rows = [*stored[1], *(c for c in new if package is None or c.package == package)]
    elif (
        stored is not None and isinstance(newer := repo.get(stored[0]), pygit2.Commit) and (ahead := after(newer, str(head.id))) is not None
    ):
        past_head = {str(commit.id) for commit in ahead}
        rows = [c for c in stored[1] if c.commit not in past_head]
    else:
        rows = [c for c in since(repo, head, None) or [] if package is None or c.package == package]
    return list(rows)[::-1]
