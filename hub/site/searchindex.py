"""The static site's search index (``suche/index.json.gz``), read by ``site/assets/search.js``.

It carries exactly what the scorer of :mod:`hub.index.text` needs, so the site's search gives the
API's hits in the API's order: the analysis settings (word pattern, umlaut spellings, function
words, field weights per mask), the sorted vocabulary with each term's postings, and the packages
in the API's tie order (maturity highest first, unknown last, newest first, id). The terms come
from :func:`hub.index.documents.document`, the very function that fills the API's index.

Postings: per term a list of ``(doc − previous doc) × 32 + field mask`` (doc: the package's place
in ``docs``). Packages carry their facet values as indices into each facet's ``values``. The file
is gzip-compressed (a phone downloads a fifth of the JSON) with a fixed timestamp, so an
unchanged catalogue gives the same bytes.
"""

from __future__ import annotations

import gzip
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
MULTI = {"artefact_kind"}

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


def search_index(
    data: SiteData, known: Mapping[str, dict[str, int]] | None = None, used: dict[str, dict[str, int]] | None = None
) -> dict[str, Any]:
    """The index of ``data``. ``known`` maps a package's inputs (:func:`terms_key`) to its terms from an
    earlier build, so only packages that changed are analysed again (the analysis is most of the work);
    ``used`` receives this build's terms by the same keys."""
    levels = [level.name for level in maturity_model().levels]
    rows = []
    for info in data.packages.values():
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

    values: dict[str, dict[str, int]] = {key: {} for key in FACETS}

    def ref(key: str, value: str) -> int:
        return values[key].setdefault(value, len(values[key]))

    postings: dict[str, list[tuple[int, int]]] = {}
    docs = []
    for place, (info, doc, _) in enumerate(rows):
        m = info.manifest
        single = {
            "themenfeld": m.classification.themenfeld,
            "publisher": info.publisher,
            "license": m.license,
            "maturity_level": maturity_value(info.maturity.level),
            "status": m.status.development,
        }
        multi = {"artefact_kind": sorted({a.kind for a in m.artefacts})}  # the MULTI facets
        docs.append(
            {
                "id": info.id,
                "n": m.name,
                "s": m.summary.de,
                "v": m.version,
                "m": info.maturity.level,
                "f": [[ref(k, v) for v in multi[k]] if k in MULTI else ref(k, single[k]) for k in FACETS],
            }
        )
        for term, mask in doc.items():
            postings.setdefault(term, []).append((place, mask))
    vocabulary = sorted(postings)
    packed = []
    for term in vocabulary:
        previous, row = 0, []
        for place, mask in postings[term]:
            row.append((place - previous) * 32 + mask)
            previous = place
        packed.append(row)
    labels = {
        "publisher": {pid: p.name for pid, p in data.publishers.items()},
        "maturity_level": {str(i): f"{i} {name}" for i, name in enumerate(levels)},
        "artefact_kind": KIND_LABELS,
        "status": STATUS_LABELS,
    }
    titles = {
        "themenfeld": "Themenfeld",
        "publisher": "Herausgeber",
        "license": "Lizenz",
        "maturity_level": "Reifegrad",
        "artefact_kind": "Enthaltene Artefakte",
        "status": "Entwicklungsstand",
    }
    for info, _, _ in rows:  # a publisher without a record under publishers/ is named by its packages
        labels["publisher"].setdefault(info.publisher, info.manifest.publisher.name)
    return {
        "commit": data.commit,
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
        "facets": [
            {"key": k, "label": titles[k], "values": list(values[k]), **({"labels": labels[k]} if k in labels else {})} for k in FACETS
        ],
        "terms": vocabulary,
        "postings": packed,
        "docs": docs,
    }


def terms_key(info: PackageInfo, publisher_name: str, updated: str) -> str:
    """Everything a package's terms are made of: its folder (the manifest), the publisher's name, the date, the level."""
    return f"{info.tree}:{info.maturity.level}:{updated}:{publisher_name}"


def search_index_bytes(
    data: SiteData, known: Mapping[str, dict[str, int]] | None = None, used: dict[str, dict[str, int]] | None = None
) -> bytes:
    """The index as the site ships it: JSON, gzip-compressed with a fixed timestamp."""
    return gzip.compress(msgspec.json.encode(search_index(data, known, used)), compresslevel=9, mtime=0)
