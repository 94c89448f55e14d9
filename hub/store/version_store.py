"""The version table on disk beside the catalogue repository, valid for the commit it records.

Building the table from the tags lists every reference of the repository (libgit2 reads every loose
ref file): at 10,000 packages a process paid seconds of CPU, and on a busy machine most of a minute,
for its first read of one package's versions. Here one package's versions are one indexed query, and a
process brings them to ``main`` by walking the few commits since the recorded one (hub.store.versions).

Only writers move it on: ``Services.catch_up`` (after every write, and in every server that sees
``main`` move) calls :meth:`VersionStore.advance` under the data folder's sync lock. Readers never
write it, so a refused command leaves the data folder as it was. It is a cache: missing, unreadable, of
an older schema or of another history, it is ignored by readers and rebuilt from the tags by the next
writer. It also records the last commit up to which every publish is known to be tagged, so
``repair_tags`` need not walk the whole history at every start.

The file is ``<catalogue folder name without .git>.versions.sqlite`` beside the repository folder
(``<data>/catalog.versions.sqlite``): not inside it, where the repository is served to replicas over
dumb HTTP and copied with hard links by the benchmarks.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import msgspec

from hub.model import VersionInfo
from hub.store import cachedb

log = logging.getLogger(__name__)

# 2: the changes table (hub.store.changes); 3: what each changed path holds after the commit; 4: when each version was
# published, in seconds, in an index (the feeds' newest versions: hub.federation.atom)
SCHEMA = "4"
CREATE = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS versions (package TEXT NOT NULL, version TEXT NOT NULL, info BLOB NOT NULL,"
    " published REAL NOT NULL, PRIMARY KEY (package, version)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS versions_newest ON versions (published DESC, package DESC, version DESC)",
    # oldest first by seq: the first-parent commits on main that changed a package's folder or records
    "CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY, package TEXT NOT NULL, commit_id TEXT NOT NULL,"
    " kind TEXT NOT NULL, path TEXT NOT NULL, object TEXT)",
    "CREATE INDEX IF NOT EXISTS changes_by_package ON changes (package, seq)",
)


class Change(NamedTuple):
    """A first-parent commit on main changed a package's folder or one of its records (hub.store.changes)."""

    commit: str
    package: str  # publisher/slug
    kind: str  # "package", "adoption" or "review"
    path: str  # packages/<id>, adoptions/<id>/<org>.yaml or reviews/<id>/<version>.yaml
    # what ``path`` holds after the commit (the folder's tree, the record's blob); None where the commit removed it.
    # A commit id names its trees, so this is a fact about ``commit`` whatever history it is found in.
    object: str | None = None


Row = tuple[str, VersionInfo]  # package id, one of its versions
# the publishes and the changes since a recorded commit, oldest first; None when that commit is not a
# recent first-parent ancestor
Since = Callable[[str], tuple[list[Row], list[Change]] | None]


def published_seconds(info: VersionInfo) -> float:
    """When a version was published, in seconds since the epoch (the order of the feeds: an instant, whatever the offset);
    0 for a time that is not one (a row written by hand), which sorts it last."""
    try:
        return datetime.fromisoformat(info.published_at).timestamp()
    except ValueError:
        return 0.0


def _upgrade_from_3(db: sqlite3.Connection) -> None:
    """Schema 3 → 4 in place: each version's publishing time from its row. Built again from the tags instead, the store
    took 53 s of CPU at 50,000 packages, and it lost the commit up to which every publish is tagged, so the next start's
    ``repair_tags`` walked the whole history."""
    db.execute("ALTER TABLE versions ADD COLUMN published REAL NOT NULL DEFAULT 0")
    decoder = msgspec.json.Decoder(VersionInfo)
    rows = db.execute("SELECT package, version, info FROM versions").fetchall()
    db.executemany(
        "UPDATE versions SET published = ? WHERE package = ? AND version = ?",
        [(published_seconds(decoder.decode(info)), package, version) for package, version, info in rows],
    )


def store_path(catalog_path: Path) -> Path:
    name = catalog_path.name.removesuffix(".git") or "catalog"
    return catalog_path.with_name(f"{name}.versions.sqlite")


