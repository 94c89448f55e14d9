"""What the generated OpenAPI description cannot know: bodies read raw, answers, examples, value lists.

Litestar derives the description from the handlers' signatures. Two routes read their body
themselves (``PUT /sources`` takes YAML or JSON, ``POST /publiccode/import`` a publiccode.yml), so
their request bodies are written here; so are the German descriptions of every success answer
(Litestar would say "Request fulfilled, document follows"), an example of every write, and the
values the search filters know. :func:`complete` applies it all to the generated description.
"""

from __future__ import annotations

import copy
from typing import Any

from hub.index.documents import ARTEFACT_LABELS, MATURITY_LABELS, STATUS_LABELS
from hub.schemas import SCHEMA_BASE, all_schemas

WRITE_METHODS = ("post", "put", "patch", "delete")

SOURCES_YAML = """sources:
  - name: stadt-paderborn-gitlab
    description: Pakete der Stadt Paderborn aus ihrem GitLab
    url: https://gitlab.example.org/stadt-paderborn/loesungen.git
    publisher: stadt-paderborn
    branch: main
"""
PUBLICCODE_YAML = """publiccodeYmlVersion: "0.4"
name: Digitale Gewerbeanmeldung
url: https://gitlab.example.org/stadt-paderborn/gewerbeanmeldung.git
softwareVersion: 2.0.0
releaseDate: "2024-03-01"
platforms: [web]
categories: [e-government]
developmentStatus: stable
softwareType: standalone/web
description:
  de:
    shortDescription: Gewerbeanmeldung vollständig online, mit Weiterleitung an die Kammern.
    longDescription: Antragstellende melden ihr Gewerbe online an; die Anzeige geht digital an alle Stellen, die sie erhalten müssen.
    features: [Online-Antrag, Weiterleitung nach GewA]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Digitalisierung Stadt Paderborn
      email: digital@paderborn.example
localisation:
  localisationReady: true
  availableLanguages: [de]
"""

ORGANISATION_YAML = """id: stadt-lippstadt
name: Stadt Lippstadt
type: stadt
state: Nordrhein-Westfalen
kreisfrei: false
kreis: Kreis Soest
coordinates: {lat: 51.6741, lon: 8.3447}
"""

# (method, path) -> the German description of the success answer
SUCCESS = {
    ("get", "/api/v1/packages"): "Eine Seite Treffer mit Gesamtzahl, Facetten (Anzahl je Wert) und der Marke für die nächste Seite",
    ("post", "/api/v1/packages"): "Veröffentlicht: Kennung, Version, Commit und Tag der neuen Version",
    ("post", "/api/v1/packages/validate"): "Ergebnis des Prüflaufs: gültig oder nicht, mit allen Problemen",
    ("get", "/api/v1/packages/{publisher}/{slug}"): "Die neueste Version: Manifest, Dateien, Veröffentlichung",
    ("get", "/api/v1/packages/{publisher}/{slug}/versions"): "Die veröffentlichten Versionen, höchste zuerst",
    ("get", "/api/v1/packages/{publisher}/{slug}/versions/{version}"): "Die verlangte Version: Manifest, Dateien, Veröffentlichung",
    ("get", "/api/v1/packages/{publisher}/{slug}/history"): "Die Commits, die das Paket verändert haben, neueste zuerst",
    ("get", "/api/v1/packages/{publisher}/{slug}/diff"): "Geänderte Dateien, Formularfelder und Prozessschritte zwischen den Versionen",
    ("get", "/api/v1/packages/{publisher}/{slug}/files/{file_path}"): "Die Datei, Byte für Byte wie veröffentlicht",
    ("get", "/api/v1/packages/{publisher}/{slug}/readme"): "Die README als HTML",
    ("post", "/api/v1/adoptions"): "Erfasst: die Nachnutzung, wie sie im Katalog steht",
    ("patch", "/api/v1/adoptions/{adopter}/{publisher}/{slug}"): "Fortgeschrieben: die Nachnutzung mit ihrem neuen Stand",
    ("post", "/api/v1/reviews"): "Erfasst: die Begutachtung, wie sie im Katalog steht",
    ("post", "/api/v1/adoptions/{adopter}/{publisher}/{slug}/confirmations"): "Bestätigt: die Nachnutzung mit ihrer neuen Bestätigung",
    ("put", "/api/v1/publishers/{org}"): "Registriert: der Organisationseintrag, wie er im Katalog steht",
    ("put", "/api/v1/sources"): "Gespeichert: die neue Quellenliste",
    ("post", "/api/v1/harvest"): "Ein Erntebericht je geernteter Quelle: übernommene, abgelehnte und unveränderte Pakete",
    ("post", "/api/v1/publiccode/import"): "Das Paketgerüst (Dateien) und was ihm zu einem gültigen Paket noch fehlt",
}

