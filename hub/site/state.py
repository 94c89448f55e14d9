"""What a site build leaves in its folder for the next one: ``.build/state.sqlite``.

It holds each page's key (a hash of what the page shows), each clone export's key, the search terms
by what they are made of (:func:`hub.site.searchindex.terms_key`), the commit the folder holds and the
commit whose dashboard it holds. Until this module they were two files written whole after every
build (``state.json`` and ``terms.msgpack``): at 50,000 packages about 60 MB encoded and written by
the served site's child process after every publish, the largest part of its work that grew with the
catalogue. Here a build that continues from what it kept (:class:`hub.site.build.Kept`) writes the
rows it changed, in one transaction; only a build in a new process, which reads the whole state
anyway, writes it whole.

Every write is one transaction, so the state is the previous build's or this build's, never a mix;
``generation`` changes with every write and tells a process whether the folder's state is still the
one it wrote (another writer makes what it kept void). The site is output that can be built again at
any time: without ``HUB_FSYNC`` the state is not synced to disk, and an unreadable state is a first
build. Folders written before this module are read once from their two files, which the first write
removes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from hub.settings import environment

PATH = ".build/state.sqlite"
LEGACY_STATE = ".build/state.json"  # before this module: the whole state, written after every build
LEGACY_TERMS = ".build/terms.msgpack"
SCHEMA = "1"
TIMEOUT_SECONDS = 30.0
CREATE = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS pages (rel TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS exports (package TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS terms (key TEXT PRIMARY KEY, terms BLOB NOT NULL) WITHOUT ROWID",
)
Terms = dict[str, dict[str, int]]  # terms key -> the package's terms with their field masks


@dataclass
class Saved:
    """The state a build left: empty (no commit) when there is none."""

    commit: str | None = None
    summaries: str | None = None
    pages: dict[str, str] = field(default_factory=dict)
    exports: dict[str, str] = field(default_factory=dict)


@dataclass
class Changes:
    """What a build writes: every row (``whole``), or the rows it changed and those it removed."""

    commit: str
    summaries: str
    whole: bool
    pages: Mapping[str, str]
    exports: Mapping[str, str]
    gone_pages: Iterable[str] = ()
    gone_exports: Iterable[str] = ()
    terms: Terms | None = None  # the search terms, if they changed: ``terms_added`` of them (None: all) and ``terms_gone``
    terms_added: Iterable[str] | None = None
    terms_gone: Iterable[str] = ()


class BuildState:
    """``.build/state.sqlite`` of the site folder ``out``; every call opens its own connection (the dashboard's thread)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out / PATH

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A connection on a state of this schema, or None (no state, an older or a damaged one: a first build)."""
        if not self.path.is_file():
            yield None
            return
        try:
            db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=TIMEOUT_SECONDS)
        except sqlite3.Error:
            yield None
            return
        with closing(db):
            try:
                schema = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            except sqlite3.Error:
                schema = None
            yield db if schema is not None and schema[0] == SCHEMA else None

    def _meta(self, db: sqlite3.Connection) -> dict[str, str]:
        return dict(db.execute("SELECT key, value FROM meta"))

    def head(self) -> tuple[str | None, str | None]:
        """The commit the folder holds and the commit whose dashboard it holds (None, None: not built)."""
        with contextlib.suppress(sqlite3.Error), self._reading() as db:
            if db is not None:
                meta = self._meta(db)
                return meta.get("commit"), meta.get("summaries")
        legacy = self._legacy()
        return legacy.commit, legacy.summaries

    def generation(self) -> str | None:
        """Changes with every write: the same value means the state is the one the last write left."""
        with contextlib.suppress(sqlite3.Error), self._reading() as db:
            if db is not None:
                return self._meta(db).get("generation")
        return None

    def read(self) -> Saved:
        """The whole state (a build in a new process compares every page with it)."""
        with contextlib.suppress(sqlite3.Error), self._reading() as db:
            if db is not None:
                meta = self._meta(db)
                return Saved(
                    commit=meta.get("commit"),
                    summaries=meta.get("summaries"),
                    pages=dict(db.execute("SELECT rel, key FROM pages")),
                    exports=dict(db.execute("SELECT package, key FROM exports")),
                )
        return self._legacy()

    def terms(self) -> Terms:
        """Every package's terms kept by the last build, by what they are made of."""
        decoder = msgspec.msgpack.Decoder(dict[str, int])
        with contextlib.suppress(sqlite3.Error, msgspec.DecodeError, msgspec.ValidationError), self._reading() as db:
            if db is not None:
                return {key: decoder.decode(blob) for key, blob in db.execute("SELECT key, terms FROM terms")}
        with contextlib.suppress(OSError, msgspec.DecodeError, msgspec.ValidationError):
            return msgspec.msgpack.decode((self.out / LEGACY_TERMS).read_bytes(), type=Terms)
        return {}

    def _legacy(self) -> Saved:
        with contextlib.suppress(OSError, msgspec.DecodeError, msgspec.ValidationError):
            return msgspec.json.decode((self.out / LEGACY_STATE).read_bytes(), type=Saved)
        return Saved()

    def write(self, changes: Changes) -> tuple[str, int]:
        """Write ``changes`` in one transaction; returns the new generation and the rows written (pages and exports)."""
        generation = uuid.uuid4().hex
        written = 0

        def change(db: sqlite3.Connection) -> None:
            nonlocal written
            if changes.whole:
                db.execute("DELETE FROM pages")
                db.execute("DELETE FROM exports")
            else:
                db.executemany("DELETE FROM pages WHERE rel = ?", ((rel,) for rel in changes.gone_pages))
                db.executemany("DELETE FROM exports WHERE package = ?", ((pid,) for pid in changes.gone_exports))
            db.executemany("INSERT OR REPLACE INTO pages (rel, key) VALUES (?, ?)", changes.pages.items())
            db.executemany("INSERT OR REPLACE INTO exports (package, key) VALUES (?, ?)", changes.exports.items())
            written = db.total_changes
            if changes.terms is not None:
                _write_terms(db, changes.terms, changes.terms_added, changes.terms_gone)
            _set_meta(db, {"commit": changes.commit, "summaries": changes.summaries, "generation": generation})

        self._transaction(change, whole=changes.whole)
        return generation, written

    def _transaction(self, change, *, whole: bool) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):
            try:
                with closing(sqlite3.connect(self.path, timeout=TIMEOUT_SECONDS, isolation_level=None)) as db:
                    db.execute(f"PRAGMA synchronous = {'NORMAL' if environment().fsync else 'OFF'}")
                    db.execute("PRAGMA journal_mode = WAL")  # readers (a server asking what the folder holds) never wait
                    db.execute("BEGIN IMMEDIATE")
                    try:
                        if _schema(db) != SCHEMA:
                            for table in ("meta", "pages", "exports", "terms"):
                                db.execute(f"DROP TABLE IF EXISTS {table}")
                            for statement in CREATE:
                                db.execute(statement)
                            _set_meta(db, {"schema": SCHEMA})
                        change(db)
                        db.execute("COMMIT")
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
                break
            except sqlite3.DatabaseError as exc:
                if attempt == 1 and not isinstance(exc, sqlite3.OperationalError):  # not a database: output, so anew
                    _remove(self.path)
                    continue
                raise
        if whole:
            for legacy in (LEGACY_STATE, LEGACY_TERMS):  # the state is here now: the files of older builds go
                (self.out / legacy).unlink(missing_ok=True)


def _write_terms(db: sqlite3.Connection, terms: Terms, added: Iterable[str] | None, gone: Iterable[str]) -> None:
    """The terms ``added`` (None: every one, the others removed) and those ``gone``: the table holds the current
    packages' terms only."""
    encoder = msgspec.msgpack.Encoder()
    if added is None:
        db.execute("DELETE FROM terms")
    db.executemany("DELETE FROM terms WHERE key = ?", ((key,) for key in gone))
    rows = terms if added is None else [key for key in added if key in terms]  # a key not among the terms: nothing to keep
    db.executemany("INSERT OR REPLACE INTO terms (key, terms) VALUES (?, ?)", ((key, encoder.encode(terms[key])) for key in rows))


def _schema(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return None
    return None if row is None else str(row[0])


def _set_meta(db: sqlite3.Connection, values: Mapping[str, str]) -> None:
    db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")
