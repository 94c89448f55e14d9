"""Choosing the dashboard's charting library: time per chart, SVG size, accessible markup, installed size.

    .venv/bin/python bench/charts.py [--runs 20]

pygal is measured always; vl-convert-python (Vega-Lite rendered to SVG in-process) only when it is
installed (`pip install vl-convert-python`): it is a candidate, not a dependency.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from pathlib import Path

LEVELS = ["0 Idee", "1 Erprobt", "2 Bewährt", "3 Nachnutzbar", "4 Etabliert"]
MONTHS = [f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]
DATA = {level: [(m * (i + 1)) % 7 for m in range(len(MONTHS))] for i, level in enumerate(LEVELS)}


def installed_mb(module: str) -> float:
    spec = importlib.util.find_spec(module)
    folder = Path(spec.origin).parent
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def pygal_chart() -> str:
    from hub.render.charts import LEVEL_COLOURS, ChartTable, stacked_bars

    return stacked_bars(
        "bench", "Reifegrade", "Pakete je Reifegrad und Monat", MONTHS, DATA, LEVEL_COLOURS, table=ChartTable("Reifegrade", "Monat", LEVELS)
    ).svg


def vega_chart() -> str:
    import vl_convert

    spec = {
        "data": {"values": [{"m": m, "l": level, "n": values[i]} for level, values in DATA.items() for i, m in enumerate(MONTHS)]},
        "mark": "bar",
        "description": "Pakete je Reifegrad und Monat",
        "encoding": {
            "x": {"field": "m", "type": "ordinal"},
            "y": {"field": "n", "type": "quantitative", "aggregate": "sum"},
            "color": {"field": "l"},
        },
    }
    return vl_convert.vegalite_to_svg(spec)


def measure(name: str, render, runs: int, module: str) -> None:
    started = time.perf_counter()
    svg = render()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        svg = render()
        times.append(time.perf_counter() - started)
    print(
        f"| {name} | {first * 1000:.0f} ms | {statistics.median(times) * 1000:.0f} ms | {len(svg) / 1000:.1f} kB | "
        f"{'ja' if '<title' in svg and '<desc' in svg else 'nein'} | {'ja' if '<script' in svg else 'nein'} | {installed_mb(module):.1f} MB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print("| library | first chart | median per chart | SVG | <title>/<desc> | script in SVG | installed |")
    print("|---|---|---|---|---|---|---|")
    measure("pygal (hub.render.charts)", pygal_chart, args.runs, "pygal")
    if importlib.util.find_spec("vl_convert"):
        measure("vl-convert-python", vega_chart, max(3, args.runs // 4), "vl_convert")


if __name__ == "__main__":
    main()
