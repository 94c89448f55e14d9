"""Laying a read BPMN model out as one SVG document.

Only the diagram interchange decides where things are; the semantic model decides what they are and
what they are called. The look follows bpmn.io: black strokes on white, rounded tasks with a type
icon, thin start and thick end events, double-ringed intermediate events, diamonds for gateways, pools
and lanes with a vertical name band. Layers keep the stacking order of bpmn.io (pools, expanded
subprocesses, sequence flows, nodes, attached events, message flows, labels).
"""

from __future__ import annotations

import itertools
import math

from lxml import etree

from hub.render.bpmn.canvas import Canvas, fit_task_name
from hub.render.bpmn.describe import describe
from hub.render.bpmn.icons import activity_markers, event_marker, gateway_marker, marker_defs, task_icon
from hub.render.bpmn.kinds import ACTIVITIES, DATA, EVENTS, GATEWAYS, SUBPROCESSES, TASKS, TYPE_NAMES
from hub.render.bpmn.measure import LINE_HEIGHT, wrap_label
from hub.render.bpmn.model import Box, Edge, Model, Shape, bpmn_kind, clean, one_line
from hub.render.bpmn.svg import FONT_FAMILY, INK, PAPER, SVG_NS, el, fmt, point_list

MARGIN = 20.0
# the drawing's defaults, set once on its canvas and inherited by every shape and text below (the commonest values)
CANVAS = {
    "font-family": FONT_FAMILY,
    "font-size": "12",
    "text-anchor": "middle",
    "fill": "none",
    "stroke": INK,
    "stroke-width": "1.5",
    "stroke-linejoin": "round",
}
LABELS = {"font-size": "11", "fill": INK, "stroke": PAPER, "stroke-width": "3", "paint-order": "stroke"}
# presentation attributes whose value an element inherits from its parent (SVG 1.1 § Property index, "Inherited: yes")
INHERITED = frozenset(
    (
        "fill",
        "stroke",
        "stroke-width",
        "stroke-linejoin",
        "stroke-linecap",
        "stroke-dasharray",
        "font-family",
        "font-size",
        "text-anchor",
        "marker-start",
        "marker-end",
        "paint-order",
    )
)
EXTERNAL_LABEL_WIDTH = 90.0  # bpmn-js wraps external labels at 90 px


