"""The picture (issue 13): dashboard charts, reports for German Excel, organisation pages, transfer map, diagrams, savings."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest
from lxml import html as lxml_html
from playwright.sync_api import sync_playwright

from hub.maturity import maturity_model
from hub.maturity.reports import adoption_report, history_report, maturity_report
from hub.site import build_site
from hub.site.build import slug
from hub.store import Catalog, seed
from hub.store.records import adoptions
from tests.browser import launch, serve_directory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "picture"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    catalog = Catalog.create(tmp_path_factory.mktemp("katalog") / "catalog.git")
    seed(catalog)
    out = tmp_path_factory.mktemp("web")
    build_site(catalog, out)
    server, url = serve_directory(out)
    yield {"catalog": catalog, "out": out, "url": url}
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def open_page(browser, url: str, width: int = 1280):
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(url)
    return page


def chart_table(doc, chart_id: str) -> dict[str, list[int]]:
    """The numbers beside a chart: row label -> values, parsed from the page."""
    table = doc.xpath(f'//table[@data-chart="{chart_id}"]')[0]
    rows = {}
    for tr in table.xpath("./tbody/tr[th]"):
        rows[tr.xpath("./th")[0].text_content().strip()] = [int(td.text_content().replace(".", "")) for td in tr.xpath("./td")]
    return rows


def test_dashboard_charts_show_the_report_numbers(site):
    catalog = site["catalog"]
    doc = lxml_html.fromstring((site["out"] / "dashboard" / "index.html").read_bytes())
    levels = [level.level for level in maturity_model().levels]
    report = maturity_report(catalog)
    # every chart is a complete SVG with an accessible name and description, and a table beside it
    figures = doc.xpath('//figure[contains(@class, "chart")]')
    assert len(figures) == 5
    for figure in figures:
        svg = figure.xpath(".//svg")[0]
        assert svg.get("role") == "img" and svg.xpath("./title")[0].text and svg.xpath("./desc")[0].text
        assert not figure.xpath(".//script") and figure.xpath(".//table")
    assert chart_table(doc, "reifegrade-themenfeld") == {t: [c.get(str(n), 0) for n in levels] for t, c in report.by_themenfeld.items()}
    assert chart_table(doc, "reifegrade-herausgeber") == {p: [c.get(str(n), 0) for n in levels] for p, c in report.by_publisher.items()}
    history = history_report(catalog)
    assert chart_table(doc, "reifegrade-verlauf") == {p.period: [p.levels.get(str(n), 0) for n in levels] for p in history.points}
    statuses = ["planned", "pilot", "production", "ended"]
    assert chart_table(doc, "nachnutzungen-verlauf") == {p.period: [p.adoptions.get(s, 0) for s in statuses] for p in history.points}
    # most reused: recounted here from the adoption records (other organisations only)
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in adoption_report(catalog).adoptions:
        if row.adopter != row.package.split("/")[0]:
            counts[row.package][row.status] += 1
    names = {m.id: m.name for m in catalog.manifests()}
    assert chart_table(doc, "meistgenutzt") == {names[p]: [c[s] for s in statuses] for p, c in counts.items()}
    # the bars carry the same numbers as the table (pygal writes each value into the bar)
    svg = doc.xpath('//svg[@data-chart="meistgenutzt"]')[0]
    drawn = sorted(int(d.text) for d in svg.xpath('.//desc[@class="value"]') if d.text != "0")
    assert drawn == sorted(v for c in counts.values() for v in c.values() if v)


def test_dashboard_per_themenfeld(site):
    report = maturity_report(site["catalog"])
    themenfeld = "Querschnittsleistungen"
    page = site["out"] / "dashboard" / "themen" / f"{slug(themenfeld)}.html"
    doc = lxml_html.fromstring(page.read_bytes())
    assert themenfeld in doc.xpath("//h1")[0].text_content()
    publishers = chart_table(doc, "reifegrade-herausgeber")
    assert sum(map(sum, publishers.values())) == sum(report.by_themenfeld[themenfeld].values())
    assert not doc.xpath('//table[@data-chart="reifegrade-verlauf"]')  # the history is the whole catalogue's


def test_csv_opens_in_german_excel(site):
    catalog = site["catalog"]
    with open(site["out"] / "dashboard" / "reifegrade.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert (site["out"] / "dashboard" / "reifegrade.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert rows[0] == ["Paket (Kennung)", "Paket", "Herausgeber", "Themenfeld", "Version", "Reifegrad berechnet", "Reifegrad",
                       "Reifegrad (Bezeichnung)", "begutachtet"]
    report = maturity_report(catalog)
    assert [r[0] for r in rows[1:]] == [p.package for p in report.packages]
    assert [r[8] for r in rows[1:]] == ["ja" if p.reviewed else "nein" for p in report.packages]
    assert any("ü" in r[1] or "ä" in r[1] or "ö" in r[1] for r in rows[1:])  # umlauts survive
    with open(site["out"] / "dashboard" / "nachnutzungen.csv", encoding="utf-8-sig", newline="") as handle:
        adoptions = list(csv.DictReader(handle, delimiter=";"))
    assert {a["Stand"] for a in adoptions} <= {"geplant", "im Pilotbetrieb", "in Produktion", "beendet"}
    assert len(adoptions) == len(adoption_report(catalog).adoptions)


def test_xlsx_has_one_sheet_per_report(site):
    catalog = site["catalog"]
    book = openpyxl.load_workbook(site["out"] / "dashboard" / "berichte.xlsx")
    assert book.sheetnames[:3] == ["Reifegrade", "Nachnutzungen", "Verlauf"]
    sheet = book["Reifegrade"]
    assert [c.value for c in sheet[1]][:3] == ["Paket (Kennung)", "Paket", "Herausgeber"]
    report = maturity_report(catalog)
    assert [(r[0].value, r[6].value) for r in sheet.iter_rows(min_row=2)] == [(p.package, p.level) for p in report.packages]
    verlauf = book["Verlauf"]
    assert verlauf.max_row - 1 == len(history_report(catalog).points)


def test_chart_values_on_hover_and_filter_in_place(site, browser):
    page = open_page(browser, site["url"] + "/dashboard/index.html")
    bar = page.locator('svg[data-chart="meistgenutzt"] .bar > rect.reactive[width]').last
    bar.hover()
    tip = page.locator(".chart-tip")
    assert tip.is_visible() and ":" in tip.inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.locator('[data-filter=themenfeld] a', has_text="Querschnittsleistungen").click()
    page.wait_for_url("**/dashboard/themen/*.html")
    assert "Querschnittsleistungen" in page.locator("h1").inner_text()
    assert page.locator('[data-filter=themenfeld] a[aria-current=page]').inner_text() == "Querschnittsleistungen"
    page.context.close()


def test_every_organisation_with_a_record_has_a_page(site):
    catalog = site["catalog"]
    records = {p.id for p in catalog.publishers()}
    named = {a.adopter for a in adoptions(catalog)} | {m.id.split("/")[0] for m in catalog.manifests()}
    for oid in records | named:
        page = site["out"] / "organisationen" / oid / "index.html"
        assert page.is_file(), oid
    index = lxml_html.fromstring((site["out"] / "organisationen" / "index.html").read_bytes())
    assert {a.get("href").split("/")[0] for a in index.xpath("//tbody//a")} == records | named
    # Soest runs Online-Terminvergabe 1.1.0 while 2.0.0 is out: its page says it is behind
    soest = lxml_html.fromstring((site["out"] / "organisationen" / "stadt-soest" / "index.html").read_bytes())
    row = next(tr for tr in soest.xpath("//tr") if "Online-Terminvergabe" in tr.text_content())
    assert "1.1.0" in row.text_content() and "nein: Version 2.0.0 ist erschienen" in row.text_content()
    # the publisher's page lists its packages and who adopted them
    paderborn = (site["out"] / "organisationen" / "stadt-paderborn" / "index.html").read_text(encoding="utf-8")
    assert "Digitale Gewerbeanmeldung" in paderborn and "Stadt Soest" in paderborn


def test_transfer_map_edges_are_the_adoption_records(site):
    catalog = site["catalog"]
    expected = sorted((a.package, a.package.split("/")[0], a.adopter, a.status) for a in adoptions(catalog) if a.adopter != a.package.split("/")[0])
    doc = lxml_html.fromstring((site["out"] / "karte" / "index.html").read_bytes())
    for view in ("netz",):
        edges = doc.xpath(f'//svg[@data-view="{view}"]//*[contains(concat(" ", @class, " "), " edge ")]')
        assert sorted((e.get("data-package"), e.get("data-from"), e.get("data-to"), e.get("data-status")) for e in edges) == expected
    # every node links to the organisation's page, and that page exists
    for node in doc.xpath('//svg[@data-view="netz"]//a[@class="node"]'):
        assert (site["out"] / "karte" / node.get("href")).resolve().is_file()
    rows = doc.xpath("//table[contains(@class, 'map-edges')]/tbody/tr[@data-package]")
    assert sorted((r.get("data-package"), r.get("data-from"), r.get("data-to")) for r in rows) == [e[:3] for e in expected]


def test_transfer_map_filters_by_themenfeld_and_time(site, browser):
    page = open_page(browser, site["url"] + "/karte/index.html")
    edges = page.locator('svg[data-view="netz"] .edge')
    total = edges.count()
    assert total > 0 and page.locator("[data-map-count]").inner_text() == f"{total} Nachnutzungen sichtbar"
    page.screenshot(path=str(ARTIFACTS / "transferkarte.png"), full_page=True)
    page.select_option("select[name=themenfeld]", "Querschnittsleistungen")
    visible = [e for e in edges.all() if e.is_visible()]
    assert 0 < len(visible) < total and all(e.get_attribute("data-themenfeld") == "Querschnittsleistungen" for e in visible)
    page.select_option("select[name=themenfeld]", "")
    page.locator("input[name=monat]").fill("0")  # the first month: only what had started by then
    first = page.locator("output").inner_text()
    visible = [e for e in edges.all() if e.is_visible()]
    assert len(visible) < total
    assert all(min(h.split(":")[0] for h in e.get_attribute("data-history").split(","))[:7] <= first for e in visible)
    page.locator('svg[data-view="netz"] a.node').first.click()
    page.wait_for_url("**/organisationen/*/index.html")
    page.context.close()
