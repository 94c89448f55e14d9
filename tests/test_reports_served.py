"""A running hub answers the ministry's reports from its served site's dashboard files, never by evaluating the catalogue.

Every package's maturity is evaluated for a report (about 12 s of CPU at 10,000 packages): before, any anonymous GET
of ``/api/v1/reports/maturity`` cost that, as often as it was sent.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import msgspec
import openpyxl
import pytest
from litestar.testing import TestClient

from hub.api import create_app
from hub.maturity.reports import AdoptionReport, HistoryReport, MaturityReport
from hub.web.site import site_folder
from tests.factory import archive, make_services, package_files

REPORTS = {
    "/api/v1/reports/maturity": ("reifegrade.json", "application/json", None),
    "/api/v1/reports/maturity.csv": ("reifegrade.csv", "text/csv; charset=utf-8", "reifegrade.csv"),
    "/api/v1/reports/adoption": ("nachnutzungen.json", "application/json", None),
    "/api/v1/reports/adoption.csv": ("nachnutzungen.csv", "text/csv; charset=utf-8", "nachnutzungen.csv"),
    "/api/v1/reports/history": ("verlauf.json", "application/json", None),
    "/api/v1/reports/history.csv": ("verlauf.csv", "text/csv; charset=utf-8", "verlauf.csv"),
    "/api/v1/reports/all.xlsx": ("berichte.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "berichte.xlsx"),
}


def until(check, limit: float = 60.0):
    deadline = time.monotonic() + limit
    while not (found := check()):
        assert time.monotonic() < deadline, "not within the limit"
        time.sleep(0.05)
    return found


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path, [("stadt-test/testpaket", "1.0.0"), ("kreis-muster/gewerbeanmeldung", "2.0.0")])


def test_before_the_site_has_written_them_a_report_is_a_503_problem_with_retry_after(services):
    dashboard = site_folder(services) / "dashboard"
    with TestClient(create_app(services, live=True, interval=0.05)) as client:
        until(lambda: not client.get("/api/v1/health").json().get("starting"))
        assert (dashboard / "reifegrade.json").is_file()
        for name in {file for file, _, _ in REPORTS.values()}:
            (dashboard / name).unlink()  # as on a first start, before the site's first build has written them
        for path in REPORTS:
            answer = client.get(path)
            problem = answer.json()
            assert answer.status_code == 503 and answer.headers["retry-after"] == "5", path
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert problem["code"] == "reports-not-ready" and "Bitte in einigen Sekunden erneut" in problem["detail"]


def test_a_running_hub_answers_each_report_with_the_site_file_and_follows_a_publish(services):
    dashboard = site_folder(services) / "dashboard"
    with TestClient(create_app(services, live=True, interval=0.05)) as client:
        until(lambda: not client.get("/api/v1/health").json().get("starting"))
        for path, (name, media_type, download) in REPORTS.items():
            answer = client.get(path)
            assert answer.status_code == 200, path
            # the file's bytes (the site writes its JSON indented, the API encodes a report it evaluates compactly)
            assert answer.content == (dashboard / name).read_bytes(), path
            assert answer.headers["content-type"] == media_type, path
            disposition = answer.headers["content-disposition"]
            assert disposition.startswith("attachment" if download else "inline") and (download is None or download in disposition)
        maturity = msgspec.json.decode(client.get("/api/v1/reports/maturity").content, type=MaturityReport)
        assert {r.package for r in maturity.packages} == {"stadt-test/testpaket", "kreis-muster/gewerbeanmeldung"}
        assert maturity.commit == client.get("/api/v1/health").json()["commit"]
        msgspec.json.decode(client.get("/api/v1/reports/adoption").content, type=AdoptionReport)
        assert msgspec.json.decode(client.get("/api/v1/reports/history").content, type=HistoryReport).points
        workbook = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/reports/all.xlsx").content))
        assert workbook.sheetnames[:3] == ["Reifegrade", "Nachnutzungen", "Verlauf"]

        answer = client.post(
            "/api/v1/packages/",
            files={"archive": ("paket.zip", archive(package_files("stadt-test/testpaket", "1.1.0")), "application/zip")},
            headers={"Authorization": f"Bearer {services.tokens.create('stadt-test', 'publisher')[0]}"},
        )
        assert answer.status_code == 201, answer.text
        head = client.get("/api/v1/health").json()["commit"]

        def newest() -> MaturityReport | None:
            report = msgspec.json.decode(client.get("/api/v1/reports/maturity").content, type=MaturityReport)
            return report if report.commit == head else None

        report = until(newest)  # written by the site's child after the publish (its dashboard comes behind its pages)
        (row,) = [r for r in report.packages if r.package == "stadt-test/testpaket"]
        assert row.version == "1.1.0"


def test_the_api_alone_evaluates_the_catalogue_for_a_report(services):
    # an app without the served site (no site folder at all) still answers: the tests of the reports' content use it
    assert not Path(site_folder(services)).exists()
    with TestClient(create_app(services)) as client:
        answer = client.get("/api/v1/reports/maturity")
        assert answer.status_code == 200 and {r["package"] for r in answer.json()["packages"]} == {
            "stadt-test/testpaket",
            "kreis-muster/gewerbeanmeldung",
        }
