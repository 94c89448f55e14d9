"""Realistic, varied packages for the growth benchmark: no two packages share their BPMN, forms, config or README.

Each package ``i`` has its own process model (4 to about 30 activities: user, service, send and manual
tasks, exclusive and parallel splits that join again, intermediate timer events, documentation, with
diagram interchange), one to three form schemas from a pool of German form fields (objects, enums,
formats, arrays, patterns), a configuration with its own schema, a README of 0.5 to 10 KB with
headings, lists and links (to its own files and to the web), a CHANGELOG, and a manifest with
the optional parts real packages have (production, outcomes, adoption steps, effort). Version ``n``
of a package is version ``n - 1`` with real changes: a step added to the process, a field added to a
form, a configuration value changed, a README section and a changelog entry added.

The seed catalogue (``catalog/packages``) is what this imitates; sizes are in its range (BPMN 5-40 KB,
forms 1-8 KB, README 1-10 KB).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import yaml

from hub.federation.vocab import THEMENFELDER

# libyaml's emitter writes the same bytes as PyYAML's (checked on 400 packages' versions) in a sixth of the
# time: generating a package took 35 ms of a 55 ms growth step with the pure-Python one
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(data: Any) -> bytes:
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False).encode()


THEMEN = THEMENFELDER  # the OZG Themenfelder, one list for the hub and its benches
CATEGORIES = [
    "buergerbuero",
    "gewerbeamt",
    "terminvergabe",
    "meldewesen",
    "e-akte",
    "e-payment",
    "e-signatur",
    "online-antrag",
    "schnittstelle",
    "fachverfahren",
    "organisation",
    "kommunikation",
    "ordnungsamt",
    "steuern",
    "soziales",
    "mobilitaet",
]
SUBJECTS = [
    ("Hundesteuer", "Anmeldung zur Hundesteuer"),
    ("Gewerbe", "Gewerbeanmeldung"),
    ("Wohngeld", "Antrag auf Wohngeld"),
    ("Bewohnerparken", "Bewohnerparkausweis"),
    ("Sondernutzung", "Sondernutzungserlaubnis für Straßenland"),
    ("Baugenehmigung", "Bauantrag im vereinfachten Verfahren"),
    ("Kita", "Anmeldung eines Kita-Platzes"),
    ("Führungszeugnis", "Antrag auf ein Führungszeugnis"),
    ("Meldebescheinigung", "Meldebescheinigung beantragen"),
    ("Fundsache", "Verlustanzeige für Fundsachen"),
    ("Sperrmüll", "Sperrmüllabholung anmelden"),
    ("Schwerbehinderung", "Antrag auf Schwerbehindertenausweis"),
    ("Elterngeld", "Antrag auf Elterngeld"),
    ("Baumfällung", "Genehmigung einer Baumfällung"),
    ("Veranstaltung", "Anzeige einer Veranstaltung"),
    ("Zuwendung", "Antrag auf Zuwendung aus Förderprogrammen"),
    ("Einbürgerung", "Antrag auf Einbürgerung"),
    ("Parkerleichterung", "Parkerleichterung für Menschen mit Behinderung"),
    ("Gaststätte", "Gaststättenerlaubnis"),
    ("Hausnummer", "Zuteilung einer Hausnummer"),
    ("Schülerbeförderung", "Antrag auf Schülerfahrkosten"),
    ("Kfz", "Zulassung eines Fahrzeugs"),
    ("Bibliothek", "Anmeldung in der Stadtbibliothek"),
    ("Rente", "Beratung zur Rentenantragstellung"),
]
PREFIXES = ["Bad ", "", "", "", "Neu", "Ober", "Unter", "Groß", "Klein", "Sankt "]
STEMS = ["Lipp", "Detm", "Brak", "Horn", "Lemg", "Blomb", "Steinh", "Wart", "Bever", "Höxt", "Salz", "Lüg", "Vlot", "Kalle", "Augus"]
ENDINGS = ["stadt", "dorf", "heim", "ingen", "hausen", "feld", "berg", "burg", "brück", "rode", "kirchen", "au"]
KINDS = [("stadt", "Stadt"), ("gemeinde", "Gemeinde"), ("kreis", "Kreis")]
VERBS = ["prüfen", "erfassen", "nachfordern", "berechnen", "erstellen", "versenden", "abstimmen", "freigeben", "archivieren", "zuordnen"]
OBJECTS = [
    "Antrag",
    "Unterlagen",
    "Gebühr",
    "Bescheid",
    "Stellungnahme",
    "Nachweise",
    "Zahlung",
    "Akte",
    "Termin",
    "Rückfrage",
    "Fachverfahren-Eintrag",
    "Anhörung",
    "Vollständigkeit",
    "Zuständigkeit",
    "Ausweisdaten",
]
SENTENCES = [
    "Vor der Einführung gingen die Anträge auf Papier ein und wurden von Hand in das Fachverfahren übertragen.",
    "Die Bearbeitung dauerte im Mittel mehrere Wochen, weil Unterlagen fehlten und nachgefordert werden mussten.",
    "Das Online-Formular prüft die Angaben schon bei der Eingabe und lädt Nachweise als PDF hoch.",
    "Die Sachbearbeitung sieht den vollständigen Antrag in der E-Akte und entscheidet ohne Medienbruch.",
    "Gebühren werden über das E-Payment der Kommune beglichen, bevor der Bescheid versandt wird.",
    "Rückfragen laufen über das Postfach im Serviceportal, nicht mehr über Telefon und Brief.",
    "Nachnutzende Kommunen passen die Konfiguration an ihre Satzung an und spielen das Prozessmodell in ihre Plattform ein.",
    "Die Erfahrung zeigt, dass eine Schulung der Sachbearbeitung von einem halben Tag genügt.",
    "Der Personalrat wurde früh beteiligt; die Dienstvereinbarung zur E-Akte galt bereits.",
    "Die Zahl der Rückfragen sank deutlich, weil Pflichtangaben nicht mehr fehlen können.",
    "Schnittstellen zum Fachverfahren sind über XÖV-Standards beschrieben und ohne Anpassung nutzbar.",
    "Für den Betrieb genügt der vorhandene Formularserver; zusätzliche Lizenzen fallen nicht an.",
    "Barrierefreiheit wurde nach BITV 2.0 geprüft und mit Nutzerinnen und Nutzern getestet.",
    "Datenschutz-Folgenabschätzung und Verzeichnis der Verarbeitungstätigkeiten liegen als Vorlage bei.",
]
FIELDS: list[tuple[str, dict[str, Any]]] = [
    ("name", {"title": "Name", "type": "string", "minLength": 1}),
    ("vornamen", {"title": "Vorname(n)", "type": "string", "minLength": 1}),
    ("geburtsdatum", {"title": "Geburtsdatum", "type": "string", "format": "date"}),
    ("email", {"title": "E-Mail-Adresse", "type": "string", "format": "email"}),
    ("telefon", {"title": "Telefon", "type": "string", "pattern": "^[0-9 +()/-]{6,20}$"}),
    ("iban", {"title": "IBAN", "type": "string", "pattern": "^DE[0-9]{20}$"}),
    ("anzahl", {"title": "Anzahl", "type": "integer", "minimum": 1, "maximum": 20}),
    ("betrag_eur", {"title": "Betrag in Euro", "type": "number", "minimum": 0}),
    ("einverstanden", {"title": "Ich bestätige die Richtigkeit meiner Angaben", "type": "boolean", "const": True}),
    ("bemerkung", {"title": "Bemerkung", "type": "string", "maxLength": 2000}),
    ("beginn", {"title": "Beginn", "type": "string", "format": "date"}),
    ("aktenzeichen", {"title": "Aktenzeichen", "type": "string", "maxLength": 40}),
    (
        "anschrift",
        {
            "title": "Anschrift",
            "type": "object",
            "required": ["strasse", "postleitzahl", "ort"],
            "properties": {
                "strasse": {"title": "Straße", "type": "string"},
                "hausnummer": {"title": "Hausnummer", "type": "string", "maxLength": 10},
                "postleitzahl": {"title": "Postleitzahl", "type": "string", "pattern": "^[0-9]{5}$"},
                "ort": {"title": "Ort", "type": "string"},
            },
        },
    ),
    (
        "zustellung",
        {"title": "Zustellung des Bescheids", "type": "string", "enum": ["postfach", "post", "abholung"], "default": "postfach"},
    ),
    (
        "nachweise",
        {
            "title": "Nachweise",
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "properties": {
                    "art": {
                        "title": "Art des Nachweises",
                        "type": "string",
                        "enum": ["ausweis", "meldebescheinigung", "vollmacht", "sonstiges"],
                    },
                    "datei": {"title": "Datei (PDF)", "type": "string", "contentMediaType": "application/pdf"},
                },
            },
        },
    ),
    ("staatsangehoerigkeit", {"title": "Staatsangehörigkeit", "type": "string", "enum": ["deutsch", "eu", "andere"]}),
]


@dataclass(frozen=True)
class Publisher:
    id: str
    name: str
    url: str


def publisher(n: int) -> Publisher:
    """The ``n``-th publishing organisation (every name its own: a town name from syllables and the number)."""
    rng = random.Random(f"publisher-{n}")
    kind, word = KINDS[n % len(KINDS)]
    town = rng.choice(PREFIXES) + rng.choice(STEMS) + rng.choice(ENDINGS)
    town = town[0].upper() + town[1:]
    slug = town.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss").replace(" ", "-")
    return Publisher(f"{kind}-{slug}-{n}", f"{word} {town} ({n})", f"https://www.{slug}-{n}.example")


PACKAGES_PER_PUBLISHER = 20


def package_id(i: int) -> str:
    rng = random.Random(f"package-{i}")
    subject = rng.choice(SUBJECTS)[0].lower().replace("ü", "ue").replace("ä", "ae").replace("ö", "oe").replace("ß", "ss")
    return f"{publisher(i // PACKAGES_PER_PUBLISHER).id}/{subject}-{i}"


def versions_of(i: int) -> int:
    """How many versions package ``i`` gets while the catalogue grows (1 to 3, on average 1.5)."""
    return (1, 1, 2, 1, 2, 3)[i % 6]


def version_name(n: int) -> str:
    """Version ``n`` (0-based): 1.0.0, 1.1.0, 2.0.0, 2.0.1, …"""
    return ("1.0.0", "1.1.0", "2.0.0", "2.0.1", "2.1.0", "3.0.0")[n] if n < 6 else f"3.{n - 5}.0"


def _label(rng: random.Random) -> str:
    return f"{rng.choice(OBJECTS)} {rng.choice(VERBS)}"


class _Bpmn:
    """A left-to-right process with diagram interchange, built step by step."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.nodes: list[str] = []
        self.flows: list[str] = []
        self.shapes: list[str] = []
        self.edges: list[str] = []
        self.x = 150
        self.count = 0

    def _id(self, kind: str) -> str:
        self.count += 1
        return f"{kind}_{self.count}"

    def node(self, tag: str, name: str, x: int, y: int, w: int, h: int, extra: str = "") -> str:
        nid = self._id(tag[0].upper() + tag[1:])
        self.nodes.append(f'    <bpmn:{tag} id="{nid}" name="{name}">{extra}</bpmn:{tag}>')
        self.shapes.append(
            f'      <bpmndi:BPMNShape id="{nid}_di" bpmnElement="{nid}">\n        <dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" />\n'
            f"      </bpmndi:BPMNShape>"
        )
        return nid

    def flow(self, source: str, target: str, points: list[tuple[int, int]], name: str = "") -> None:
        fid = self._id("Flow")
        label = f' name="{name}"' if name else ""
        self.flows.append(f'    <bpmn:sequenceFlow id="{fid}"{label} sourceRef="{source}" targetRef="{target}" />')
        waypoints = "\n".join(f'        <di:waypoint x="{x}" y="{y}" />' for x, y in points)
        self.edges.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">\n{waypoints}\n      </bpmndi:BPMNEdge>')

    def xml(self) -> str:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"\n'
            '  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"\n'
            '  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Definitions_1" targetNamespace="https://transferhub.de/bench">\n'
            f'  <bpmn:process id="Process_1" name="{self.name}" isExecutable="false">\n'
            + "\n".join(self.nodes + self.flows)
            + '\n  </bpmn:process>\n  <bpmndi:BPMNDiagram id="Diagram_1">\n    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="Process_1">\n'
            + "\n".join(self.shapes + self.edges)
            + "\n    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n"
        )