FILES_EXAMPLE = {"archive": "(ZIP- oder tar.gz-Datei des Paketordners mit hub.yaml, README.md und Artefakten)"}
EXAMPLES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/packages"): {"multipart/form-data": FILES_EXAMPLE},
    ("post", "/api/v1/packages/validate"): {"multipart/form-data": FILES_EXAMPLE},
    ("post", "/api/v1/adoptions"): {
        "application/json": {
            "package": "stadt-paderborn/gewerbeanmeldung",
            "version": "2.0.0",
            "status": "pilot",
            "date": "2025-02-01",
            "note": "Pilot im Bürgerbüro Nord",
        }
    },
    ("patch", "/api/v1/adoptions/{adopter}/{publisher}/{slug}"): {
        "application/json": {"status": "production", "version": "2.0.0", "date": "2025-06-01", "note": "Seit Juni im Regelbetrieb"}
    },
    ("post", "/api/v1/reviews"): {
        "application/json": {
            "package": "stadt-paderborn/gewerbeanmeldung",
            "version": "2.0.0",
            "level": 3,
            "rationale": "Nachgewiesener Produktivbetrieb seit 2021, vollständige Nachnutzungsanleitung, zwei Nachnutzungen im Pilotbetrieb.",
        }
    },
    ("put", "/api/v1/sources"): {"application/yaml": SOURCES_YAML},
    ("post", "/api/v1/adoptions/{adopter}/{publisher}/{slug}/confirmations"): {
        "application/json": {"date": "2025-06-15", "note": "Produktivbetrieb bei einem Termin vor Ort gesehen"}
    },
    ("put", "/api/v1/publishers/{org}"): {"application/yaml": ORGANISATION_YAML},
    ("post", "/api/v1/publiccode/import"): {"application/yaml": PUBLICCODE_YAML},
}
# writes without a body: an example of their parameters
PARAMETER_EXAMPLES = {("post", "/api/v1/harvest"): {"source": "stadt-paderborn-gitlab"}}


def _filter_values() -> dict[str, tuple[list[str], str]]:
    package = all_schemas()[SCHEMA_BASE + "package.schema.json"]
    themen = package["properties"]["classification"]["properties"]["themenfeld"]["enum"]
    return {
        "themenfeld": (themen, "OZG-Themenfeld"),
        "status": (list(STATUS_LABELS), "Entwicklungsstand: " + ", ".join(f"{k} ({v})" for k, v in STATUS_LABELS.items())),
        "artefact_kind": (
            list(ARTEFACT_LABELS),
            "Art eines enthaltenen Artefakts: " + ", ".join(f"{k} ({v})" for k, v in ARTEFACT_LABELS.items()),
        ),
        "maturity_level": (list(MATURITY_LABELS), "Reifegrad: " + ", ".join(f"{k} ({v})" for k, v in MATURITY_LABELS.items())),
    }


SOURCES_COMPONENT = "SourcesFile"


def _sources_schema() -> dict[str, Any]:
    """sources.schema.json as a component, its internal references pointing into the component."""
    sources = all_schemas()[SCHEMA_BASE + "sources.schema.json"]

    def move(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (
                    v.replace("#/$defs/", f"#/components/schemas/{SOURCES_COMPONENT}/$defs/")
                    if k == "$ref" and isinstance(v, str)
                    else move(v)
                )
                for k, v in node.items()
                if k not in ("$schema", "$id")
            }
        if isinstance(node, list):
            return [move(v) for v in node]
        return node

    return move(sources)


def _request_bodies() -> dict[tuple[str, str], dict[str, Any]]:
    sources_schema = {"$ref": f"#/components/schemas/{SOURCES_COMPONENT}"}
    return {
        ("put", "/api/v1/sources"): {
            "required": True,
            "description": "Die vollständige Quellenliste (sources.yaml) als YAML oder JSON nach sources.schema.json; höchstens 1 MB. "
            "Ersetzt die bisherige Liste in einem Commit.",
            "content": {
                "application/yaml": {"schema": sources_schema},
                "application/json": {"schema": sources_schema},
            },
        },
        ("put", "/api/v1/publishers/{org}"): {
            "required": True,
            "description": "Der Organisationseintrag als YAML oder JSON nach publisher.schema.json; höchstens 64 KB. Ein Commit.",
            "content": {
                "application/yaml": {"schema": {"type": "string", "description": "publishers/<kennung>.yaml"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
        ("post", "/api/v1/publiccode/import"): {
            "required": True,
            "description": "Der Inhalt einer publiccode.yml (Version 0.2 bis 0.4), höchstens 1 MB. Es wird nichts gespeichert.",
            "content": {"application/yaml": {"schema": {"type": "string", "description": "publiccode.yml"}}},
        },
    }


def complete(spec: dict[str, Any]) -> dict[str, Any]:
    """The generated description with request bodies, success descriptions, examples and filter values."""
    spec = copy.deepcopy(spec)
    spec.setdefault("components", {}).setdefault("schemas", {})[SOURCES_COMPONENT] = _sources_schema()
    bodies = _request_bodies()
    filters = _filter_values()
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            key = (method, path)
            if key in bodies:
                operation["requestBody"] = copy.deepcopy(bodies[key])
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    response["description"] = SUCCESS.get(key) or operation.get("summary") or response.get("description", "")
            for media_type, example in EXAMPLES.get(key, {}).items():
                content = operation.setdefault("requestBody", {"content": {}}).setdefault("content", {})
                content.setdefault(media_type, {"schema": {}})["example"] = example
            for parameter in operation.get("parameters", []):
                name = parameter.get("name")
                if name in PARAMETER_EXAMPLES.get(key, {}):
                    parameter["example"] = PARAMETER_EXAMPLES[key][name]
                if path == "/api/v1/packages" and method == "get" and name in filters:
                    values, description = filters[name]
                    parameter["schema"] = _enumerated(parameter.get("schema", {}), values)
                    parameter["description"] = parameter["schema"]["description"] = description + " (mehrfach: oder)"
    return spec


def _enumerated(schema: dict[str, Any], values: list[str]) -> dict[str, Any]:
    """The parameter's schema (a list of strings, optional) with its items limited to ``values``."""

    def limit(node: dict[str, Any]) -> dict[str, Any]:
        if node.get("type") == "array":
            return {**node, "items": {"type": "string", "enum": values}}
        if "oneOf" in node or "anyOf" in node:
            key = "oneOf" if "oneOf" in node else "anyOf"
            return {**node, key: [limit(n) for n in node[key]]}
        if node.get("type") == "string":
            return {**node, "enum": values}
        return node

    return limit(schema)
