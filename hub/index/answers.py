"""The API's answers about each package, encoded when the index takes the package in.

``GET /api/v1/packages/<id>`` and ``…/versions`` answer what ``Catalog.get`` and
``Catalog.versions`` read from the catalogue, encoded as JSON. Reading costs milliseconds per
package, most of it decoding the manifest's YAML; the index decodes every manifest it takes in
anyway (for its documents), so it encodes these answers there and then and stores the bytes
beside the package's row, keyed by the package folder's tree id at the indexed commit. A
request then costs one indexed lookup, whatever the size of the catalogue (``hub.api.cache``).

The stored bytes are exactly what reading the catalogue gives (tests/test_stored_answers.py
compares them for every package, before and after each kind of write). A package whose
version is not tagged yet (a publish moves ``main`` first and tags right after) gets no stored
answers: the server reads it from the catalogue until the next sync stores them.

The server reads the stored answers with :class:`StoredAnswerReader`, on its event loop and without
ever waiting for a lock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import msgspec
import pygit2

from hub.model import Manifest
from hub.store.catalog import TAG_PREFIX, Catalog, package_path, tag_name
from hub.store.snapshot import PackageEntry
from hub.store.trees import subtree

# the encoder the API's cache uses for the same answers (msgspec's defaults): the bytes must be the same
_encoder = msgspec.json.Encoder()


@dataclass(frozen=True)
class StoredAnswers:
    """One package's encoded answers at the folder tree ``tree``."""

    tree: str  # the package folder's tree id the answers hold for
    version: str  # the latest version, as the manifest names it
    package: bytes  # GET /api/v1/packages/<id>
    versions: bytes  # GET /api/v1/packages/<id>/versions
    # GET /api/v1/packages/<id>/versions/<version> is ``package`` as well: the version's tag holds the
    # same folder as ``tree`` (false when the folder changed after the tag without a new version)
    version_is_package: bool

    def row(self, package_id: str) -> tuple[str, str, str, bytes, bytes, int]:
        return (package_id, self.tree, self.version, self.package, self.versions, int(self.version_is_package))


def package_answers(catalog: Catalog, commit: pygit2.Commit, entry: PackageEntry, manifest: Manifest) -> StoredAnswers | None:
    """The answers about the package ``entry`` at ``commit`` whose manifest is ``manifest``; None while its version has no tag."""
    repo = catalog.repo
    tag = repo.references.get(TAG_PREFIX + tag_name(entry.id, manifest.version))
    if tag is None:
        return None
    tag_commit = repo[tag.target].peel(pygit2.Commit)
    versions = catalog.versions(entry.id)
    if not any(info.version == manifest.version and info.commit == str(tag_commit.id) for info in versions):
        return None  # the version table has not seen the tag's commit yet
    answer = catalog.get(entry.id, ref=str(commit.id), manifest=manifest)
    folder = subtree(repo, tag_commit.tree, package_path(entry.id))
    return StoredAnswers(
        tree=str(entry.tree),
        version=manifest.version,
        package=_encoder.encode(answer),
        versions=_encoder.encode(versions),
        version_is_package=folder is not None and folder.id == entry.tree,
    )


# what each API answer reads: the folder's tree id the answer holds for, then the answer itself
_LOOKUPS = {
    "package": "SELECT tree, package FROM answers WHERE id = ?",
    "versions": "SELECT tree, versions FROM answers WHERE id = ?",
    "version": "SELECT tree, package FROM answers WHERE id = ? AND version = ? AND version_is_package",
}


class StoredAnswerReader:
    """Reads stored answers from the index file at ``path`` without ever waiting for a lock.

    The API reads them on its event loop (a hop to a thread costs more than the lookup), so a
    lookup must not wait: its connections have no busy timeout (the index's own wait 30 s for a
    writer) and only read. When the index cannot be read at once (locked by another process,
    being recreated, missing, of another schema) the lookup answers None and the caller reads the
    catalogue instead, in a thread. In WAL mode a writer does not block readers, so that is rare.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        # mode=rw: a missing index file is an error here, not a new empty database
        self._uri = Path(path).resolve().as_uri() + "?mode=rw"
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self._uri, uri=True, isolation_level=None, check_same_thread=False, timeout=0)
            conn.execute("PRAGMA query_only = 1")
            self._local.conn = conn
        return conn

    def lookup(self, package_id: str, answer: str, version: str | None = None) -> tuple[str, bytes] | None:
        """(tree id, encoded answer) of ``answer`` ("package", "versions", or "version" of ``version``); None when not at hand."""
        arguments = (package_id,) if version is None else (package_id, version)
        try:
            row = self._conn().execute(_LOOKUPS[answer], arguments).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else (row[0], row[1])
