"""Reports for the ministry: maturity and adoption, now and over time (read from git history)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import pygit2
from pygit2.enums import SortMode

from hub.maturity import maturity_all, spreadsheets
from hub.maturity.rules import current_confirmation
from hub.maturity.trust import trusted_hubs
from hub.model import Base, FrozenBase, Manifest, Maturity
from hub.store import Catalog
from hub.store.records import adoptions


class MaturityRow(FrozenBase, frozen=True):
    package: str
    name: str
    publisher: str
    themenfeld: str
    version: str
    computed_level: int
    level: int
    level_name: str
    reviewed: bool


class AdoptionRow(FrozenBase, frozen=True):
    package: str
    adopter: str
    adopter_name: str
    status: str
    version: str
    since: str
    counts_for_maturity: bool  # another organisation's adoption whose current status is confirmed


class PeriodPoint(FrozenBase, frozen=True):
    period: str
    commit: str
    levels: dict[str, int]
    adoptions: dict[str, int]


class MaturityReport(Base):
    commit: str | None
    packages: list[MaturityRow]
    by_publisher: dict[str, dict[str, int]]
    by_themenfeld: dict[str, dict[str, int]]
    levels: dict[str, int]


class AdoptionReport(Base):
    commit: str | None
    adoptions: list[AdoptionRow]
    by_package: dict[str, dict[str, int]]


class HistoryReport(Base):
    points: list[PeriodPoint]


def maturity_report(
    catalog: Catalog,
    *,
    ref: str | None = None,
    results: Mapping[str, Maturity] | None = None,
    manifests: Mapping[str, Manifest] | None = None,
) -> MaturityReport:
    """Levels of every package; ``results`` and ``manifests`` may come from a caller that has them already."""
    commit = catalog.resolve(ref)
    manifests = manifests if manifests is not None else {m.id: m for m in catalog.manifests(ref)}
    results = results if results is not None else maturity_all(catalog, ref=ref, manifests=manifests)
    rows = []
    by_publisher: dict[str, Counter] = defaultdict(Counter)
    by_themenfeld: dict[str, Counter] = defaultdict(Counter)
    for package_id, m in sorted(results.items()):
        manifest = manifests[package_id]
        rows.append(
            MaturityRow(
                package=package_id,
                name=manifest.name,
                publisher=manifest.publisher.name,
                themenfeld=manifest.classification.themenfeld,
                version=m.version,
                computed_level=m.computed_level,
                level=m.level,
                level_name=m.name,
                reviewed=m.reviewed,
            )
        )
        by_publisher[manifest.publisher.name][str(m.level)] += 1
        by_themenfeld[manifest.classification.themenfeld][str(m.level)] += 1
    return MaturityReport(
        commit=str(commit.id) if commit else None,
        packages=rows,
        by_publisher={k: dict(sorted(v.items())) for k, v in sorted(by_publisher.items())},
        by_themenfeld={k: dict(sorted(v.items())) for k, v in sorted(by_themenfeld.items())},
        levels=dict(sorted(Counter(str(r.level) for r in rows).items())),
    )


def adoption_report(catalog: Catalog, *, ref: str | None = None) -> AdoptionReport:
    commit = catalog.resolve(ref)
    rows = []
    by_package: dict[str, Counter] = defaultdict(Counter)
    trusted = trusted_hubs(catalog, ref=ref)
    for record in adoptions(catalog, ref=ref):
        publisher = record.package.split("/")[0]
        rows.append(
            AdoptionRow(
                package=record.package,
                adopter=record.adopter,
                adopter_name=record.adopter_name or record.adopter,
                status=record.status,
                version=record.version,
                since=record.history[-1].date,
                counts_for_maturity=record.adopter != publisher and current_confirmation(record, trusted) is not None,
            )
        )
        by_package[record.package][record.status] += 1
    return AdoptionReport(
        commit=str(commit.id) if commit else None,
        adoptions=rows,
        by_package={k: dict(sorted(v.items())) for k, v in sorted(by_package.items())},
    )


def history_report(catalog: Catalog, *, ref: str | None = None, known: Mapping[str, PeriodPoint] | None = None) -> HistoryReport:
    """Level and adoption counts at the end of every month of the catalogue's history (up to ``ref``).

    ``known`` maps commit ids to points computed before: a month whose last commit is
    unchanged is not evaluated again (history on ``main`` never changes, only grows).
    """
    head = catalog.resolve(ref)
    if head is None:
        return HistoryReport(points=[])
    last_of_month: dict[str, pygit2.Commit] = {}
    walker = catalog.repo.walk(head.id, SortMode.TOPOLOGICAL | SortMode.REVERSE)
    walker.simplify_first_parent()
    for commit in walker:
        month = datetime.fromtimestamp(commit.author.time, UTC).strftime("%Y-%m")
        last_of_month[month] = commit  # history is in order: the last one seen is the month's state
    points = []
    for month, commit in sorted(last_of_month.items()):
        ref_id = str(commit.id)
        if known and ref_id in known and known[ref_id].period == month:
            points.append(known[ref_id])
            continue
        levels = Counter(str(m.level) for m in maturity_all(catalog, ref=ref_id).values())
        states = Counter(a.status for a in adoptions(catalog, ref=ref_id) if a.adopter != a.package.split("/")[0])
        points.append(PeriodPoint(period=month, commit=ref_id, levels=dict(sorted(levels.items())), adoptions=dict(sorted(states.items()))))
    return HistoryReport(points=points)


def history_rows(report: HistoryReport) -> list[dict[str, object]]:
    """One flat row per month: counts per level and per adoption status."""
    return [
        {
            "period": p.period,
            **{f"level_{n}": p.levels.get(str(n), 0) for n in range(5)},
            **{status: p.adoptions.get(status, 0) for status in ("planned", "pilot", "production", "ended")},
        }
        for p in report.points
    ]


def to_csv(rows: Sequence[spreadsheets.Row]) -> str:
    """CSV for German Excel (``;``, UTF-8 with BOM, German headers, ja/nein): see ``hub.maturity.spreadsheets``."""
    return spreadsheets.to_csv(rows)


def report_sheets(
    maturity: MaturityReport, adoption: AdoptionReport, history: HistoryReport, savings: list | None = None
) -> list[spreadsheets.Sheet]:
    """The XLSX workbook's sheets: one per report, the same rows as the CSV files (savings: ``hub.maturity.savings`` rows)."""
    sheets = [
        spreadsheets.Sheet("Reifegrade", maturity.packages),
        spreadsheets.Sheet("Nachnutzungen", adoption.adoptions),
        spreadsheets.Sheet("Verlauf", history_rows(history)),
    ]
    if savings is not None:
        sheets.append(spreadsheets.Sheet("Einsparungen", savings))
    return sheets
