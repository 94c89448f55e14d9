"""The savings view for the ministry: einsparungen/index.html (and its CSV), from hub.maturity.savings."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from hub.maturity.savings import SavingsReport, savings_report
from hub.maturity.spreadsheets import to_csv
from hub.render.charts import Chart, ChartTable, TableRow, stacked_bars

if TYPE_CHECKING:
    from hub.site.build import SiteBuilder

ASSUMPTIONS = [
    (
        "Gezählt wird jede Nachnutzung durch eine andere Organisation im Pilot- oder Produktivbetrieb, deren aktueller Stand bestätigt ist "
        "(vom Herausgeber, von einer Prüfstelle oder durch die Herkunft aus einem anderen Hub) – dieselbe Regel wie beim Reifegrad."
    ),
    "Eine Nachnutzung spart den Aufwand, den der Herausgeber für die Entwicklung angegeben hat (effort.build im Manifest der neuesten Version).",
    (
        "Davon abgezogen wird der Aufwand der Nachnutzung: der tatsächliche Aufwand laut Nachnutzungseintrag, sonst die Schätzung im Paket "
        "(effort.adopt, sonst der Aufwand im Nachnutzungsleitfaden)."
    ),
    "Personentage und Euro werden getrennt summiert und nicht ineinander umgerechnet.",
    "Eine Nachnutzung eines Pakets ohne Angabe zum Entwicklungsaufwand wird gezählt, aber nicht bewertet.",
    "Die Angaben im Seed-Katalog sind veranschaulichende Beispielwerte.",
]


def report(builder: SiteBuilder) -> SavingsReport:
    data = builder.data
    return savings_report(
        {pid: i.manifest for pid, i in data.packages.items()}, [a for i in data.packages.values() for a in i.adoptions], data.trusted
    )


def savings_chart(savings: SavingsReport, names: dict[str, str], root: str) -> Chart:
    packages = [p for p, t in sorted(savings.by_package.items(), key=lambda kv: -kv[1].saved_person_days) if t.valued]
    labels = [names.get(p, p) for p in packages]
    series = {"eingesparte Personentage": [round(savings.by_package[p].saved_person_days, 1) for p in packages]}
    rows = [
        TableRow(
            label=names.get(p, p),
            values=[
                round(savings.by_package[p].saved_person_days, 1),
                round(savings.by_package[p].saved_costs_eur),
                savings.by_package[p].adoptions,
            ],
            href=f"{root}pakete/{p}/index.html",
        )
        for p in packages
    ]
    total = savings.total
    description = (
        f"Balken je Paket: eingesparte Personentage aller bestätigten Nachnutzungen; zusammen {total.saved_person_days:g} Personentage "
        f"und {total.saved_costs_eur:,.0f} Euro bei {total.adoptions} Nachnutzungen.".replace(",", ".")
    )
    return stacked_bars(
        "einsparungen",
        "Eingesparte Personentage je Paket",
        description,
        labels,
        series,
        ("#1d7a34",),
        horizontal=True,
        table=ChartTable(
            caption="Einsparung je Paket", row_header="Paket", columns=["Personentage", "Euro", "bestätigte Nachnutzungen"], rows=rows
        ),
    )


def write_savings(builder: SiteBuilder) -> SavingsReport:
    savings = report(builder)
    key = msgspec.to_builtins(savings)
    names = {pid: i.manifest.name for pid, i in builder.data.packages.items()}
    rel = "einsparungen/index.html"
    builder.page(
        rel,
        _key(key),
        lambda: builder.html(
            rel,
            "savings.html",
            title="Einsparungen",
            section="einsparungen",
            s=savings,
            chart=savings_chart(savings, names, "../"),
            assumptions=ASSUMPTIONS,
            names=names,
        ),
    )
    builder.page("einsparungen/einsparungen.csv", _key(key), lambda: to_csv(savings.rows))
    return savings


def _key(*parts) -> str:
    from hub.site.build import _key as build_key

    return build_key(*parts)
