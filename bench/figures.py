"""What docs/benchmarks.md's cog blocks call: the committed figures of docs/figures/ and their formatting.

A block reads a figure with ``results("core")`` (the ``results`` a bench script wrote with ``--record``) and
``about("core")`` (the sentence saying how, where, when and on what commit it was measured), and writes
Markdown with ``table`` and the unit formatters. ``cog -r docs/benchmarks.md`` renders the doc;
tests/test_benchmark_docs.py checks that it is current and that every figure in it came from a script.

``BENCH_FIGURES`` (folders separated by ``os.pathsep``) are looked in before docs/figures/: the docs test
renders the doc from the results of ``--quick`` runs to show the scripts still write every key the doc reads.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ROOT / "docs" / "figures"


def figure(name: str) -> dict[str, Any]:
    """The whole record of a figure: command, machine, times, load, commit and ``results``."""
    folders = [Path(f) for f in os.environ.get("BENCH_FIGURES", "").split(os.pathsep) if f] + [FIGURES]
    for folder in folders:
        path = folder / f"{name}.json"
        if path.is_file():
            record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return record
    raise FileNotFoundError(f"no figure {name!r}: run the bench script with --record (docs/figures/{name}.json)")


def results(name: str) -> dict[str, Any]:
    """What the script measured (its ``results``)."""
    data: dict[str, Any] = figure(name)["results"]
    return data


def about(name: str) -> str:
    """One paragraph: the command, the machine, when, the load average and the commit measured."""
    record = figure(name)
    started = datetime.fromisoformat(record["started"])
    start_load, end_load = record["load_average_start"][0], record["load_average_end"][0]
    commit = f"commit `{record['commit'][:10]}`"
    base = record.get("main_base", "")
    if base and base != record["commit"]:
        commit += f" (a branch from main's `{base[:10]}`)"
    if record["uncommitted"]:
        commit += f" with uncommitted changes to {', '.join(f'`{path}`' for path in record['uncommitted'])}"
    return (
        f"Measured with `{record['command']}` on {started:%Y-%m-%d} from {started:%H:%M} to "
        f"{datetime.fromisoformat(record['finished']):%H:%M} UTC, on {record['machine']}; load average (1 minute) "
        f"{start_load:.1f} at the start and {end_load:.1f} at the end; {commit}."
    )


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table and the blank line that ends it (so that no following line joins it)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def number(value: float, digits: int = 0) -> str:
    """``12,345`` or ``1,234.5``: thousands separated as the prose writes them."""
    return f"{value:,.{digits}f}"


def ms(value: float, digits: int = 2) -> str:
    return f"{number(value, digits)} ms"


def s(value: float, digits: int = 1) -> str:
    return f"{number(value, digits)} s"


def mb(size: float, digits: int = 1) -> str:
    """Bytes as decimal megabytes."""
    return f"{number(size / 1e6, digits)} MB"


def kb(size: float, digits: int = 1) -> str:
    """Bytes as decimal kilobytes."""
    return f"{number(size / 1e3, digits)} kB"


def ratio(value: float, digits: int = 1) -> str:
    return f"{number(value, digits)}×"


def percent(share: float) -> str:
    """A share of 1 as a whole percentage."""
    return f"{share * 100:.0f} %"
