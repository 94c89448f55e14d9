"""The search index: one SQLite file that reflects one catalogue commit.

``Index.sync(catalog)`` brings it to the catalogue's HEAD — reusing it when the commit is
the same, updating only the packages whose ``packages/<publisher>/<slug>`` tree (or whose
``publishers/<id>.yaml``) changed when the indexed commit is an ancestor of HEAD, and
rebuilding it otherwise. ``Index.search`` answers free text with facets, filters, four
orders and cursor pagination.

Each thread gets its own connection; the facet bitsets (:mod:`hub.index.facets`) are
shared by all threads and rebuilt when another writer — a thread or a process — changed
the index.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from itertools import accumulate
from pathlib import Path

import msgspec
import pygit2

from hub.errors import BadRequest, HubError
from hub.index.answers import StoredAnswers, package_answers
from hub.index.cursor import decode_cursor, encode_cursor
from hub.index.documents import Document, document, maturity_value
from hub.index.facets import FACETS, ORDERED_FACETS, Snapshot, bits_of
from hub.index.results import FacetValue, QueueRow, SearchHit, SearchResult, SyncReport
from hub.index.schema import COLUMNS, DDL, SCHEMA_VERSION, TABLES
from hub.index.text import EXACT, MASK_POINTS, PART_MIN, PREFIX, PREFIX_MIN, TYPO, match_quality, query_terms, rank_key
from hub.model import Manifest, MaturityState
from hub.store.catalog import TAG_PREFIX, Catalog, iso, tag_name
from hub.store.manifests import manifest_of_blob
from hub.store.snapshot import CatalogSnapshot, changed_packages, changed_publishers, step_hint
from hub.store.trees import blob_at
from hub.validate.yamlsafe import load_yaml

log = logging.getLogger(__name__)

SORTS = ("relevance", "name", "updated", "maturity")
MAX_LIMIT = 100
REBUILD_CHUNK = 1000  # packages a rebuild reads and writes at a time (bounds its memory; see Index._rebuild)
PATCH_LIMIT = 2000  # more changed packages than this since a facet picture: reload it instead of patching
LOG_GENERATIONS = 1000  # how many generations of changes the log keeps for patching

Level = int | MaturityState | None
# (catalogue, commit, package ids, the manifests the index has already decoded at that commit, by package id)
MaturityProvider = Callable[[Catalog, pygit2.Commit, list[str], Mapping[str, Manifest]], Mapping[str, Level]]
"""Gives the maturity level (0..4, None when unknown) of packages at a commit, or a :class:`hub.model.MaturityState`
with it (the level and whether the package waits for a review: :meth:`Index.review_queue`); see :meth:`Index.sync`."""

_HIT_COLUMNS = (
    "rowid, id, name, version, summary_de, publisher_id, publisher_name, themenfeld, license, status, "
    "artefact_kinds, keywords, maturity_level, updated"
)
_strings = msgspec.json.Decoder(list[str])


class Index:
    """Search and facets over one catalogue commit, stored in the SQLite file at ``path``."""

    def __init__(self, path: str | os.PathLike[str], *, text_cache_rows: int = 1_000_000) -> None:
        """Open (or create) the index file. ``text_cache_rows`` bounds the cache of text matches
        (ranked rows over all cached queries, 32 bytes each; 0 turns it off): paging and refining
        the filters of one query then skip matching and scoring."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._snapshot: Snapshot | None = None
        self._matches = _MatchCache(text_cache_rows)
        self._vocabulary: tuple[int, _Vocabulary] | None = None
        self._ensure_schema(self._conn())

    # -- connections and schema ------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            # autocommit mode: transactions are explicit (BEGIN / BEGIN IMMEDIATE)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # derived data: a lost last sync is redone by the next
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA cache_size = -32000")
            conn.execute("PRAGMA mmap_size = 268435456")
            conn.execute("PRAGMA journal_size_limit = 67108864")
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every thread's connection (call when no thread uses the index any more)."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._snapshot = None
        self._local = threading.local()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        if _meta(conn, "schema_version") == str(SCHEMA_VERSION):
            return
        generation = _begin_write(conn)
        try:
            if _meta(conn, "schema_version") != str(SCHEMA_VERSION):
                _recreate(conn, generation)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @property
    def commit(self) -> str | None:
        """The catalogue commit the index reflects (None: never synced, or an empty catalogue)."""
        return _meta(self._conn(), "commit")

    def answers(self, package_id: str) -> StoredAnswers | None:
        """The API's stored answers about a package, as of the commit the index reflects (see hub.index.answers).

        The caller checks ``tree`` against the package's folder now: the index may be behind HEAD.
        """
        try:
            row = (
                self._conn()
                .execute("SELECT tree, version, package, versions, version_is_package FROM answers WHERE id = ?", (package_id,))
                .fetchone()
            )
        except sqlite3.Error:  # an index another process is recreating, or one of an older schema: read the catalogue
            return None
        return None if row is None else StoredAnswers(row[0], row[1], row[2], row[3], bool(row[4]))

    # -- keeping up with the catalogue -------------------------------------------------------

    def sync(self, catalog: Catalog, *, maturity: MaturityProvider | None = None, later: bool = False) -> SyncReport:
        """Bring the index to ``catalog``'s HEAD and say what that took.

        ``later``: a rebuild writes only what search needs (every package's row, terms and facets) and leaves the
        maturity levels and the API's stored answers, the larger part of its work, to :meth:`complete` (a first
        start answers before them: search finds every package at once, its level follows; the API reads a package
        from the catalogue until its stored answers are there). Levels the index held stay until then.

        ``reused`` when it already reflects HEAD; ``updated`` (only the changed packages)
        when the indexed commit is an ancestor of HEAD; ``rebuilt`` otherwise: first sync,
        unrelated or unknown commit, another schema version.

        ``maturity``, when given, is asked for the levels of the packages (re)indexed and of those
        whose ``adoptions/<id>/`` or ``reviews/<id>/`` changed, since those move levels too.
        Without it a reindexed package keeps the level it had (see :meth:`set_maturity`); levels
        that change with time alone are refreshed by :meth:`refresh_maturity`.
        """
        started = time.perf_counter()
        head = catalog.head()
        head_id = str(head.id) if head is not None else None
        conn = self._conn()
        self._ensure_schema(conn)
        generation = _begin_write(conn)
        try:
            stored = _meta(conn, "commit")
            if stored == head_id:
                conn.execute("ROLLBACK")
                return SyncReport(action="reused", commit=head_id, previous=stored, seconds=time.perf_counter() - started)
            old = _commit_or_none(catalog.repo, stored)
            pending = _meta(conn, "pending")
            rebuild_maturity = None if later else maturity
            if head is None:
                report = self._rebuild(conn, generation, catalog, None, maturity, "Der Katalog ist leer.")
            elif stored is None:
                report = self._rebuild(conn, generation, catalog, head, rebuild_maturity, "Der Index war noch leer.", not later)
            elif old is None:
                reason = f"Der indexierte Stand {stored[:12]} fehlt im Katalog."
                report = self._rebuild(conn, generation, catalog, head, rebuild_maturity, reason, not later)
            elif not catalog.repo.descendant_of(head.id, old.id):
                reason = f"Der indexierte Stand {stored[:12]} ist kein Vorgänger des aktuellen."
                report = self._rebuild(conn, generation, catalog, head, rebuild_maturity, reason, not later)
            else:
                report = self._update(conn, generation, catalog, old, head, maturity)
            report.previous = stored
            if report.action == "rebuilt":
                pending = "1" if later and head is not None else None
            _finish_write(conn, generation, commit=head_id, pending=pending)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if report.action == "rebuilt":  # a rebuild passes the whole index through the WAL: fold it back in
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        report.seconds = time.perf_counter() - started
        return report

    @property
    def pending(self) -> bool:
        """Whether a rebuild left the maturity levels and stored answers to :meth:`complete` (``sync(later=True)``)."""
        return _meta(self._conn(), "pending") == "1"

    def complete(self, catalog: Catalog, *, maturity: MaturityProvider | None = None, chunks: int | None = None) -> bool:
        """Add what a rebuild with ``later`` left out: every package's maturity level (from ``maturity``) and the
        API's stored answers, at the indexed commit, a chunk of packages per write, up to ``chunks`` chunks (None:
        all); True when nothing is left (one read when no rebuild left anything).

        Where it got to is kept in the index (``pending_after``: the last package done, in id order), so a caller
        may hold the index's lock file for one chunk at a time (``hub.services``) and let a publish's sync in
        between: a package such a sync took in got its level and answers there, and the rest goes on at the commit
        the index then reflects."""
        conn = self._conn()
        done = 0
        while _meta(conn, "pending") == "1" and (chunks is None or done < chunks):
            commit = _commit_or_none(catalog.repo, _meta(conn, "commit"))
            after = _meta(conn, "pending_after") or ""
            chunk = [row[0] for row in conn.execute("SELECT id FROM packages WHERE id > ? ORDER BY id LIMIT ?", (after, REBUILD_CHUNK))]
            levels: dict[str, Level] = {}
            rows: list[tuple[str, str, str, bytes, bytes, int]] = []
            failed = None
            if commit is not None and chunk:
                reader = _Reader(catalog.repo, commit)
                levels, failed = _ask(maturity, catalog, commit, chunk, reader.manifests(chunk))
                rows = [a.row(pid) for pid in chunk if (a := reader.answers(catalog, pid)) is not None]
            generation = _begin_write(conn)
            try:
                if _meta(conn, "commit") != (None if commit is None else str(commit.id)) or (_meta(conn, "pending_after") or "") != after:
                    conn.execute("ROLLBACK")  # another writer came between: read again
                    continue
                conn.executemany(_INSERT_ANSWERS, rows)
                if maturity is not None and failed is None:
                    _apply_states(conn, levels)
                    _log_changes(conn, generation, _apply_maturity(conn, _levels(levels)))
                last = commit is None or len(chunk) < REBUILD_CHUNK
                _finish_write(conn, generation, pending=None if last else "1", pending_after=None if last else chunk[-1])
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            done += 1
        return _meta(conn, "pending") != "1"

    def set_maturity(self, levels: Mapping[str, Level]) -> int:
        """Set the maturity level of packages (by id; None clears it); return how many changed."""
        conn = self._conn()
        generation = _begin_write(conn)
        try:
            _apply_states(conn, levels)
            changed = _apply_maturity(conn, _levels(levels))
            if not changed:
                conn.execute("COMMIT")  # the queue's states may have changed all the same
                return 0
            _log_changes(conn, generation, changed)
            _finish_write(conn, generation)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return len(changed)

    def refresh_maturity(self, catalog: Catalog, maturity: MaturityProvider) -> int:
        """Ask ``maturity`` for the level of every indexed package anew (e.g. once a day: criteria
        such as "12 months in production" are met by time passing); return how many changed."""
        commit = _commit_or_none(catalog.repo, self.commit)
        if commit is None:
            return 0
        ids = [row[0] for row in self._conn().execute("SELECT id FROM packages ORDER BY id")]
        return self.set_maturity(maturity(catalog, commit, ids, {}))

    def _rebuild(
        self,
        conn: sqlite3.Connection,
        generation: int,
        catalog: Catalog,
        head: pygit2.Commit | None,
        maturity: MaturityProvider | None,
        reason: str,
        answers: bool = True,
    ) -> SyncReport:
        try:  # levels set from outside survive a rebuild when no provider gives them anew
            kept = dict(conn.execute("SELECT id, maturity_level FROM packages WHERE maturity_level IS NOT NULL"))
        except sqlite3.Error:
            kept = {}
        _recreate(conn, generation)
        if head is None:
            return SyncReport(action="rebuilt", commit=None, reason=reason)
        reader = _Reader(catalog.repo, head)
        ids = reader.package_ids()
        indexed: list[str] = []
        skipped: list[str] = []
        problem = None
        # a chunk of packages at a time: decoded, assessed, analysed and written, then let go, so what a rebuild holds
        # does not grow with the catalogue (every manifest and document of 50,000 packages at once would)
        for start in range(0, len(ids), REBUILD_CHUNK):
            chunk = ids[start : start + REBUILD_CHUNK]
            reader.forget()
            levels, failed = _ask(maturity, catalog, head, chunk, reader.manifests(chunk))
            if maturity is None or failed is not None:
                levels = kept
            problem = problem or failed
            docs: list[Document] = []
            for package_id in chunk:
                doc = reader.document(package_id, _level(levels.get(package_id)))
                if doc is None:
                    skipped.append(package_id)
                else:
                    docs.append(doc)
            rowids = range(len(indexed) + 1, len(indexed) + len(docs) + 1)
            conn.executemany(_INSERT_PACKAGE_ROWID, ([rowid, *d.columns.values()] for rowid, d in zip(rowids, docs, strict=True)))
            conn.executemany(
                _INSERT_POSTING, ((term, rowid, mask) for rowid, d in zip(rowids, docs, strict=True) for term, mask in d.terms.items())
            )
            conn.executemany(
                _INSERT_VALUE, ((facet, value, rowid) for rowid, d in zip(rowids, docs, strict=True) for facet, value in d.facets)
            )
            if answers:
                conn.executemany(_INSERT_ANSWERS, (a.row(d.id) for d in docs if (a := reader.answers(catalog, d.id)) is not None))
            _apply_states(conn, {d.id: levels[d.id] for d in docs if d.id in levels})
            indexed.extend(d.id for d in docs)
        return SyncReport(action="rebuilt", commit=str(head.id), indexed=indexed, skipped=skipped, reason=reason, maturity_error=problem)

    def _update(
        self,
        conn: sqlite3.Connection,
        generation: int,
        catalog: Catalog,
        old: pygit2.Commit,
        head: pygit2.Commit,
        maturity: MaturityProvider | None,
    ) -> SyncReport:
        repo = catalog.repo
        reader = _Reader(repo, head)
        hint = step_hint(old, head)  # one publish since the last sync: only its package's entries are compared
        ids = set(changed_packages(repo, old.tree, head.tree, hint=hint))
        publishers = changed_publishers(repo, old.tree, head.tree)
        if publishers:  # a publisher's new name goes into each of its packages
            marks = ",".join("?" * len(publishers))
            ids.update(row[0] for row in conn.execute(f"SELECT id FROM packages WHERE publisher_id IN ({marks})", sorted(publishers)))
        ids_sorted = sorted(ids)
        present = [pid for pid in ids_sorted if reader.has(pid)]
        levels: dict[str, Level] = {}
        reassessed: list[str] = []
        problem = None
        if maturity is not None:
            # adoptions and reviews move levels too: ask again for the packages they concern
            concerned = set(changed_packages(repo, old.tree, head.tree, "adoptions", hint=hint)) | set(
                changed_packages(repo, old.tree, head.tree, "reviews", hint=hint)
            )
            reassessed = sorted(pid for pid in concerned - ids if reader.has(pid))
            asked = present + reassessed
            levels, problem = _ask(maturity, catalog, head, asked, reader.manifests(asked))
        indexed, removed, skipped = [], [], []
        touched: list[int] = []
        for package_id in ids_sorted:
            row = conn.execute("SELECT rowid, maturity_level FROM packages WHERE id = ?", (package_id,)).fetchone()
            doc = None
            if package_id in present:
                level = _level(levels[package_id]) if package_id in levels else (row[1] if row else None)
                doc = reader.document(package_id, level)
                if doc is None:
                    skipped.append(package_id)
            if row is not None:
                if doc is None:
                    _delete(conn, row[0])
                touched.append(row[0])
            conn.execute("DELETE FROM answers WHERE id = ?", (package_id,))
            if doc is not None and (answers := reader.answers(catalog, package_id)) is not None:
                conn.execute(_INSERT_ANSWERS, answers.row(package_id))
            if doc is not None:
                if row is not None:
                    conn.execute(_UPDATE_PACKAGE, [*doc.columns.values(), row[0]])
                    rowid = row[0]
                else:
                    inserted = conn.execute(_INSERT_PACKAGE, list(doc.columns.values())).lastrowid
                    assert inserted is not None  # sqlite3 sets it on every INSERT (typed optional for other statements)
                    rowid = inserted
                    touched.append(rowid)
                _write_terms(conn, rowid, doc, fresh=row is None)
                indexed.append(package_id)
            elif row is not None:
                removed.append(package_id)
            if doc is None:
                conn.execute("DELETE FROM review_queue WHERE id = ?", (package_id,))
        _apply_states(conn, {pid: levels[pid] for pid in indexed + reassessed if pid in levels})
        if reassessed:
            touched.extend(_apply_maturity(conn, _levels({pid: levels[pid] for pid in reassessed if pid in levels})))
        _log_changes(conn, generation, touched)
        return SyncReport(action="updated", commit=str(head.id), indexed=indexed, removed=removed, skipped=skipped, maturity_error=problem)

    def review_queue(self, offset: int = 0, limit: int = 50) -> tuple[int, list[QueueRow]]:
        """The packages waiting for a review (never reviewed first, then by id), ``limit`` from ``offset``, and how many wait.

        A range of ``review_queue_order``: the cost of a page does not grow with the catalogue.
        """
        conn = self._conn()
        total = conn.execute("SELECT count(*) FROM review_queue WHERE queued = 1").fetchone()[0]
        rows = conn.execute(
            "SELECT q.id, p.name, p.publisher_name, p.version, q.computed_level, q.reviewed_version, q.reviewed_date, "
            "q.reviewed_level, q.reviewed_computed FROM review_queue q JOIN packages p ON p.id = q.id "
            "WHERE q.queued = 1 ORDER BY q.never DESC, q.id LIMIT ? OFFSET ?",
            (max(limit, 0), max(offset, 0)),
        )
        return total, [QueueRow(*row) for row in rows]

    # -- searching -------------------------------------------------------------------------

    def search(
        self,
        query: str | None = None,
        filters: Mapping[str, Iterable[str] | str] | None = None,
        sort: str = "relevance",
        cursor: str | None = None,
        limit: int = 20,
    ) -> SearchResult:
        """Packages matching ``query`` (any string; None or blank: all) and ``filters``.

        ``filters`` maps a facet (see :data:`hub.index.facets.FACETS`) to values: AND across
        facets, OR within one. Facet counts are disjunctive: each facet is counted under the
        query and the *other* facets' filters, so a selected value's siblings keep their counts.
        ``sort``: ``relevance`` (the points of :mod:`hub.index.text`, typo hits last; without text: as ``maturity``), ``name``, ``updated``
        (newest first), ``maturity`` (highest first, unknown last, then newest).
        ``cursor``: ``next_cursor`` of the previous page. Raises :class:`BadRequest` for an
        unknown sort or facet, a limit outside 1..100 or a cursor that is not ours.
        """
        if sort not in SORTS:
            raise BadRequest(f"Die Sortierung „{sort}“ gibt es nicht; möglich sind: {', '.join(SORTS)}.")
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(f"Die Seitengröße muss zwischen 1 und {MAX_LIMIT} liegen, nicht „{limit}“.")
        wanted = _filters(filters)
        terms = query_terms(query) if query else []
        effective = sort if sort != "relevance" or terms else "maturity"
        after = decode_cursor(cursor, effective) if cursor else None

        conn = self._conn()
        conn.execute("BEGIN")  # one read snapshot for the generation, the text match and the rows
        try:
            snap = self._current(conn)
            filter_bits = {facet: snap.value_bits(facet, values) for facet, values in wanted.items()}
            match: _Match | None = None
            text_bits: int | None = None
            if terms:
                match = self._match(conn, snap, terms)
                text_bits = match.bits
            selected = text_bits
            for bits in filter_bits.values():
                selected = bits if selected is None else selected & bits
            total = snap.total if selected is None else selected.bit_count()
            counts = snap.facet_counts(text_bits, filter_bits)

            scores: dict[int, float] = {}
            if effective == "relevance":
                assert match is not None
                page, more = _ranked_page(match, selected if filter_bits else None, after, limit, snap.nbytes)
                keys = [(float(rank), tie) for _, rank, tie, _ in page]
                scores = {rowid: float(points) for rowid, _, _, points in page}
                rowids = [rowid for rowid, _, _, _ in page]
            else:
                rows, more = snap.page(effective, selected, after, limit)
                keys = [row[1:] for row in rows]
                rowids = [row[0] for row in rows]
            items = self._hits(conn, rowids, scores)
            commit = _meta(conn, "commit")
        finally:
            conn.execute("COMMIT")
        return SearchResult(
            items=items,
            total=total,
            facets=_facet_lists(snap, counts, wanted),
            next_cursor=encode_cursor(effective, keys[-1]) if more and keys else None,
            sort=effective,
            commit=commit,
        )

    def _current(self, conn: sqlite3.Connection) -> Snapshot:
        """The facet picture of the generation this connection's read transaction sees."""
        generation = int(_meta(conn, "generation") or 0)
        snap = self._snapshot
        if snap is not None and snap.generation == generation:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is not None and snap.generation == generation:
                return snap
            commit = _meta(conn, "commit")
            fresh = None
            if snap is not None and snap.generation < generation and snap.generation >= int(_meta(conn, "log_from") or generation):
                rowids = {
                    r
                    for (r,) in conn.execute(
                        "SELECT DISTINCT pkg FROM changes WHERE generation > ? AND generation <= ?", (snap.generation, generation)
                    )
                }
                if len(rowids) <= PATCH_LIMIT:
                    fresh = snap.patched(conn, generation, commit, rowids)
            if fresh is None:
                fresh = Snapshot.load(conn, generation, commit)
            self._snapshot = fresh
        return fresh

    def _match(self, conn: sqlite3.Connection, snap: Snapshot, terms: list[tuple[str, bool]]) -> _Match:
        """The packages matching every query term, ranked as :mod:`hub.index.text` defines (search.js too)."""
        key = (snap.generation, "\x00".join(f"{term}{'~' if typo else ''}" for term, typo in terms))
        match = self._matches.get(key)
        if match is not None:
            return match
        vocabulary = self._terms(conn, snap.generation)
        found: dict[int, tuple[int, int]] | None = None  # rowid -> (points, typo-only terms)
        for term, typo in terms:
            exact: dict[int, int] = {}  # rowid -> best points of exact, prefix and part matches
            near: dict[int, int] = {}  # rowid -> best points of typo matches
            for candidate, quality in _matching_terms(vocabulary, term, typo):
                best = near if quality == TYPO else exact
                for pkg, mask in conn.execute("SELECT pkg, mask FROM postings WHERE term = ?", (candidate,)):
                    points = MASK_POINTS[mask] * quality
                    if points > best.get(pkg, 0):
                        best[pkg] = points
            step: dict[int, tuple[int, int]] = {}
            for pkg in exact.keys() | near.keys():
                if found is not None and pkg not in found:
                    continue
                points, typos = found[pkg] if found is not None else (0, 0)
                step[pkg] = (points + exact[pkg], typos) if pkg in exact else (points + near[pkg], typos + 1)
            found = step
            if not found:
                break
        position = snap.position("maturity")
        ranked = sorted(
            (rank_key(typos, points), position.get(pkg, len(position)), pkg, points) for pkg, (points, typos) in (found or {}).items()
        )
        match = _Match(
            bits_of((row[2] for row in ranked), snap.nbytes),
            array("q", [row[2] for row in ranked]),
            array("q", [row[0] for row in ranked]),
            array("q", [row[1] for row in ranked]),
            array("q", [row[3] for row in ranked]),
        )
        self._matches.put(key, match, len(ranked))
        return match

    def _terms(self, conn: sqlite3.Connection, generation: int) -> _Vocabulary:
        """Every indexed term, sorted; kept per generation and patched with the terms of changed rows
        (a term whose last package went stays listed: its postings are simply empty)."""
        with self._lock:
            cached = self._vocabulary
            if cached is not None and cached[0] == generation:
                return cached[1]
            terms: list[str] | None = None
            if cached is not None and cached[0] < generation and cached[0] >= int(_meta(conn, "log_from") or generation):
                changed = "SELECT DISTINCT pkg FROM changes WHERE generation > ? AND generation <= ?"
                rowids = sorted({r for (r,) in conn.execute(changed, (cached[0], generation))})
                if len(rowids) <= PATCH_LIMIT:
                    marks = ",".join("?" * len(rowids))
                    fresh = (
                        {t for (t,) in conn.execute(f"SELECT DISTINCT term FROM postings WHERE pkg IN ({marks})", rowids)}
                        if rowids
                        else set()
                    )
                    old = cached[1].terms
                    terms = sorted(fresh.union(old)) if fresh - set(old) else old
            if terms is None:
                terms = [t for (t,) in conn.execute("SELECT DISTINCT term FROM postings ORDER BY term")]
            vocabulary = cached[1] if cached is not None and terms is cached[1].terms else _Vocabulary(terms)
            self._vocabulary = (generation, vocabulary)
            return vocabulary

    def _hits(self, conn: sqlite3.Connection, rowids: list[int], scores: dict[int, float]) -> list[SearchHit]:
        if not rowids:
            return []
        marks = ",".join("?" * len(rowids))
        found = {}
        for row in conn.execute(f"SELECT {_HIT_COLUMNS} FROM packages WHERE rowid IN ({marks})", rowids):
            rowid, pid, name, version, summary, pub, pub_name, themenfeld, licence, status, kinds, keywords, level, updated = row
            found[rowid] = SearchHit(
                id=pid,
                name=name,
                version=version,
                summary=summary,
                publisher=pub,
                publisher_name=pub_name,
                themenfeld=themenfeld,
                license=licence,
                status=status,
                artefact_kinds=_strings.decode(kinds),
                keywords=_strings.decode(keywords),
                maturity_level=level,
                updated=updated,
                score=scores.get(rowid),
            )
        return [found[r] for r in rowids if r in found]


