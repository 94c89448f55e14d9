"""A BPMN document read for drawing: its shapes, edges and label boxes from the diagram interchange.

The input is untrusted. ``load`` refuses what is not a BPMN 2.0 document (German messages), and
``Model`` keeps only what can be drawn: a coordinate that is not a finite number within ±10⁷, a
negative size, a dangling or repeated ``bpmnElement`` and an edge with fewer than two points are
left out rather than failing the whole diagram.
"""

from __future__ import annotations

import math
import re
from collections import deque
from dataclasses import dataclass

from lxml import etree

from hub.render.bpmn.kinds import ACTIVITIES, DATA, EDGES, EVENT_KINDS
from hub.validate.bpmn import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, FLOW_NODES, MAX_BPMN_BYTES, parse_bpmn

_MAX_COORD = 1e7
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str | None) -> str:
    return _XML_INVALID.sub("", text or "")


def one_line(text: str | None) -> str:
    return " ".join(clean(text).split())


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


def coordinate(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or abs(number) > _MAX_COORD:
        return None
    return number


def bounds_of(parent: etree._Element | None) -> Box | None:
    if parent is None:
        return None
    bounds = parent.find(f"{{{DC_NS}}}Bounds")
    if bounds is None:
        return None
    x, y, w, h = (coordinate(bounds.get(a)) for a in ("x", "y", "width", "height"))
    if x is None or y is None or w is None or h is None or w < 0 or h < 0:
        return None
    return Box(x, y, w, h)


def bpmn_kind(element: etree._Element) -> str | None:
    if not isinstance(element.tag, str):
        return None
    qname = etree.QName(element)
    return qname.localname if qname.namespace == BPMN_NS else None


@dataclass
class Shape:
    element: etree._Element
    kind: str
    box: Box
    label: Box | None
    di: etree._Element


@dataclass
class Edge:
    element: etree._Element
    kind: str
    points: list[tuple[float, float]]
    label: Box | None


class Model:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.by_id: dict[str, etree._Element] = {}
        for node in root.iter():
            if bpmn_kind(node) is None:
                continue
            node_id = node.get("id")
            if node_id and node_id not in self.by_id:
                self.by_id[node_id] = node
        self.processes = root.findall(f"{{{BPMN_NS}}}process")
        self.participants = list(root.iter(f"{{{BPMN_NS}}}participant"))
        self.shapes: list[Shape] = []
        self.edges: list[Edge] = []
        self.shape_of: dict[str, Shape] = {}
        self.attached: dict[str, list[Shape]] = {}  # activity id -> its boundary events' shapes
        plane = self._plane()
        if plane is None:
            return
        seen: set[str] = set()
        for di in plane.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge"):
            ref = di.get("bpmnElement") or ""
            element = self.by_id.get(ref)
            if element is None or ref in seen:
                continue  # dangling reference or second shape for one element: not drawn
            kind = bpmn_kind(element) or ""
            label = bounds_of(di.find(f"{{{BPMNDI_NS}}}BPMNLabel"))
            if etree.QName(di).localname == "BPMNShape":
                box = bounds_of(di)
                if box is None or not self._drawable_shape(kind):
                    continue
                shape = Shape(element, kind, box, label, di)
                self.shapes.append(shape)
                self.shape_of[ref] = shape
                if kind == "boundaryEvent":
                    self.attached.setdefault(element.get("attachedToRef") or "", []).append(shape)
            else:
                points = [(coordinate(p.get("x")), coordinate(p.get("y"))) for p in di.findall(f"{{{DI_NS}}}waypoint")]
                waypoints = [(x, y) for x, y in points if x is not None and y is not None]
                if len(waypoints) < 2 or kind not in EDGES:
                    continue
                self.edges.append(Edge(element, kind, waypoints, label))
            seen.add(ref)

    @staticmethod
    def _drawable_shape(kind: str) -> bool:
        return kind in FLOW_NODES or kind in DATA or kind in ("participant", "lane", "textAnnotation", "group")

    def _plane(self) -> etree._Element | None:
        planes = [p for d in self.root.findall(f"{{{BPMNDI_NS}}}BPMNDiagram") for p in d.findall(f"{{{BPMNDI_NS}}}BPMNPlane")]
        for plane in planes:  # the main diagram: a plane for a collaboration or a process, not a drill-down
            element = self.by_id.get(plane.get("bpmnElement") or "")
            if element is not None and bpmn_kind(element) in ("collaboration", "process"):
                return plane
        return planes[0] if planes else None

    def name(self, element: etree._Element) -> str:
        return clean(element.get("name"))

    def participant_expanded(self, shape: Shape) -> bool:
        if shape.di.get("isExpanded") == "false":
            return False
        ref = shape.element.get("processRef") or ""
        return bool(ref) and bpmn_kind(self.by_id.get(ref, shape.element)) == "process"

    def event_kinds(self, element: etree._Element) -> list[tuple[str, str]]:
        kinds = []
        for child in element:
            local = bpmn_kind(child)
            if local in EVENT_KINDS:
                kinds.append(EVENT_KINDS[local])
            elif local == "eventDefinitionRef":
                referenced = self.by_id.get((child.text or "").strip())
                referenced_kind = bpmn_kind(referenced) if referenced is not None else None
                if referenced_kind is not None and referenced_kind in EVENT_KINDS:
                    kinds.append(EVENT_KINDS[referenced_kind])
        return kinds

    def process_title(self) -> str:
        names = [one_line(p.get("name")) for p in self.processes if p.get("name")]
        names = names or [one_line(p.get("name")) for p in self.participants if p.get("processRef") and p.get("name")]
        return " / ".join(dict.fromkeys(n for n in names if n))

    def activities_in_order(self) -> list[etree._Element]:
        """Activities in flow order: breadth-first from the start events along sequence flows."""
        successors: dict[str, list[str]] = {}
        boundaries: dict[str, list[str]] = {}
        starts: list[str] = []
        for process in self.processes:
            for element in process.iter():
                kind = bpmn_kind(element)
                if kind == "sequenceFlow":
                    successors.setdefault(element.get("sourceRef") or "", []).append(element.get("targetRef") or "")
                elif kind == "boundaryEvent":
                    boundaries.setdefault(element.get("attachedToRef") or "", []).append(element.get("id") or "")
                elif kind == "startEvent" and element.getparent() is process:
                    starts.append(element.get("id") or "")
        order: list[etree._Element] = []
        seen: set[str] = set()
        queue = deque(starts)
        while queue:
            node_id = queue.popleft()
            if node_id in seen or node_id not in self.by_id:
                continue
            seen.add(node_id)
            element = self.by_id[node_id]
            if bpmn_kind(element) in ACTIVITIES:
                order.append(element)
            queue.extend(successors.get(node_id, []))
            queue.extend(boundaries.get(node_id, []))
        rest = [s for s in self.shapes if s.kind in ACTIVITIES and s.element.get("id") not in seen]
        order.extend(s.element for s in sorted(rest, key=lambda s: (s.box.x, s.box.y)))
        return order

    def lane_of(self) -> dict[str, str]:
        lanes: dict[str, str] = {}
        for lane in self.root.iter(f"{{{BPMN_NS}}}lane"):
            name = one_line(lane.get("name"))
            if not name:
                continue
            for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
                lanes[(ref.text or "").strip()] = name  # nested lanes come later and win: the innermost lane
        return lanes


def load(data: bytes | str) -> etree._Element:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray):
        # ValueError like every other refusal: callers catch one exception for "not a drawable model"
        raise ValueError("Kein BPMN-Prozessmodell: erwartet werden die Bytes einer BPMN-2.0-XML-Datei.")  # noqa: TRY004
    data = bytes(data)
    if len(data) > MAX_BPMN_BYTES:
        raise ValueError(f"Das Prozessmodell ist {len(data) // 1024} KB groß; gezeichnet werden höchstens {MAX_BPMN_BYTES // 1024} KB.")
    if _DOCTYPE.search(data):
        raise ValueError("Kein zulässiges BPMN-Prozessmodell: DOCTYPE- und ENTITY-Deklarationen sind nicht erlaubt.")
    try:
        root = parse_bpmn(data)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"Kein BPMN-Prozessmodell: kein wohlgeformtes XML ({exc.msg}).") from exc
    if root is None or root.tag != f"{{{BPMN_NS}}}definitions":
        found = etree.QName(root).localname if root is not None and isinstance(root.tag, str) else "nichts"
        raise ValueError(
            f"Kein BPMN-Prozessmodell: das Wurzelelement muss „definitions“ im Namensraum {BPMN_NS} sein, gefunden: „{found}“."
        )
    return root