TASK_TAGS = ["userTask", "userTask", "serviceTask", "sendTask", "manualTask", "businessRuleTask", "task"]


def bpmn(rng: random.Random, name: str, steps: int) -> str:
    """A process of ``steps`` main-line steps; some are splits into two branches that join again."""
    doc = _Bpmn(name)
    mid = 240  # the main line's centre
    last = doc.node("startEvent", rng.choice(["Antrag eingegangen", "Anzeige eingegangen", "Frist beginnt"]), doc.x, mid - 18, 36, 36)
    last_right = doc.x + 36
    doc.x += 100
    for _ in range(steps):
        roll = rng.random()
        if roll < 0.2:  # split and join
            tag = "exclusiveGateway" if rng.random() < 0.7 else "parallelGateway"
            split = doc.node(tag, "Vollständig?" if tag == "exclusiveGateway" else "", doc.x, mid - 25, 50, 50)
            doc.flow(last, split, [(last_right, mid), (doc.x, mid)])
            bx = doc.x + 100
            upper = doc.node(rng.choice(TASK_TAGS), _label(rng), bx, mid - 160, 100, 80)
            lower = doc.node(rng.choice(TASK_TAGS), _label(rng), bx, mid + 80, 100, 80)
            doc.flow(
                split, upper, [(doc.x + 25, mid - 25), (doc.x + 25, mid - 120), (bx, mid - 120)], "ja" if tag == "exclusiveGateway" else ""
            )
            doc.flow(
                split,
                lower,
                [(doc.x + 25, mid + 25), (doc.x + 25, mid + 120), (bx, mid + 120)],
                "nein" if tag == "exclusiveGateway" else "",
            )
            jx = bx + 150
            join = doc.node(tag, "", jx, mid - 25, 50, 50)
            doc.flow(upper, join, [(bx + 100, mid - 120), (jx + 25, mid - 120), (jx + 25, mid - 25)])
            doc.flow(lower, join, [(bx + 100, mid + 120), (jx + 25, mid + 120), (jx + 25, mid + 25)])
            last, last_right, doc.x = join, jx + 50, jx + 100
        elif roll < 0.28:  # waiting for a deadline
            timer = f'<bpmn:timerEventDefinition id="Timer_{doc.count}" />'
            event = doc.node(
                "intermediateCatchEvent", rng.choice(["Frist abgelaufen", "Zwei Wochen gewartet"]), doc.x, mid - 18, 36, 36, timer
            )
            doc.flow(last, event, [(last_right, mid), (doc.x, mid)])
            last, last_right, doc.x = event, doc.x + 36, doc.x + 86
        else:
            documentation = f"<bpmn:documentation>{rng.choice(SENTENCES)}</bpmn:documentation>" if rng.random() < 0.3 else ""
            task = doc.node(rng.choice(TASK_TAGS), _label(rng), doc.x, mid - 40, 100, 80, documentation)
            doc.flow(last, task, [(last_right, mid), (doc.x, mid)])
            last, last_right, doc.x = task, doc.x + 100, doc.x + 150
    end = doc.node("endEvent", rng.choice(["Bescheid versandt", "Vorgang abgeschlossen", "Antrag abgelehnt"]), doc.x, mid - 18, 36, 36)
    doc.flow(last, end, [(last_right, mid), (doc.x, mid)])
    return doc.xml()