# -- reading the catalogue --------------------------------------------------------------------


class _Match:
    """A text match: its packages as a bitset, and in rank order each one's rowid, rank
    (:func:`hub.index.text.rank_key`), place in the tie order and points."""

    __slots__ = ("bits", "points", "ranks", "rowids", "ties")

    def __init__(self, bits: int, rowids: array, ranks: array, ties: array, points: array) -> None:
        self.bits = bits
        self.rowids = rowids
        self.ranks = ranks
        self.ties = ties
        self.points = points


class _MatchCache:
    """Recent text matches per (generation, expression), bounded by their rows; thread-safe."""

    def __init__(self, max_rows: int) -> None:
        self.max_rows = max_rows
        self._entries: OrderedDict[tuple[int, str], tuple[_Match, int]] = OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[int, str]) -> _Match | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: tuple[int, str], match: _Match, rows: int) -> None:
        if rows > self.max_rows:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._rows -= old[1]
            self._entries[key] = (match, rows)
            self._rows += rows
            while self._rows > self.max_rows:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._rows -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._rows = 0


# -- reading the catalogue --------------------------------------------------------------------


class _Reader:
    """Manifests, publisher names and publishing times at one commit (its packages: ``CatalogSnapshot``)."""

    def __init__(self, repo: pygit2.Repository, commit: pygit2.Commit) -> None:
        self.repo = repo
        self.commit = commit
        self.snapshot = CatalogSnapshot(repo, commit)
        self._publishers: dict[str, str | None] = {}
        self._manifests: dict[str, Manifest | None] = {}  # decoded once: for the documents and the maturity provider alike

    def package_ids(self) -> list[str]:
        return self.snapshot.package_ids()

    def forget(self) -> None:
        """Let go of the manifests decoded so far (a rebuild reads the catalogue a chunk at a time)."""
        self._manifests.clear()

    def has(self, package_id: str) -> bool:
        return self.snapshot.manifest_blob(package_id) is not None

    def publisher_name(self, publisher_id: str) -> str | None:
        if publisher_id not in self._publishers:
            name = None
            oid = self.snapshot.publisher_blob(publisher_id)
            if oid is not None:
                try:
                    data = load_yaml(blob_at(self.repo, oid).data).data
                    name = data.get("name") if isinstance(data, dict) and isinstance(data.get("name"), str) else None
                except ValueError:
                    name = None
            self._publishers[publisher_id] = name
        return self._publishers[publisher_id]

    def published(self, package_id: str, version: str, release_date: str | None) -> tuple[str, int]:
        """When this version was published: its tag's commit, else its release date, else this commit."""
        ref = self.repo.references.get(TAG_PREFIX + tag_name(package_id, version))
        if ref is not None:
            try:
                commit = self.repo[ref.target].peel(pygit2.Commit)
                return iso(commit.author.time, commit.author.offset), commit.author.time
            except (KeyError, ValueError, pygit2.GitError):
                pass
        if release_date:
            try:
                day = date.fromisoformat(release_date)
                stamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
                return stamp.isoformat(), int(stamp.timestamp())
            except ValueError:
                pass
        author = self.commit.author
        return iso(author.time, author.offset), author.time

    def manifest(self, package_id: str) -> Manifest | None:
        """The package's manifest at this commit (None: missing, unreadable, or naming another package)."""
        if package_id not in self._manifests:
            oid = self.snapshot.manifest_blob(package_id)
            manifest = None
            if oid is not None:
                try:
                    manifest = manifest_of_blob(self.repo, oid)
                except (ValueError, TypeError, msgspec.ValidationError):
                    manifest = None
            self._manifests[package_id] = manifest if manifest is not None and manifest.id == package_id else None
        return self._manifests[package_id]

    def manifests(self, package_ids: Iterable[str]) -> dict[str, Manifest]:
        return {pid: m for pid in package_ids if (m := self.manifest(pid)) is not None}

    def answers(self, catalog: Catalog, package_id: str) -> StoredAnswers | None:
        """The API's encoded answers about the package at this commit (None: not to be stored, see hub.index.answers)."""
        manifest = self.manifest(package_id)
        entry = self.snapshot.package(package_id)
        if manifest is None or entry is None:
            return None
        try:
            return package_answers(catalog, self.commit, entry, manifest)
        except (HubError, KeyError, ValueError, pygit2.GitError):
            # a damaged package: the API reads it from the catalogue (and says what is wrong), the index goes on
            log.exception("no stored answers for %s at %s", package_id, self.commit.id)
            return None

    def document(self, package_id: str, maturity_level: int | None) -> Document | None:
        manifest = self.manifest(package_id)
        if manifest is None:
            return None
        updated, updated_ts = self.published(package_id, manifest.version, manifest.release_date)
        publisher_name = self.publisher_name(manifest.publisher_id) or manifest.publisher.name
        return document(manifest, publisher_name=publisher_name, updated=updated, updated_ts=updated_ts, maturity_level=maturity_level)