class Renderer:
    def __init__(self, model: Model, title: str | None, prefix: str) -> None:
        self.model = model
        self.prefix = prefix
        self.title = one_line(title) or model.process_title()
        self.canvas = Canvas()

    def _marker(self, name: str) -> str:
        return f"url(#{self.prefix}-{name})"

    # -- document

    def render(self) -> str:
        svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
        title_id, desc_id = f"{self.prefix}-title", f"{self.prefix}-desc"
        el(svg, "title", {"id": title_id}, f"Prozessdiagramm: {self.title}" if self.title else "Prozessdiagramm")
        el(svg, "desc", {"id": desc_id}, describe(self.model))
        marker_defs(el(svg, "defs"), self.prefix)
        background = el(svg, "rect", {"class": "bpmn-background", "fill": PAPER})
        canvas = el(svg, "g", {"class": "bpmn-canvas", **CANVAS})
        layers = {
            name: el(canvas, "g", {"class": f"bpmn-layer-{name}"})
            for name in ("pools", "containers", "flows", "nodes", "attached", "messages", "labels")
        }
        self.labels = layers["labels"]
        # the external labels: 11 px, black with a white halo (paint-order puts the halo under the letters), said once
        for name, paint in LABELS.items():
            self.labels.set(name, paint)
        # every sequence flow ends in an arrow head: said once for the layer (marker properties are inherited)
        layers["flows"].set("marker-end", self._marker("sequence-end"))

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

        if self.canvas.empty():
            self.canvas.grow(0, 0, 300, 60)
            self.canvas.lines(canvas, ["Das Modell enthält kein Diagramm."], Box(0, 0, 300, 60), size=12, align="middle", valign="middle")
        x1, y1, x2, y2 = self.canvas.extent
        x1, y1, x2, y2 = math.floor(x1 - MARGIN), math.floor(y1 - MARGIN), math.ceil(x2 + MARGIN), math.ceil(y2 + MARGIN)
        width, height = x2 - x1, y2 - y1
        for key, value in (("x", x1), ("y", y1), ("width", width), ("height", height)):
            background.set(key, fmt(value))
        attrs = {
            "class": "bpmn-diagram",
            "viewBox": f"{fmt(x1)} {fmt(y1)} {fmt(width)} {fmt(height)}",
            "width": "100%",
            "preserveAspectRatio": "xMinYMin meet",
            "role": "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "data-width": fmt(width),
            "data-height": fmt(height),
        }
        for key, text in attrs.items():
            svg.set(key, text)
        prune(canvas, {**CANVAS, "marker-start": "none", "marker-end": "none"})
        return etree.tostring(svg, encoding="unicode")

    # -- containers

    def _group_for(self, parent: etree._Element, shape: Shape, *classes: str, detail: str = "") -> etree._Element:
        kind = shape.kind
        element_id = shape.element.get("id") or ""
        group = el(parent, "g", {"class": " ".join(("bpmn-element", *classes, f"bpmn-{kind}")), "data-element-id": element_id})
        name = one_line(shape.element.get("name"))
        tooltip = TYPE_NAMES.get(kind, kind) + (f" ({detail})" if detail else "")
        el(group, "title", None, f"{tooltip}: {name}" if name else tooltip)
        self.canvas.grow(shape.box.x, shape.box.y, shape.box.right, shape.box.bottom)
        return group

    def _participant(self, parent: etree._Element, shape: Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-container")
        el(group, "rect", {"x": box.x, "y": box.y, "width": box.w, "height": box.h, "fill": PAPER, "stroke-width": 1.5})
        name = self.model.name(shape.element)
        horizontal = shape.di.get("isHorizontal") != "false"
        if not self.model.participant_expanded(shape):  # a black-box pool: the name in the middle
            self.canvas.text(group, name, Box(box.x + 5, box.y, box.w - 10, box.h), size=12, valign="middle")
            return
        if horizontal:
            band = min(30.0, box.w)
            el(group, "path", {"d": f"M{fmt(box.x + band)},{fmt(box.y)} V{fmt(box.bottom)}", "stroke-width": 1.5})
            self._band_text(group, name, Box(box.x, box.y, band, box.h), vertical=True)
        else:
            band = min(30.0, box.h)
            el(group, "path", {"d": f"M{fmt(box.x)},{fmt(box.y + band)} H{fmt(box.right)}", "stroke-width": 1.5})
            self._band_text(group, name, Box(box.x, box.y, box.w, band), vertical=False)

    def _lane(self, parent: etree._Element, shape: Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-container")
        el(group, "rect", {"x": box.x, "y": box.y, "width": box.w, "height": box.h, "fill": "none", "stroke-width": 1})
        name = self.model.name(shape.element)
        if shape.di.get("isHorizontal") == "false":
            self._band_text(group, name, Box(box.x, box.y, box.w, min(30.0, box.h)), vertical=False)
        else:
            self._band_text(group, name, Box(box.x, box.y, min(30.0, box.w), box.h), vertical=True)

    def _band_text(self, group: etree._Element, name: str, band: Box, *, vertical: bool) -> None:
        if not name:
            return
        if not vertical:
            self.canvas.text(group, name, Box(band.x + 5, band.y, band.w - 10, band.h), size=12, valign="middle")
            return
        # rotate -90° about the band's centre: the band's height becomes the line length
        cx, cy = band.cx, band.cy
        rotated = Box(cx - band.h / 2 + 5, cy - band.w / 2, band.h - 10, band.w)
        self.canvas.text(group, name, rotated, size=12, valign="middle", transform=f"rotate(-90 {fmt(cx)} {fmt(cy)})", grow=False)

    # -- activities

    def _activity(self, parent: etree._Element, shape: Shape, *, expanded: bool) -> None:
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
        el(group, "rect", rect)
        if kind == "transaction":
            el(
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
            self.canvas.text(group, name, Box(box.x + 10, box.y + 5, max(box.w - 20, 20), 20), size=12, align="start", valign="top")
        else:
            self._task_text(group, name, box, icon=kind in TASKS and kind != "task", element_id=element.get("id") or "")
            task_icon(group, kind, box.x + 6, box.y + 6)
        markers: list[str] = []
        if (kind in SUBPROCESSES and not expanded) or kind == "callActivity":
            markers.append("collapsed")
        for child in element:
            local = bpmn_kind(child)
            if local == "standardLoopCharacteristics":
                markers.append("loop")
            elif local == "multiInstanceLoopCharacteristics":
                markers.append("sequential" if child.get("isSequential") == "true" else "parallel")
        if kind == "adHocSubProcess":
            markers.append("adhoc")
        if element.get("isForCompensation") == "true":
            markers.append("compensation")
        activity_markers(group, markers, box)

    def _task_text(self, group: etree._Element, name: str, box: Box, *, icon: bool, element_id: str) -> None:
        if not name:
            return
        limit = box.bottom - 3
        for attached in self.model.attached.get(element_id, []):  # keep clear of events on the bottom edge
            if abs(attached.box.cy - box.bottom) < 2 and abs(attached.box.cx - box.cx) < box.w / 2 - 10:
                limit = min(limit, attached.box.y - 1)
        size, lines, top, height = fit_task_name(name, box, icon=icon, limit=limit)
        self.canvas.lines(group, lines, Box(box.x, top, box.w, height), size=size, align="middle", valign="top")

    # -- events

    def _event(self, parent: etree._Element, shape: Shape) -> None:
        kind, box, element = shape.kind, shape.box, shape.element
        kinds = self.model.event_kinds(element)
        classes = [f"bpmn-{k}-event" for k, _ in dict.fromkeys(kinds)]
        group = self._group_for(parent, shape, "bpmn-event", *classes, detail=", ".join(german for _, german in dict.fromkeys(kinds)))
        cx, cy, r = box.cx, box.cy, min(box.w, box.h) / 2
        dashed = element.get("cancelActivity") == "false" or (kind == "startEvent" and element.get("isInterrupting") == "false")
        dash = "5.5,3" if dashed else None
        if kind == "startEvent":
            el(group, "circle", {"cx": cx, "cy": cy, "r": r, "fill": PAPER, "stroke-width": 2, "stroke-dasharray": dash})
        elif kind == "endEvent":
            el(group, "circle", {"cx": cx, "cy": cy, "r": max(r - 1, 1), "fill": PAPER, "stroke-width": 4})
        else:
            el(group, "circle", {"cx": cx, "cy": cy, "r": r, "fill": PAPER, "stroke-width": 1.5, "stroke-dasharray": dash})
            el(group, "circle", {"cx": cx, "cy": cy, "r": max(r - 3, 1), "fill": "none", "stroke-width": 1.5, "stroke-dasharray": dash})
        throwing = kind in ("endEvent", "intermediateThrowEvent")
        if len(kinds) > 1:
            event_marker(group, "multiple", cx, cy, r, throwing)
        elif kinds:
            event_marker(group, kinds[0][0], cx, cy, r, throwing)
        self._external_label(shape)

    # -- gateways

    def _gateway(self, parent: etree._Element, shape: Shape) -> None:
        kind, box = shape.kind, shape.box
        group = self._group_for(parent, shape, "bpmn-gateway")
        cx, cy = box.cx, box.cy
        diamond = [(cx, box.y), (box.right, cy), (cx, box.bottom), (box.x, cy)]
        el(group, "polygon", {"points": point_list(diamond), "fill": PAPER, "stroke-width": 2})
        gateway_marker(
            group,
            kind,
            box,
            marker_visible=shape.di.get("isMarkerVisible") == "true",
            instantiate=shape.element.get("instantiate") == "true",
        )
        self._external_label(shape)

    # -- data and artefacts

    def _data(self, parent: etree._Element, shape: Shape) -> None:
        box, kind = shape.box, shape.kind
        group = self._group_for(parent, shape, "bpmn-data")
        if kind == "dataStoreReference":
            e = min(box.h * 0.12, 10.0)
            d = (
                f"M{fmt(box.x)},{fmt(box.y + e)} A{fmt(box.w / 2)},{fmt(e)} 0 0 1 {fmt(box.right)},{fmt(box.y + e)} "
                f"V{fmt(box.bottom - e)} A{fmt(box.w / 2)},{fmt(e)} 0 0 1 {fmt(box.x)},{fmt(box.bottom - e)} Z"
            )
            el(group, "path", {"d": d, "fill": PAPER, "stroke-width": 2})
            for offset in (e, 2 * e, 3 * e):
                el(
                    group,
                    "path",
                    {
                        "d": f"M{fmt(box.x)},{fmt(box.y + offset)} A{fmt(box.w / 2)},{fmt(e)} 0 0 0 {fmt(box.right)},{fmt(box.y + offset)}",
                        "stroke-width": 1.5 if offset == e else 1,
                    },
                )
        else:
            fold = min(box.w, box.h) * 0.3
            outline = [(box.x, box.y), (box.right - fold, box.y), (box.right, box.y + fold), (box.right, box.bottom), (box.x, box.bottom)]
            el(group, "polygon", {"points": point_list(outline), "fill": PAPER, "stroke-width": 1.5})
            el(
                group,
                "path",
                {"d": f"M{fmt(box.right - fold)},{fmt(box.y)} V{fmt(box.y + fold)} H{fmt(box.right)}", "stroke-width": 1.5},
            )
            referenced = self.model.by_id.get(shape.element.get("dataObjectRef") or "")
            if shape.element.get("isCollection") == "true" or (referenced is not None and referenced.get("isCollection") == "true"):
                x, y = box.cx - 5, box.bottom - 12
                el(
                    group,
                    "path",
                    {"d": f"M{fmt(x + 1)},{fmt(y)} v10 M{fmt(x + 5)},{fmt(y)} v10 M{fmt(x + 9)},{fmt(y)} v10", "stroke-width": 2},
                )
            if kind in ("dataInput", "dataOutput"):
                arrow = "M4,2 H9 V0 L13,4 L9,8 V6 H4 Z"
                el(
                    group,
                    "path",
                    {
                        "d": arrow,
                        "transform": f"translate({fmt(box.x + 3)} {fmt(box.y + 3)})",
                        "fill": INK if kind == "dataOutput" else PAPER,
                        "stroke-width": 1,
                    },
                )
        self._external_label(shape)

    def _annotation(self, parent: etree._Element, shape: Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-artifact")
        el(group, "rect", {"x": box.x, "y": box.y, "width": box.w, "height": box.h, "fill": PAPER, "fill-opacity": 0.9, "stroke": "none"})
        el(
            group,
            "path",
            {"d": f"M{fmt(box.x + 10)},{fmt(box.y)} H{fmt(box.x)} V{fmt(box.bottom)} H{fmt(box.x + 10)}", "stroke-width": 1.5},
        )
        text = next((child.text for child in shape.element if bpmn_kind(child) == "text"), None) or ""
        self.canvas.text(
            group, clean(text), Box(box.x + 5, box.y + 5, max(box.w - 10, 10), max(box.h - 10, 10)), size=12, align="start", valign="top"
        )

    def _group(self, parent: etree._Element, shape: Shape) -> None:
        box = shape.box
        group = self._group_for(parent, shape, "bpmn-artifact")
        el(
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
        name = one_line(value.get("value")) if value is not None else ""
        if name:
            label = shape.label or Box(box.x, box.y + 5, box.w, 20)
            self.canvas.text(
                self.labels,
                name,
                Box(label.x, label.y, max(label.w, EXTERNAL_LABEL_WIDTH), label.h),
                size=11,
                valign="top",
                label_for=shape.element.get("id"),
                halo=True,
            )

    # -- edges

    def _edge(self, parent: etree._Element, edge: Edge) -> None:
        kind, element, points = edge.kind, edge.element, edge.points
        element_id = element.get("id") or ""
        group = el(parent, "g", {"class": f"bpmn-element bpmn-flow bpmn-{kind}", "data-element-id": element_id})
        name = one_line(element.get("name"))
        el(group, "title", None, f"{TYPE_NAMES[kind]}: {name}" if name else TYPE_NAMES[kind])
        attrs: dict[str, object] = {"points": point_list(points), "fill": "none"}
        if kind == "sequenceFlow":
            attrs.update({"stroke-width": 1.5, "marker-end": self._marker("sequence-end")})
            source = self.model.by_id.get(element.get("sourceRef") or "")
            if source is not None and bpmn_kind(source) in ACTIVITIES and any(bpmn_kind(c) == "conditionExpression" for c in element):
                attrs["marker-start"] = self._marker("conditional-start")
            if (
                source is not None
                and source.get("default") == element_id
                and bpmn_kind(source) not in ("parallelGateway", "eventBasedGateway")
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
        el(group, "polyline", attrs)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self.canvas.grow(min(xs) - 6, min(ys) - 6, max(xs) + 6, max(ys) + 6)
        if not name:
            return
        if edge.label is not None:  # the modeller's place, wrapped like bpmn-js does (90 px)
            label = edge.label
            width = max(label.w, EXTERNAL_LABEL_WIDTH)
            lines = wrap_label(name, width, 11)
            self.canvas.lines(
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
        self.canvas.lines(
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
        el(
            group,
            "path",
            {
                "d": f"M{fmt(px - ax)},{fmt(py - ay)} L{fmt(px + ax)},{fmt(py + ay)}",
                "stroke-width": 1.5,
                "class": "bpmn-default-marker",
                "marker-end": "none",  # the layer's arrow head is for the flow's line only
            },
        )

    # -- labels

    def _external_label(self, shape: Shape) -> None:
        name = self.model.name(shape.element)
        if not name:
            return
        label_for = shape.element.get("id")
        if shape.label is None:  # bpmn-js's default place: centred below the shape
            lines = wrap_label(name, EXTERNAL_LABEL_WIDTH, 11)
            box = Box(shape.box.cx - EXTERNAL_LABEL_WIDTH / 2, shape.box.bottom + 5, EXTERNAL_LABEL_WIDTH, 0)
            self.canvas.lines(self.labels, lines, box, size=11, align="middle", valign="top", label_for=label_for, halo=True)
            return
        label = shape.label
        width = max(label.w, EXTERNAL_LABEL_WIDTH)  # bpmn-js wraps at 90 px and stores the measured size
        lines = wrap_label(name, width, 11)
        height = len(lines) * 11 * LINE_HEIGHT
        # a label above the shape grows upwards, away from the shape; else it hangs from its top
        top = label.bottom - height if label.bottom <= shape.box.cy and height > label.h else label.y
        self.canvas.lines(
            self.labels,
            lines,
            Box(label.cx - width / 2, top, width, height),
            size=11,
            align="middle",
            valign="top",
            label_for=label_for,
            halo=True,
        )


def prune(element: etree._Element, inherited: dict[str, str]) -> None:
    """Drop every inherited presentation attribute that repeats what the element inherits anyway: the same picture in
    fewer bytes (the element's computed value is the parent's either way)."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        own = dict(inherited)
        for key in INHERITED.intersection(child.attrib):
            value = child.get(key)
            if value == inherited.get(key):
                del child.attrib[key]
            else:
                own[key] = value  # type: ignore[assignment]
        prune(child, own)


def _midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in itertools.pairwise(points)]
    half = sum(lengths) / 2
    for (a, b), length in zip(itertools.pairwise(points), lengths, strict=True):
        if half <= length and length > 0:
            t = half / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        half -= length
    return points[-1]


def _depth(element: etree._Element) -> int:
    return sum(1 for ancestor in element.iterancestors() if bpmn_kind(ancestor) in SUBPROCESSES)