def form_schema(rng: random.Random, title: str, extra_fields: int) -> dict:
    chosen = rng.sample(FIELDS, rng.randint(4, min(len(FIELDS), 9 + extra_fields)))
    properties = {name: dict(spec) for name, spec in chosen}
    for n in range(extra_fields):  # fields a later version added
        properties[f"zusatzangabe_{n + 1}"] = {"title": f"Zusatzangabe {n + 1}", "type": "string", "maxLength": 200}
    required = [name for name in properties if rng.random() < 0.4] or [next(iter(properties))]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": rng.choice(SENTENCES),
        "type": "object",
        "required": required,
        "properties": properties,
    }


def config(rng: random.Random, change: int) -> tuple[dict, dict]:
    """A configuration and its own schema (the schema stays; values change between versions)."""
    schema: dict = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Einstellungen der Kommune",
        "type": "object",
        "additionalProperties": False,
        "required": ["gebuehr_eur", "frist_tage"],
        "properties": {
            "gebuehr_eur": {"description": "Gebühr in Euro.", "type": "number", "minimum": 0},
            "frist_tage": {"description": "Bearbeitungsfrist in Tagen.", "type": "integer", "minimum": 1, "maximum": 365},
            "zahlungsarten": {
                "type": "array",
                "items": {"enum": ["lastschrift", "kreditkarte", "paypal", "rechnung"]},
                "uniqueItems": True,
            },
            "postfach": {"description": "Bescheide ins Postfach des Serviceportals.", "type": "boolean"},
        },
    }
    extra = rng.randint(0, 8)
    values: dict = {
        "gebuehr_eur": round(rng.uniform(5, 300), 2) + change * 5,
        "frist_tage": rng.randint(5, 60) + change,
        "zahlungsarten": rng.sample(["lastschrift", "kreditkarte", "paypal", "rechnung"], rng.randint(1, 3)),
        "postfach": rng.random() < 0.5,
    }
    for n in range(extra):
        key = f"schwelle_{n + 1}"
        schema["properties"][key] = {"description": f"Schwellenwert {n + 1}.", "type": "integer", "minimum": 0}
        values[key] = rng.randint(0, 1000) + change
    return values, schema


