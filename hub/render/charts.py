"""Charts as static SVG (pygal), readable without JavaScript.

Each chart is rendered when the page is built: an ``<svg role="img">`` with a ``<title>`` and a
``<desc>`` that says what it shows, plus the same numbers as a table (``ChartTable``) that the
page puts beside it. pygal's own JavaScript (which it would load from a CDN) is switched off; the
site's ``charts.js`` reads the values pygal writes into each bar (``<desc class="value">``) and
shows them on hover and touch.

Why pygal (measured, docs/benchmarks.md): pure Python (1.3 MB installed), about 30 ms per chart,
``<title>``/``<desc>`` built in, no JavaScript needed to see a chart. vl-convert-python renders
Vega-Lite (84 MB installed, 2 s to start, about 260 ms per chart, no ``<title>``/``<desc>``), and
vega-embed needs the Vega runtime in the browser for interaction.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pygal
from pygal.style import Style

# levels 0–4: light to dark blue (ordered, distinguishable in greyscale and with colour blindness)
LEVEL_COLOURS = ("#c6dbef", "#6baed6", "#2171b5", "#08519c", "#08306b")
# adoption states: grey (planned), orange (pilot), green (production), red (ended)
STATUS_COLOURS = {"planned": "#969696", "pilot": "#e6850e", "production": "#1d7a34", "ended": "#b2182b"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


@dataclass
class TableRow:
    label: str
    values: list[float]
    href: str | None = None


@dataclass
class ChartTable:
    """The chart's numbers: rows (a bar each) × columns (the series)."""

    caption: str
    row_header: str
    columns: list[str]
    rows: list[TableRow] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: str
    table: ChartTable


def _style(colours: tuple[str, ...]) -> Style:
    return Style(
        font_family=FONT,
        background="transparent",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#6b6b6b",
        colors=colours,
        opacity="1",
        opacity_hover=".8",
        title_font_size=18,
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        value_font_size=13,
        tooltip_font_size=14,
    )


def _finish(svg: str, chart_id: str, title: str, description: str) -> str:
    """No script (pygal writes its config inline even without its JavaScript), no comments (they carry the date), and
    an accessible name and description."""
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<title>.*?</title>", "", svg, count=1, flags=re.DOTALL)  # replaced by ours, with an id
    head = f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
    return re.sub(
        r"<svg ([^>]*)>",
        lambda m: f'<svg {m.group(1)} role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" data-chart="{chart_id}">{head}',
        svg,
        count=1,
    )


def stacked_bars(
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: Mapping[str, Sequence[float]],
    colours: tuple[str, ...],
    *,
    horizontal: bool = False,
    table: ChartTable,
    unit: str = "",
    label_every: int = 1,
    memo: MutableMapping[str, str] | None = None,
) -> Chart:
    """A stacked bar chart: one bar per label, one stack part per series (e.g. one per maturity level).

    ``memo`` maps what a drawing is made of to the drawing: pygal takes tens of milliseconds per chart, and
    after one publish most of a dashboard's charts show what they showed before.
    """
    key = ""
    if memo is not None:
        parts = [chart_id, title, description, labels, {k: list(v) for k, v in series.items()}, colours, horizontal, unit, label_every]
        key = hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
        if key in memo:
            return Chart(id=chart_id, title=title, description=description, svg=memo[key], table=table)
    cls = pygal.HorizontalStackedBar if horizontal else pygal.StackedBar
    rows = max(1, len(labels))
    height = max(260, 70 + 34 * rows) if horizontal else 420
    chart = cls(
        style=_style(colours),
        width=860,
        height=height,
        js=[],
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(3, max(1, len(series))),
        show_y_guides=not horizontal,
        show_x_guides=horizontal,
        x_label_rotation=0 if horizontal else 40,
        truncate_label=48,
        truncate_legend=40,
        margin=8,
        spacing=10,
        show_minor_x_labels=label_every == 1,
        x_labels_major_every=label_every if label_every > 1 else None,
        value_formatter=lambda v: f"{v:g}{unit}",
        no_data_text="keine Daten",
        print_values=False,
        min_scale=2,
        max_scale=8,
    )
    chart.uuid = chart_id  # pygal's element ids and CSS selectors: deterministic, and unique on the page
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, [{"value": v, "label": name} if v else None for v in values])
    svg = _finish(chart.render(is_unicode=True), chart_id, title, description)
    if memo is not None:
        memo[key] = svg
    return Chart(id=chart_id, title=title, description=description, svg=svg, table=table)
