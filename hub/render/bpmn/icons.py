"""The fixed symbols of BPMN as bpmn.io draws them: arrow heads, task type icons, activity, event and gateway markers."""

from __future__ import annotations

import math

from lxml import etree

from hub.render.bpmn.kinds import TASKS
from hub.render.bpmn.model import Box
from hub.render.bpmn.svg import INK, PAPER, el, fmt, point_list


def marker_defs(defs: etree._Element, prefix: str) -> None:
    """Arrow heads and flow starts, with ids under ``prefix`` so that two diagrams on one page do not share them."""

    def marker(name: str, width: float, height: float, ref_x: float, ref_y: float) -> etree._Element:
        return el(
            defs,
            "marker",
            {
                "id": f"{prefix}-{name}",
                "viewBox": f"0 0 {fmt(width)} {fmt(height)}",
                "refX": ref_x,
                "refY": ref_y,
                "markerWidth": width,
                "markerHeight": height,
                "markerUnits": "userSpaceOnUse",
                "orient": "auto",
            },
        )

    el(
        marker("sequence-end", 12, 10, 11.5, 5),
        "path",
        {"d": "M0.5,0.5 L11.5,5 L0.5,9.5 Z", "fill": INK, "stroke": INK, "stroke-width": 1},
    )
    el(
        marker("message-end", 12, 10, 11.5, 5),
        "path",
        {"d": "M0.5,0.5 L11.5,5 L0.5,9.5 Z", "fill": PAPER, "stroke": INK, "stroke-width": 1},
    )
    el(marker("message-start", 10, 10, 5, 5), "circle", {"cx": 5, "cy": 5, "r": 4, "fill": PAPER, "stroke": INK, "stroke-width": 1})
    el(marker("association-end", 12, 12, 11, 6), "path", {"d": "M1,1 L11,6 L1,11", "fill": "none", "stroke": INK, "stroke-width": 1.5})
    el(
        marker("conditional-start", 16, 10, 0.5, 5),
        "path",
        {"d": "M0.5,5 L8,0.5 L15.5,5 L8,9.5 Z", "fill": PAPER, "stroke": INK, "stroke-width": 1},
    )


def task_icon(group: etree._Element, kind: str, x: float, y: float) -> None:
    if kind not in TASKS or kind == "task":
        return
    icon = el(group, "g", {"class": "bpmn-icon", "transform": f"translate({fmt(x)} {fmt(y)})", "stroke-width": 1, "fill": PAPER})
    if kind == "userTask":
        el(icon, "path", {"d": "M1.5,15.5 C1.5,10.5 4.5,9 8,9 C11.5,9 14.5,10.5 14.5,15.5 Z"})
        el(icon, "circle", {"cx": 8, "cy": 5, "r": 3.5})
        el(icon, "path", {"d": "M5,15.5 V12.5 M11,15.5 V12.5", "fill": "none"})
    elif kind == "serviceTask":
        el(icon, "polygon", {"points": gear(8, 8, 7.5, 5.6, 8)})
        el(icon, "circle", {"cx": 8, "cy": 8, "r": 2.4})
    elif kind in ("sendTask", "receiveTask"):
        fill, flap = (INK, PAPER) if kind == "sendTask" else (PAPER, INK)
        el(icon, "rect", {"x": 0.5, "y": 3, "width": 15, "height": 10.5, "fill": fill})
        el(icon, "path", {"d": "M0.5,3 L8,8.8 L15.5,3", "fill": "none", "stroke": flap})
    elif kind == "manualTask":
        el(
            icon,
            "path",
            {
                "d": "M0.5,7.5 L4,4.5 L10,4.5 C11.2,4.5 11.2,6.3 10,6.3 L7,6.3 L15,6.3 C16.3,6.3 16.3,8.3 15,8.3 L9.5,8.3 "
                "L14.5,8.3 C15.8,8.3 15.8,10.3 14.5,10.3 L9.5,10.3 L13.5,10.3 C14.8,10.3 14.8,12.3 13.5,12.3 "
                "L9.5,12.3 L12,12.3 C13.2,12.3 13.2,14.2 12,14.2 L3,14.2 L0.5,12 Z"
            },
        )
    elif kind == "businessRuleTask":
        el(icon, "rect", {"x": 0.5, "y": 2.5, "width": 15, "height": 11})
        el(icon, "rect", {"x": 0.5, "y": 2.5, "width": 15, "height": 3.5, "fill": INK})
        el(icon, "path", {"d": "M0.5,9.7 H15.5 M5,6 V13.5", "fill": "none"})
    elif kind == "scriptTask":
        el(icon, "path", {"d": "M4,1 H14.5 C11.5,4.5 15.5,9 12,15 H1.5 C5,11 1,5.5 4,1 Z"})
        el(icon, "path", {"d": "M5,4.5 H11 M5.5,8 H11.5 M5,11.5 H10.5", "fill": "none"})


