"""The transfer map: who adopted what from whom, as static SVG (complete without JavaScript).

Two views of the same edges (one per adoption record, from the package's publisher to the
adopter, coloured and dashed by status):

* ``network_svg``: publishers on the left, adopters on the right (an organisation that does both
  stands in both columns), so every line reads left to right as "from whom → to whom";
* ``geo_svg``: each organisation at its coordinates (WGS84, an equirectangular projection fitted to
  the organisations shown; no map tiles, the hub runs offline), adoptions as arcs.

Every node links to the organisation's page, every line to the package's page; every line has a
``<title>`` and ``data-*`` attributes (package, from, to, Themenfeld, status history) that the
page's filter (``assets/transfer-map.js``) reads.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

STATUS_STYLE = {  # colour and dash pattern: distinguishable without colour too
    "planned": ("#6b6b6b", "2 5"),
    "pilot": ("#c26a00", "9 4"),
    "production": ("#1d7a34", ""),
    "ended": ("#b2182b", "1 4"),
}
STATUS_NAMES = {"planned": "geplant", "pilot": "im Pilotbetrieb", "production": "in Produktion", "ended": "beendet"}
NODE_W, NODE_H, ROW = 250, 34, 54
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


@dataclass
class MapNode:
    id: str
    name: str
    href: str
    coordinates: tuple[float, float] | None = None  # (lat, lon)


@dataclass
class MapEdge:
    package: str
    package_name: str
    package_href: str
    source: str  # publisher id
    target: str  # adopter id
    status: str
    version: str
    themenfeld: str
    history: list[tuple[str, str]] = field(default_factory=list)  # (date, status), oldest first

    @property
    def since(self) -> str:
        return self.history[0][0] if self.history else ""

    def title(self, names: dict[str, str]) -> str:
        return (
            f"{self.package_name}: {names.get(self.source, self.source)} → {names.get(self.target, self.target)}, "
            f"{STATUS_NAMES.get(self.status, self.status)} (Version {self.version}, seit {self.history[-1][0] if self.history else '–'})"
        )


def _edge_attrs(edge: MapEdge) -> str:
    history = ",".join(f"{d}:{s}" for d, s in edge.history)
    return (
        f' class="edge status-{edge.status}" data-package={quoteattr(edge.package)} data-from={quoteattr(edge.source)}'
        f" data-to={quoteattr(edge.target)} data-status={quoteattr(edge.status)} data-themenfeld={quoteattr(edge.themenfeld)}"
        f" data-history={quoteattr(history)}"
    )


def _stroke(status: str) -> str:
    colour, dash = STATUS_STYLE.get(status, ("#444", ""))
    return f'stroke="{colour}" stroke-width="3" fill="none"' + (f' stroke-dasharray="{dash}"' if dash else "")


def _node(x: float, y: float, height: float, node: MapNode, anchor: str) -> str:
    text_x = x + 12 if anchor == "start" else x + NODE_W - 12
    return (
        f'<a href={quoteattr(node.href)} class="node" data-org={quoteattr(node.id)}><title>{escape(node.name)}: Seite der Organisation</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{NODE_W}" height="{height:.0f}" rx="6" fill="#e6f0f5" stroke="#00507a" stroke-width="1.5"/>'
        f'<text x="{text_x:.1f}" y="{y + height / 2 + 5:.1f}" text-anchor="{anchor}" font-size="15" fill="#1a1a1a">{escape(_short(node.name, 28))}</text></a>'
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(width: float, height: float, title: str, description: str, body: str, view: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" class="transfer-map" data-view="{view}"'
        f' role="group" aria-labelledby="{view}-title {view}-desc" font-family="{FONT}" style="max-width:100%;height:auto">'
        f'<title id="{view}-title">{escape(title)}</title><desc id="{view}-desc">{escape(description)}</desc>{body}</svg>'
    )


def network_svg(nodes: dict[str, MapNode], edges: list[MapEdge]) -> str:
    """Publishers left, adopters right, one line per adoption."""
    out_count: dict[str, int] = defaultdict(int)
    in_count: dict[str, int] = defaultdict(int)
    for e in edges:
        out_count[e.source] += 1
        in_count[e.target] += 1
    left = sorted(out_count, key=lambda n: (-out_count[n], nodes[n].name))
    right = sorted(in_count, key=lambda n: (-in_count[n], nodes[n].name))
    width, top, gap = 960, 56, 960 - 2 * NODE_W - 20
    rows = max(len(left), len(right), 1)

    # a node's height grows with its lines so that parallel lines stay apart
    def heights(column: list[str], counts: dict[str, int]) -> dict[str, float]:
        return {n: max(NODE_H, 10 * counts[n] + 8) for n in column}

    left_h, right_h = heights(left, out_count), heights(right, in_count)

    def positions(column: list[str], hs: dict[str, float]) -> dict[str, float]:
        y: float = top
        found: dict[str, float] = {}
        total = sum(hs.values()) + (len(column) - 1) * (ROW - NODE_H)
        span = max(sum(left_h.values()) + (len(left) - 1) * (ROW - NODE_H), sum(right_h.values()) + (len(right) - 1) * (ROW - NODE_H))
        y += (span - total) / 2  # centre the shorter column
        for n in column:
            found[n] = y
            y += hs[n] + ROW - NODE_H
        return found

    left_y, right_y = positions(left, left_h), positions(right, right_h)
    bottom = max([left_y[n] + left_h[n] for n in left] + [right_y[n] + right_h[n] for n in right], default=top)
    height = max(bottom + 20, top + rows * 10 + 40)
    x_left, x_right = 10, 10 + NODE_W + gap
    names = {n.id: n.name for n in nodes.values()}
    parts = [
        f'<text x="{x_left}" y="30" font-size="16" font-weight="700" fill="#1a1a1a">Herausgeber</text>',
        f'<text x="{x_right + NODE_W}" y="30" font-size="16" font-weight="700" fill="#1a1a1a" text-anchor="end">Nachnutzer</text>',
    ]
    out_slot: dict[str, int] = defaultdict(int)
    in_slot: dict[str, int] = defaultdict(int)
    ordered = sorted(edges, key=lambda e: (left.index(e.source), right.index(e.target), e.package))
    lines = []
    for e in ordered:
        i, j = out_slot[e.source], in_slot[e.target]
        out_slot[e.source] += 1
        in_slot[e.target] += 1
        y1 = left_y[e.source] + (i + 1) * left_h[e.source] / (out_count[e.source] + 1)
        y2 = right_y[e.target] + (j + 1) * right_h[e.target] / (in_count[e.target] + 1)
        x1, x2 = x_left + NODE_W, x_right
        mid = (x1 + x2) / 2
        lines.append(
            f"<a href={quoteattr(e.package_href)}{_edge_attrs(e)}><title>{escape(e.title(names))}</title>"
            f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" {_stroke(e.status)}/></a>'
        )
    parts.append('<g class="edges">' + "".join(lines) + "</g>")
    parts.extend(_node(x_left, left_y[n], left_h[n], nodes[n], "start") for n in left)
    parts.extend(_node(x_right, right_y[n], right_h[n], nodes[n], "end") for n in right)
    description = (
        f"{len(edges)} Nachnutzungen: links {len(left)} herausgebende Organisationen, rechts {len(right)} nachnutzende; "
        "jede Linie ist eine Nachnutzung eines Pakets, Farbe und Strichart zeigen den Stand."
    )
    if not edges:
        parts.append(f'<text x="{width / 2}" y="{top + 20}" text-anchor="middle" font-size="15">Noch keine Nachnutzungen erfasst.</text>')
    return _wrap(width, height, "Transferkarte: wer nutzt was von wem", description, "".join(parts), "netz")


def geo_svg(nodes: dict[str, MapNode], edges: list[MapEdge]) -> tuple[str, list[MapNode]]:
    """Organisations at their coordinates; returns the SVG and the organisations without coordinates."""
    involved = {e.source for e in edges} | {e.target for e in edges}
    placed = {n.id: n for n in nodes.values() if n.coordinates and (n.id in involved or not edges)}
    missing = sorted((nodes[n] for n in involved if n in nodes and not nodes[n].coordinates), key=lambda n: n.name)
    width = 960
    if not placed:
        return _wrap(
            width,
            80,
            "Geografische Ansicht",
            "Keine Organisation mit Koordinaten.",
            '<text x="20" y="45" font-size="15">Keine der Organisationen hat Koordinaten in ihrem Organisationseintrag.</text>',
            "geo",
        ), missing
    at = {n.id: n.coordinates for n in placed.values() if n.coordinates}  # every placed node has them
    lats = [lat for lat, _ in at.values()]
    lons = [lon for _, lon in at.values()]
    lat_mid = (max(lats) + min(lats)) / 2
    kx = math.cos(math.radians(lat_mid))
    span_x = max((max(lons) - min(lons)) * kx, 0.2)
    span_y = max(max(lats) - min(lats), 0.2)
    margin_x, margin_y = 150, 50
    scale = (width - 2 * margin_x) / span_x
    height = min(900, max(320, span_y * scale + 2 * margin_y))
    scale = min(scale, (height - 2 * margin_y) / span_y)
    cx, cy = (max(lons) + min(lons)) / 2, lat_mid

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return width / 2 + (lon - cx) * kx * scale, height / 2 - (lat - cy) * scale

    names = {n.id: n.name for n in nodes.values()}
    parts = []
    # a light grid of whole and half degrees, labelled, so the picture reads as a map
    step = 0.5 if span_y < 4 else 1.0
    lat = math.floor(min(lats) / step) * step
    while lat <= max(lats) + step:
        y = xy(lat, cx)[1]
        if 0 <= y <= height:
            parts.append(
                f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/><text x="4" y="{y - 3:.1f}" font-size="11" fill="#6b6b6b">{lat:.1f}° N</text>'
            )
        lat += step
    lon = math.floor(min(lons) / step) * step
    while lon <= max(lons) + step:
        x = xy(cy, lon)[0]
        if 0 <= x <= width:
            parts.append(
                f'<line y1="0" y2="{height:.0f}" x1="{x:.1f}" x2="{x:.1f}" stroke="#e3e3e3"/><text x="{x + 3:.1f}" y="{height - 4:.0f}" font-size="11" fill="#6b6b6b">{lon:.1f}° O</text>'
            )
        lon += step
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    lines = []
    for e in sorted(edges, key=lambda e: (e.source, e.target, e.package)):
        if e.source not in placed or e.target not in placed:
            continue
        (x1, y1), (x2, y2) = xy(*at[e.source]), xy(*at[e.target])
        k = pair_count[(e.source, e.target)]
        pair_count[(e.source, e.target)] += 1
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        bend = 0.18 + 0.12 * k  # parallel adoptions between the same two bend further apart
        qx, qy = (x1 + x2) / 2 - dy / length * length * bend, (y1 + y2) / 2 + dx / length * length * bend
        lines.append(
            f"<a href={quoteattr(e.package_href)}{_edge_attrs(e)}><title>{escape(e.title(names))}</title>"
            f'<path d="M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {x2:.1f},{y2:.1f}" {_stroke(e.status)}/></a>'
        )
    parts.append('<g class="edges">' + "".join(lines) + "</g>")
    for n in sorted(placed.values(), key=lambda n: n.name):
        x, y = xy(*at[n.id])
        anchor, tx = ("end", x - 11) if x > width - margin_x else ("start", x + 11)
        parts.append(
            f'<a href={quoteattr(n.href)} class="node" data-org={quoteattr(n.id)}><title>{escape(n.name)}: Seite der Organisation</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#00507a" stroke="#fff" stroke-width="2"/>'
            f'<text x="{tx:.1f}" y="{y + 5:.1f}" text-anchor="{anchor}" font-size="14" fill="#1a1a1a" paint-order="stroke" stroke="#fff" '
            f'stroke-width="4">{escape(n.name)}</text></a>'
        )
    description = f"{len(placed)} Organisationen an ihrer Lage (Koordinaten aus dem Organisationseintrag), Nachnutzungen als Bögen vom Herausgeber zum Nachnutzer."
    return _wrap(width, height, "Transferkarte: geografische Ansicht", description, "".join(parts), "geo"), missing
