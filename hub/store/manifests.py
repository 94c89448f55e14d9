"""Manifests read from the catalogue, cached by blob id: a blob never changes, so neither does its manifest.

One publish read the same ``hub.yaml`` several times, each a YAML parse: the version check before the
commit and again inside it, the index's document and the maturity of the new version (and, at the next
publish of the package, the hints of its earlier versions). The publish also hands in the manifest it
has just validated for the blob it wrote, so none of these parses it again.
"""

from __future__ import annotations

import threading

import pygit2
from cachetools import LRUCache

from hub.model import Manifest
from hub.store.trees import blob_at
from hub.validate.stored import manifest_from_bytes

CACHE_SIZE = 20_000  # manifests of a few kilobytes each: bounded, whatever the catalogue's size

_lock = threading.Lock()
_cache: LRUCache[str, Manifest] = LRUCache(maxsize=CACHE_SIZE)  # a read reorders it too: under the lock


def manifest_of_blob(repo: pygit2.Repository, oid: pygit2.Oid | str) -> Manifest:
    """The manifest in blob ``oid`` (shared with other callers: do not change it)."""
    key = str(oid)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            return found
    return remember(key, manifest_from_bytes(blob_at(repo, oid).data))


def remember(oid: pygit2.Oid | str, manifest: Manifest) -> Manifest:
    """Keep ``manifest`` as what blob ``oid`` decodes to (the caller decoded or validated exactly those bytes)."""
    with _lock:
        _cache[str(oid)] = manifest
    return manifest
