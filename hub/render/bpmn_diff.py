"""A visual diagram diff: the newer BPMN diagram with what changed marked in colour.

The marks come from the semantic comparison (``hub.adopt.semantic.compare_processes``): flow
nodes *added* (green, thick), *changed* in type or *renamed* (orange, thick), and *removed* (red,
dashed, drawn where they stood in the older diagram). Nothing else is marked, so the picture says
exactly what the comparison table says. Colours are presentation attributes on the shapes, so
the SVG stays complete and coloured without the site's CSS or JavaScript; each marked element
also carries ``data-diff`` and a German ``<title>``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lxml import etree

from hub.render.bpmn.model import one_line
from hub.render.bpmn_svg import render_bpmn_svg

SVG_NS = "http://www.w3.org/2000/svg"
DIFF_STYLE = {  # stroke, fill, dash
    "added": ("#1d7a34", "#e3f4e6", None),
    "changed": ("#b35900", "#fff0dc", None),
    "renamed": ("#b35900", "#fff0dc", None),
    "removed": ("#b2182b", "#fde8ea", "6 4"),
}
DIFF_NAMES = {"added": "neu", "changed": "Art geändert", "renamed": "umbenannt", "removed": "entfernt"}
LEGEND = (("added", "neu"), ("changed", "geändert (Art oder Name)"), ("removed", "entfernt (Lage wie in der älteren Version)"))
SHAPES = ("rect", "circle", "polygon", "ellipse", "path")


def _q(tag: str) -> str:
    return f"{{{SVG_NS}}}{tag}"


def _mark(group: etree._Element, status: str) -> None:
    stroke, fill, dash = DIFF_STYLE[status]
    group.set("data-diff", status)
    group.set("class", f"{group.get('class', '')} bpmn-diff-{status}".strip())
    for child in group:
        if not isinstance(child.tag, str) or etree.QName(child).localname not in SHAPES:
            continue
        child.set("stroke", stroke)
        child.set("stroke-width", "4")
        if child.get("fill") not in (None, "none") and etree.QName(child).localname != "path":
            child.set("fill", fill)
        if dash:
            child.set("stroke-dasharray", dash)
    title = group.find(_q("title"))
    if title is None:
        title = etree.SubElement(group, _q("title"))
        group.insert(0, title)
    title.text = f"{DIFF_NAMES[status]}: {title.text or ''}".strip(": ")


def _box(svg: etree._Element) -> tuple[float, float, float, float]:
    x, y, w, h = (float(v) for v in svg.attrib["viewBox"].split())  # render_bpmn_svg always sets it
    return x, y, x + w, y + h


def diff_svg(
    old: bytes | None,
    new: bytes,
    changes: Mapping[str, str],
    *,
    title: str,
    draw: Callable[[bytes], str] = render_bpmn_svg,
) -> str:
    """``new`` drawn with ``changes`` (flow node id -> added / changed / renamed / removed) marked.

    ``draw`` gives a model's plain drawing (``render_bpmn_svg``'s, under any title): the site passes the drawing
    it already made for the package's page, so a publish draws its new model once, not once more for its
    comparison. The diagram is named ``title`` here, whatever the drawing was called.
    """
    svg = etree.fromstring(draw(new).encode())
    name = svg.find(_q("title"))
    assert name is not None  # render_bpmn_svg always names the diagram first
    name.text = f"Prozessdiagramm: {one_line(title)}"
    by_id = {g.get("data-element-id"): g for g in svg.iter(_q("g")) if g.get("data-element-id")}
    for element_id, status in changes.items():
        if status != "removed" and element_id in by_id:
            _mark(by_id[element_id], status)
    removed = [i for i, s in changes.items() if s == "removed"]
    if removed and old is not None:
        old_svg = etree.fromstring(draw(old).encode())
        old_by_id = {g.get("data-element-id"): g for g in old_svg.iter(_q("g")) if g.get("data-element-id")}
        canvas = svg.find(f".//{_q('g')}[@class='bpmn-canvas']")
        assert canvas is not None  # render_bpmn_svg always draws one
        layer = etree.SubElement(canvas, _q("g"), {"class": "bpmn-layer-removed"})
        for element_id in removed:
            ghost = old_by_id.get(element_id)
            if ghost is not None:
                layer.append(ghost)
                _mark(ghost, "removed")
        # the removed elements stood where the older diagram had them: the view covers both
        a, b = _box(svg), _box(old_svg)
        x1, y1, x2, y2 = min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
        svg.set("viewBox", f"{x1:g} {y1:g} {x2 - x1:g} {y2 - y1:g}")
        svg.set("data-width", f"{x2 - x1:g}")
        svg.set("data-height", f"{y2 - y1:g}")
        background = svg.find(f".//{_q('rect')}[@class='bpmn-background']")
        if background is not None:
            for key, value in (("x", x1), ("y", y1), ("width", x2 - x1), ("height", y2 - y1)):
                background.set(key, f"{value:g}")
    svg.set("class", f"{svg.get('class', '')} bpmn-diff".strip())
    return etree.tostring(svg, encoding="unicode")
