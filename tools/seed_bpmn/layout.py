"""A small BPMN 2.0 writer with automatic diagram interchange, used to (re)model the seed catalogue's processes.

A process is described as lanes of the authority's pool, external parties as collapsed pools
(above or below), flow nodes on a grid (lane, column, row), sequence and message flows, and
documentation per element (legal basis, FIM reference). The writer emits BPMN 2.0 XML with
BPMNDI shapes and edges for every pool, lane, node, sequence flow and message flow, so the file
opens unchanged in bpmn-js and the Camunda Modeler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

TASKS = {"userTask", "serviceTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask", "task", "callActivity"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}
SIZE = {**{k: (100, 80) for k in TASKS}, **{k: (36, 36) for k in EVENTS}, **{k: (50, 50) for k in GATEWAYS}}

POOL_X = 160
POOL_LABEL = 30
COL_W = 150
ROW_H = 120
COLLAPSED_H = 60
GAP = 70


@dataclass
class Node:
    id: str
    kind: str
    name: str
    lane: str
    col: float
    row: int = 0
    doc: str | None = None
    message: bool = False
    timer: tuple[str, str] | None = None  # (timeDuration|timeDate|timeCycle, value); value "" for none
    attached: str | None = None
    cancel: bool = True
    default: str | None = None
    # layout, filled in by the writer
    cx: float = 0
    cy: float = 0

    @property
    def w(self) -> int:
        return SIZE[self.kind][0]

    @property
    def h(self) -> int:
        return SIZE[self.kind][1]

    @property
    def x(self) -> float:
        return self.cx - self.w / 2

    @property
    def y(self) -> float:
        return self.cy - self.h / 2


@dataclass
class Process:
    key: str  # used in ids: Process_<key>
    name: str
    participant: str
    namespace: str
    doc: str | None = None
    lanes: list[tuple[str, str]] = field(default_factory=list)
    externals: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # id, name, "top"|"bottom", doc
    nodes: dict[str, Node] = field(default_factory=dict)
    flows: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # id, source, target, name
    messages: list[tuple[str, str, str, str | None]] = field(default_factory=list)

    def lane(self, lane_id: str, name: str) -> Process:
        self.lanes.append((lane_id, name))
        return self

    def external(self, ext_id: str, name: str, side: str = "top", doc: str | None = None) -> Process:
        self.externals.append((ext_id, name, side, doc))
        return self

    def add(self, node_id: str, kind: str, name: str, lane: str, col: float, row: int = 0, **kw) -> Process:
        assert node_id not in self.nodes, node_id
        self.nodes[node_id] = Node(node_id, kind, name, lane, col, row, **kw)
        return self

    def seq(self, source: str, target: str, name: str | None = None) -> Process:
        self.flows.append((f"Flow_{source}_{target}", source, target, name))
        return self

    def chain(self, *ids: str) -> Process:
        for a, b in pairwise(ids):
            self.seq(a, b)
        return self

    def msg(self, source: str, target: str, name: str | None = None) -> Process:
        self.messages.append((f"Message_{source}_{target}", source, target, name))
        return self


def _doc(text: str | None, indent: str) -> str:
    return f"{indent}<bpmn:documentation>{escape(text)}</bpmn:documentation>\n" if text else ""


def _bounds(x: float, y: float, w: float, h: float) -> str:
    return f'<dc:Bounds x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" />'


def _points(points: list[tuple[float, float]]) -> str:
    return "".join(f'\n        <di:waypoint x="{x:.0f}" y="{y:.0f}" />' for x, y in points)


def write(p: Process) -> str:
    # -- layout ------------------------------------------------------------------------------
    lane_rows = {lane_id: 1 for lane_id, _ in p.lanes}
    for node in p.nodes.values():
        lane_rows[node.lane] = max(lane_rows[node.lane], node.row + 1)
    max_col = max(n.col for n in p.nodes.values())
    pool_w = POOL_LABEL + 60 + (max_col + 1) * COL_W + 40
    y = 60
    ext_box: dict[str, tuple[float, float, float, float]] = {}
    for ext_id, _, side, _ in p.externals:
        if side == "top":
            ext_box[ext_id] = (POOL_X, y, pool_w, COLLAPSED_H)
            y += COLLAPSED_H + GAP
    pool_y = y
    lane_box: dict[str, tuple[float, float, float, float]] = {}
    for lane_id, _ in p.lanes:
        height = 40 + lane_rows[lane_id] * ROW_H
        lane_box[lane_id] = (POOL_X + POOL_LABEL, y, pool_w - POOL_LABEL, height)
        y += height
    pool_h = y - pool_y
    y += GAP
    for ext_id, _, side, _ in p.externals:
        if side == "bottom":
            ext_box[ext_id] = (POOL_X, y, pool_w, COLLAPSED_H)
            y += COLLAPSED_H + GAP
    for node in p.nodes.values():
        if node.kind == "boundaryEvent":
            continue
        _, lane_y, _, _ = lane_box[node.lane]
        node.cx = POOL_X + POOL_LABEL + 60 + node.col * COL_W + 50
        node.cy = lane_y + 20 + ROW_H / 2 + node.row * ROW_H
    for node in p.nodes.values():
        if node.kind == "boundaryEvent":
            host = p.nodes[node.attached]
            node.cx, node.cy = host.cx + 32, host.y + host.h

    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow_id, source, target, _ in p.flows:
        assert source in p.nodes and target in p.nodes, (source, target)
        outgoing.setdefault(source, []).append(flow_id)
        incoming.setdefault(target, []).append(flow_id)

    # -- semantics ---------------------------------------------------------------------------
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    out.append(
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" '
        f'id="Definitions_{p.key}" targetNamespace={quoteattr(p.namespace)} exporter="Transferhub Seedgen" exporterVersion="2.0">\n'
    )
    out.append(f'  <bpmn:collaboration id="Collaboration_{p.key}">\n')
    out.append(f'    <bpmn:participant id="Participant_{p.key}" name={quoteattr(p.participant)} processRef="Process_{p.key}" />\n')
    for ext_id, name, _, doc in p.externals:
        if doc:
            out.append(f'    <bpmn:participant id="{ext_id}" name={quoteattr(name)}>\n{_doc(doc, "      ")}    </bpmn:participant>\n')
        else:
            out.append(f'    <bpmn:participant id="{ext_id}" name={quoteattr(name)} />\n')
    for msg_id, source, target, name in p.messages:
        named = f" name={quoteattr(name)}" if name else ""
        out.append(f'    <bpmn:messageFlow id="{msg_id}"{named} sourceRef="{source}" targetRef="{target}" />\n')
    out.append("  </bpmn:collaboration>\n")
    out.append(f'  <bpmn:process id="Process_{p.key}" name={quoteattr(p.name)} isExecutable="false">\n')
    out.append(_doc(p.doc, "    "))
    out.append(f'    <bpmn:laneSet id="LaneSet_{p.key}">\n')
    for lane_id, name in p.lanes:
        out.append(f'      <bpmn:lane id="{lane_id}" name={quoteattr(name)}>\n')
        for node in p.nodes.values():
            if node.lane == lane_id:
                out.append(f"        <bpmn:flowNodeRef>{node.id}</bpmn:flowNodeRef>\n")
        out.append("      </bpmn:lane>\n")
    out.append("    </bpmn:laneSet>\n")
    for node in p.nodes.values():
        attrs = f' id="{node.id}" name={quoteattr(node.name)}'
        if node.kind == "boundaryEvent":
            attrs += f' attachedToRef="{node.attached}"' + ("" if node.cancel else ' cancelActivity="false"')
        if node.default:
            attrs += f' default="{node.default}"'
        out.append(f"    <bpmn:{node.kind}{attrs}>\n")
        out.append(_doc(node.doc, "      "))
        for flow_id in incoming.get(node.id, []):
            out.append(f"      <bpmn:incoming>{flow_id}</bpmn:incoming>\n")
        for flow_id in outgoing.get(node.id, []):
            out.append(f"      <bpmn:outgoing>{flow_id}</bpmn:outgoing>\n")
        if node.message:
            out.append(f'      <bpmn:messageEventDefinition id="MessageEventDefinition_{node.id}" />\n')
        if node.timer:
            kind, value = node.timer
            if value:
                out.append(
                    f'      <bpmn:timerEventDefinition id="TimerEventDefinition_{node.id}">\n'
                    f'        <bpmn:{kind} xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{escape(value)}</bpmn:{kind}>\n'
                    "      </bpmn:timerEventDefinition>\n"
                )
            else:
                out.append(f'      <bpmn:timerEventDefinition id="TimerEventDefinition_{node.id}" />\n')
        out.append(f"    </bpmn:{node.kind}>\n")
    for flow_id, source, target, name in p.flows:
        named = f" name={quoteattr(name)}" if name else ""
        out.append(f'    <bpmn:sequenceFlow id="{flow_id}"{named} sourceRef="{source}" targetRef="{target}" />\n')
    out.append("  </bpmn:process>\n")

    # -- diagram -----------------------------------------------------------------------------
    out.append(f'  <bpmndi:BPMNDiagram id="Diagram_{p.key}">\n')
    out.append(f'    <bpmndi:BPMNPlane id="Plane_{p.key}" bpmnElement="Collaboration_{p.key}">\n')
    out.append(
        f'      <bpmndi:BPMNShape id="Participant_{p.key}_di" bpmnElement="Participant_{p.key}" isHorizontal="true">\n'
        f"        {_bounds(POOL_X, pool_y, pool_w, pool_h)}\n      </bpmndi:BPMNShape>\n"
    )
    for lane_id, _ in p.lanes:
        out.append(
            f'      <bpmndi:BPMNShape id="{lane_id}_di" bpmnElement="{lane_id}" isHorizontal="true">\n'
            f"        {_bounds(*lane_box[lane_id])}\n      </bpmndi:BPMNShape>\n"
        )
    for ext_id, *_ in p.externals:
        out.append(
            f'      <bpmndi:BPMNShape id="{ext_id}_di" bpmnElement="{ext_id}" isHorizontal="true">\n'
            f"        {_bounds(*ext_box[ext_id])}\n      </bpmndi:BPMNShape>\n"
        )
    ordered = [n for n in p.nodes.values() if n.kind != "boundaryEvent"] + [n for n in p.nodes.values() if n.kind == "boundaryEvent"]
    for node in ordered:
        marker = ' isMarkerVisible="true"' if node.kind == "exclusiveGateway" else ""
        out.append(
            f'      <bpmndi:BPMNShape id="{node.id}_di" bpmnElement="{node.id}"{marker}>\n'
            f"        {_bounds(node.x, node.y, node.w, node.h)}\n      </bpmndi:BPMNShape>\n"
        )
    for flow_id, source, target, _ in p.flows:
        out.append(
            f'      <bpmndi:BPMNEdge id="{flow_id}_di" bpmnElement="{flow_id}">{_points(_route(p.nodes[source], p.nodes[target]))}\n      </bpmndi:BPMNEdge>\n'
        )
    offsets: dict[str, int] = {}
    for msg_id, source, target, _ in p.messages:
        node, ext_id = (p.nodes[source], target) if source in p.nodes else (p.nodes[target], source)
        shift = offsets.get(node.id, 0)
        offsets[node.id] = shift + 1
        x = node.cx + (-20 if shift == 0 and _two_messages(p, node.id) else (10 if shift else 0))
        _, ey, _, eh = ext_box[ext_id]
        points = [(x, node.y), (x, ey + eh)] if ey < node.cy else [(x, node.y + node.h), (x, ey)]
        if source not in p.nodes:
            points.reverse()
        out.append(f'      <bpmndi:BPMNEdge id="{msg_id}_di" bpmnElement="{msg_id}">{_points(points)}\n      </bpmndi:BPMNEdge>\n')
    out.append("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")
    return "".join(out)


def _two_messages(p: Process, node_id: str) -> bool:
    return sum(1 for _, s, t, _ in p.messages if node_id in (s, t)) > 1


def _route(s: Node, t: Node) -> list[tuple[float, float]]:
    if s.kind == "boundaryEvent":
        start = (s.cx, s.cy + s.h / 2)
        if abs(t.cy - start[1]) < 1:
            return [start, (t.x, t.cy)]
        return (
            [start, (s.cx, t.cy), (t.x, t.cy)]
            if t.x > s.cx
            else [start, (s.cx, t.cy - t.h / 2 - 20), (t.cx, t.cy - t.h / 2 - 20), (t.cx, t.y)]
        )
    if t.x > s.x + s.w - 1:  # forward
        if abs(s.cy - t.cy) < 1:
            return [(s.x + s.w, s.cy), (t.x, t.cy)]
        if s.kind in GATEWAYS:  # leave a split from its top or bottom corner
            return [(s.cx, s.y if t.cy < s.cy else s.y + s.h), (s.cx, t.cy), (t.x, t.cy)]
        if t.kind in GATEWAYS:  # enter a join from its top or bottom corner
            return [(s.x + s.w, s.cy), (t.cx, s.cy), (t.cx, t.y if s.cy < t.cy else t.y + t.h)]
        mid = (s.x + s.w + t.x) / 2
        return [(s.x + s.w, s.cy), (mid, s.cy), (mid, t.cy), (t.x, t.cy)]
    # backward: loop over the top of both shapes
    top = min(s.y, t.y) - 25
    return [(s.cx, s.y), (s.cx, top), (t.cx, top), (t.cx, t.y)]
