"""Choosing the dashboard's charting library: time per chart, SVG size, accessible markup, installed size.

    .venv/bin/python bench/charts.py [--runs 20]

pygal is measured always; vl-convert-python (Vega-Lite rendered to SVG in-process) only when it is
installed (`pip install vl-convert-python`): it is a candidate, not a dependency.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import options, quick, write_results

LEVELS = ["0 Idee", "1 Erprobt", "2 Bewährt", "3 Nachnutzbar", "4 Etabliert"]
MONTHS = [f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]
DATA = {level: [(m * (i + 1)) % 7 for m in range(len(MONTHS))] for i, level in enumerate(LEVELS)}


def installed_mb(module: str) -> float:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
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


def measure(name: str, render, runs: int, module: str, distribution: str) -> dict:
    started = time.perf_counter()
    svg = render()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        svg = render()
        times.append(time.perf_counter() - started)
    result = {
        "version": importlib.metadata.version(distribution),
        "first_ms": first * 1000,
        "median_ms": statistics.median(times) * 1000,
        "runs": runs,
        "svg_bytes": len(svg),
        "title_and_desc": "<title" in svg and "<desc" in svg,
        "script_in_svg": "<script" in svg,
        "installed_mb": installed_mb(module),
    }
    print(
        f"| {name} {result['version']} | {result['first_ms']:.0f} ms | {result['median_ms']:.0f} ms | {len(svg) / 1000:.1f} kB | "
        f"{'ja' if result['title_and_desc'] else 'nein'} | {'ja' if result['script_in_svg'] else 'nein'} | {result['installed_mb']:.1f} MB |"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--runs", type=int, default=20)
    args = quick(parser.parse_args(), runs=2)
    print("| library | first chart | median per chart | SVG | <title>/<desc> | script in SVG | installed |")
    print("|---|---|---|---|---|---|---|")
    results = {
        "months": len(MONTHS),
        "levels": len(LEVELS),
        "pygal": measure("pygal (hub.render.charts)", pygal_chart, args.runs, "pygal", "pygal"),
    }
    if importlib.util.find_spec("vl_convert"):
        results["vl_convert"] = measure("vl-convert-python", vega_chart, max(3, args.runs // 4), "vl_convert", "vl-convert-python")
    print(f"results: {write_results('charts', results, args)}")


if __name__ == "__main__":
    main()
