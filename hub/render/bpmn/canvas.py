"""Where text goes: labels wrapped and placed, and the extent of everything drawn, grown to hold them.

The extent decides the diagram's viewBox, so every shape, every edge and (unless it is rotated into a
name band) every line of text grows it.
"""

from __future__ import annotations

import math

from lxml import etree

from hub.render.bpmn.measure import HYPHEN, LINE_HEIGHT, text_width, wrap_text
from hub.render.bpmn.model import Box
from hub.render.bpmn.svg import INK, PAPER, el

TASK_PADDING = 5.0


class Canvas:
    def __init__(self) -> None:
        self.extent: list[float] = [math.inf, math.inf, -math.inf, -math.inf]  # x1, y1, x2, y2

    def grow(self, x1: float, y1: float, x2: float, y2: float) -> None:
        e = self.extent
        e[0], e[1], e[2], e[3] = min(e[0], x1), min(e[1], y1), max(e[2], x2), max(e[3], y2)

    def empty(self) -> bool:
        return math.isinf(self.extent[0])

    def text(
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
        self.lines(
            parent, lines, box, size=size, align=align, valign=valign, transform=transform, label_for=label_for, halo=halo, grow=grow
        )

    def lines(
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
        text = el(parent, "text", attrs)
        widest = 0.0
        for i, line in enumerate(lines):
            baseline = top + i * line_height + line_height / 2 + size * 0.35
            tspan = el(text, "tspan", {"x": x, "y": baseline}, line.removesuffix(HYPHEN))
            if line.endswith(HYPHEN):
                el(tspan, "tspan", {"class": "bpmn-hyphen", "aria-hidden": "true"}, "-")
            widest = max(widest, text_width(line, size))
        if grow:
            left = x if align == "start" else x - widest / 2
            self.grow(left, top, left + widest, top + height)


def fit_task_name(name: str, box: Box, *, icon: bool, limit: float) -> tuple[float, list[str], float, float]:
    """Font size, lines, top and height of a task's name: centred and wrapped inside ``box``, above ``limit``.

    Rather than split a word, the font shrinks (12 to 10 px) and a long word may use the box's full width;
    only then are words split (at 12 or 11 px), and 9 px is the last resort. A name that fits nowhere is
    centred on the box, overflowing evenly.
    """
    normal, tight = max(box.w - 2 * TASK_PADDING, 10), max(box.w - 4, 10)
    icon_bottom, icon_right = box.y + 23, box.x + 24

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
    return size, lines, top, height
