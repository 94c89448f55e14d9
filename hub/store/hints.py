"""Quality hints of a package version in the catalogue: its files' hints plus what the catalogue knows.

The files' hints depend only on the package's tree, which git addresses by content,
so they are cached by tree id: evaluating maturity again parses no BPMN twice.
"""

from __future__ import annotations

import threading
from typing import Any

import msgspec
import pygit2
import semver
from cachetools import LRUCache

from hub.model import Manifest, Problem, Publisher, VersionInfo
from hub.store.catalog import Catalog, package_path
from hub.store.manifests import manifest_of_blob
from hub.store.trees import blob_at, commit_at, entry_id, subtree, tree_files
from hub.store.versions import UNRECORDED, recorded_start
from hub.validate.hints import MANIFEST, Started, catalogue_hints, package_hints, started
from hub.validate.yamlsafe import load_yaml

_CACHE_SIZE = 20_000
_file_hints: LRUCache[str, list[Problem]] = LRUCache(maxsize=_CACHE_SIZE)
_manifests: LRUCache[str, Manifest] = LRUCache(maxsize=_CACHE_SIZE)
_populations: LRUCache[str, int | None] = LRUCache(maxsize=_CACHE_SIZE)  # publisher record blob id -> its number of inhabitants
_lock = threading.Lock()  # a read of an LRUCache reorders it too


def _known(cache: LRUCache[str, Any], key: str) -> tuple[bool, Any]:
    with _lock:
        return (True, cache[key]) if key in cache else (False, None)


def _remember(cache: LRUCache[str, Any], key: str, value: Any) -> Any:
    with _lock:
        cache[key] = value
    return value


def files_hints(repo: pygit2.Repository, tree: pygit2.Tree, manifest: Manifest) -> list[Problem]:
    key = str(tree.id)
    known, found = _known(_file_hints, key)
    if known:
        return found
    # the files' hints read the process models alone: the other files (forms, configurations, documents) are not read
    models = {a.path for a in manifest.artefacts if a.kind == "process-model"}
    files = {path: blob_at(repo, entry.id).data for path, entry in tree_files(repo, tree).items() if path in models}
    return _remember(_file_hints, key, package_hints(manifest, files))


def remember_files_hints(tree: pygit2.Oid, validated: list[Problem]) -> None:
    """Keep what validation found as the files' hints of the package folder ``tree`` it was published as: the
    maturity of the new version asks right after the publish, and evaluating them again parses every BPMN again.

    Validation's hints are :func:`package_hints` of the same files, with the lines of those in ``hub.yaml`` added
    (they are placed by pointer; package_hints gives them none): those lines are left out here, as files_hints has them.
    """
    hints = [msgspec.structs.replace(p, line=None) if p.file == MANIFEST else p for p in validated if p.is_hint]
    _remember(_file_hints, str(tree), hints)


def _manifest_of(catalog: Catalog, package_id: str, info: VersionInfo) -> Manifest | None:
    key = f"{info.commit}:{package_id}"
    known, found = _known(_manifests, key)
    if known:
        return found
    current = _current_manifest(catalog, package_id)
    if current is not None and current.version == info.version:  # a published version never changes: the same manifest
        return _remember(_manifests, key, current)
    commit = commit_at(catalog.repo, info.commit)
    oid = entry_id(catalog.repo, commit.tree_id, f"{package_path(package_id)}/hub.yaml")  # the earlier commit's trees: not parsed
    if oid is None:
        return None
    return _remember(_manifests, key, manifest_of_blob(catalog.repo, oid))


def _current_manifest(catalog: Catalog, package_id: str) -> Manifest | None:
    """The package's manifest at HEAD: the newest version's, read through HEAD's trees, whose large ones are kept.

    An earlier version's commit has a ``packages`` tree of its own (one entry per publisher: 127 kB at 50,000 packages)
    to inflate for each read; the newest earlier version, the one a new version is most often compared with (and whose
    manifest the version check reads next), is in HEAD's.
    """
    head = catalog.head()
    oid = entry_id(catalog.repo, head.tree_id, f"{package_path(package_id)}/hub.yaml") if head is not None else None
    return manifest_of_blob(catalog.repo, oid) if oid is not None else None