def _ask(
    maturity: MaturityProvider | None, catalog: Catalog, head: pygit2.Commit, ids: list[str], manifests: Mapping[str, Manifest]
) -> tuple[dict[str, Level], str | None]:
    """The provider's levels; a failing provider must not stop the index from following the catalogue."""
    if maturity is None:
        return {}, None
    try:
        return dict(maturity(catalog, head, ids, manifests)), None
    except Exception as exc:
        log.exception("maturity provider failed for %d package(s) at %s", len(ids), head.id)
        return {}, f"{type(exc).__name__}: {exc}"


def _commit_or_none(repo: pygit2.Repository, commit_id: str | None) -> pygit2.Commit | None:
    if not commit_id:
        return None
    try:
        return repo[commit_id].peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError):
        return None


# -- SQL helpers ------------------------------------------------------------------------------

_INSERT_PACKAGE_ROWID = f"INSERT INTO packages (rowid, {', '.join(COLUMNS)}) VALUES ({', '.join('?' * (len(COLUMNS) + 1))})"
_INSERT_PACKAGE = f"INSERT INTO packages ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_UPDATE_PACKAGE = f"UPDATE packages SET {', '.join(f'{c} = ?' for c in COLUMNS)} WHERE rowid = ?"
_INSERT_POSTING = "INSERT INTO postings (term, pkg, mask) VALUES (?, ?, ?)"
_INSERT_VALUE = "INSERT OR IGNORE INTO package_values (facet, value, pkg) VALUES (?, ?, ?)"
_INSERT_ANSWERS = "INSERT OR REPLACE INTO answers (id, tree, version, package, versions, version_is_package) VALUES (?, ?, ?, ?, ?, ?)"


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError:  # no meta table: a new file
        return None
    return None if row is None else row[0]


