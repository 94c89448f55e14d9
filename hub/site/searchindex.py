"""The static site's search index, read by ``site/assets/search.js``: a head (``suche/index.json.gz``) and parts.

It carries exactly what the scorer of :mod:`hub.index.text` needs, so the site's search gives the
API's hits in the API's order: the analysis settings (word pattern, umlaut spellings, function
words, field weights per mask), and per part the sorted vocabulary with each term's postings and
the part's packages, each with its place in the API's tie order (maturity highest first, unknown
last, newest first, id), by which the page merges the parts. The terms come from
:func:`hub.index.documents.document`, the very function that fills the API's index.

Packages are spread over a fixed number of parts by their id: a publish rewrites the part holding
its package, not an index of the whole catalogue; the head changes only with the publishers.

Postings: per term a list of ``(doc − previous doc) × 32 + field mask`` (doc: the package's place
in the part's ``docs``). Every file is gzip-compressed (a phone downloads a fifth of the JSON) with
a fixed timestamp, so an unchanged catalogue gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import msgspec

from hub.index import text
from hub.index.documents import document, maturity_value
from hub.maturity import maturity_model
from hub.site.data import PackageInfo, SiteData

STATUS_LABELS = {
    "concept": "Konzept",
    "development": "in Entwicklung",
    "beta": "Pilotbetrieb",
    "stable": "im Produktivbetrieb",
    "obsolete": "eingestellt",
}
KIND_LABELS = {"process-model": "Prozessmodell", "form-schema": "Formularschema", "config": "Konfiguration", "document": "Dokument"}
FACETS = ["themenfeld", "publisher", "license", "maturity_level", "artefact_kind", "status"]
TITLES = {
    "themenfeld": "Themenfeld",
    "publisher": "Herausgeber",
    "license": "Lizenz",
    "maturity_level": "Reifegrad",
    "artefact_kind": "Enthaltene Artefakte",
    "status": "Entwicklungsstand",
}

fold = text.fold  # the name sort key of lists, as in the API's index


def _published(info: PackageInfo, data: SiteData) -> tuple[str, int]:
    """When the package's current version was published, as the API's index says it
    (:meth:`hub.index.index._Reader.published`): its tag, else its release date, else the commit."""
    m = info.manifest
    for version in info.versions:
        if version.version == m.version:
            return version.published_at, int(datetime.fromisoformat(version.published_at).timestamp())
    if m.release_date:
        try:
            day = date.fromisoformat(m.release_date)
            stamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return stamp.isoformat(), int(stamp.timestamp())
        except ValueError:
            pass
    return data.commit_time, int(datetime.fromisoformat(data.commit_time).timestamp()) if data.commit_time else 0


def dated_by_commit(info: PackageInfo) -> bool:
    """True if :func:`_published` dates the package by the commit (no tag of its version, no release date)."""
    return _published(info, _UNDATED)[0] == ""


SHARDS = 16  # the fewest index parts: a publish rewrites the one holding its package (and the small head only when publishers change)
SHARD_PACKAGES = 1_000  # past 16 parts of this many packages on average the parts double: a publish's part stays this small


def shard_count(packages: int) -> int:
    """How many parts the index of ``packages`` packages has: 16, doubled while a part would hold more than
    :data:`SHARD_PACKAGES` on average. With a fixed count the part a publish rewrites grew with the catalogue
    (3,000 packages a part at 50,000: 0.56 s of each site update); the count changes only when a package is
    added or removed, which rewrites the head (it names the parts) anyway."""
    count = SHARDS
    while count * SHARD_PACKAGES < packages:
        count *= 2
    return count


def shard_of(package_id: str, count: int = SHARDS) -> int:
    """The index part holding a package among ``count``: fixed by its id, so a full and an incremental build agree."""
    return int(hashlib.sha1(package_id.encode()).hexdigest()[:8], 16) % count


def shard_name(n: int) -> str:
    return f"teil-{n:02d}.json.gz"


_UNDATED = SiteData(commit="", commit_time="", packages={}, publishers={}, reviews=[], releases=[])


def search_head(data: SiteData) -> dict[str, Any]:
    """What every part shares: the analysis settings, the levels, the facets' titles and labels, and the parts."""
    levels = [level.name for level in maturity_model().levels]
    publishers = {pid: p.name for pid, p in data.publishers.items()}
    for info in data.packages.values():  # a publisher without a record under publishers/ is named by its packages
        publishers.setdefault(info.publisher, info.manifest.publisher.name)
    labels = {
        "publisher": dict(sorted(publishers.items())),
        "maturity_level": {str(i): f"{i} {name}" for i, name in enumerate(levels)},
        "artefact_kind": KIND_LABELS,
        "status": STATUS_LABELS,
    }
    return {
        "levels": levels,
        "search": {
            "word": text.WORD,
            "umlaut_spelling": text.UMLAUT_SPELLING,
            "stopwords": sorted(text.STOPWORDS),
            "mask_points": text.MASK_POINTS,
            "typo_min_word": text.TYPO_MIN_WORD,
            "prefix_min": text.PREFIX_MIN,
            "part_min": text.PART_MIN,
            "part_min_head": text.PART_MIN_HEAD,
            "typo_key": text.TYPO_KEY,
            "max_query_chars": text.MAX_QUERY_CHARS,
            "max_query_terms": text.MAX_QUERY_TERMS,
        },
        "facets": [{"key": k, "label": TITLES[k], **({"labels": labels[k]} if k in labels else {})} for k in FACETS],
        "shards": [shard_name(n) for n in range(shard_count(len(data.packages)))],
    }


