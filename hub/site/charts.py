"""The dashboard's charts: the ministry's reports drawn (hub.render.charts), each with its numbers as a table.

Every number a chart shows comes from the same report rows the CSV and XLSX downloads carry,
so the picture and the export cannot disagree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import MutableMapping, Sequence

from hub.maturity.model import Level
from hub.maturity.reports import AdoptionReport, HistoryReport, MaturityReport
from hub.render.charts import LEVEL_COLOURS, STATUS_COLOURS, Chart, ChartTable, TableRow, stacked_bars

STATUSES = ("planned", "pilot", "production", "ended")
STATUS_NAMES = {"planned": "geplant", "pilot": "im Pilotbetrieb", "production": "in Produktion", "ended": "beendet"}
TOP_PACKAGES = 10
Memo = MutableMapping[str, str] | None  # drawings by what they show (hub.render.charts.stacked_bars)
TOP_GROUPS = 15


def _level_names(levels: Sequence[Level]) -> list[str]:
    return [f"{level.level} {level.name}" for level in levels]


def _per_level_chart(
    chart_id: str, title: str, what: str, table: dict[str, dict[str, int]], levels, hrefs: dict[str, str], memo: Memo = None
) -> Chart:
    names = _level_names(levels)
    # the bars: the largest groups (a catalogue of all Germany has thousands of publishers); the table has every group
    labels = sorted(sorted(table, key=lambda k: -sum(table[k].values()))[:TOP_GROUPS], key=list(table).index)
    series = {name: [table[label].get(str(level.level), 0) for label in labels] for name, level in zip(names, levels, strict=True)}
    rows = [
        TableRow(label=label, values=[counts.get(str(level.level), 0) for level in levels], href=hrefs.get(label))
        for label, counts in table.items()
    ]
    total = sum(sum(counts.values()) for counts in table.values())
    shown = f"; gezeigt die {len(labels)} größten" if len(labels) < len(table) else ""
    description = f"Gestapelte Balken: Anzahl der Pakete je Reifegrad {what}; {total} Pakete in {len(table)} Gruppen{shown}."
    return stacked_bars(
        chart_id,
        title,
        description,
        labels,
        series,
        LEVEL_COLOURS,
        horizontal=True,
        table=ChartTable(caption=f"{title} (Anzahl Pakete)", row_header=what.removeprefix("je ").capitalize(), columns=names, rows=rows),
        memo=memo,
    )


def levels_over_time(history: HistoryReport, levels, memo: Memo = None) -> Chart:
    names = _level_names(levels)
    months = [p.period for p in history.points]
    series = {name: [p.levels.get(str(level.level), 0) for p in history.points] for name, level in zip(names, levels, strict=True)}
    rows = [TableRow(label=p.period, values=[p.levels.get(str(level.level), 0) for level in levels]) for p in reversed(history.points)]
    last = history.points[-1] if history.points else None
    now = (
        ", ".join(f"{n}: {last.levels.get(str(level.level), 0)}" for n, level in zip(names, levels, strict=True)) if last else "keine Daten"
    )
    description = f"Gestapelte Säulen je Monat von {months[0] if months else '–'} bis {months[-1] if months else '–'}: Pakete je Reifegrad. Stand zuletzt: {now}."
    return stacked_bars(
        "reifegrade-verlauf",
        "Reifegrade im Zeitverlauf",
        description,
        months,
        series,
        LEVEL_COLOURS,
        label_every=_every(months),
        table=ChartTable(caption="Pakete je Reifegrad am Ende jedes Monats mit Änderungen", row_header="Monat", columns=names, rows=rows),
        memo=memo,
    )


def adoptions_over_time(history: HistoryReport, memo: Memo = None) -> Chart:
    months = [p.period for p in history.points]
    names = [STATUS_NAMES[s] for s in STATUSES]
    series = {STATUS_NAMES[s]: [p.adoptions.get(s, 0) for p in history.points] for s in STATUSES}
    rows = [TableRow(label=p.period, values=[p.adoptions.get(s, 0) for s in STATUSES]) for p in reversed(history.points)]
    last = history.points[-1] if history.points else None
    now = ", ".join(f"{STATUS_NAMES[s]}: {last.adoptions.get(s, 0)}" for s in STATUSES) if last else "keine Daten"
    description = f"Gestapelte Säulen je Monat: Nachnutzungen durch andere Organisationen nach Stand. Stand zuletzt: {now}."
    return stacked_bars(
        "nachnutzungen-verlauf",
        "Nachnutzungen im Zeitverlauf nach Stand",
        description,
        months,
        series,
        tuple(STATUS_COLOURS[s] for s in STATUSES),
        label_every=_every(months),
        table=ChartTable(
            caption="Nachnutzungen je Stand am Ende jedes Monats mit Änderungen", row_header="Monat", columns=names, rows=rows
        ),
        memo=memo,
    )


def levels_by_themenfeld(report: MaturityReport, levels, hrefs: dict[str, str], memo: Memo = None) -> Chart:
    return _per_level_chart(
        "reifegrade-themenfeld", "Reifegrade nach Themenfeld", "je Themenfeld", report.by_themenfeld, levels, hrefs, memo
    )


def levels_by_publisher(report: MaturityReport, levels, hrefs: dict[str, str], memo: Memo = None) -> Chart:
    return _per_level_chart(
        "reifegrade-herausgeber", "Reifegrade nach Herausgeber", "je Herausgeber", report.by_publisher, levels, hrefs, memo
    )


def reused_packages(adoption: AdoptionReport, names: dict[str, str], hrefs: dict[str, str], memo: Memo = None) -> Chart:
    """The packages most often adopted by other organisations, by the adoptions' state."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in adoption.adoptions:
        if row.counts_for_maturity:
            counts[row.package][row.status] += 1
    ranked = sorted(counts, key=lambda p: (-sum(counts[p].values()), names.get(p, p)))[:TOP_PACKAGES]
    labels = [names.get(p, p) for p in ranked]
    series = {STATUS_NAMES[s]: [counts[p][s] for p in ranked] for s in STATUSES}
    rows = [TableRow(label=names.get(p, p), values=[counts[p][s] for s in STATUSES], href=hrefs.get(p)) for p in ranked]
    top = f"am häufigsten: {labels[0]} ({sum(counts[ranked[0]].values())} Nachnutzungen)" if ranked else "noch keine Nachnutzungen"
    description = f"Gestapelte Balken: die {len(ranked)} am häufigsten nachgenutzten Pakete, Nachnutzungen durch andere Organisationen nach Stand; {top}."
    return stacked_bars(
        "meistgenutzt",
        "Die am häufigsten nachgenutzten Pakete",
        description,
        labels,
        series,
        tuple(STATUS_COLOURS[s] for s in STATUSES),
        horizontal=True,
        table=ChartTable(
            caption="Nachnutzungen je Paket und Stand (nur andere Organisationen)",
            row_header="Paket",
            columns=[STATUS_NAMES[s] for s in STATUSES],
            rows=rows,
        ),
        memo=memo,
    )