def _set_meta(conn: sqlite3.Connection, **values: str | None) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())


def _begin_write(conn: sqlite3.Connection) -> int:
    """Start a write transaction (one writer at a time, across processes) and return its generation."""
    conn.execute("BEGIN IMMEDIATE")
    current = _meta(conn, "generation")
    # a new file starts somewhere random, so a process holding a picture of a deleted file notices
    return int(current) + 1 if current is not None else secrets.randbits(40)


def _finish_write(conn: sqlite3.Connection, generation: int, **values: str | None) -> None:
    log_from = max(int(_meta(conn, "log_from") or 0), generation - LOG_GENERATIONS)
    conn.execute("DELETE FROM changes WHERE generation <= ?", (log_from,))
    _set_meta(conn, generation=str(generation), log_from=str(log_from), **values)
    conn.execute("COMMIT")


def _log_changes(conn: sqlite3.Connection, generation: int, rowids: Iterable[int]) -> None:
    conn.executemany("INSERT INTO changes (generation, pkg) VALUES (?, ?)", ((generation, r) for r in rowids))


def _recreate(conn: sqlite3.Connection, generation: int) -> None:
    for table in TABLES:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in DDL:
        conn.execute(statement)
    _set_meta(conn, schema_version=str(SCHEMA_VERSION), commit=None, generation=str(generation), log_from=str(generation))