def package_terms_key(info: PackageInfo, data: SiteData) -> str:
    """:func:`terms_key` of a package in ``data``: what its entry in the index is made of."""
    publisher = data.publishers.get(info.publisher)
    return terms_key(info, publisher.name if publisher else info.manifest.publisher.name, _published(info, data)[0])


def search_shard(
    data: SiteData,
    infos: list[PackageInfo],
    known: Mapping[str, dict[str, int]] | None = None,
    used: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """One part of the index: ``infos``' entries and the postings of their terms.

    ``known`` maps a package's inputs (:func:`terms_key`) to its terms from an earlier build, so only
    packages that changed are analysed again (the analysis is most of the work); ``used`` receives
    this build's terms by the same keys. Each entry carries its place in the API's tie order
    (``o``: unknown level last, highest level first, newest first; then the id): the page merges the parts.
    """
    rows = []
    for info in infos:
        m = info.manifest
        publisher = data.publishers.get(info.publisher)
        publisher_name = publisher.name if publisher else m.publisher.name
        updated, updated_ts = _published(info, data)
        key = terms_key(info, publisher_name, updated)
        terms = known.get(key) if known is not None else None
        if terms is None:
            terms = document(
                m, publisher_name=publisher_name, updated=updated, updated_ts=updated_ts, maturity_level=info.maturity.level
            ).terms
        if used is not None:
            used[key] = terms
        rows.append((info, terms, updated_ts))
    # the API's tie order (hub.index.facets ORDER_SQL["maturity"])
    rows.sort(key=lambda r: (r[0].maturity.level is None, -(r[0].maturity.level or 0), -r[2], r[0].id))
    # each term's row is delta-encoded as it grows (the places come in order): one pass, no tuple per posting
    # (at 50,000 packages a publish rewrites a part of about 800 packages and 40,000 postings)
    postings: dict[str, list[int]] = {}
    last: dict[str, int] = {}  # each term's previous place × 32
    row_of = postings.get
    docs = []
    for place, (info, doc, updated_ts) in enumerate(rows):
        m = info.manifest
        values = {
            "themenfeld": m.classification.themenfeld,
            "publisher": info.publisher,
            "license": m.license,
            "maturity_level": maturity_value(info.maturity.level),
            "artefact_kind": sorted({a.kind for a in m.artefacts}),
            "status": m.status.development,
        }
        level = info.maturity.level
        docs.append(
            {
                "id": info.id,
                "n": m.name,
                "s": m.summary.de,
                "v": m.version,
                "m": level,
                "f": [values[k] for k in FACETS],
                "o": [1 if level is None else 0, -(level or 0), -updated_ts],
            }
        )
        base = place * 32
        for term, mask in doc.items():
            row = row_of(term)
            if row is None:
                postings[term] = [base + mask]
            else:
                row.append(base - last[term] + mask)
            last[term] = base
    vocabulary = sorted(postings)
    packed = [postings[term] for term in vocabulary]
    return {"terms": vocabulary, "postings": packed, "docs": docs}


def terms_key(info: PackageInfo, publisher_name: str, updated: str) -> str:
    """Everything a package's terms are made of: its folder (the manifest), the publisher's name, the date, the level."""
    return f"{info.tree}:{info.maturity.level}:{updated}:{publisher_name}"


# the index's parts are compressed at level 7: a publish rewrites the part holding its package (about 400 kB of JSON at
# 10,000 packages), where level 9 took 23 ms of that part's 38 ms and level 7 takes 12 ms for 1.5 % more bytes
PART_LEVEL = 7


def gzipped(value: Any, level: int = 9) -> bytes:
    """JSON as the site ships it: gzip-compressed with a fixed timestamp (the same catalogue gives the same bytes)."""
    return gzip.compress(msgspec.json.encode(value), compresslevel=level, mtime=0)