def earlier_starts(catalog: Catalog, manifest: Manifest, versions: list[VersionInfo] | None = None) -> list[Started]:
    """When each earlier published version of the package (lower version number) says it went into production.

    Only earlier ones: a version's hints must not change when a later version appears. Each is read from its
    publish commit's trailer (:func:`hub.store.versions.recorded_start`); a commit from before the trailer has its
    manifest read.
    """
    infos = versions if versions is not None else catalog.all_versions(manifest.id).get(manifest.id, [])
    current = semver.Version.parse(manifest.version)
    found = []
    for info in infos:
        if not semver.Version.is_valid(info.version) or semver.Version.parse(info.version) >= current:
            continue
        since = recorded_start(commit_at(catalog.repo, info.commit), manifest.id)
        if since == UNRECORDED:
            earlier = _manifest_of(catalog, manifest.id, info)
            if earlier is None:
                continue
            found.append(started(earlier))
        else:
            found.append(Started(info.version, since))
    return found


def _population(publisher: object) -> int | None:
    # the organisation record may carry the number of inhabitants; where it does not, that rule stays silent
    value = getattr(publisher, "population", None)
    return value if isinstance(value, int) and value > 0 else None


def population_of(catalog: Catalog, publisher_id: str) -> int | None:
    """The publisher's number of inhabitants at HEAD, parsed once per version of its record (a blob never changes):
    every publish and every maturity level asks, and parsing the YAML record each time cost more than the rule."""
    head = catalog.head()
    if head is None:
        return None
    try:
        oid = head.tree[f"publishers/{publisher_id}.yaml"].id
    except KeyError:
        return None
    key = str(oid)
    known, found = _known(_populations, key)
    if known:
        return found
    return _remember(_populations, key, _population(msgspec.convert(load_yaml(blob_at(catalog.repo, oid).data).data, Publisher)))


def populations(catalog: Catalog, ref: str | None = None) -> dict[str, int | None]:
    """Every publisher's number of inhabitants where known, read once for many packages."""
    return {publisher.id: _population(publisher) for publisher in catalog.publishers(ref)}


def publish_hints(catalog: Catalog, manifest: Manifest) -> list[Problem]:
    """What the catalogue adds at publish: since of earlier versions, the publisher's size.

    The earlier versions' starts of production are read only when a rule looks at them (a version without production
    evidence has no start to compare), each from its publish commit (:func:`earlier_starts`).
    """
    earlier = earlier_starts(catalog, manifest) if manifest.status.production is not None else []
    return catalogue_hints(manifest, earlier, population=population_of(catalog, manifest.publisher_id))


def version_hints(
    catalog: Catalog,
    package_id: str,
    commit: pygit2.Commit,
    manifest: Manifest,
    *,
    versions: list[VersionInfo] | None = None,
    sizes: dict[str, int | None] | None = None,
) -> list[Problem]:
    """Every hint of the version of ``package_id`` in ``commit``'s tree (files and catalogue).

    ``versions`` and ``sizes`` (from :func:`populations`) may be handed in when many packages are evaluated at once.
    """
    tree = subtree(catalog.repo, commit.tree, package_path(package_id))
    hints = files_hints(catalog.repo, tree, manifest) if tree is not None else []
    population = sizes.get(manifest.publisher_id) if sizes is not None else population_of(catalog, manifest.publisher_id)
    # the earlier versions' manifests matter only to a version in production (their start of production)
    earlier = earlier_starts(catalog, manifest, versions) if manifest.status.production is not None else []
    return hints + catalogue_hints(manifest, earlier, population=population)