def _write_terms(conn: sqlite3.Connection, rowid: int, doc: Document, *, fresh: bool) -> None:
    """The package's postings and facet values as ``doc`` has them; for a package indexed before, only the ones that
    changed are deleted and written: a new version keeps most of its terms, and each term is a row in another page of
    the postings (written anew, a publish dirtied about 110 pages of the index, 450 kB through its WAL)."""
    if fresh:
        conn.executemany(_INSERT_POSTING, ((term, rowid, mask) for term, mask in doc.terms.items()))
        conn.executemany(_INSERT_VALUE, ((facet, value, rowid) for facet, value in doc.facets))
        return
    old_terms = dict(conn.execute("SELECT term, mask FROM postings WHERE pkg = ?", (rowid,)))
    conn.executemany("DELETE FROM postings WHERE term = ? AND pkg = ?", ((term, rowid) for term in old_terms.keys() - doc.terms.keys()))
    conn.executemany(
        "INSERT OR REPLACE INTO postings (term, pkg, mask) VALUES (?, ?, ?)",
        ((term, rowid, mask) for term, mask in doc.terms.items() if old_terms.get(term) != mask),
    )
    old_values = set(conn.execute("SELECT facet, value FROM package_values WHERE pkg = ?", (rowid,)))
    new_values = set(doc.facets)
    conn.executemany(
        "DELETE FROM package_values WHERE facet = ? AND value = ? AND pkg = ?", ((f, v, rowid) for f, v in old_values - new_values)
    )
    conn.executemany(_INSERT_VALUE, ((f, v, rowid) for f, v in new_values - old_values))


