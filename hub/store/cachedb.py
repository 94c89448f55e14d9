"""A SQLite file that caches what can be built again (the version store beside the catalogue, a site build's state).

Such a file carries its schema's version in a ``meta`` table of key and value. A write is one transaction
that writers take in turn (``BEGIN IMMEDIATE``; readers go on reading the last committed state); a file
of another schema gets its tables made anew, and a file that is not a database (any more) is removed and
made anew once, as a cache may be. What still cannot be written raises ``sqlite3.Error``: the caller
decides whether that is a warning (a cache read from elsewhere meanwhile) or a failure.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from contextlib import closing
from pathlib import Path

TIMEOUT_SECONDS = 30.0


def write(
    path: Path,
    change: Callable[[sqlite3.Connection], None],
    *,
    schema: str,
    create: Iterable[str],
    tables: Iterable[str],
    pragmas: Iterable[str] = (),
    upgrade: Mapping[str, Callable[[sqlite3.Connection], None]] | None = None,
) -> None:
    """Run ``change`` in one write transaction on ``path``; the ``tables`` of another ``schema`` are dropped and
    ``create``'s statements run first, but a file of a schema ``upgrade`` names is brought to ``schema`` by its function
    (in the same transaction): what it holds is kept, not built again."""
    for attempt in (1, 2):
        try:
            with closing(sqlite3.connect(path, timeout=TIMEOUT_SECONDS, isolation_level=None)) as db:
                for pragma in pragmas:
                    db.execute(pragma)
                db.execute("BEGIN IMMEDIATE")
                try:
                    found = meta(db, "schema")
                    if found != schema:
                        if upgrade is not None and found is not None and found in upgrade:
                            upgrade[found](db)
                        else:
                            for table in tables:
                                db.execute(f"DROP TABLE IF EXISTS {table}")
                        for statement in create:
                            db.execute(statement)
                        set_meta(db, {"schema": schema})
                    change(db)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
            return
        except sqlite3.DatabaseError as exc:
            if attempt == 1 and not isinstance(exc, sqlite3.OperationalError):  # not a database (any more): a cache, so anew
                remove(path)
                continue
            raise


def meta(db: sqlite3.Connection, key: str) -> str | None:
    """A ``meta`` value; None where it is not set or there is no ``meta`` table yet."""
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return None
    return None if row is None else str(row[0])


def set_meta(db: sqlite3.Connection, values: Mapping[str, str]) -> None:
    db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())


def remove(path: Path) -> None:
    """The database and the files SQLite keeps beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")