def readme(rng: random.Random, name: str, files: list[str], sections: int, extra: int) -> str:
    def paragraph() -> str:
        return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))

    parts = [f"# {name}\n", paragraph(), ""]
    for heading in ["Problem", "Lösung", "Nachnutzung", "Erfahrungen", "Betrieb", "Datenschutz", "Kosten", "Ansprechpartner"][:sections]:
        parts += [f"## {heading}\n", paragraph(), ""]
        if heading == "Lösung":
            parts += [f"- [{path.rsplit('/', 1)[-1]}]({path})" for path in files] + [""]
        if rng.random() < 0.4:
            parts += [f"Mehr dazu: [Leitfaden](https://www.example.org/leitfaden/{rng.randint(1, 999)}).", ""]
        if rng.random() < 0.3:
            parts += ["| Kennzahl | vorher | nachher |", "|---|---|---|", f"| Tage | {rng.randint(10, 40)} | {rng.randint(1, 9)} |", ""]
    for n in range(extra):
        parts += [f"## Neu in Version {n + 2}\n", paragraph(), ""]
    return "\n".join(parts)


def package_files(i: int, n: int = 0) -> dict[str, bytes]:
    """The files of version ``n`` (0-based) of package ``i``."""
    rng = random.Random(f"package-{i}")
    subject, form_title = rng.choice(SUBJECTS)
    pub = publisher(i // PACKAGES_PER_PUBLISHER)
    pid = package_id(i)
    version = version_name(n)
    name = f"{form_title} digital ({pub.name.split(' (')[0]})"
    steps = rng.randint(3, 22)
    forms = rng.randint(1, 3)
    sections = rng.randint(3, 8)
    theme = rng.choice(THEMEN)
    categories = rng.sample(CATEGORIES, rng.randint(1, 3))
    keywords = rng.sample([subject, *OBJECTS, "Online-Antrag", "OZG", "E-Akte", "Serviceportal"], rng.randint(3, 8))
    changes = random.Random(f"package-{i}-v{n}")
    files: dict[str, bytes] = {}
    artefacts: list[dict] = []
    # version n: n more process steps, n more form fields in the first form, new config values, n README sections
    process = f"prozess/{subject.lower().replace('ü', 'ue').replace('ä', 'ae').replace('ö', 'oe').replace('ß', 'ss')}.bpmn"
    files[process] = bpmn(random.Random(f"package-{i}-bpmn"), form_title, steps + n).encode()
    artefacts.append({"path": process, "kind": "process-model", "format": "bpmn", "title": f"Prozess {form_title}"})
    for f in range(forms):
        path = f"formulare/formular-{f + 1}.schema.json"
        title = form_title if f == 0 else f"{form_title}: Anlage {f}"
        schema = form_schema(random.Random(f"package-{i}-form-{f}"), title, n if f == 0 else 0)
        files[path] = json.dumps(schema, ensure_ascii=False, indent=2).encode()
        artefacts.append({"path": path, "kind": "form-schema", "format": "json-schema", "title": f"Formular {title}"})
    values, config_schema = config(random.Random(f"package-{i}-config"), n)
    files["konfiguration/einstellungen.yaml"] = dump_yaml(values)
    files["konfiguration/einstellungen.schema.json"] = json.dumps(config_schema, ensure_ascii=False, indent=2).encode()
    artefacts.append(
        {
            "path": "konfiguration/einstellungen.yaml",
            "kind": "config",
            "format": "yaml",
            "title": "Einstellungen",
            "schema": "konfiguration/einstellungen.schema.json",
        }
    )
    files["README.md"] = readme(rng, name, [a["path"] for a in artefacts], sections, n).encode()
    files["CHANGELOG.md"] = "\n".join(
        ["# Änderungen", ""]
        + [f"## {version_name(k)}\n\n- {changes.choice(SENTENCES) if k == n else 'Erste Veröffentlichung.'}\n" for k in range(n, -1, -1)]
    ).encode()
    manifest: dict[str, Any] = {
        "id": pid,
        "name": name,
        "version": version,
        "release_date": f"{2019 + n + i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "summary": {"de": f"{form_title} online: {rng.choice(SENTENCES)}"[:200]},
        "description": {"de": " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))},
        "keywords": keywords,
        "publisher": {"id": pub.id, "name": pub.name, "url": pub.url},
        "contacts": [{"name": "Digitalisierung", "role": "Prozessverantwortung", "email": f"digital@{pub.id}.example"}],
        "license": rng.choice(["EUPL-1.2", "DL-DE-BY-2.0", "CC-BY-4.0"]),
        "classification": {"themenfeld": theme, "categories": categories},
        "status": {"development": rng.choice(["stable", "stable", "beta", "development"])},
        "changelog": "CHANGELOG.md",
        "artefacts": artefacts,
    }
    if rng.random() < 0.7:
        manifest["status"]["production"] = {
            "since": f"{2018 + i % 6}-{1 + i % 12:02d}",
            "where": [pub.name],
            "cases_per_year": rng.randint(50, 20000),
        }
        manifest["status"]["outcomes"] = [
            {"indicator": "Durchschnittliche Bearbeitungszeit", "value": rng.randint(1, 9), "before": rng.randint(10, 40), "unit": "Tage"}
        ]
    if rng.random() < 0.6:
        manifest["adoption"] = {
            "requirements": {"software": ["Formularserver", "Fachverfahren mit Importschnittstelle"], "standards": ["FIM", "XÖV"]},
            "effort": {"person_days": rng.randint(2, 40), "duration_weeks": rng.randint(1, 12)},
            "steps": [{"title": t, "description": rng.choice(SENTENCES)} for t in ("Konfiguration anpassen", "Testen", "Freischalten")],
        }
    files["hub.yaml"] = dump_yaml(manifest)
    return files
