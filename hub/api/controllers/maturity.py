"""Maturity of package versions, the maturity model, and the ministry's reports (JSON, CSV or a workbook).

A running hub (``hub serve``) answers the reports from the files its served site's dashboard holds (``dashboard/``:
written by the site's child process after a publish, see :mod:`hub.site.build`), never by evaluating every package for
a request: a report sums up the whole catalogue (about 12 s of CPU at 10,000 packages), and anyone may ask for one,
as often as they like. The answer names the commit it describes (``commit`` in the JSON). The API alone (an app
without the served site, as the tests run it) evaluates the catalogue per request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.response import File

from hub.api.controllers.packages import Publisher, Slug, Version
from hub.api.problems import problem_responses
from hub.errors import ReportsNotReady
from hub.maturity import maturity, maturity_model
from hub.maturity.reports import (
    AdoptionReport,
    HistoryReport,
    MaturityReport,
    adoption_report,
    history_report,
    history_rows,
    maturity_report,
    report_sheets,
    to_csv,
)
from hub.maturity.spreadsheets import to_xlsx
from hub.model import Maturity
from hub.services import Services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportFiles:
    """The served site's report downloads, by the name the API gives them (the dashboard's ``dashboard/`` folder)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def answer(self, name: str, media_type: str, *, download: bool = False) -> Any:
        """The file ``name`` as the answer (``download``: one a browser saves, under that name); a problem until it is written.

        Any, not a report type: Litestar passes a response through, and the route's annotation describes the body it holds."""
        path = self.folder / name
        if not path.is_file():
            raise ReportsNotReady(
                "Die Berichte werden mit der Website des Hubs erstellt, die gerade entsteht (erster Start). Bitte in einigen Sekunden erneut anfragen."
            )
        disposition: Literal["attachment", "inline"] = "attachment" if download else "inline"
        return File(path, media_type=media_type, filename=name, content_disposition_type=disposition)


class MaturityController(Controller):
    path = "/api/v1/packages"
    tags = ("Reifegrad",)

    @get(
        "/{publisher:str}/{slug:str}/maturity",
        summary="Reifegrad der neuesten Version mit allen Kriterien und Belegen",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def latest(self, services: NamedDependency[Services], publisher: Publisher, slug: Slug) -> Maturity:
        return maturity(services.catalog, f"{publisher}/{slug}")

    @get(
        "/{publisher:str}/{slug:str}/versions/{version:str}/maturity",
        summary="Reifegrad einer Version",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def of_version(self, services: NamedDependency[Services], publisher: Publisher, slug: Slug, version: Version) -> Maturity:
        return maturity(services.catalog, f"{publisher}/{slug}", version)


CSV = "text/csv; charset=utf-8"


def _csv(text: str, name: str) -> Response[str]:
    return Response(text, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ("Berichte",)

    @get("/maturity-model", summary="Das Reifegradmodell (Stufen und Kriterien)", sync_to_thread=False)
    def model(self) -> dict[str, Any]:
        return msgspec.to_builtins(maturity_model())

    @get(
        "/maturity",
        summary="Reifegrade aller Pakete, nach Herausgeber und Themenfeld",
        sync_to_thread=True,
        responses=problem_responses(503),
    )
    def maturity(self, services: NamedDependency[Services], reports: NamedDependency[ReportFiles | None]) -> MaturityReport:
        if reports is not None:
            return reports.answer("reifegrade.json", "application/json")
        return maturity_report(services.catalog)

    @get(
        "/maturity.csv",
        summary="Reifegrade aller Pakete als CSV",
        sync_to_thread=True,
        media_type="text/csv",
        responses=problem_responses(503),
    )
    def maturity_csv(self, services: NamedDependency[Services], reports: NamedDependency[ReportFiles | None]) -> Response[str]:
        if reports is not None:
            return reports.answer("reifegrade.csv", "text/csv", download=True)
        return _csv(to_csv(maturity_report(services.catalog).packages), "reifegrade")

    @get("/adoption", summary="Nachnutzungen aller Pakete", sync_to_thread=True, responses=problem_responses(503))
    def adoption(self, services: NamedDependency[Services], reports: NamedDependency[ReportFiles | None]) -> AdoptionReport:
        if reports is not None:
            return reports.answer("nachnutzungen.json", "application/json")
        return adoption_report(services.catalog)

    @get("/adoption.csv", summary="Nachnutzungen als CSV", sync_to_thread=True, media_type="text/csv", responses=problem_responses(503))
    def adoption_csv(self, services: NamedDependency[Services], reports: NamedDependency[ReportFiles | None]) -> Response[str]:
        if reports is not None:
            return reports.answer("nachnutzungen.csv", "text/csv", download=True)
        return _csv(to_csv(adoption_report(services.catalog).adoptions), "nachnutzungen")

    @get(
        "/history",
        summary="Reifegrade und Nachnutzungen je Monat (aus der Git-Historie)",
        sync_to_thread=True,
        responses=problem_responses(503),
    )
    def history(self, services: NamedDependency[Services], reports: NamedDependency[ReportFiles | None]) -> HistoryReport:
        if reports is not None:
            return reports.answer("verlauf.json", "application/json")
        return history_report(services.catalog)

    @get("/history.csv", summary="Verlauf je Monat als CSV", sync_to_thread=True, media_type="text/csv", responses=problem_responses(503))
    def history_csv(self, services: NamedDependency[Services], reports: NamedDependency[ReportFiles | None]) -> Response[str]:
        if reports is not None:
            return reports.answer("verlauf.csv", "text/csv", download=True)
        return _csv(to_csv(history_rows(history_report(services.catalog))), "verlauf")

    @get(
        "/all.xlsx",
        summary="Alle Berichte als Excel-Arbeitsmappe (ein Blatt je Bericht)",
        sync_to_thread=True,
        media_type=XLSX,
        responses=problem_responses(503),
    )
    def workbook(self, services: NamedDependency[Services], reports: NamedDependency[ReportFiles | None]) -> Response[bytes]:
        if reports is not None:
            return reports.answer("berichte.xlsx", XLSX, download=True)
        catalog = services.catalog
        data = to_xlsx(report_sheets(maturity_report(catalog), adoption_report(catalog), history_report(catalog)))
        return Response(data, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="berichte.xlsx"'})
