"""A package's row in the index: columns, full-text fields and facet values, from its manifest."""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from hub.index.text import FIELD_BITS, analyze, fold
from hub.model import Manifest

# one-word German labels of the facets' coded values (the schema's descriptions, shortened)
STATUS_LABELS = {
    "concept": "Konzept",
    "development": "In Entwicklung",
    "beta": "Pilotbetrieb",
    "stable": "Im Produktivbetrieb",
    "obsolete": "Eingestellt",
}
ARTEFACT_LABELS = {
    "process-model": "Prozessmodell",
    "form-schema": "Formularschema",
    "config": "Konfiguration",
    "document": "Dokument",
}
MATURITY_LABELS = {"0": "Idee", "1": "Erprobt", "2": "Bewährt", "3": "Nachnutzbar", "4": "Etabliert", "none": "Ohne Reifegrad"}
NO_MATURITY = "none"

_json = msgspec.json.Encoder()


@dataclass
class Document:
    id: str
    columns: dict[str, object]
    terms: dict[str, int]
    """Every index term of the package with the mask of the fields it occurs in (``text.FIELD_BITS``)."""
    facets: list[tuple[str, str]] = field(default_factory=list)


def _terms(*texts: str | None) -> list[str]:
    terms: list[str] = []
    for text in texts:
        if text:
            terms.extend(analyze(text))
    return terms


def maturity_value(level: int | None) -> str:
    return NO_MATURITY if level is None else str(level)


def document(manifest: Manifest, *, publisher_name: str, updated: str, updated_ts: int, maturity_level: int | None = None) -> Document:
    m = manifest
    c = m.classification
    production = m.status.production
    kinds = sorted({a.kind for a in m.artefacts})
    columns: dict[str, object] = {
        "id": m.id,
        "publisher_id": m.publisher_id,
        "publisher_name": publisher_name,
        "name": m.name,
        "name_sort": fold(m.name),
        "version": m.version,
        "summary_de": m.summary.de,
        "summary_en": m.summary.en,
        "description_de": m.description.de,
        "description_en": m.description.en,
        "keywords": _json.encode(m.keywords).decode(),
        "themenfeld": c.themenfeld,
        "lebenslagen": _json.encode(c.lebenslagen).decode(),
        "leika": _json.encode(c.leika).decode(),
        "categories": _json.encode(c.categories).decode(),
        "license": m.license,
        "status": m.status.development,
        "artefact_kinds": _json.encode(kinds).decode(),
        "production_since": production.since if production else None,
        "cases_per_year": production.cases_per_year if production else None,
        "release_date": m.release_date,
        "updated": updated,
        "updated_ts": updated_ts,
        "maturity_level": maturity_level,
    }
    name = _terms(m.name)
    keywords = _terms(*m.keywords)
    summary = _terms(m.summary.de, m.summary.en)
    classification = _terms(c.themenfeld, *c.lebenslagen, *(k.replace("-", " ") for k in c.categories))
    extra = classification + _terms(publisher_name, m.id.replace("/", " "), *c.leika, *(production.where if production else []))
    body = _terms(
        m.description.de,
        m.description.en,
        *(a.title for a in m.artefacts),
        *(a.description for a in m.artefacts),
    )
    terms: dict[str, int] = {}
    for field_name, found in (("name", name), ("keywords", keywords), ("summary", summary), ("extra", extra), ("body", body)):
        bit = FIELD_BITS[field_name]
        for term in found:
            terms[term] = terms.get(term, 0) | bit
    facets = [("themenfeld", c.themenfeld), ("publisher", m.publisher_id), ("license", m.license), ("status", m.status.development)]
    facets += [("leika", key) for key in dict.fromkeys(c.leika)]
    facets += [("artefact_kind", kind) for kind in kinds]
    facets.append(("maturity_level", maturity_value(maturity_level)))
    return Document(id=m.id, columns=columns, terms=terms, facets=facets)