def _delete(conn: sqlite3.Connection, rowid: int) -> None:
    conn.execute("DELETE FROM postings WHERE pkg = ?", (rowid,))
    conn.execute("DELETE FROM package_values WHERE pkg = ?", (rowid,))
    conn.execute("DELETE FROM packages WHERE rowid = ?", (rowid,))


def _level(value: Level) -> int | None:
    return value.level if isinstance(value, MaturityState) else value


def _levels(values: Mapping[str, Level]) -> dict[str, int | None]:
    return {package_id: _level(value) for package_id, value in values.items()}


def _apply_states(conn: sqlite3.Connection, values: Mapping[str, Level]) -> None:
    """Keep the review queue's row of each package a provider gave a :class:`MaturityState` for."""
    conn.executemany(
        "INSERT OR REPLACE INTO review_queue (id, queued, never, computed_level, reviewed_version, reviewed_date, reviewed_level, "
        "reviewed_computed) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM packages WHERE id = ?)",
        (_state_row(pid, s) for pid, s in values.items() if isinstance(s, MaturityState)),
    )


def _state_row(pid: str, s: MaturityState) -> tuple[object, ...]:
    never = int(s.reviewed_version is None)
    return (pid, int(s.queued), never, s.computed_level, s.reviewed_version, s.reviewed_date, s.reviewed_level, s.reviewed_computed, pid)


