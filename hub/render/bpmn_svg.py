"""BPMN 2.0 diagram interchange to a self-contained, accessible SVG, drawn at build time.

Only the diagram interchange (BPMNShape bounds, BPMNEdge waypoints, BPMNLabel bounds) decides
where things are; the semantic model decides what they are (task type, event definition,
gateway kind) and what they are called. The look follows bpmn.io: black strokes on white,
rounded tasks with a type icon, thin start and thick end events, double-ringed intermediate
events, diamonds for gateways, pools and lanes with a vertical name band.

The output has no script, no external reference and no ``<foreignObject>``. Colours are
presentation attributes (no ``<style>``, which would leak into a page the SVG is inlined in),
so site CSS can still override them. Names come from untrusted files: the tree is built
with lxml, which escapes every text and attribute. Every drawn model element carries
``data-element-id`` (its BPMN id) and classes by type (``bpmn-task bpmn-userTask``).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from hub.validate.bpmn import BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, FLOW_NODES, MAX_BPMN_BYTES, parse_bpmn

__all__ = ["render_bpmn_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'Nimbus Sans', sans-serif"
INK = "#000"  # strokes and text: 21:1 on white
PAPER = "#fff"
MARGIN = 20.0
LINE_HEIGHT = 1.2
TASK_PADDING = 5.0
EXTERNAL_LABEL_WIDTH = 90.0  # bpmn-js wraps external labels at 90 px
_MAX_COORD = 1e7

TASKS = frozenset({"task", "userTask", "serviceTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask", "scriptTask"})
SUBPROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = TASKS | SUBPROCESSES | {"callActivity"}
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"})
DATA = frozenset({"dataObjectReference", "dataObject", "dataInput", "dataOutput", "dataStoreReference"})
EDGES = frozenset({"sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"})

TYPE_NAMES = {
    "task": "Aufgabe",
    "userTask": "Benutzeraufgabe",
    "serviceTask": "Serviceaufgabe",
    "sendTask": "Sendeaufgabe",
    "receiveTask": "Empfangsaufgabe",
    "manualTask": "Manuelle Aufgabe",
    "businessRuleTask": "Geschäftsregelaufgabe",
    "scriptTask": "Skriptaufgabe",
    "callActivity": "Aufrufaktivität",
    "subProcess": "Teilprozess",
    "transaction": "Transaktion",
    "adHocSubProcess": "Ad-hoc-Teilprozess",
    "startEvent": "Startereignis",
    "endEvent": "Endereignis",
    "intermediateCatchEvent": "Zwischenereignis (eintretend)",
    "intermediateThrowEvent": "Zwischenereignis (auslösend)",
    "boundaryEvent": "Angeheftetes Ereignis",
    "exclusiveGateway": "Exklusives Gateway",
    "inclusiveGateway": "Inklusives Gateway",
    "parallelGateway": "Paralleles Gateway",
    "eventBasedGateway": "Ereignisbasiertes Gateway",
    "complexGateway": "Komplexes Gateway",
    "participant": "Pool",
    "lane": "Bahn",
    "dataObjectReference": "Datenobjekt",
    "dataObject": "Datenobjekt",
    "dataInput": "Dateneingabe",
    "dataOutput": "Datenausgabe",
    "dataStoreReference": "Datenspeicher",
    "textAnnotation": "Anmerkung",
    "group": "Gruppe",
    "sequenceFlow": "Sequenzfluss",
    "messageFlow": "Nachrichtenfluss",
    "association": "Assoziation",
    "dataInputAssociation": "Datenassoziation",
    "dataOutputAssociation": "Datenassoziation",
}
EVENT_KINDS = {
    "messageEventDefinition": ("message", "Nachricht"),
    "timerEventDefinition": ("timer", "Zeit"),
    "signalEventDefinition": ("signal", "Signal"),
    "errorEventDefinition": ("error", "Fehler"),
    "escalationEventDefinition": ("escalation", "Eskalation"),
    "conditionalEventDefinition": ("conditional", "Bedingung"),
    "linkEventDefinition": ("link", "Link"),
    "terminateEventDefinition": ("terminate", "Terminierung"),
    "compensateEventDefinition": ("compensate", "Kompensation"),
    "cancelEventDefinition": ("cancel", "Abbruch"),
}

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --------------------------------------------------------------------------- text metrics

# Advance widths of Helvetica/Arial (metric-compatible: Liberation Sans) in 1/1000 em.
_WIDTHS: dict[str, int] = {
    " ": 278,
    "!": 278,
    '"': 355,
    "#": 556,
    "$": 556,
    "%": 889,
    "&": 667,
    "'": 191,
    "(": 333,
    ")": 333,
    "*": 389,
    "+": 584,
    ",": 278,
    "-": 333,
    ".": 278,
    "/": 278,
    ":": 278,
    ";": 278,
    "<": 584,
    "=": 584,
    ">": 584,
    "?": 556,
    "@": 1015,
    "[": 278,
    "\\": 278,
    "]": 278,
    "^": 469,
    "_": 556,
    "`": 333,
    "{": 334,
    "|": 260,
    "}": 334,
    "~": 584,
    "A": 667,
    "B": 667,
    "C": 722,
    "D": 722,
    "E": 667,
    "F": 611,
    "G": 778,
    "H": 722,
    "I": 278,
    "J": 500,
    "K": 667,
    "L": 556,
    "M": 833,
    "N": 722,
    "O": 778,
    "P": 667,
    "Q": 778,
    "R": 722,
    "S": 667,
    "T": 611,
    "U": 722,
    "V": 667,
    "W": 944,
    "X": 667,
    "Y": 667,
    "Z": 611,
    "a": 556,
    "b": 556,
    "c": 500,
    "d": 556,
    "e": 556,
    "f": 278,
    "g": 556,
    "h": 556,
    "i": 222,
    "j": 222,
    "k": 500,
    "l": 222,
    "m": 833,
    "n": 556,
    "o": 556,
    "p": 556,
    "q": 556,
    "r": 333,
    "s": 500,
    "t": 278,
    "u": 556,
    "v": 500,
    "w": 722,
    "x": 500,
    "y": 500,
    "z": 500,
    "ß": 611,
    "–": 556,
    "—": 1000,
    "„": 333,
    "“": 333,
    "”": 333,
    "‚": 222,
    "‘": 222,
    "’": 222,
    "…": 1000,
    "€": 556,
    "§": 556,
    "°": 400,
    "«": 556,
    "»": 556,
    "·": 278,
    "\u00a0": 278,
    "\u2010": 333,
}
_WIDTHS.update({str(d): 556 for d in range(10)})
# A little wider than Arial, so that labels still fit where a broader sans-serif is the fallback.
_WIDTH_SAFETY = 1.06


def _char_width(ch: str) -> int:
    width = _WIDTHS.get(ch)
    if width is not None:
        return width
    base = unicodedata.normalize("NFD", ch)[:1]
    if base in _WIDTHS:
        return _WIDTHS[base]
    if unicodedata.combining(ch):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1000
    return 556


def text_width(text: str, size: float) -> float:
    """Estimated rendered width of ``text`` in px at ``size`` px (Arial metrics)."""
    return sum(_char_width(ch) for ch in text) * size / 1000 * _WIDTH_SAFETY


HYPHEN = "\u2010"  # ends a line where a word had to be split between two characters


def wrap_text(text: str, max_width: float, size: float) -> list[str]:
    """Greedy word wrap to ``max_width``; explicit line breaks are kept.

    Over-long words are split at hyphens or slashes, else between characters; a line that
    ends inside a word that way ends with ``HYPHEN`` (drawn, but not part of the name).
    """
    max_width = max(max_width, 2 * size)  # at least a character and the hyphen per line
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
                current = ""
            if text_width(word, size) <= max_width:
                current = word
                continue
            for piece in _split_word(word):  # at hyphens first, then by characters
                if text_width(current + piece, size) <= max_width:
                    current += piece
                    continue
                if current:
                    lines.append(current)
                    current = ""
                while len(piece) > 1 and text_width(piece, size) > max_width:
                    cut = _cut(piece, max_width, size)
                    lines.append(piece[:cut] + HYPHEN)
                    piece = piece[cut:]
                current = piece
        if current:
            lines.append(current)
    return lines


def wrap_label(text: str, max_width: float, size: float, *, widest: float = 160.0) -> list[str]:
    """Wrap an external label; widen it (up to ``widest``) rather than split a long word."""
    lines = wrap_text(text, max_width, size)
    if any(line.endswith(HYPHEN) for line in lines):
        longest = max(text_width(word, size) for word in text.split())
        if longest <= widest:
            lines = wrap_text(text, max(max_width, longest + 1), size)
    return lines


_VOWELS = frozenset("aeiouäöüyAEIOUÄÖÜY")
_NO_BREAK_BEFORE = ("ch", "ck", "ph", "th", "sh")


def _cut(word: str, max_width: float, size: float) -> int:
    """Where to split a word too long for a line: as late as fits, preferably before a syllable.

    German heuristic: a break before a consonant followed by a vowel (``Empfangs|be|schei|ni|gung``),
    or before „sch“ + vowel, never inside „ch“/„ck“/„ph“/„th“. Falls back to any character.
    """
    fit = 1
    while fit < len(word) and text_width(word[: fit + 1] + HYPHEN, size) <= max_width:
        fit += 1
    for i in range(min(fit, len(word) - 3), max(2, fit // 2) - 1, -1):
        if word[i - 1 : i + 1].lower() in _NO_BREAK_BEFORE or word[i - 1] in "-–/" or not word[i - 1].isalpha():
            continue
        head, rest = word[i], word[i + 1 : i + 4]
        if head.isalpha() and head not in _VOWELS and (rest[:1] in _VOWELS or (word[i : i + 3].lower() == "sch" and rest[2:3] in _VOWELS)):
            return i
    return fit


def _split_word(word: str) -> list[str]:
    return [p for p in re.split(r"(?<=[-–/])", word) if p]


def _clean(text: str | None) -> str:
    return _XML_INVALID.sub("", text or "")


def _one_line(text: str | None) -> str:
    return " ".join(_clean(text).split())


# --------------------------------------------------------------------------- geometry


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


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number) or abs(number) > _MAX_COORD:
        return None
    return number


def _bounds(parent: etree._Element | None) -> Box | None:
    if parent is None:
        return None
    bounds = parent.find(f"{{{DC_NS}}}Bounds")
    if bounds is None:
        return None
    values = [_number(bounds.get(a)) for a in ("x", "y", "width", "height")]
    if any(v is None for v in values):
        return None
    x, y, w, h = values  # type: ignore[misc]
    if w < 0 or h < 0:  # type: ignore[operator]
        return None
    return Box(x, y, w, h)  # type: ignore[arg-type]


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)


# --------------------------------------------------------------------------- the model


def _local(element: etree._Element) -> str | None:
    if not isinstance(element.tag, str):
        return None
    qname = etree.QName(element)
    return qname.localname if qname.namespace == BPMN_NS else None


@dataclass
class _Shape:
    element: etree._Element
    kind: str
    box: Box
    label: Box | None
    di: etree._Element


@dataclass
class _Edge:
    element: etree._Element
    kind: str
    points: list[tuple[float, float]]
    label: Box | None


class _Model:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.by_id: dict[str, etree._Element] = {}
        for element in root.iter():
            if _local(element) is None:
                continue
            element_id = element.get("id")
            if element_id and element_id not in self.by_id:
                self.by_id[element_id] = element
        self.processes = root.findall(f"{{{BPMN_NS}}}process")
        self.participants = list(root.iter(f"{{{BPMN_NS}}}participant"))
        self.shapes: list[_Shape] = []
        self.edges: list[_Edge] = []
        self.shape_of: dict[str, _Shape] = {}
        self.attached: dict[str, list[_Shape]] = {}  # activity id -> its boundary events' shapes
        plane = self._plane()
        if plane is None:
            return
        seen: set[str] = set()
        for di in plane.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge"):
            ref = di.get("bpmnElement") or ""
            element = self.by_id.get(ref)
            if element is None or ref in seen:
                continue  # dangling reference or second shape for one element: not drawn
            kind = _local(element) or ""
            label = _bounds(di.find(f"{{{BPMNDI_NS}}}BPMNLabel"))
            if etree.QName(di).localname == "BPMNShape":
                box = _bounds(di)
                if box is None or not self._drawable_shape(kind):
                    continue
                shape = _Shape(element, kind, box, label, di)
                self.shapes.append(shape)
                self.shape_of[ref] = shape
                if kind == "boundaryEvent":
                    self.attached.setdefault(element.get("attachedToRef") or "", []).append(shape)
            else:
                points = [(_number(p.get("x")), _number(p.get("y"))) for p in di.findall(f"{{{DI_NS}}}waypoint")]
                clean = [(x, y) for x, y in points if x is not None and y is not None]
                if len(clean) < 2 or kind not in EDGES:
                    continue
                self.edges.append(_Edge(element, kind, clean, label))  # type: ignore[arg-type]
            seen.add(ref)

    @staticmethod
    def _drawable_shape(kind: str) -> bool:
        return kind in FLOW_NODES or kind in DATA or kind in ("participant", "lane", "textAnnotation", "group")

    def _plane(self) -> etree._Element | None:
        planes = [p for d in self.root.findall(f"{{{BPMNDI_NS}}}BPMNDiagram") for p in d.findall(f"{{{BPMNDI_NS}}}BPMNPlane")]
        for plane in planes:  # the main diagram: a plane for a collaboration or a process, not a drill-down
            element = self.by_id.get(plane.get("bpmnElement") or "")
            if element is not None and _local(element) in ("collaboration", "process"):
                return plane
        return planes[0] if planes else None

    def name(self, element: etree._Element) -> str:
        return _clean(element.get("name"))

    def participant_expanded(self, shape: _Shape) -> bool:
        if shape.di.get("isExpanded") == "false":
            return False
        ref = shape.element.get("processRef")
        return bool(ref) and _local(self.by_id.get(ref, shape.element)) == "process"

    def event_kinds(self, element: etree._Element) -> list[tuple[str, str]]:
        kinds = []
        for child in element:
            local = _local(child)
            if local in EVENT_KINDS:
                kinds.append(EVENT_KINDS[local])
            elif local == "eventDefinitionRef":
                referenced = self.by_id.get((child.text or "").strip())
                if referenced is not None and _local(referenced) in EVENT_KINDS:
                    kinds.append(EVENT_KINDS[_local(referenced)])  # type: ignore[index]
        return kinds

    def process_title(self) -> str:
        names = [_one_line(p.get("name")) for p in self.processes if p.get("name")]
        names = names or [_one_line(p.get("name")) for p in self.participants if p.get("processRef") and p.get("name")]
        return " / ".join(dict.fromkeys(n for n in names if n))

    def activities_in_order(self) -> list[etree._Element]:
        """Activities in flow order: breadth-first from the start events along sequence flows."""
        successors: dict[str, list[str]] = {}
        boundaries: dict[str, list[str]] = {}
        starts: list[str] = []
        for process in self.processes:
            for element in process.iter():
                kind = _local(element)
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
            if _local(element) in ACTIVITIES:
                order.append(element)
            queue.extend(successors.get(node_id, []))
            queue.extend(boundaries.get(node_id, []))
        rest = [s for s in self.shapes if s.kind in ACTIVITIES and s.element.get("id") not in seen]
        order.extend(s.element for s in sorted(rest, key=lambda s: (s.box.x, s.box.y)))
        return order

    def lane_of(self) -> dict[str, str]:
        lanes: dict[str, str] = {}
        for lane in self.root.iter(f"{{{BPMN_NS}}}lane"):
            name = _one_line(lane.get("name"))
            if not name:
                continue
            for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
                lanes[(ref.text or "").strip()] = name  # nested lanes come later and win: the innermost lane
        return lanes


# --------------------------------------------------------------------------- SVG building


def _el(parent: etree._Element, tag: str, attrs: dict[str, object] | None = None, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for key, value in (attrs or {}).items():
        if value is None:
            continue
        element.set(key, _fmt(value) if isinstance(value, float | int) and not isinstance(value, bool) else str(value))
    if text is not None:
        element.text = _clean(text)
    return element


class _Renderer:
    def __init__(self, model: _Model, title: str | None, prefix: str) -> None:
        self.model = model
        self.prefix = prefix
        self.title = _one_line(title) or model.process_title()
        self.extent: list[float] = [math.inf, math.inf, -math.inf, -math.inf]

    # -- bookkeeping

    def _grow(self, x1: float, y1: float, x2: float, y2: float) -> None:
        e = self.extent
        e[0], e[1], e[2], e[3] = min(e[0], x1), min(e[1], y1), max(e[2], x2), max(e[3], y2)

    def _marker(self, name: str) -> str:
        return f"url(#{self.prefix}-{name})"

    # -- document

    def render(self) -> str:
        svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
        title_id, desc_id = f"{self.prefix}-title", f"{self.prefix}-desc"
        _el(svg, "title", {"id": title_id}, f"Prozessdiagramm: {self.title}" if self.title else "Prozessdiagramm")
        _el(svg, "desc", {"id": desc_id}, self._description())
        self._defs(_el(svg, "defs"))
        background = _el(svg, "rect", {"class": "bpmn-background", "fill": PAPER})
        canvas = _el(
            svg, "g", {"class": "bpmn-canvas", "font-family": FONT_FAMILY, "fill": "none", "stroke": INK, "stroke-linejoin": "round"}
        )
        layers = {
            name: _el(canvas, "g", {"class": f"bpmn-layer-{name}"})
            for name in ("pools", "containers", "flows", "nodes", "attached", "messages", "labels")
        }
        self.labels = layers["labels"]

        shapes = self.model.shapes
        for shape in shapes:
            if shape.kind == "participant":
                self._participant(layers["pools"], shape)
        for shape in shapes:
            if shape.kind == "lane":
                self._lane(layers["pools"], shape)
        containers = [s for s in shapes if s.kind in SUBPROCESSES and s.di.get("isExpanded") == "true"]
        for shape in sorted(containers, key=lambda s: _depth(s.element)):
            self._activity(layers["containers"], shape, expanded=True)
        for edge in self.model.edges:
            # message flows and associations cross pools and touch shapes' borders: drawn on top
            self._edge(layers["flows" if edge.kind == "sequenceFlow" else "messages"], edge)
        for shape in shapes:
            if shape.kind in ("participant", "lane") or shape in containers:
                continue
            if shape.kind == "boundaryEvent":
                self._event(layers["attached"], shape)
            elif shape.kind in ACTIVITIES:
                self._activity(layers["nodes"], shape, expanded=False)
            elif shape.kind in EVENTS:
                self._event(layers["nodes"], shape)
            elif shape.kind in GATEWAYS:
                self._gateway(layers["nodes"], shape)
            elif shape.kind in DATA:
                self._data(layers["nodes"], shape)
            elif shape.kind == "textAnnotation":
                self._annotation(layers["nodes"], shape)
            elif shape.kind == "group":
                self._group(layers["attached"], shape)

        if math.isinf(self.extent[0]):
            self._grow(0, 0, 300, 60)
            self._lines(canvas, ["Das Modell enthält kein Diagramm."], Box(0, 0, 300, 60), size=12, align="middle", valign="middle")
        x1, y1, x2, y2 = self.extent
        x1, y1, x2, y2 = math.floor(x1 - MARGIN), math.floor(y1 - MARGIN), math.ceil(x2 + MARGIN), math.ceil(y2 + MARGIN)
        width, height = x2 - x1, y2 - y1
        for key, value in (("x", x1), ("y", y1), ("width", width), ("height", height)):
            background.set(key, _fmt(value))
        attrs = {
            "class": "bpmn-diagram",
            "viewBox": f"{_fmt(x1)} {_fmt(y1)} {_fmt(width)} {_fmt(height)}",
            "width": "100%",
            "preserveAspectRatio": "xMinYMin meet",
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "data-width": _fmt(width),
            "data-height": _fmt(height),
        }
        for key, value in attrs.items():
            svg.set(key, value)
        return etree.tostring(svg, encoding="unicode")

    def _description(self) -> str:
        model = self.model
        lanes = model.lane_of()
        parts = []
        lane_names = [n for n in (_one_line(s.element.get("name")) for s in model.shapes if s.kind == "lane") if n]
        pools = [n for n in (_one_line(s.element.get("name")) for s in model.shapes if s.kind == "participant") if n]
        if pools:
            parts.append(_sentence("Beteiligte: " + ", ".join(dict.fromkeys(pools))))
        if lane_names:
            parts.append(_sentence("Bahnen: " + ", ".join(dict.fromkeys(lane_names))))
        activities = model.activities_in_order()
        if activities:
            steps = []
            for number, element in enumerate(activities, 1):
                name = _one_line(element.get("name")) or "(ohne Namen)"
                lane = lanes.get(element.get("id") or "")
                steps.append(f"{number}. {name}" + (f" ({lane})" if lane else ""))
            parts.append(_sentence("Aufgaben in Reihenfolge: " + "; ".join(steps)))
        else:
            parts.append("Das Modell enthält keine Aufgaben.")
        outgoing = Counter(f.get("sourceRef") for f in model.root.iter(f"{{{BPMN_NS}}}sequenceFlow"))
        decisions = [
            _one_line(s.element.get("name"))
            for s in model.shapes
            if s.kind in ("exclusiveGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway")
            and outgoing.get(s.element.get("id"), 0) > 1
        ]
        if decisions := [d for d in decisions if d]:
            parts.append(_sentence("Entscheidungen: " + "; ".join(decisions)))
        ends = [_one_line(s.element.get("name")) for s in model.shapes if s.kind == "endEvent"]
        if ends := [e for e in ends if e]:
            parts.append(_sentence("Endergebnisse: " + "; ".join(ends)))
        return " ".join(parts)

    def _defs(self, defs: etree._Element) -> None:
        def marker(name: str, width: float, height: float, ref_x: float, ref_y: float) -> etree._Element:
            return _el(
                defs,
                "marker",
                {
                    "id": f"{self.prefix}-{name}",
                    "viewBox": f"0 0 {_fmt(width)} {_fmt(height)}",
                    "refX": ref_x,
                    "refY": ref_y,
                    "markerWidth": width,
                    "markerHeight": height,
                    "markerUnits": "userSpaceOnUse",
                    "orient": "auto",
                },
            )

        _el(
            marker("sequence-end", 12, 10, 11.5, 5),
            "path",
            {"d": "M0.5,0.5 L11.5,5 L0.5,9.5 Z", "fill": INK, "stroke": INK, "stroke-width": 1},
        )
        _el(
            marker("message-end", 12, 10, 11.5, 5),
            "path",
            {"d": "M0.5,0.5 L11.5,5 L0.5,9.5 Z", "fill": PAPER, "stroke": INK, "stroke-width": 1},
        )
        _el(marker("message-start", 10, 10, 5, 5), "circle", {"cx": 5, "cy": 5, "r": 4, "fill": PAPER, "stroke": INK, "stroke-width": 1})
        _el(marker("association-end", 12, 12, 11, 6), "path", {"d": "M1,1 L11,6 L1,11", "fill": "none", "stroke": INK, "stroke-width": 1.5})
        _el(
            marker("conditional-start", 16, 10, 0.5, 5),
            "path",
            {"d": "M0.5,5 L8,0.5 L15.5,5 L8,9.5 Z", "fill": PAPER, "stroke": INK, "stroke-width": 1},
        )

    # -- containers

    def _group_for(self, parent: etree._Element, shape: _Shape, *classes: str, detail: str = "") -> etree._Element:
        kind = shape.kind
        element_id = shape.element.get("id") or ""
        group = _el(parent, "g", {"class": " ".join(("bpmn-element", *classes, f"bpmn-{kind}")), "data-element-id": element_id})
        name = _one_line(shape.element.get("name"))
        tooltip = TYPE_NAMES.get(kind, kind) + (f" ({detail})" if detail else "")
        _el(group, "title", None, f"{tooltip}: {name}" if name else tooltip)
        self._grow(shape.box.x, shape.box.y, shape.box.right, shape.box.bottom)
        return group

    def _participant(self, parent: etree._Element, shape: _Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-container")
        _el(group, "rect", {"x": box.x, "y": box.y, "width": box.w, "height": box.h, "fill": PAPER, "stroke-width": 1.5})
        name = self.model.name(shape.element)
        horizontal = shape.di.get("isHorizontal") != "false"
        if not self.model.participant_expanded(shape):  # a black-box pool: the name in the middle
            self._text(group, name, Box(box.x + 5, box.y, box.w - 10, box.h), size=12, valign="middle")
            return
        if horizontal:
            band = min(30.0, box.w)
            _el(group, "path", {"d": f"M{_fmt(box.x + band)},{_fmt(box.y)} V{_fmt(box.bottom)}", "stroke-width": 1.5})
            self._band_text(group, name, Box(box.x, box.y, band, box.h), vertical=True)
        else:
            band = min(30.0, box.h)
            _el(group, "path", {"d": f"M{_fmt(box.x)},{_fmt(box.y + band)} H{_fmt(box.right)}", "stroke-width": 1.5})
            self._band_text(group, name, Box(box.x, box.y, box.w, band), vertical=False)

    def _lane(self, parent: etree._Element, shape: _Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-container")
        _el(group, "rect", {"x": box.x, "y": box.y, "width": box.w, "height": box.h, "fill": "none", "stroke-width": 1})
        name = self.model.name(shape.element)
        if shape.di.get("isHorizontal") == "false":
            self._band_text(group, name, Box(box.x, box.y, box.w, min(30.0, box.h)), vertical=False)
        else:
            self._band_text(group, name, Box(box.x, box.y, min(30.0, box.w), box.h), vertical=True)

    def _band_text(self, group: etree._Element, name: str, band: Box, *, vertical: bool) -> None:
        if not name:
            return
        if not vertical:
            self._text(group, name, Box(band.x + 5, band.y, band.w - 10, band.h), size=12, valign="middle")
            return
        # rotate -90° about the band's centre: the band's height becomes the line length
        cx, cy = band.cx, band.cy
        rotated = Box(cx - band.h / 2 + 5, cy - band.w / 2, band.h - 10, band.w)
        self._text(group, name, rotated, size=12, valign="middle", transform=f"rotate(-90 {_fmt(cx)} {_fmt(cy)})", grow=False)

    # -- activities

    def _activity(self, parent: etree._Element, shape: _Shape, *, expanded: bool) -> None:
        kind, box, element = shape.kind, shape.box, shape.element
        category = "bpmn-task" if kind in TASKS else "bpmn-subprocess" if kind in SUBPROCESSES else "bpmn-call-activity"
        group = self._group_for(parent, shape, "bpmn-activity", category)
        width = {"callActivity": 4.0}.get(kind, 2.5 if kind in SUBPROCESSES else 2.0)
        rect = {
            "x": box.x,
            "y": box.y,
            "width": box.w,
            "height": box.h,
            "rx": 10,
            "ry": 10,
            "fill": "none" if expanded else PAPER,
            "stroke-width": width,
        }
        if element.get("triggeredByEvent") == "true":
            rect["stroke-dasharray"] = "2,3"
            rect["stroke-width"] = 1.5
        _el(group, "rect", rect)
        if kind == "transaction":
            _el(
                group,
                "rect",
                {
                    "x": box.x + 3,
                    "y": box.y + 3,
                    "width": max(box.w - 6, 0),
                    "height": max(box.h - 6, 0),
                    "rx": 8,
                    "ry": 8,
                    "stroke-width": 1.5,
                },
            )
        name = self.model.name(element)
        if expanded:
            self._text(group, name, Box(box.x + 10, box.y + 5, max(box.w - 20, 20), 20), size=12, align="start", valign="top")
        else:
            self._task_text(group, name, box, icon=kind in TASKS and kind != "task", element_id=element.get("id") or "")
            self._task_icon(group, kind, box.x + 6, box.y + 6)
        markers: list[str] = []
        if (kind in SUBPROCESSES and not expanded) or kind == "callActivity":
            markers.append("collapsed")
        for child in element:
            local = _local(child)
            if local == "standardLoopCharacteristics":
                markers.append("loop")
            elif local == "multiInstanceLoopCharacteristics":
                markers.append("sequential" if child.get("isSequential") == "true" else "parallel")
        if kind == "adHocSubProcess":
            markers.append("adhoc")
        if element.get("isForCompensation") == "true":
            markers.append("compensation")
        self._activity_markers(group, markers, box)

    def _task_text(self, group: etree._Element, name: str, box: Box, *, icon: bool, element_id: str) -> None:
        """Centred and wrapped. Rather than split a word, the font shrinks (12 to 10 px) and a long
        word may use the box's full width; only then are words split (at 12 or 11 px), and 9 px is the last resort."""
        if not name:
            return
        normal, tight = max(box.w - 2 * TASK_PADDING, 10), max(box.w - 4, 10)
        icon_bottom, icon_right = box.y + 23, box.x + 24
        limit = box.bottom - 3
        for attached in self.model.attached.get(element_id, []):  # keep clear of events on the bottom edge
            if abs(attached.box.cy - box.bottom) < 2 and abs(attached.box.cx - box.cx) < box.w / 2 - 10:
                limit = min(limit, attached.box.y - 1)

        def layout(size: float, width: float) -> tuple[list[str], float, float, bool, bool]:
            lines = wrap_text(name, width, size)
            height = len(lines) * size * LINE_HEIGHT
            top = box.cy - height / 2
            if icon and top < icon_bottom and box.cx - text_width(lines[0], size) / 2 < icon_right:
                top = icon_bottom  # the first line would run into the type icon: start below it
            fits = top + height <= limit
            return lines, top, height, fits, any(line.endswith(HYPHEN) for line in lines)

        attempts = [(12.0, normal), (11.0, normal), (10.0, normal), (12.0, tight), (11.0, tight), (10.0, tight)]
        chosen = next(((s, r) for s, w in attempts if (r := layout(s, w))[3] and not r[4]), None)
        if chosen is None:
            chosen = next(((s, r) for s, w in ((12.0, normal), (11.0, normal), (9.0, normal)) if (r := layout(s, w))[3]), None)
        if chosen is None:
            chosen = (9.0, layout(9.0, tight))
        size, (lines, top, height, fits, _) = chosen
        if not fits:
            top = box.cy - height / 2  # too long for the box: centred, overflowing evenly
        self._lines(group, lines, Box(box.x, top, box.w, height), size=size, align="middle", valign="top")

    def _task_icon(self, group: etree._Element, kind: str, x: float, y: float) -> None:
        if kind not in TASKS or kind == "task":
            return
        icon = _el(group, "g", {"class": "bpmn-icon", "transform": f"translate({_fmt(x)} {_fmt(y)})", "stroke-width": 1, "fill": PAPER})
        if kind == "userTask":
            _el(icon, "path", {"d": "M1.5,15.5 C1.5,10.5 4.5,9 8,9 C11.5,9 14.5,10.5 14.5,15.5 Z"})
            _el(icon, "circle", {"cx": 8, "cy": 5, "r": 3.5})
            _el(icon, "path", {"d": "M5,15.5 V12.5 M11,15.5 V12.5", "fill": "none"})
        elif kind == "serviceTask":
            _el(icon, "polygon", {"points": _gear(8, 8, 7.5, 5.6, 8)})
            _el(icon, "circle", {"cx": 8, "cy": 8, "r": 2.4})
        elif kind in ("sendTask", "receiveTask"):
            fill, flap = (INK, PAPER) if kind == "sendTask" else (PAPER, INK)
            _el(icon, "rect", {"x": 0.5, "y": 3, "width": 15, "height": 10.5, "fill": fill})
            _el(icon, "path", {"d": "M0.5,3 L8,8.8 L15.5,3", "fill": "none", "stroke": flap})
        elif kind == "manualTask":
            _el(
                icon,
                "path",
                {
                    "d": "M0.5,7.5 L4,4.5 L10,4.5 C11.2,4.5 11.2,6.3 10,6.3 L7,6.3 L15,6.3 C16.3,6.3 16.3,8.3 15,8.3 L9.5,8.3 "
                    "L14.5,8.3 C15.8,8.3 15.8,10.3 14.5,10.3 L9.5,10.3 L13.5,10.3 C14.8,10.3 14.8,12.3 13.5,12.3 "
                    "L9.5,12.3 L12,12.3 C13.2,12.3 13.2,14.2 12,14.2 L3,14.2 L0.5,12 Z"
                },
            )
        elif kind == "businessRuleTask":
            _el(icon, "rect", {"x": 0.5, "y": 2.5, "width": 15, "height": 11})
            _el(icon, "rect", {"x": 0.5, "y": 2.5, "width": 15, "height": 3.5, "fill": INK})
            _el(icon, "path", {"d": "M0.5,9.7 H15.5 M5,6 V13.5", "fill": "none"})
        elif kind == "scriptTask":
            _el(icon, "path", {"d": "M4,1 H14.5 C11.5,4.5 15.5,9 12,15 H1.5 C5,11 1,5.5 4,1 Z"})
            _el(icon, "path", {"d": "M5,4.5 H11 M5.5,8 H11.5 M5,11.5 H10.5", "fill": "none"})

    def _activity_markers(self, group: etree._Element, markers: list[str], box: Box) -> None:
        if not markers:
            return
        size, gap = 12.0, 3.0
        total = len(markers) * size + (len(markers) - 1) * gap
        x = box.cx - total / 2
        y = box.bottom - size - 4
        for marker in markers:
            g = _el(
                group,
                "g",
                {"class": f"bpmn-marker bpmn-marker-{marker}", "transform": f"translate({_fmt(x)} {_fmt(y)})", "stroke-width": 1.5},
            )
            if marker == "collapsed":
                _el(g, "rect", {"x": 0.5, "y": 0.5, "width": 11, "height": 11, "fill": PAPER, "stroke-width": 1})
                _el(g, "path", {"d": "M6,2.5 V9.5 M2.5,6 H9.5"})
            elif marker == "loop":
                _el(g, "path", {"d": "M3.5,10 A4.5,4.5 0 1 1 8.5,10 M8.5,10 L8.5,7 M8.5,10 L11.5,10"})
            elif marker == "parallel":
                _el(g, "path", {"d": "M2.5,1 V11 M6,1 V11 M9.5,1 V11", "stroke-width": 2})
            elif marker == "sequential":
                _el(g, "path", {"d": "M1,2.5 H11 M1,6 H11 M1,9.5 H11", "stroke-width": 2})
            elif marker == "adhoc":
                _el(g, "path", {"d": "M0.5,7 C2.5,3.5 4.5,3.5 6,6 C7.5,8.5 9.5,8.5 11.5,5"})
            elif marker == "compensation":
                _el(g, "path", {"d": "M0.5,6 L6,2 V10 Z M6,6 L11.5,2 V10 Z", "stroke-width": 1})
            x += size + gap

    # -- events

    def _event(self, parent: etree._Element, shape: _Shape) -> None:
        kind, box, element = shape.kind, shape.box, shape.element
        kinds = self.model.event_kinds(element)
        classes = [f"bpmn-{k}-event" for k, _ in dict.fromkeys(kinds)]
        group = self._group_for(parent, shape, "bpmn-event", *classes, detail=", ".join(german for _, german in dict.fromkeys(kinds)))
        cx, cy, r = box.cx, box.cy, min(box.w, box.h) / 2
        dashed = element.get("cancelActivity") == "false" or (kind == "startEvent" and element.get("isInterrupting") == "false")
        dash = "5.5,3" if dashed else None
        if kind == "startEvent":
            _el(group, "circle", {"cx": cx, "cy": cy, "r": r, "fill": PAPER, "stroke-width": 2, "stroke-dasharray": dash})
        elif kind == "endEvent":
            _el(group, "circle", {"cx": cx, "cy": cy, "r": max(r - 1, 1), "fill": PAPER, "stroke-width": 4})
        else:
            _el(group, "circle", {"cx": cx, "cy": cy, "r": r, "fill": PAPER, "stroke-width": 1.5, "stroke-dasharray": dash})
            _el(group, "circle", {"cx": cx, "cy": cy, "r": max(r - 3, 1), "fill": "none", "stroke-width": 1.5, "stroke-dasharray": dash})
        throwing = kind in ("endEvent", "intermediateThrowEvent")
        if len(kinds) > 1:
            self._event_marker(group, "multiple", cx, cy, r, throwing)
        elif kinds:
            self._event_marker(group, kinds[0][0], cx, cy, r, throwing)
        self._external_label(shape)

    def _event_marker(self, group: etree._Element, kind: str, cx: float, cy: float, r: float, throwing: bool) -> None:
        scale = r / 18
        g = _el(
            group,
            "g",
            {
                "class": f"bpmn-marker bpmn-marker-{kind}",
                "transform": f"translate({_fmt(cx)} {_fmt(cy)}) scale({_fmt(scale)})",
                "stroke-width": 1.5,
            },
        )
        fill = INK if throwing else PAPER
        if kind == "message":
            _el(g, "rect", {"x": -8, "y": -5.5, "width": 16, "height": 11, "fill": fill})
            _el(g, "path", {"d": "M-8,-5.5 L0,1 L8,-5.5", "stroke": PAPER if throwing else INK})
        elif kind == "timer":
            _el(g, "circle", {"cx": 0, "cy": 0, "r": 10.5, "fill": PAPER, "stroke-width": 2})
            ticks = " ".join(
                f"M{_fmt(8.5 * math.sin(a))},{_fmt(-8.5 * math.cos(a))} L{_fmt(10.5 * math.sin(a))},{_fmt(-10.5 * math.cos(a))}"
                for a in (i * math.pi / 6 for i in range(12))
            )
            _el(g, "path", {"d": ticks, "stroke-width": 1})
            _el(g, "path", {"d": "M0,0 L0,-7.5 M0,0 L5.5,2.5", "stroke-width": 1.5, "stroke-linecap": "round"})
        elif kind == "signal":
            _el(g, "path", {"d": "M0,-10 L9,7 L-9,7 Z", "fill": fill})
        elif kind == "error":
            _el(g, "path", {"d": "M-9,9 L-4,-9 L2,1 L9,-9 L4,9 L-2,-1 Z", "fill": fill})
        elif kind == "escalation":
            _el(g, "path", {"d": "M0,-10 L8,9 L0,1 L-8,9 Z", "fill": fill})
        elif kind == "conditional":
            _el(g, "rect", {"x": -7, "y": -9, "width": 14, "height": 18, "fill": PAPER})
            _el(g, "path", {"d": "M-4.5,-5 H4.5 M-4.5,-1.5 H4.5 M-4.5,2 H4.5 M-4.5,5.5 H4.5", "stroke-width": 1})
        elif kind == "link":
            _el(g, "path", {"d": "M-9,-3.5 H1.5 V-9 L10,0 L1.5,9 V3.5 H-9 Z", "fill": fill})
        elif kind == "terminate":
            _el(g, "circle", {"cx": 0, "cy": 0, "r": 10, "fill": INK})
        elif kind == "compensate":
            _el(g, "path", {"d": "M-10,0 L-1,-7 V7 Z M-1,0 L8,-7 V7 Z", "fill": fill})
        elif kind == "cancel":
            _el(g, "path", {"d": "M-7,-7 L7,7 M7,-7 L-7,7", "stroke-width": 4})
        elif kind == "multiple":
            points = [(9 * math.sin(a), -9 * math.cos(a)) for a in (i * 2 * math.pi / 5 for i in range(5))]
            _el(g, "polygon", {"points": _points(points), "fill": fill})

    # -- gateways

    def _gateway(self, parent: etree._Element, shape: _Shape) -> None:
        kind, box = shape.kind, shape.box
        group = self._group_for(parent, shape, "bpmn-gateway")
        cx, cy = box.cx, box.cy
        diamond = [(cx, box.y), (box.right, cy), (cx, box.bottom), (box.x, cy)]
        _el(group, "polygon", {"points": _points(diamond), "fill": PAPER, "stroke-width": 2})
        s = min(box.w, box.h) / 50
        g = _el(
            group,
            "g",
            {"class": "bpmn-marker", "transform": f"translate({_fmt(cx)} {_fmt(cy)}) scale({_fmt(s)})", "stroke-linecap": "butt"},
        )
        if kind == "exclusiveGateway":
            if shape.di.get("isMarkerVisible") == "true":  # bpmn.io draws the × only when the modeller asked for it
                _el(g, "path", {"d": "M-8,-10 L8,10 M8,-10 L-8,10", "stroke-width": 4.5})
        elif kind == "parallelGateway":
            _el(g, "path", {"d": "M0,-13 V13 M-13,0 H13", "stroke-width": 4.5})
        elif kind == "inclusiveGateway":
            _el(g, "circle", {"cx": 0, "cy": 0, "r": 10.5, "stroke-width": 3})
        elif kind == "complexGateway":
            _el(g, "path", {"d": "M0,-13 V13 M-13,0 H13 M-9,-9 L9,9 M9,-9 L-9,9", "stroke-width": 3.5})
        elif kind == "eventBasedGateway":
            _el(g, "circle", {"cx": 0, "cy": 0, "r": 12.5, "stroke-width": 1})
            if shape.element.get("instantiate") != "true":
                _el(g, "circle", {"cx": 0, "cy": 0, "r": 10, "stroke-width": 1})
            points = [(6.5 * math.sin(a), -6.5 * math.cos(a)) for a in (i * 2 * math.pi / 5 for i in range(5))]
            _el(g, "polygon", {"points": _points(points), "stroke-width": 1.5})
        self._external_label(shape)

    # -- data and artefacts

    def _data(self, parent: etree._Element, shape: _Shape) -> None:
        box, kind = shape.box, shape.kind
        group = self._group_for(parent, shape, "bpmn-data")
        if kind == "dataStoreReference":
            e = min(box.h * 0.12, 10.0)
            d = (
                f"M{_fmt(box.x)},{_fmt(box.y + e)} A{_fmt(box.w / 2)},{_fmt(e)} 0 0 1 {_fmt(box.right)},{_fmt(box.y + e)} "
                f"V{_fmt(box.bottom - e)} A{_fmt(box.w / 2)},{_fmt(e)} 0 0 1 {_fmt(box.x)},{_fmt(box.bottom - e)} Z"
            )
            _el(group, "path", {"d": d, "fill": PAPER, "stroke-width": 2})
            for offset in (e, 2 * e, 3 * e):
                _el(
                    group,
                    "path",
                    {
                        "d": f"M{_fmt(box.x)},{_fmt(box.y + offset)} A{_fmt(box.w / 2)},{_fmt(e)} 0 0 0 {_fmt(box.right)},{_fmt(box.y + offset)}",
                        "stroke-width": 1.5 if offset == e else 1,
                    },
                )
        else:
            fold = min(box.w, box.h) * 0.3
            outline = [(box.x, box.y), (box.right - fold, box.y), (box.right, box.y + fold), (box.right, box.bottom), (box.x, box.bottom)]
            _el(group, "polygon", {"points": _points(outline), "fill": PAPER, "stroke-width": 1.5})
            _el(
                group,
                "path",
                {"d": f"M{_fmt(box.right - fold)},{_fmt(box.y)} V{_fmt(box.y + fold)} H{_fmt(box.right)}", "stroke-width": 1.5},
            )
            referenced = self.model.by_id.get(shape.element.get("dataObjectRef") or "")
            if shape.element.get("isCollection") == "true" or (referenced is not None and referenced.get("isCollection") == "true"):
                x, y = box.cx - 5, box.bottom - 12
                _el(
                    group,
                    "path",
                    {"d": f"M{_fmt(x + 1)},{_fmt(y)} v10 M{_fmt(x + 5)},{_fmt(y)} v10 M{_fmt(x + 9)},{_fmt(y)} v10", "stroke-width": 2},
                )
            if kind in ("dataInput", "dataOutput"):
                arrow = "M4,2 H9 V0 L13,4 L9,8 V6 H4 Z"
                _el(
                    group,
                    "path",
                    {
                        "d": arrow,
                        "transform": f"translate({_fmt(box.x + 3)} {_fmt(box.y + 3)})",
                        "fill": INK if kind == "dataOutput" else PAPER,
                        "stroke-width": 1,
                    },
                )
        self._external_label(shape)

    def _annotation(self, parent: etree._Element, shape: _Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-artifact")
        _el(group, "rect", {"x": box.x, "y": box.y, "width": box.w, "height": box.h, "fill": PAPER, "fill-opacity": 0.9, "stroke": "none"})
        _el(
            group,
            "path",
            {"d": f"M{_fmt(box.x + 10)},{_fmt(box.y)} H{_fmt(box.x)} V{_fmt(box.bottom)} H{_fmt(box.x + 10)}", "stroke-width": 1.5},
        )
        text = next((child.text for child in shape.element if _local(child) == "text"), None) or ""
        self._text(
            group, _clean(text), Box(box.x + 5, box.y + 5, max(box.w - 10, 10), max(box.h - 10, 10)), size=12, align="start", valign="top"
        )

    def _group(self, parent: etree._Element, shape: _Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-artifact")
        _el(
            group,
            "rect",
            {
                "x": box.x,
                "y": box.y,
                "width": box.w,
                "height": box.h,
                "rx": 10,
                "ry": 10,
                "stroke-width": 1.5,
                "stroke-dasharray": "10,5,2,5",
            },
        )
        value = self.model.by_id.get(shape.element.get("categoryValueRef") or "")
        name = _one_line(value.get("value")) if value is not None else ""
        if name:
            label = shape.label or Box(box.x, box.y + 5, box.w, 20)
            self._text(
                self.labels,
                name,
                Box(label.x, label.y, max(label.w, EXTERNAL_LABEL_WIDTH), label.h),
                size=11,
                valign="top",
                label_for=shape.element.get("id"),
                halo=True,
            )

    # -- edges

    def _edge(self, parent: etree._Element, edge: _Edge) -> None:
        kind, element, points = edge.kind, edge.element, edge.points
        element_id = element.get("id") or ""
        group = _el(parent, "g", {"class": f"bpmn-element bpmn-flow bpmn-{kind}", "data-element-id": element_id})
        name = _one_line(element.get("name"))
        _el(group, "title", None, f"{TYPE_NAMES[kind]}: {name}" if name else TYPE_NAMES[kind])
        attrs: dict[str, object] = {"points": _points(points), "fill": "none"}
        if kind == "sequenceFlow":
            attrs.update({"stroke-width": 1.5, "marker-end": self._marker("sequence-end")})
            source = self.model.by_id.get(element.get("sourceRef") or "")
            if source is not None and _local(source) in ACTIVITIES and any(_local(c) == "conditionExpression" for c in element):
                attrs["marker-start"] = self._marker("conditional-start")
            if (
                source is not None
                and source.get("default") == element_id
                and _local(source) not in ("parallelGateway", "eventBasedGateway")
            ):
                group.set("class", group.get("class", "") + " bpmn-default-flow")
                self._default_slash(group, points)
        elif kind == "messageFlow":
            attrs.update(
                {
                    "stroke-width": 1.5,
                    "stroke-dasharray": "10,6",
                    "marker-start": self._marker("message-start"),
                    "marker-end": self._marker("message-end"),
                }
            )
        elif kind == "association":
            attrs.update({"stroke-width": 1.5, "stroke-dasharray": "0.5,5", "stroke-linecap": "round"})
            direction = element.get("associationDirection")
            if direction in ("One", "Both"):
                attrs["marker-end"] = self._marker("association-end")
            if direction == "Both":
                attrs["marker-start"] = self._marker("association-end")
        else:  # data associations
            attrs.update(
                {"stroke-width": 1.5, "stroke-dasharray": "0.5,5", "stroke-linecap": "round", "marker-end": self._marker("association-end")}
            )
        _el(group, "polyline", attrs)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self._grow(min(xs) - 6, min(ys) - 6, max(xs) + 6, max(ys) + 6)
        if not name:
            return
        if edge.label is not None:  # the modeller's place, wrapped like bpmn-js does (90 px)
            label = edge.label
            width = max(label.w, EXTERNAL_LABEL_WIDTH)
            lines = wrap_label(name, width, 11)
            self._lines(
                self.labels,
                lines,
                Box(label.cx - width / 2, label.y, width, label.h),
                size=11,
                align="middle",
                valign="top",
                label_for=element_id,
                halo=True,
            )
            return
        mx, my = _midpoint(points)  # no label bounds: above and right of the middle of the line
        lines = wrap_label(name, EXTERNAL_LABEL_WIDTH, 11)
        top = my - 4 - len(lines) * 11 * LINE_HEIGHT
        self._lines(
            self.labels,
            lines,
            Box(mx + 4, top, EXTERNAL_LABEL_WIDTH, 0),
            size=11,
            align="start",
            valign="top",
            label_for=element_id,
            halo=True,
        )

    def _default_slash(self, group: etree._Element, points: list[tuple[float, float]]) -> None:
        (x1, y1), (x2, y2) = points[0], points[1]
        length = math.hypot(x2 - x1, y2 - y1)
        if length < 1:
            return
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        px, py = x1 + ux * min(10, length / 2), y1 + uy * min(10, length / 2)
        # a short stroke across the line, tilted 45°
        ax, ay = (ux - uy) * 5 / math.sqrt(2) * 1, (uy + ux) * 5 / math.sqrt(2)
        _el(
            group,
            "path",
            {
                "d": f"M{_fmt(px - ax)},{_fmt(py - ay)} L{_fmt(px + ax)},{_fmt(py + ay)}",
                "stroke-width": 1.5,
                "class": "bpmn-default-marker",
            },
        )

    # -- labels

    def _external_label(self, shape: _Shape) -> None:
        name = self.model.name(shape.element)
        if not name:
            return
        label_for = shape.element.get("id")
        if shape.label is None:  # bpmn-js's default place: centred below the shape
            lines = wrap_label(name, EXTERNAL_LABEL_WIDTH, 11)
            box = Box(shape.box.cx - EXTERNAL_LABEL_WIDTH / 2, shape.box.bottom + 5, EXTERNAL_LABEL_WIDTH, 0)
            self._lines(self.labels, lines, box, size=11, align="middle", valign="top", label_for=label_for, halo=True)
            return
        label = shape.label
        width = max(label.w, EXTERNAL_LABEL_WIDTH)  # bpmn-js wraps at 90 px and stores the measured size
        lines = wrap_label(name, width, 11)
        height = len(lines) * 11 * LINE_HEIGHT
        # a label above the shape grows upwards, away from the shape; else it hangs from its top
        top = label.bottom - height if label.bottom <= shape.box.cy and height > label.h else label.y
        self._lines(
            self.labels,
            lines,
            Box(label.cx - width / 2, top, width, height),
            size=11,
            align="middle",
            valign="top",
            label_for=label_for,
            halo=True,
        )

    def _text(
        self,
        parent: etree._Element,
        text: str,
        box: Box,
        *,
        size: float,
        align: str = "middle",
        valign: str = "middle",
        transform: str | None = None,
        label_for: str | None = None,
        halo: bool = False,
        grow: bool = True,
    ) -> None:
        if not text.strip():
            return
        lines = wrap_text(text, box.w, size)
        self._lines(
            parent, lines, box, size=size, align=align, valign=valign, transform=transform, label_for=label_for, halo=halo, grow=grow
        )

    def _lines(
        self,
        parent: etree._Element,
        lines: list[str],
        box: Box,
        *,
        size: float,
        align: str,
        valign: str,
        transform: str | None = None,
        label_for: str | None = None,
        halo: bool = False,
        grow: bool = True,
    ) -> None:
        if not lines:
            return
        line_height = size * LINE_HEIGHT
        height = len(lines) * line_height
        top = box.y if valign == "top" else box.cy - height / 2
        x = box.x if align == "start" else box.cx
        attrs: dict[str, object] = {
            "class": "bpmn-label" if label_for else "bpmn-text",
            "font-size": size,
            "text-anchor": align,
            "fill": INK,
            "stroke": "none",
            "transform": transform,
        }
        if label_for:
            attrs["data-label-for"] = label_for
        if halo:
            attrs.update({"stroke": PAPER, "stroke-width": 3, "stroke-linejoin": "round", "paint-order": "stroke"})
        text = _el(parent, "text", attrs)
        widest = 0.0
        for i, line in enumerate(lines):
            baseline = top + i * line_height + line_height / 2 + size * 0.35
            tspan = _el(text, "tspan", {"x": x, "y": baseline}, line.removesuffix(HYPHEN))
            if line.endswith(HYPHEN):
                _el(tspan, "tspan", {"class": "bpmn-hyphen", "aria-hidden": "true"}, "-")
            widest = max(widest, text_width(line, size))
        if grow:
            left = x if align == "start" else x - widest / 2
            self._grow(left, top, left + widest, top + height)


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _gear(cx: float, cy: float, outer: float, inner: float, teeth: int) -> str:
    points = []
    step = 2 * math.pi / teeth
    for i in range(teeth):
        a = i * step
        for offset, radius in ((-0.22, inner), (-0.12, outer), (0.12, outer), (0.22, inner)):
            angle = a + offset * step * 2
            points.append((cx + radius * math.sin(angle), cy - radius * math.cos(angle)))
    return _points(points)


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:])]
    half = sum(lengths) / 2
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        if half <= length and length > 0:
            t = half / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        half -= length
    return points[-1]


def _depth(element: etree._Element) -> int:
    return sum(1 for ancestor in element.iterancestors() if _local(ancestor) in SUBPROCESSES)


def _load(data: bytes | str) -> etree._Element:
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes | bytearray):
        raise ValueError("Kein BPMN-Prozessmodell: erwartet werden die Bytes einer BPMN-2.0-XML-Datei.")
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


def render_bpmn_svg(data: bytes, *, title: str | None = None) -> str:
    """Draw the BPMN model's diagram interchange as a self-contained SVG document (a string).

    ``title`` names the diagram for assistive technology („Prozessdiagramm: …“); by default the
    names of the model's pools or processes. Raises ``ValueError`` (German message) when ``data``
    is not a BPMN 2.0 XML document.
    """
    root = _load(data)
    model = _Model(root)
    prefix = "bpmn-" + hashlib.sha256(bytes(data) if not isinstance(data, str) else data.encode()).hexdigest()[:10]
    return _Renderer(model, title, prefix).render()
