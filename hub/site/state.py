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
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from hub.settings import environment
from hub.store import cachedb

PATH = ".build/state.sqlite"
LEGACY_STATE = ".build/state.json"  # before this module: the whole state, written after every build
LEGACY_TERMS = ".build/terms.msgpack"
SCHEMA = "1"
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


class _LegacyHead(msgspec.Struct):
    """The two values of an older build's state file that ``head`` needs: decoding into it skips the pages' keys
    (tens of megabytes at 50,000 packages)."""

    commit: str | None = None
    summaries: str | None = None


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
            db = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, timeout=cachedb.TIMEOUT_SECONDS)
        except sqlite3.Error:
            yield None
            return
        with closing(db):
            try:
                schema = cachedb.meta(db, "schema")
            except sqlite3.Error:  # not a database
                schema = None
            yield db if schema == SCHEMA else None

    def _meta(self, db: sqlite3.Connection) -> dict[str, str]:
        return dict(db.execute("SELECT key, value FROM meta"))

    def head(self) -> tuple[str | None, str | None]:
        """The commit the folder holds and the commit whose dashboard it holds (None, None: not built)."""
        with contextlib.suppress(sqlite3.Error), self._reading() as db:
            if db is not None:
                meta = self._meta(db)
                return meta.get("commit"), meta.get("summaries")
        with contextlib.suppress(OSError, msgspec.DecodeError, msgspec.ValidationError):
            legacy = msgspec.json.decode((self.out / LEGACY_STATE).read_bytes(), type=_LegacyHead)
            return legacy.commit, legacy.summaries
        return None, None

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
            cachedb.set_meta(db, {"commit": changes.commit, "summaries": changes.summaries, "generation": generation})

        self.path.parent.mkdir(parents=True, exist_ok=True)
        cachedb.write(
            self.path,
            change,
            schema=SCHEMA,
            create=CREATE,
            tables=("meta", "pages", "exports", "terms"),
            # readers (a server asking what the folder holds) never wait; the site is output: synced only with HUB_FSYNC
            pragmas=(f"PRAGMA synchronous = {'NORMAL' if environment().fsync else 'OFF'}", "PRAGMA journal_mode = WAL"),
        )
        if changes.whole:
            for legacy in (LEGACY_STATE, LEGACY_TERMS):  # the state is here now: the files of older builds go
                (self.out / legacy).unlink(missing_ok=True)
        return generation, written


def _write_terms(db: sqlite3.Connection, terms: Terms, added: Iterable[str] | None, gone: Iterable[str]) -> None:
    """The terms ``added`` (None: every one, the others removed) and those ``gone``: the table holds the current
    packages' terms only."""
    encoder = msgspec.msgpack.Encoder()
    if added is None:
        db.execute("DELETE FROM terms")
    db.executemany("DELETE FROM terms WHERE key = ?", ((key,) for key in gone))
    rows = terms if added is None else [key for key in added if key in terms]  # a key not among the terms: nothing to keep
    db.executemany("INSERT OR REPLACE INTO terms (key, terms) VALUES (?, ?)", ((key, encoder.encode(terms[key])) for key in rows))
