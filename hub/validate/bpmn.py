"""BPMN 2.0 process models: parsed safely, checked to be complete and drawable.

Untrusted XML: no DTD, no entity expansion, no network, a size limit. A model is
accepted when every flow node and flow has diagram interchange, because the hub
draws every diagram and a modeler would otherwise open an empty canvas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from lxml import etree

from hub.model import Problem
from hub.validate.parsererrors import xml_message

MAX_BPMN_BYTES = 5 * 1024 * 1024

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"

FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "task",
        "userTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "manualTask",
        "businessRuleTask",
        "scriptTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "exclusiveGateway",
        "inclusiveGateway",
        "parallelGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
FLOW_NODE_TAGS = tuple(sorted(f"{{{BPMN_NS}}}{name}" for name in FLOW_NODES))
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def parse_bpmn(data: bytes) -> etree._Element:
    """Parse trusted-size BPMN bytes with the safe parser (raises ``etree.XMLSyntaxError``)."""
    return etree.fromstring(data, _parser())


class BpmnCheck(NamedTuple):
    problems: list[Problem]
    root: etree._Element | None  # the parsed model for the hints (hub/validate/hints.py), or None when there is none


def check_bpmn(path: str, data: bytes, *, max_bytes: int = MAX_BPMN_BYTES) -> list[Problem]:
    return inspect_bpmn(path, data, max_bytes=max_bytes).problems


def inspect_bpmn(path: str, data: bytes, *, max_bytes: int = MAX_BPMN_BYTES) -> BpmnCheck:
    """The problems of one BPMN file and its parsed tree, so the hints need not parse it again.

    The tree is given wherever :func:`hub.validate.hints.bpmn_hints` would parse one itself: the
    file is within the size limit, has no DOCTYPE or ENTITY in its bytes and parses.
    """

    def problem(code: str, message: str, line: int | None = None) -> Problem:
        return Problem(code=code, file=path, line=line, message=message)

    if len(data) > max_bytes:
        return BpmnCheck(
            [problem("bpmn-too-large", f"Das Prozessmodell ist {len(data) // 1024} KB groß; erlaubt sind {max_bytes // 1024} KB.")], None
        )
    if match := _DOCTYPE.search(data):
        line = data.count(b"\n", 0, match.start()) + 1
        return BpmnCheck(
            [problem("bpmn-dtd-forbidden", "DOCTYPE- und ENTITY-Deklarationen sind in Prozessmodellen nicht erlaubt.", line)], None
        )
    try:
        root = parse_bpmn(data)
    except etree.XMLSyntaxError as exc:
        return BpmnCheck([problem("bpmn-syntax", xml_message(exc), exc.lineno)], None)
    tree = root if len(data) <= MAX_BPMN_BYTES else None
    # the byte search above sees only ASCII-compatible encodings; the parser decoded whatever the
    # declaration or BOM says (UTF-16, UTF-32, EBCDIC …), so ask it whether there was a DOCTYPE at all
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return BpmnCheck(
            [
                problem(
                    "bpmn-dtd-forbidden",
                    "DOCTYPE- und ENTITY-Deklarationen sind in Prozessmodellen nicht erlaubt (gleich in welcher Zeichenkodierung).",
                )
            ],
            tree,
        )
    if root.tag != _q(BPMN_NS, "definitions"):
        return BpmnCheck(
            [
                problem(
                    "bpmn-namespace",
                    f"Das Wurzelelement muss „definitions“ im Namensraum {BPMN_NS} sein, gefunden: „{etree.QName(root).localname}“ ({etree.QName(root).namespace or 'ohne Namensraum'}).",
                    root.sourceline,
                )
            ],
            tree,
        )
    return BpmnCheck(_model_problems(root, problem), tree)


def _model_problems(root: etree._Element, problem: Callable[..., Problem]) -> list[Problem]:
    """Ids, processes, flows and diagram interchange of a parsed model whose root is BPMN's definitions.

    lxml's iterators and XPath pick the elements in C; Python sees only the elements a check needs.
    """
    problems: list[Problem] = []
    ids: set[str] | dict[str, etree._Element] = set(all_ids := _ALL_IDS(root))
    if len(ids) < len(all_ids):  # a duplicate: the elements are looked at for the lines
        ids = {}
        for element in root.xpath("//*[@id]"):  # in document order, the root too
            element_id = element.get("id")
            if element_id in ids:
                problems.append(
                    problem(
                        "bpmn-duplicate-id",
                        f"Die ID „{element_id}“ kommt mehrfach vor (zuerst in Zeile {ids[element_id].sourceline}).",
                        element.sourceline,
                    )
                )
            else:
                ids[element_id] = element

    processes = root.findall(_q(BPMN_NS, "process"))
    if not processes:
        problems.append(problem("bpmn-no-process", "Das Modell enthält kein Element „process“.", root.sourceline))

    drawn: list[etree._Element] = []  # elements that need a shape
    flows: list[etree._Element] = []  # elements that need an edge
    for process in processes:
        label = process.get("name") or process.get("id") or "?"
        nodes = {el.get("id"): el for el in process.iter(*FLOW_NODE_TAGS)}
        drawn.extend(nodes.values())
        # a child of that local name in any namespace (or none), found in C instead of a proxy per child
        if nodes and process.find("{*}startEvent") is None:
            problems.append(
                problem("bpmn-no-start-event", f"Der Prozess „{label}“ hat kein Startereignis (startEvent).", process.sourceline)
            )
        if nodes and process.find("{*}endEvent") is None:
            problems.append(problem("bpmn-no-end-event", f"Der Prozess „{label}“ hat kein Endereignis (endEvent).", process.sourceline))
        for flow in process.iter(_q(BPMN_NS, "sequenceFlow")):
            flows.append(flow)
            for attr, role in (("sourceRef", "Quelle"), ("targetRef", "Ziel")):
                ref = flow.get(attr)
                if ref not in nodes:
                    problems.append(
                        problem(
                            "bpmn-flow-ref",
                            f"Der Sequenzfluss „{flow.get('id')}“ nennt als {role} „{ref or ''}“; ein solches Element gibt es in diesem Prozess nicht.",
                            flow.sourceline,
                        )
                    )
    for flow in root.iter(_q(BPMN_NS, "messageFlow")):
        flows.append(flow)
        for attr, role in (("sourceRef", "Quelle"), ("targetRef", "Ziel")):
            ref = flow.get(attr)
            if ref not in ids:
                problems.append(
                    problem(
                        "bpmn-flow-ref",
                        f"Der Nachrichtenfluss „{flow.get('id')}“ nennt als {role} „{ref or ''}“; ein solches Element gibt es nicht.",
                        flow.sourceline,
                    )
                )

    diagrams = root.findall(_q(BPMNDI_NS, "BPMNDiagram"))
    if not diagrams:
        if drawn or flows:
            problems.append(
                problem(
                    "bpmn-no-diagram",
                    "Das Modell enthält kein Diagramm (bpmndi:BPMNDiagram); ohne Diagrammdaten kann es nicht gezeichnet werden.",
                    root.sourceline,
                )
            )
        return problems

    shapes: set[str] = set()
    edges: set[str] = set()
    referenced = _diagram_complete(root)
    complete = referenced is not None
    if referenced is not None:  # every shape bounded, every edge with two waypoints: only the references are needed
        shapes, edges = referenced
    for shape in () if complete else root.iter(_q(BPMNDI_NS, "BPMNShape")):
        shapes.add(shape.get("bpmnElement", ""))
        bounds = shape.find(_q(DC_NS, "Bounds"))
        if bounds is None or not all(_is_number(bounds.get(a)) for a in ("x", "y", "width", "height")):
            problems.append(
                problem(
                    "bpmn-shape-bounds",
                    f"Die Form für „{shape.get('bpmnElement')}“ hat kein vollständiges dc:Bounds (x, y, width, height).",
                    shape.sourceline,
                )
            )
    for edge in () if complete else root.iter(_q(BPMNDI_NS, "BPMNEdge")):
        edges.add(edge.get("bpmnElement", ""))
        points = [p for p in edge.findall(_q(DI_NS, "waypoint")) if _is_number(p.get("x")) and _is_number(p.get("y"))]
        if len(points) < 2:
            found = "keinen gültigen Wegpunkt" if not points else "nur einen gültigen Wegpunkt"
            problems.append(
                problem(
                    "bpmn-edge-waypoints",
                    f"Die Kante für „{edge.get('bpmnElement')}“ hat {found}; nötig sind mindestens zwei.",
                    edge.sourceline,
                )
            )
    for node in drawn:
        if node.get("id") not in shapes:
            problems.append(
                problem(
                    "bpmn-missing-shape",
                    f"„{_label(node)}“ ({etree.QName(node).localname}) hat keine Form im Diagramm (bpmndi:BPMNShape).",
                    node.sourceline,
                )
            )
    for flow in flows:
        if flow.get("id") not in edges:
            problems.append(
                problem(
                    "bpmn-missing-edge", f"Der Fluss „{flow.get('id')}“ hat keine Kante im Diagramm (bpmndi:BPMNEdge).", flow.sourceline
                )
            )
    return problems


_NS = {"bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS}
# the checks' questions asked of the whole tree in C, with plain strings back (no element proxies)
_ALL_IDS = etree.XPath("//@id", smart_strings=False)  # the same attributes as //*[@id], in document order
_COUNT = {name: etree.XPath(f"count(//bpmndi:{name})", namespaces=_NS) for name in ("BPMNShape", "BPMNEdge")}
_REFERENCES = {
    name: etree.XPath(f"//bpmndi:{name}/@bpmnElement", namespaces=_NS, smart_strings=False) for name in ("BPMNShape", "BPMNEdge")
}
# the first dc:Bounds of each shape (what shape.find picks), each attribute; the waypoints of all edges
_BOUNDS = [
    etree.XPath(f"//bpmndi:BPMNShape/dc:Bounds[1]/@{name}", namespaces=_NS, smart_strings=False) for name in ("x", "y", "width", "height")
]
_EDGES_WITH_TWO_POINTS = etree.XPath("count(//bpmndi:BPMNEdge[count(di:waypoint[@x and @y]) >= 2])", namespaces=_NS)
_WAYPOINTS = [etree.XPath(f"//bpmndi:BPMNEdge/di:waypoint/@{name}", namespaces=_NS, smart_strings=False) for name in ("x", "y")]
# decimals as modelers write them: each is a number for float(); anything else goes to the element-wise check
_PLAIN_NUMBERS = re.compile(r"(?:-?[0-9]+(?:\.[0-9]+)? )*")


def _diagram_complete(root: etree._Element) -> tuple[set[str], set[str]] | None:
    """The elements the shapes and the edges refer to, when the element-wise shape and edge checks below would find
    nothing (no problem and no "" reference to add); None leaves it to them.

    Each shape has a first dc:Bounds whose four attributes are there (one value per shape each) and
    plain decimals; each edge has two waypoints with x and y, and every waypoint's x and y are plain
    decimals, so each such waypoint is a valid point. False leaves it to the element-wise check.
    """
    shapes, edges = _COUNT["BPMNShape"](root), _COUNT["BPMNEdge"](root)
    if not shapes or not edges or _EDGES_WITH_TWO_POINTS(root) != edges:
        return None
    shape_references, edge_references = _REFERENCES["BPMNShape"](root), _REFERENCES["BPMNEdge"](root)
    if len(shape_references) != shapes or len(edge_references) != edges:
        return None  # a shape or edge without bpmnElement: the element-wise check records its "" reference
    values: list[str] = []
    for bounds in _BOUNDS:
        found = bounds(root)
        if len(found) != shapes:
            return None
        values.extend(found)
    for waypoints in _WAYPOINTS:
        values.extend(waypoints(root))
    joined = " ".join(values)  # one space between values only when no value holds one itself
    if joined.count(" ") != len(values) - 1 or _PLAIN_NUMBERS.fullmatch(joined + " ") is None:
        return None
    return set(shape_references), set(edge_references)


def _label(element: etree._Element) -> str:
    return element.get("name") or element.get("id") or "?"


def _is_number(value: str | None) -> bool:
    if value is None:
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True
