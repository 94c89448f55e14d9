"""The static site's own search index (suche/index.json), read by site/assets/search.js."""

from __future__ import annotations

import unicodedata
from typing import Any

from hub.maturity import maturity_model
from hub.site.data import SiteData

STATUS_LABELS = {"concept": "Konzept", "development": "in Entwicklung", "beta": "Pilotbetrieb", "stable": "im Produktivbetrieb", "obsolete": "eingestellt"}
KIND_LABELS = {"process-model": "Prozessmodell", "form-schema": "Formularschema", "config": "Konfiguration", "document": "Dokument"}


def fold(text: str) -> str:
    """The same folding as search.js: lower case, no diacritics, ß → ss, ae/oe/ue → a/o/u."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ß", "ss")
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def search_index(data: SiteData) -> dict[str, Any]:
    levels = [level.name for level in maturity_model().levels]
    docs = []
    for info in data.packages.values():
        m = info.manifest
        text = " ".join(
            [m.summary.de, m.description.de, m.publisher.name, m.classification.themenfeld, *m.classification.lebenslagen,
             *m.classification.leika, *m.keywords, m.id]
        )
        docs.append({
            "id": info.id,
            "n": m.name,
            "s": m.summary.de,
            "p": m.publisher.name,
            "v": m.version,
            "m": info.maturity.level,
            "k": m.keywords,
            "x": text,
            "f": {
                "themenfeld": m.classification.themenfeld,
                "publisher": info.publisher,
                "license": m.license,
                "maturity_level": str(info.maturity.level),
                "artefact_kind": sorted({a.kind for a in m.artefacts}),
                "status": m.status.development,
            },
        })
    return {
        "commit": data.commit,
        "levels": levels,
        "facets": [
            {"key": "themenfeld", "label": "Themenfeld"},
            {"key": "publisher", "label": "Herausgeber", "labels": {pid: p.name for pid, p in data.publishers.items()}},
            {"key": "license", "label": "Lizenz"},
            {"key": "maturity_level", "label": "Reifegrad", "labels": {str(i): f"{i} {name}" for i, name in enumerate(levels)}},
            {"key": "artefact_kind", "label": "Enthaltene Artefakte", "labels": KIND_LABELS},
            {"key": "status", "label": "Entwicklungsstand", "labels": STATUS_LABELS},
        ],
        "docs": docs,
    }