def _every(months: list[str]) -> int:
    """Label every n-th month so that at most about 18 labels stand under the bars."""
    return max(1, -(-len(months) // 18))


def kpis(maturity: MaturityReport, adoption: AdoptionReport) -> dict[str, int]:
    others = [row for row in adoption.adoptions if row.counts_for_maturity]
    return {
        "packages": len(maturity.packages),
        "reusable": sum(1 for row in maturity.packages if row.level >= 3),
        "adoptions": sum(1 for row in others if row.status != "ended"),
        "production": sum(1 for row in others if row.status == "production"),
        "adopters": len({row.adopter for row in others if row.status != "ended"}),
    }


def dashboard_charts(
    maturity: MaturityReport,
    adoption: AdoptionReport,
    history: HistoryReport | None,
    levels,
    *,
    names: dict[str, str],
    package_href,
    themen_href,
    publisher_href,
    memo: Memo = None,
) -> list[Chart]:
    """The dashboard's charts, in the order a reviewer asks: reused where, how mature, how it developed.

    ``memo`` keeps drawings by what they show (see :func:`hub.render.charts.stacked_bars`)."""
    # links for the adopted packages alone (the chart ranks those): one per package of the catalogue was most of a page's drawing
    charts = [reused_packages(adoption, names, {p: package_href(p) for p in {row.package for row in adoption.adoptions}}, memo)]
    if history is not None:  # the whole catalogue (a Themenfeld's page would show a single bar)
        charts.append(levels_by_themenfeld(maturity, levels, {t: themen_href(t) for t in maturity.by_themenfeld}, memo))
    publishers = {row.publisher: row.package.split("/")[0] for row in maturity.packages}
    charts.append(levels_by_publisher(maturity, levels, {name: publisher_href(pid) for name, pid in publishers.items()}, memo))
    if history is not None:
        charts.append(levels_over_time(history, levels, memo))
        charts.append(adoptions_over_time(history, memo))
    return charts
