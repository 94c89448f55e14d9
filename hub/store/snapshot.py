"""The catalogue at one commit, read the one way: ``packages/<publisher>/<slug>/hub.yaml`` and ``publishers/<id>.yaml``.

``Catalog.package_ids``, the search index and the static site all list a commit's packages
through :class:`CatalogSnapshot`, so they agree on what a package is: a folder two levels
below ``packages/`` (files there are not packages). Its ``hub.yaml`` may be missing in a
damaged catalogue; ``manifest`` is then ``None`` and each reader decides (the index skips
it, the site leaves it out). Tree and blob ids are what incremental work keys on: a
package changed iff its tree id changed, a manifest needs parsing again iff its blob id did.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pygit2

from hub.store.changes import changed_folders
from hub.store.trees import subtree
from hub.store.versions import parse_trailers

__all__ = ["CatalogSnapshot", "PackageEntry", "changed_packages", "changed_publishers", "step_hint"]

PACKAGES = "packages"
PUBLISHERS = "publishers"
MANIFEST = "hub.yaml"


@dataclass(frozen=True)
class PackageEntry:
    id: str  # ``<publisher>/<slug>``
    tree: pygit2.Oid  # the package folder
    manifest: pygit2.Oid | None  # its ``hub.yaml`` blob; None when there is none

    @property
    def publisher(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]


class CatalogSnapshot:
    """The packages and publishers of one catalogue commit (read lazily, each at most once)."""

    def __init__(self, repo: pygit2.Repository, commit: pygit2.Commit) -> None:
        self.repo = repo
        self.commit = commit
        self.root = commit.tree

    @cached_property
    def packages(self) -> dict[str, PackageEntry]:
        """Every package folder, by id, sorted."""
        found: dict[str, PackageEntry] = {}
        for publisher, publisher_id in _children(self.repo, self.root, PACKAGES, "tree").items():
            publisher_tree = self.repo[publisher_id]
            assert isinstance(publisher_tree, pygit2.Tree)  # _children lists trees only
            for slug in publisher_tree:
                if slug.type_str == "tree":
                    package_id = f"{publisher}/{slug.name}"
                    found[package_id] = PackageEntry(package_id, slug.id, _blob_in(self.repo[slug.id], MANIFEST))
        return dict(sorted(found.items()))

    def package_ids(self) -> list[str]:
        return list(self.packages)

    def package_count(self) -> int:
        """``len(package_ids())`` from the publishers' folders alone, without reading each package's (health asks per request)."""
        if "packages" in self.__dict__:
            return len(self.packages)
        return sum(
            sum(1 for slug in self.repo[tree_id].peel(pygit2.Tree) if slug.type_str == "tree")
            for tree_id in _children(self.repo, self.root, PACKAGES, "tree").values()
        )

    def package(self, package_id: str) -> PackageEntry | None:
        """One package, looked up directly (without listing the others)."""
        if "packages" in self.__dict__:
            return self.packages.get(package_id)
        tree_id = _entry(self.root, f"{PACKAGES}/{package_id}", "tree")
        if tree_id is None or package_id.count("/") != 1:
            return None
        return PackageEntry(package_id, tree_id, _blob_in(self.repo[tree_id], MANIFEST))

    def manifest_blob(self, package_id: str) -> pygit2.Oid | None:
        entry = self.package(package_id)
        return entry.manifest if entry is not None else None

    @cached_property
    def publishers(self) -> dict[str, pygit2.Oid]:
        """Publisher id → its ``publishers/<id>.yaml`` blob, in the folder's order."""
        return {
            name.removesuffix(".yaml"): oid
            for name, oid in _children(self.repo, self.root, PUBLISHERS, "blob").items()
            if name.endswith(".yaml")
        }

    def publisher_blob(self, publisher_id: str) -> pygit2.Oid | None:
        return _entry(self.root, f"{PUBLISHERS}/{publisher_id}.yaml", "blob")


def _entry(root: pygit2.Tree, path: str, kind: str) -> pygit2.Oid | None:
    try:
        entry = root[path]
    except (KeyError, ValueError):
        return None
    return entry.id if entry.type_str == kind else None


def _blob_in(tree: pygit2.Object, name: str) -> pygit2.Oid | None:
    return _entry(tree, name, "blob") if isinstance(tree, pygit2.Tree) else None


def _children(repo: pygit2.Repository, root: pygit2.Tree, path: str, kind: str) -> dict[str, pygit2.Oid]:
    tree = subtree(repo, root, path)
    return {} if tree is None else {e.name: e.id for e in tree if e.type_str == kind and e.name is not None}


def changed_packages(
    repo: pygit2.Repository, old: pygit2.Tree, new: pygit2.Tree, folder: str = PACKAGES, *, hint: str | None = None
) -> list[str]:
    """Ids of the packages whose ``<folder>/<publisher>/<slug>`` tree differs between two root trees.

    ``packages/`` (added, changed, removed packages), and ``adoptions/`` and ``reviews/``, which
    are laid out the same way. Compares tree ids level by level, so unchanged publishers are
    skipped at once (hub.store.changes, the one comparison of trees the history uses too).
    ``hint`` (see :func:`step_hint`) spares reading every publisher's entry when only that package changed.
    """
    return changed_folders(repo, old, new, folder, hint)


def step_hint(old: pygit2.Commit, new: pygit2.Commit) -> str | None:
    """The package ``new`` names in its ``Hub-Package`` trailer when it is the one commit after ``old``.

    The index and the exports follow ``main`` one publish at a time; with this hint their comparison of
    the two trees reads no publisher's entry but the package's (the comparison stays exact without it).
    """
    if new.parent_ids[:1] != [old.id]:
        return None
    package = parse_trailers(new.message).get("Hub-Package")
    return package if package is not None and package.count("/") == 1 else None


def changed_publishers(repo: pygit2.Repository, old: pygit2.Tree, new: pygit2.Tree) -> set[str]:
    """Ids of the publishers whose ``publishers/<id>.yaml`` differs between two root trees."""
    if _entry(old, PUBLISHERS, "tree") == _entry(new, PUBLISHERS, "tree"):
        return set()  # most commits leave the folder alone: its entries (one per publisher) need not be read
    before = _children(repo, old, PUBLISHERS, "blob")
    after = _children(repo, new, PUBLISHERS, "blob")
    return {
        name.removesuffix(".yaml")
        for name in before.keys() | after.keys()
        if name.endswith(".yaml") and before.get(name) != after.get(name)
    }
