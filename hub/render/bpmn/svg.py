"""Writing SVG elements: one place that formats numbers and cleans text."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from hub.render.bpmn.model import clean

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FAMILY = "Arial, Helvetica, 'Liberation Sans', 'Nimbus Sans', sans-serif"
INK = "#000"  # strokes and text: 21:1 on white
PAPER = "#fff"


def fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def point_list(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{fmt(x)},{fmt(y)}" for x, y in points)


def el(parent: etree._Element, tag: str, attrs: dict[str, object] | None = None, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}")
    for key, value in (attrs or {}).items():
        if value is None:
            continue
        element.set(key, fmt(value) if isinstance(value, float | int) and not isinstance(value, bool) else str(value))
    if text is not None:
        element.text = clean(text)
    return element