class VersionStore:
    """Package id → versions as of ``commit()``; every method opens its own connection (threads, forked workers)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()  # each thread keeps its read connection (opening one costs more than a read)

    def _connection(self, inode: int) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        # not one a forked child inherited, nor one of a file since replaced (a writer starts a broken store anew)
        if held is not None and held[:2] == (os.getpid(), inode):
            return held[2]
        db = sqlite3.connect(
            f"{self.path.as_uri()}?mode=ro", uri=True, timeout=cachedb.TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._local.held = (os.getpid(), inode, db)
        return db

    @contextmanager
    def _reading(self) -> Iterator[tuple[sqlite3.Connection, dict[str, str]] | None]:
        """A read-only connection in a read transaction with the store's meta values, or None without a usable
        store (readers never create it)."""
        try:
            inode = self.path.stat().st_ino
        except OSError:
            self._local.held = None
            yield None
            return
        try:
            db = self._connection(inode)
            db.execute("BEGIN")  # the meta values and the rows of one moment
        except sqlite3.Error:
            self._local.held = None
            yield None
            return
        try:
            try:
                meta = dict(db.execute("SELECT key, value FROM meta"))
            except sqlite3.Error:
                meta = {}
            yield (db, meta) if meta.get("schema") == SCHEMA else None
        finally:
            try:
                db.execute("ROLLBACK")  # end the read at once: a reader holding it would keep writers from committing
            except sqlite3.Error:
                self._local.held = None

    def _value(self, key: str) -> str | None:
        try:
            with self._reading() as found:
                return None if found is None else found[1].get(key)
        except sqlite3.Error:
            return None

    def commit(self) -> str | None:
        """The commit the stored versions are valid for; None without a usable store."""
        return self._value("commit")

    def _select(self, query: str, package_id: str | None, order: str = "", where: str = "") -> tuple[str, list[tuple]] | None:
        """The recorded commit and the rows of ``query`` (of ``package_id``, or of every package; ``where``: a further
        condition), read together in one read transaction; None without a usable store."""
        conditions = [c for c in ("package = ?" if package_id is not None else "", where) if c]
        clause = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        try:
            with self._reading() as found:
                if found is None or "commit" not in found[1]:
                    return None
                db, meta = found
                return meta["commit"], db.execute(f"{query}{clause} {order}", () if package_id is None else (package_id,)).fetchall()
        except sqlite3.Error:
            return None

    def read(self, package_id: str | None = None) -> tuple[str, dict[str, list[VersionInfo]]] | None:
        """The commit and the versions of ``package_id`` (or of every package), read together; None without a store."""
        found = self._select("SELECT package, info FROM versions", package_id)
        if found is None:
            return None
        table: dict[str, list[VersionInfo]] = {}
        decoder = msgspec.json.Decoder(VersionInfo)
        for package, info in found[1]:
            table.setdefault(package, []).append(decoder.decode(info))
        return found[0], table

    def newest(self, limit: int, publisher: str | None = None) -> tuple[str, list[Row]] | None:
        """The commit and the ``limit`` versions published last (of ``publisher``'s packages), newest first (then by
        package and version, descending); None without a usable store.

        Every package: a range of the index ``versions_newest``, whatever the size of the catalogue. One publisher's:
        the rows of its packages (a range of the primary key: their ids sort from ``<publisher>/`` to before
        ``<publisher>0``), ordered the same way."""
        parameters: tuple[str | int, ...]
        if publisher is None:
            query, parameters = "SELECT package, info FROM versions ORDER BY published DESC, package DESC, version DESC LIMIT ?", (limit,)
        else:
            query = "SELECT package, info FROM versions WHERE package >= ? AND package < ? ORDER BY published DESC, package DESC, version DESC LIMIT ?"
            parameters = (f"{publisher}/", f"{publisher}0", limit)
        try:
            with self._reading() as found:
                if found is None or "commit" not in found[1]:
                    return None
                db, meta = found
                rows = db.execute(query, parameters).fetchall()
        except sqlite3.Error:
            return None
        decoder = msgspec.json.Decoder(VersionInfo)
        return meta["commit"], [(package, decoder.decode(info)) for package, info in rows]

    def changes(self, package_id: str | None = None) -> tuple[str, list[Change]] | None:
        """The commit and the changes (of ``package_id``, or of every package) valid for it, oldest first; None without a store."""
        found = self._select("SELECT commit_id, package, kind, path, object FROM changes", package_id, "ORDER BY seq")
        return None if found is None else (found[0], [Change(*row) for row in found[1]])

    def folder_trees(self, package_id: str | None = None) -> dict[str, dict[str, str]]:
        """Package id → publish or other commit → the package folder's tree after that commit, as far as the store has
        recorded them (of ``package_id``, or of every package); empty without a usable store.

        Rows of commits past or beside the head a caller reads are true all the same (a commit id names its trees);
        a caller finds the folder of a commit the store lacks in the commit's own trees."""
        found = self._select("SELECT package, commit_id, object FROM changes", package_id, where="kind = 'package' AND object IS NOT NULL")
        table: dict[str, dict[str, str]] = {}
        for package, commit, tree in found[1] if found is not None else ():
            table.setdefault(package, {})[commit] = tree
        return table

    def tagged(self) -> str | None:
        """The last commit up to which every publish on ``main`` was tagged (``repair_tags``)."""
        return self._value("tagged")

    def record_tagged(self, commit: str) -> None:
        self._write(lambda db: cachedb.set_meta(db, {"tagged": commit}))

    def advance(self, head: str, since: Since, rebuild: Callable[[], tuple[list[Row], list[Change]]]) -> None:
        """Bring the store to ``head``: the publishes and changes since the recorded commit, or everything again from ``rebuild``."""
        if self.commit() == head:
            return  # current already (a server's start, a second catch-up): no write transaction, no sync to disk

        def change(db: sqlite3.Connection) -> None:
            stored = cachedb.meta(db, "commit")
            if stored == head:
                return
            new = since(stored) if stored is not None else None
            if new is None:
                db.execute("DELETE FROM versions")
                db.execute("DELETE FROM changes")
                new = rebuild()
            versions, changes = new
            encoder = msgspec.json.Encoder()
            db.executemany(
                "INSERT OR IGNORE INTO versions (package, version, info, published) VALUES (?, ?, ?, ?)",
                [(package, info.version, encoder.encode(info), published_seconds(info)) for package, info in versions],
            )
            db.executemany(
                "INSERT INTO changes (package, commit_id, kind, path, object) VALUES (?, ?, ?, ?, ?)",
                [(c.package, c.commit, c.kind, c.path, c.object) for c in changes],
            )
            cachedb.set_meta(db, {"commit": head})

        self._write(change)

    def _write(self, change: Callable[[sqlite3.Connection], None]) -> None:
        """One transaction; a store that cannot be written is left as it is (readers then read the tags)."""
        try:
            cachedb.write(
                self.path, change, schema=SCHEMA, create=CREATE, tables=("versions", "changes", "meta"), upgrade={"3": _upgrade_from_3}
            )
        except sqlite3.DatabaseError:
            log.warning("Versionstabelle %s nicht geschrieben; Lesende lesen die Tags", self.path, exc_info=True)