def _apply_maturity(conn: sqlite3.Connection, levels: Mapping[str, int | None]) -> list[int]:
    """Write maturity levels; return the rowids whose level changed."""
    changed: list[int] = []
    for package_id, level in levels.items():
        if level is not None and (not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 4):
            raise ValueError(f"maturity level of {package_id} must be 0..4 or None, not {level!r}")
        row = conn.execute("SELECT rowid, maturity_level FROM packages WHERE id = ?", (package_id,)).fetchone()
        if row is None or row[1] == level:
            continue
        conn.execute("UPDATE packages SET maturity_level = ? WHERE rowid = ?", (level, row[0]))
        conn.execute("DELETE FROM package_values WHERE pkg = ? AND facet = 'maturity_level'", (row[0],))
        conn.execute(_INSERT_VALUE, ("maturity_level", maturity_value(level), row[0]))
        changed.append(row[0])
    return changed


# -- search helpers ---------------------------------------------------------------------------


def _filters(filters: Mapping[str, Iterable[str] | str] | None) -> dict[str, list[str]]:
    wanted: dict[str, list[str]] = {}
    for facet, values in (filters or {}).items():
        if facet not in FACETS:
            raise BadRequest(f"Nach „{facet}“ lässt sich nicht filtern; möglich sind: {', '.join(FACETS)}.")
        listed = [values] if isinstance(values, (str, int)) else values
        chosen = list(dict.fromkeys(str(v) for v in listed))
        if chosen:
            wanted[facet] = chosen
    return wanted


