"""Writing SVG elements: one place that formats numbers and cleans text."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

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


_QNAMES: dict[str, str] = {}  # "rect" -> "{http://www.w3.org/2000/svg}rect", formatted once per tag


def el(parent: etree._Element, tag: str, attrs: dict[str, object] | None = None, text: str | None = None) -> etree._Element:
    qname = _QNAMES.get(tag) or _QNAMES.setdefault(tag, f"{{{SVG_NS}}}{tag}")
    # the attributes handed over at creation: lxml sets them in one call, not one Python call each
    attrib = (
        {key: fmt(cast(float, value)) if type(value) in (float, int) else str(value) for key, value in attrs.items() if value is not None}
        if attrs
        else None
    )
    element = etree.SubElement(parent, qname, attrib)
    if text is not None:
        element.text = clean(text)
    return element
