"""Quality hints (Hinweise): findings that never block publishing but a reviewer would raise.

Two families. Modelling rules for BPMN as a process modeller at a Kommune expects them
(every element connected, explicit gateways, labelled gateways and events, message
flows to external parties in their own pool, working days not coded as calendar days),
and consistency of the evidence in the manifest (outcomes measured before production
started, ``production.since`` differing between versions, volumes implausible for the
publisher's size).

``package_hints`` needs only the package's files and runs inside ``validate_package``;
``catalogue_hints`` needs what only the catalogue knows (earlier versions, the
publisher's size) and runs where that is known: at publish and for maturity.
Every hint has ``severity="hint"`` and a code from :data:`HINT_CODES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from lxml import etree

from hub.model import Manifest, Problem
from hub.validate.bpmn import BPMN_NS, FLOW_NODE_TAGS, FLOW_NODES, MAX_BPMN_BYTES, parse_bpmn

MANIFEST = "hub.yaml"

HINT_CODES: dict[str, str] = {
    "bpmn-disconnected": "Ein Element des Prozesses hat keinen eingehenden oder keinen ausgehenden Sequenzfluss und hängt nicht im Ablauf.",
    "bpmn-implicit-split": "Eine Aktivität oder ein Ereignis hat mehrere ausgehende Sequenzflüsse; die Verzweigung gehört in ein Gateway.",
    "bpmn-implicit-join": "Eine Aktivität oder ein Ereignis hat mehrere eingehende Sequenzflüsse; die Zusammenführung gehört in ein Gateway.",
    "bpmn-gateway-unlabelled": "Ein verzweigendes Gateway hat keine Frage als Namen oder einer seiner ausgehenden Flüsse keine Bedingung.",
    "bpmn-event-unlabelled": "Ein Ereignis hat keinen Namen.",
    "bpmn-message-flow-missing": "Eine Sende- oder Empfangsaufgabe (oder ein Nachrichtenereignis) hat keinen Nachrichtenfluss zu einem anderen Pool.",
    "bpmn-external-lane": "Eine externe Partei (Antragstellende, andere Behörde) ist als Lane im Pool der Behörde modelliert statt als eigener Pool.",
    "bpmn-working-days": "Eine Frist in Arbeitstagen ist als Dauer in Kalendertagen (z. B. P2D) kodiert.",
    "evidence-outcome-before-production": "Eine Wirkungskennzahl stammt aus einem Zeitraum, der vor dem Produktivbetrieb (production.since) endet.",
    "evidence-since-differs": "Der Beginn des Produktivbetriebs (production.since) weicht von dem einer früheren Version desselben Pakets ab.",
    "evidence-volume-implausible": "Die Fallzahl pro Jahr ist für die Größe des Herausgebers unplausibel hoch.",
}

# who is outside the authority: a lane with one of these names belongs in its own pool
EXTERNAL_PARTIES = re.compile(
    r"antragsteller|\bbürger(?!büro|amt|service|meister)|einwohner|gewerbetreibend|\bunternehm|\b(?:hunde|fahrzeug)?halter|\bkund(?:e|in)|eltern|bewerber|zuwendungsempfänger|"
    r"steuerpflichtig|meldepflichtig|bundesamt|bundesdruckerei|finanzamt|registergericht|kammer|\bihk\b|\bhwk\b|"
    r"landesamt|ministerium|andere behörde|empfangsberechtigt|kommunen\b|gemeinden\b",
    re.IGNORECASE,
)
WORKING_DAYS = re.compile(r"arbeitstag|werktag", re.IGNORECASE)
CALENDAR_DURATION = re.compile(r"^\s*P(?:\d+W|\d+D|\d+W\d+D)\s*$")
SPLITTING_GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
ACTIVITIES_AND_EVENTS = FLOW_NODES - {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
_SUBPROCESS_TAGS = tuple(f"{{{BPMN_NS}}}{kind}" for kind in sorted(SUBPROCESSES))
# every element a rule of the main pass looks at: events, send and receive tasks, lanes, timers
_RULE_TAGS = tuple(f"{{{BPMN_NS}}}{kind}" for kind in sorted(EVENTS | {"sendTask", "receiveTask", "lane", "timerEventDefinition"}))

# Most Gewerbeanmeldungen a year per 1,000 inhabitants that is still plausible: Stadt Paderborn
# (about 155,000 inhabitants) has about 1,400–1,600 a year, Kreise Paderborn and Höxter together
# about 4,400 (IT.NRW, see shared domain facts), i.e. about 10 per 1,000; 12 leaves a margin.
CASES_PER_1000: dict[str, tuple[float, str]] = {
    "99050012104000": (12.0, "Gewerbeanmeldungen"),
}


def hint(code: str, file: str, message: str, *, line: int | None = None, pointer: str | None = None) -> Problem:
    assert code in HINT_CODES, code
    return Problem(code=code, file=file, message=message, line=line, pointer=pointer, severity="hint")


# -- the package alone ------------------------------------------------------------------------


def package_hints(manifest: Manifest, files: Mapping[str, bytes], *, parsed: Mapping[str, etree._Element] | None = None) -> list[Problem]:
    """Hints that need only the package: every process model, and the evidence in the manifest.

    ``parsed`` holds the process models validation has parsed already (by path), so they are not parsed twice.
    """
    hints: list[Problem] = []
    for artefact in manifest.artefacts:
        data = files.get(artefact.path)
        if artefact.kind == "process-model" and data is not None:
            root = parsed.get(artefact.path) if parsed is not None else None
            hints.extend(bpmn_hints(artefact.path, data) if root is None else model_hints(artefact.path, root))
    hints.extend(evidence_hints(manifest))
    return hints


def _local(element: etree._Element) -> str:
    # lxml's tag is "{namespace}local" (a comment's or processing instruction's is not a string)
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


_BPMN_PREFIX = "{" + BPMN_NS + "}"


def _bpmn(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag.startswith(_BPMN_PREFIX)


def _name(element: etree._Element) -> str:
    return (element.get("name") or "").strip()


def _label(element: etree._Element) -> str:
    return _name(element) or element.get("id") or "?"


def _documentation(element: etree._Element) -> str:
    return " ".join("".join(doc.itertext()) for doc in element.findall(f"{{{BPMN_NS}}}documentation"))


def _has_definition(element: etree._Element, kind: str) -> bool:
    return element.find(f"{{{BPMN_NS}}}{kind}") is not None


def bpmn_hints(path: str, data: bytes) -> list[Problem]:
    """The modelling rules on one BPMN file; a file that does not parse has errors already, no hints."""
    if len(data) > MAX_BPMN_BYTES or b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return []
    try:
        root = parse_bpmn(data)
    except etree.XMLSyntaxError:
        return []
    return model_hints(path, root)


def model_hints(path: str, root: etree._Element) -> list[Problem]:
    """The modelling rules on a parsed model (lxml picks the elements a rule looks at, in document order)."""
    hints: list[Problem] = []
    message_ends: set[str] = set()
    for flow in root.iter(f"{{{BPMN_NS}}}messageFlow"):
        message_ends.update(filter(None, (flow.get("sourceRef"), flow.get("targetRef"))))
    for container in [*root.iter(f"{{{BPMN_NS}}}process"), *root.iter(*_SUBPROCESS_TAGS)]:
        hints.extend(_container_hints(path, container))
    for element in root.iter(*_RULE_TAGS):
        kind = _local(element)
        if kind in EVENTS and not _name(element):
            hints.append(
                hint(
                    "bpmn-event-unlabelled",
                    path,
                    f"Das Ereignis „{element.get('id')}“ ({kind}) hat keinen Namen; Ereignisse beschreiben einen Zustand, z. B. „Antrag eingegangen“.",
                    line=element.sourceline,
                )
            )
        sends = kind == "sendTask" or (
            kind in {"intermediateThrowEvent", "endEvent"} and _has_definition(element, "messageEventDefinition")
        )
        receives = kind == "receiveTask" or (
            kind in {"intermediateCatchEvent", "startEvent"} and _has_definition(element, "messageEventDefinition")
        )
        if (sends or receives) and element.get("id") not in message_ends:
            what = "sendet" if sends else "empfängt"
            hints.append(
                hint(
                    "bpmn-message-flow-missing",
                    path,
                    f"„{_label(element)}“ ({kind}) {what} eine Nachricht, hat aber keinen Nachrichtenfluss; die Gegenseite gehört als eigener Pool ins Modell.",
                    line=element.sourceline,
                )
            )
        if kind == "lane" and EXTERNAL_PARTIES.search(_name(element)):
            hints.append(
                hint(
                    "bpmn-external-lane",
                    path,
                    f"Die Lane „{_name(element)}“ steht für eine externe Partei; sie gehört als eigener (zugeklappter) Pool mit Nachrichtenflüssen ins Modell, nicht in den Pool der Behörde.",
                    line=element.sourceline,
                )
            )
        if kind == "timerEventDefinition":
            hints.extend(_working_days(path, element))
    return hints


def _container_hints(path: str, container: etree._Element) -> list[Problem]:
    hints: list[Problem] = []
    nodes = list(container.iterchildren(*FLOW_NODE_TAGS))  # BPMN's flow nodes among the children, in order, picked in C
    incoming: dict[str, list[etree._Element]] = {}
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in container.findall(f"{{{BPMN_NS}}}sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
        incoming.setdefault(flow.get("targetRef", ""), []).append(flow)
    event_subprocess = container.get("triggeredByEvent") == "true"
    for node in nodes:
        kind, node_id = _local(node), node.get("id", "")
        ins, outs = incoming.get(node_id, []), outgoing.get(node_id, [])
        if len(nodes) > 1 and node.get("isForCompensation") != "true" and not event_subprocess:
            if not ins and kind not in {"startEvent", "boundaryEvent"}:
                hints.append(
                    hint(
                        "bpmn-disconnected",
                        path,
                        f"„{_label(node)}“ ({kind}) hat keinen eingehenden Sequenzfluss und wird nie erreicht.",
                        line=node.sourceline,
                    )
                )
            if not outs and kind != "endEvent":
                hints.append(
                    hint(
                        "bpmn-disconnected",
                        path,
                        f"„{_label(node)}“ ({kind}) hat keinen ausgehenden Sequenzfluss; der Ablauf endet dort ohne Endereignis.",
                        line=node.sourceline,
                    )
                )
        if kind in ACTIVITIES_AND_EVENTS:
            if len(outs) > 1:
                hints.append(
                    hint(
                        "bpmn-implicit-split",
                        path,
                        f"„{_label(node)}“ ({kind}) hat {len(outs)} ausgehende Sequenzflüsse; die Verzweigung gehört in ein Gateway.",
                        line=node.sourceline,
                    )
                )
            if len(ins) > 1:
                hints.append(
                    hint(
                        "bpmn-implicit-join",
                        path,
                        f"„{_label(node)}“ ({kind}) hat {len(ins)} eingehende Sequenzflüsse; die Zusammenführung gehört in ein Gateway.",
                        line=node.sourceline,
                    )
                )
        if kind in SPLITTING_GATEWAYS and len(outs) > 1:
            if not _name(node):
                hints.append(
                    hint(
                        "bpmn-gateway-unlabelled",
                        path,
                        f"Das verzweigende Gateway „{node_id}“ ({kind}) hat keinen Namen; es sollte die Frage nennen, nach der verzweigt wird.",
                        line=node.sourceline,
                    )
                )
            default = node.get("default")
            for flow in outs:
                if not _name(flow) and flow.get("id") != default:
                    hints.append(
                        hint(
                            "bpmn-gateway-unlabelled",
                            path,
                            f"Der Fluss „{flow.get('id')}“ aus dem Gateway „{_label(node)}“ hat keine Bedingung als Namen (z. B. „ja“/„nein“).",
                            line=flow.sourceline,
                        )
                    )
    return hints


def _working_days(path: str, definition: etree._Element) -> list[Problem]:
    event = definition.getparent()
    if event is None:  # a definition is inside its event (parse_bpmn's root is <definitions>)
        return []
    text = f"{_name(event)} {_documentation(event)}"
    if not WORKING_DAYS.search(text):
        return []
    hints = []
    for child in definition:
        value = "".join(child.itertext()) if _bpmn(child) and _local(child) in {"timeDuration", "timeCycle"} else ""
        if CALENDAR_DURATION.match(value):
            hints.append(
                hint(
                    "bpmn-working-days",
                    path,
                    f"„{_label(event)}“ nennt Arbeitstage, die Dauer „{value.strip()}“ zählt aber Kalendertage (Wochenenden und Feiertage eingeschlossen); "
                    "die Frist nach dem Arbeitszeitkalender berechnen oder als Kalendertage benennen.",
                    line=child.sourceline,
                )
            )
    return hints


# -- evidence in the manifest -------------------------------------------------------------------

MONTHS = {
    "januar": 1,
    "februar": 2,
    "märz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}
_PERIOD = re.compile(
    r"(?P<q>[1-4])\.\s*Quartal\s+(?P<qy>\d{4})|Q(?P<q2>[1-4])[\s/]*(?P<qy2>\d{4})|(?P<h>[12])\.\s*Halbjahr\s+(?P<hy>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})|(?P<month>" + "|".join(MONTHS) + r")|(?P<year>\d{4})",
    re.IGNORECASE,
)


def period_end(text: str) -> tuple[int, int] | None:
    """The last (year, month) a German period text covers: „2021“, „4. Quartal 2019“, „Februar bis April 2024“ …"""
    ends: list[tuple[int, int]] = []
    pending: list[int] = []  # months named before their year
    for m in _PERIOD.finditer(text):
        if m["q"] or m["q2"]:
            ends.append((int(m["qy"] or m["qy2"]), int(m["q"] or m["q2"]) * 3))
        elif m["h"]:
            ends.append((int(m["hy"]), int(m["h"]) * 6))
        elif m["iy"]:
            ends.append((int(m["iy"]), int(m["im"])))
        elif m["month"]:
            pending.append(MONTHS[m["month"].lower()])
            continue
        else:
            ends.append((int(m["year"]), max(pending) if pending else 12))
        pending = []
    return max(ends) if ends else None


def year_month(since: str) -> tuple[int, int] | None:
    match = re.match(r"^(\d{4})-(\d{2})", since)
    return (int(match[1]), int(match[2])) if match else None


def evidence_hints(manifest: Manifest) -> list[Problem]:
    production = manifest.status.production
    if production is None or (since := year_month(production.since)) is None:
        return []
    hints = []
    for index, outcome in enumerate(manifest.status.outcomes):
        end = period_end(outcome.period or "")
        if end is not None and end < since:
            hints.append(
                hint(
                    "evidence-outcome-before-production",
                    MANIFEST,
                    f"Die Kennzahl „{outcome.indicator}“ stammt aus „{outcome.period}“, der Produktivbetrieb begann aber erst {production.since}; "
                    "vor dem Start gemessene Werte belegen keine Wirkung.",
                    pointer=f"/status/outcomes/{index}/period",
                )
            )
    return hints


# -- what the catalogue knows -------------------------------------------------------------------


class Started(NamedTuple):
    """When an earlier version of a package says it went into production (``status.production.since``; None: not)."""

    version: str
    since: str | None


def started(manifest: Manifest) -> Started:
    return Started(manifest.version, manifest.status.production.since if manifest.status.production is not None else None)


def catalogue_hints(manifest: Manifest, earlier: Iterable[Started] = (), *, population: int | None = None) -> list[Problem]:
    """Hints that need the catalogue: the package's other versions' starts of production and the publisher's size where known."""
    hints: list[Problem] = []
    production = manifest.status.production
    if production is not None:
        others = sorted({(e.since, e.version) for e in earlier if e.version != manifest.version and e.since is not None})
        differing = [(since, version) for since, version in others if since[:7] != production.since[:7]]
        if differing:
            listed = ", ".join(f"{version}: {since}" for since, version in differing)
            hints.append(
                hint(
                    "evidence-since-differs",
                    MANIFEST,
                    f"Der Produktivbetrieb begann laut dieser Version {production.since}, laut früheren Versionen anders ({listed}); "
                    "ein Verfahren geht nur einmal in Produktion.",
                    pointer="/status/production/since",
                )
            )
        if population and production.cases_per_year:
            for key in manifest.classification.leika:
                if key in CASES_PER_1000:
                    limit, what = CASES_PER_1000[key]
                    rate = production.cases_per_year * 1000 / population
                    if rate > limit:
                        rate_text = f"{rate:.1f}".replace(".", ",")
                        hints.append(
                            hint(
                                "evidence-volume-implausible",
                                MANIFEST,
                                f"{_n(production.cases_per_year)} {what} im Jahr sind {rate_text} je 1.000 Einwohner ({_n(population)} Einwohner); "
                                f"plausibel sind höchstens etwa {limit:.0f} je 1.000, also etwa {_n(int(limit * population / 1000))}.",
                                pointer="/status/production/cases_per_year",
                            )
                        )
    return hints


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")