def activity_markers(group: etree._Element, markers: list[str], box: Box) -> None:
    if not markers:
        return
    size, gap = 12.0, 3.0
    total = len(markers) * size + (len(markers) - 1) * gap
    x = box.cx - total / 2
    y = box.bottom - size - 4
    for marker in markers:
        g = el(
            group,
            "g",
            {"class": f"bpmn-marker bpmn-marker-{marker}", "transform": f"translate({fmt(x)} {fmt(y)})", "stroke-width": 1.5},
        )
        if marker == "collapsed":
            el(g, "rect", {"x": 0.5, "y": 0.5, "width": 11, "height": 11, "fill": PAPER, "stroke-width": 1})
            el(g, "path", {"d": "M6,2.5 V9.5 M2.5,6 H9.5"})
        elif marker == "loop":
            el(g, "path", {"d": "M3.5,10 A4.5,4.5 0 1 1 8.5,10 M8.5,10 L8.5,7 M8.5,10 L11.5,10"})
        elif marker == "parallel":
            el(g, "path", {"d": "M2.5,1 V11 M6,1 V11 M9.5,1 V11", "stroke-width": 2})
        elif marker == "sequential":
            el(g, "path", {"d": "M1,2.5 H11 M1,6 H11 M1,9.5 H11", "stroke-width": 2})
        elif marker == "adhoc":
            el(g, "path", {"d": "M0.5,7 C2.5,3.5 4.5,3.5 6,6 C7.5,8.5 9.5,8.5 11.5,5"})
        elif marker == "compensation":
            el(g, "path", {"d": "M0.5,6 L6,2 V10 Z M6,6 L11.5,2 V10 Z", "stroke-width": 1})
        x += size + gap