def _ranked_page(
    match: _Match, selected: int | None, after: tuple | None, limit: int, nbytes: int
) -> tuple[list[tuple[int, int, int, int]], bool]:
    """Rows (rowid, rank, tie, points) after the key (rank, tie) ``after``, within ``selected`` (None: all)."""
    rowids, ranks, ties, points = match.rowids, match.ranks, match.ties, match.points
    n = len(rowids)
    start = 0 if after is None else bisect_right(range(n), after, key=lambda i: (ranks[i], ties[i]))
    chosen: list[tuple[int, int, int, int]] = []
    if selected is None:
        chosen = [(rowids[i], ranks[i], ties[i], points[i]) for i in range(start, min(n, start + limit + 1))]
    else:
        flags = selected.to_bytes(nbytes, "little")
        for i in range(start, n):
            r = rowids[i]
            if flags[r >> 3] >> (r & 7) & 1:
                chosen.append((r, ranks[i], ties[i], points[i]))
                if len(chosen) > limit:
                    break
    return chosen[:limit], len(chosen) > limit


class _Vocabulary:
    """Every indexed term, sorted, and the same terms as one text (one per line), so that the
    vocabulary is searched by C loops (bisection, regular expressions) rather than term by term."""

    __slots__ = ("starts", "terms", "text")

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms
        self.text = "".join(t + "\n" for t in terms)
        self.starts = list(accumulate((len(t) + 1 for t in terms[:-1]), initial=0)) if terms else []

    def prefixed(self, prefix: str) -> range:
        """Indexes of the terms starting with ``prefix``."""
        lo = bisect_left(self.terms, prefix)
        return range(lo, bisect_left(self.terms, prefix + "\uffff", lo))

    def containing(self, part: str, offsets: range | None = None) -> set[int]:
        """Indexes of the terms containing ``part`` at a place in ``offsets`` (None: anywhere); overlapping places too."""
        found = set()
        text, starts = self.text, self.starts
        at = text.find(part)
        while at != -1:
            i = bisect_right(starts, at) - 1
            if offsets is None or at - starts[i] in offsets:
                found.add(i)
            at = text.find(part, at + 1)
        return found


def _matching_terms(vocabulary: _Vocabulary, term: str, typo: bool) -> list[tuple[str, int]]:
    """The indexed terms ``term`` matches and how, exactly as :func:`hub.index.text.match_quality` says.

    Only candidates are tested: the prefix range (exact and prefix matches) by bisection, parts
    (``term`` after a term's first letters) and typos by a search of the vocabulary's text. One
    edit at place *i* of a term of *n* letters leaves either its first ``n//2 - 1`` letters or its
    last ``n - n//2`` letters in place (shifted by at most one), so those two searches find every
    term one edit away, and every prefix one edit away, without testing the whole vocabulary.
    """
    terms = vocabulary.terms
    n = len(term)
    near = vocabulary.prefixed(term)
    if n < PREFIX_MIN:
        return [(term, EXACT)] if near and terms[near[0]] == term else []
    found = [(terms[i], EXACT if terms[i] == term else PREFIX) for i in near]
    candidates: set[int] = set()
    if n >= PART_MIN:
        candidates |= vocabulary.containing(term)
    if typo and n >= 4:
        half = n // 2
        candidates.update(vocabulary.prefixed(term[: half - 1]))
        candidates |= vocabulary.containing(term[half:], range(half - 1, half + 2))
    for i in sorted(candidates):
        if i in near:
            continue
        quality = match_quality(term, terms[i], typo)
        if quality:
            found.append((terms[i], quality))
    return found


def _facet_lists(snap: Snapshot, counts: dict[str, dict[str, int]], wanted: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
    lists: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        found = dict(counts[facet])
        chosen = set(wanted.get(facet, ()))
        for value in chosen:
            found.setdefault(value, 0)  # a selected value stays visible (to be unselected) at 0
        labels = snap.labels[facet]
        if facet in ORDERED_FACETS:
            order = {value: i for i, value in enumerate(ORDERED_FACETS[facet])}
            values = sorted(found, key=lambda v: (order.get(v, len(order)), v))
        else:
            values = sorted(found, key=lambda v: (-found[v], v))
        lists[facet] = [FacetValue(value=v, count=found[v], label=labels.get(v), selected=v in chosen) for v in values]
    return lists


__all__ = ["SORTS", "Index", "MaturityProvider", "changed_packages", "changed_publishers"]
