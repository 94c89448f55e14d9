"""Maturity of package versions, the maturity model, and the ministry's reports (JSON or CSV)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency

from hub.api.controllers.packages import Publisher, Slug, Version
from hub.api.problems import problem_responses
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


def _csv(text: str, name: str) -> Response[str]:
    return Response(text, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ("Berichte",)

    @get("/maturity-model", summary="Das Reifegradmodell (Stufen und Kriterien)", sync_to_thread=False)
    def model(self) -> dict[str, Any]:
        return msgspec.to_builtins(maturity_model())

    @get("/maturity", summary="Reifegrade aller Pakete, nach Herausgeber und Themenfeld", sync_to_thread=True)
    def maturity(self, services: NamedDependency[Services]) -> MaturityReport:
        return maturity_report(services.catalog)

    @get("/maturity.csv", summary="Reifegrade aller Pakete als CSV", sync_to_thread=True, media_type="text/csv")
    def maturity_csv(self, services: NamedDependency[Services]) -> Response[str]:
        return _csv(to_csv(maturity_report(services.catalog).packages), "reifegrade")

    @get("/adoption", summary="Nachnutzungen aller Pakete", sync_to_thread=True)
    def adoption(self, services: NamedDependency[Services]) -> AdoptionReport:
        return adoption_report(services.catalog)

    @get("/adoption.csv", summary="Nachnutzungen als CSV", sync_to_thread=True, media_type="text/csv")
    def adoption_csv(self, services: NamedDependency[Services]) -> Response[str]:
        return _csv(to_csv(adoption_report(services.catalog).adoptions), "nachnutzungen")

    @get("/history", summary="Reifegrade und Nachnutzungen je Monat (aus der Git-Historie)", sync_to_thread=True)
    def history(self, services: NamedDependency[Services]) -> HistoryReport:
        return history_report(services.catalog)

    @get("/history.csv", summary="Verlauf je Monat als CSV", sync_to_thread=True, media_type="text/csv")
    def history_csv(self, services: NamedDependency[Services]) -> Response[str]:
        return _csv(to_csv(history_rows(history_report(services.catalog))), "verlauf")

    @get(
        "/all.xlsx",
        summary="Alle Berichte als Excel-Arbeitsmappe (ein Blatt je Bericht)",
        sync_to_thread=True,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    def workbook(self, services: NamedDependency[Services]) -> Response[bytes]:
        catalog = services.catalog
        data = to_xlsx(report_sheets(maturity_report(catalog), adoption_report(catalog), history_report(catalog)))
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="berichte.xlsx"'},
        )