def event_marker(group: etree._Element, kind: str, cx: float, cy: float, r: float, throwing: bool) -> None:
    scale = r / 18
    g = el(
        group,
        "g",
        {
            "class": f"bpmn-marker bpmn-marker-{kind}",
            "transform": f"translate({fmt(cx)} {fmt(cy)}) scale({fmt(scale)})",
            "stroke-width": 1.5,
        },
    )
    fill = INK if throwing else PAPER
    if kind == "message":
        el(g, "rect", {"x": -8, "y": -5.5, "width": 16, "height": 11, "fill": fill})
        el(g, "path", {"d": "M-8,-5.5 L0,1 L8,-5.5", "stroke": PAPER if throwing else INK})
    elif kind == "timer":
        el(g, "circle", {"cx": 0, "cy": 0, "r": 10.5, "fill": PAPER, "stroke-width": 2})
        ticks = " ".join(
            f"M{fmt(8.5 * math.sin(a))},{fmt(-8.5 * math.cos(a))} L{fmt(10.5 * math.sin(a))},{fmt(-10.5 * math.cos(a))}"
            for a in (i * math.pi / 6 for i in range(12))
        )
        el(g, "path", {"d": ticks, "stroke-width": 1})
        el(g, "path", {"d": "M0,0 L0,-7.5 M0,0 L5.5,2.5", "stroke-width": 1.5, "stroke-linecap": "round"})
    elif kind == "signal":
        el(g, "path", {"d": "M0,-10 L9,7 L-9,7 Z", "fill": fill})
    elif kind == "error":
        el(g, "path", {"d": "M-9,9 L-4,-9 L2,1 L9,-9 L4,9 L-2,-1 Z", "fill": fill})
    elif kind == "escalation":
        el(g, "path", {"d": "M0,-10 L8,9 L0,1 L-8,9 Z", "fill": fill})
    elif kind == "conditional":
        el(g, "rect", {"x": -7, "y": -9, "width": 14, "height": 18, "fill": PAPER})
        el(g, "path", {"d": "M-4.5,-5 H4.5 M-4.5,-1.5 H4.5 M-4.5,2 H4.5 M-4.5,5.5 H4.5", "stroke-width": 1})
    elif kind == "link":
        el(g, "path", {"d": "M-9,-3.5 H1.5 V-9 L10,0 L1.5,9 V3.5 H-9 Z", "fill": fill})
    elif kind == "terminate":
        el(g, "circle", {"cx": 0, "cy": 0, "r": 10, "fill": INK})
    elif kind == "compensate":
        el(g, "path", {"d": "M-10,0 L-1,-7 V7 Z M-1,0 L8,-7 V7 Z", "fill": fill})
    elif kind == "cancel":
        el(g, "path", {"d": "M-7,-7 L7,7 M7,-7 L-7,7", "stroke-width": 4})
    elif kind == "multiple":
        points = [(9 * math.sin(a), -9 * math.cos(a)) for a in (i * 2 * math.pi / 5 for i in range(5))]
        el(g, "polygon", {"points": point_list(points), "fill": fill})


def gateway_marker(group: etree._Element, kind: str, box: Box, *, marker_visible: bool, instantiate: bool) -> None:
    cx, cy = box.cx, box.cy
    s = min(box.w, box.h) / 50
    g = el(
        group,
        "g",
        {"class": "bpmn-marker", "transform": f"translate({fmt(cx)} {fmt(cy)}) scale({fmt(s)})", "stroke-linecap": "butt"},
    )
    if kind == "exclusiveGateway":
        if marker_visible:  # bpmn.io draws the × only when the modeller asked for it
            el(g, "path", {"d": "M-8,-10 L8,10 M8,-10 L-8,10", "stroke-width": 4.5})
    elif kind == "parallelGateway":
        el(g, "path", {"d": "M0,-13 V13 M-13,0 H13", "stroke-width": 4.5})
    elif kind == "inclusiveGateway":
        el(g, "circle", {"cx": 0, "cy": 0, "r": 10.5, "stroke-width": 3})
    elif kind == "complexGateway":
        el(g, "path", {"d": "M0,-13 V13 M-13,0 H13 M-9,-9 L9,9 M9,-9 L-9,9", "stroke-width": 3.5})
    elif kind == "eventBasedGateway":
        el(g, "circle", {"cx": 0, "cy": 0, "r": 12.5, "stroke-width": 1})
        if not instantiate:
            el(g, "circle", {"cx": 0, "cy": 0, "r": 10, "stroke-width": 1})
        points = [(6.5 * math.sin(a), -6.5 * math.cos(a)) for a in (i * 2 * math.pi / 5 for i in range(5))]
        el(g, "polygon", {"points": point_list(points), "stroke-width": 1.5})


def gear(cx: float, cy: float, outer: float, inner: float, teeth: int) -> str:
    points = []
    step = 2 * math.pi / teeth
    for i in range(teeth):
        a = i * step
        for offset, radius in ((-0.22, inner), (-0.12, outer), (0.12, outer), (0.22, inner)):
            angle = a + offset * step * 2
            points.append((round(cx + radius * math.sin(angle), 1), round(cy - radius * math.cos(angle), 1)))
    return point_list(points)  # a tenth of a pixel in a 16-pixel icon: finer is bytes nobody sees
