"""The picture (issue 13): dashboard charts, reports for German Excel, organisation pages, transfer map, diagrams, savings."""

from __future__ import annotations

import csv
import itertools
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest
import semver
from lxml import html as lxml_html
from playwright.sync_api import sync_playwright

from hub.maturity import maturity_model
from hub.maturity.reports import adoption_report, history_report, maturity_report
from hub.site import build_site
from hub.site.build import slug
from hub.store import Catalog, seed
from hub.store.records import adoptions
from tests.browser import launch, serve_directory

ARTIFACTS = Path(tempfile.mkdtemp(prefix="transferhub-picture-shots-"))  # screenshots to look at; never into the repository


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
    # most reused: recounted here from the adoption report's rows, by the report's rule of what counts (confirmed
    # adoptions of other organisations; claims count for nothing)
    counts: dict[str, Counter] = defaultdict(Counter)
    for row in adoption_report(catalog).adoptions:
        if row.counts_for_maturity and row.adopter != row.package.split("/")[0]:
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
    assert rows[0] == [
        "Paket (Kennung)",
        "Paket",
        "Herausgeber",
        "Themenfeld",
        "Version",
        "Reifegrad berechnet",
        "Reifegrad",
        "Reifegrad (Bezeichnung)",
        "begutachtet",
    ]
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
    page.locator("[data-filter=themenfeld] a", has_text="Querschnittsleistungen").click()
    page.wait_for_url("**/dashboard/themen/*.html")
    assert "Querschnittsleistungen" in page.locator("h1").inner_text()
    assert page.locator("[data-filter=themenfeld] a[aria-current=page]").inner_text() == "Querschnittsleistungen"
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
    expected = sorted(
        (a.package, a.package.split("/")[0], a.adopter, a.status) for a in adoptions(catalog) if a.adopter != a.package.split("/")[0]
    )
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


FLOW_NODE_KINDS = (
    "task",
    "userTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "manualTask",
    "businessRuleTask",
    "scriptTask",
    "callActivity",
    "subProcess",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
)

FITS = """() => {
  const out = [];
  for (const fig of document.querySelectorAll('figure.bpmn-figure')) {
    const f = fig.getBoundingClientRect(), s = fig.querySelector('svg.bpmn-diagram').getBoundingClientRect();
    out.push([s.left >= f.left - 1, s.right <= f.right + 1, f.right <= document.documentElement.clientWidth + 1]);
  }
  return {figures: out, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""

LABEL_PX = """(svg) => {
  // the smallest label on screen: its font size times the scale it is drawn at
  let smallest = 1e9;
  for (const text of svg.querySelectorAll('.bpmn-activity text')) {
    const box = text.getBBox(), rect = text.getBoundingClientRect();
    if (box.height > 0) smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * rect.height / box.height);
  }
  return smallest;
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_diagrams_fit_zoom_and_read(site, browser, width):
    page = open_page(browser, site["url"] + "/pakete/stadt-paderborn/gewerbeanmeldung/index.html", width)
    page.wait_for_selector(".bpmn-toolbar")
    fits = page.evaluate(FITS)
    assert fits["overflow"] <= 0 and all(all(f) for f in fits["figures"]), fits  # nothing cut off, no sideways scrolling
    figure = page.locator("figure.bpmn-figure").first
    svg = figure.locator("svg.bpmn-diagram")
    fitted = svg.bounding_box()["width"]
    figure.get_by_role("button", name="Vergrößern").click()
    page.wait_for_timeout(700)
    assert svg.bounding_box()["width"] > fitted * 1.05  # zoom changes the scale
    figure.focus()
    page.keyboard.press("0")
    page.wait_for_timeout(700)
    assert abs(svg.bounding_box()["width"] - fitted) < 2
    page.keyboard.press("+")
    page.wait_for_timeout(700)
    assert svg.bounding_box()["width"] > fitted * 1.05  # by keyboard too
    page.keyboard.press("0")
    page.wait_for_timeout(700)
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_timeout(700)
    assert svg.bounding_box()["width"] > fitted * 1.05  # and by mouse wheel
    # labels: at least 11 px at the default zoom, or after one click on the large view
    page.keyboard.press("0")
    page.wait_for_timeout(300)
    if page.evaluate(LABEL_PX, svg.element_handle()) < 11:
        figure.get_by_role("button", name="Großansicht über die ganze Fensterbreite").click()
        page.wait_for_timeout(700)
        assert page.evaluate(LABEL_PX, svg.element_handle()) >= 11
    if width == 1280:
        page.screenshot(path=str(ARTIFACTS / "diagramm-grossansicht.png"))
    page.context.close()


def test_diagram_without_javascript_is_complete(site, browser):
    from hub.validate.bpmn import BPMN_NS, parse_bpmn

    catalog = site["catalog"]
    manifest = catalog.get("stadt-paderborn/gewerbeanmeldung").manifest
    path = next(a.path for a in manifest.artefacts if a.kind == "process-model")
    ids = {el.get("id") for kind in FLOW_NODE_KINDS for el in parse_bpmn(catalog.read_file(manifest.id, path)).iter(f"{{{BPMN_NS}}}{kind}")}
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site["url"] + "/pakete/stadt-paderborn/gewerbeanmeldung/index.html")
    drawn = set(
        page.eval_on_selector_all("figure.bpmn-figure svg [data-element-id]", "els => els.map(e => e.getAttribute('data-element-id'))")
    )
    assert ids <= drawn
    fits = page.evaluate(FITS)
    assert fits["overflow"] <= 0 and all(all(f) for f in fits["figures"]), fits
    context.close()


def test_visual_diff_marks_exactly_what_the_semantic_diff_names(site):
    from types import SimpleNamespace

    from hub.adopt.semantic import semantic_diff
    from hub.store.catalog import package_path
    from hub.store.trees import subtree

    catalog = site["catalog"]
    package = "stadt-paderborn/gewerbeanmeldung"
    commits = {v.version: v.commit for v in catalog.versions(package)}
    checked = 0
    for older, newer in (("1.0.0", "1.1.0"), ("2.0.0", "2.1.0"), ("1.1.0", "2.0.0")):  # the last one changes the diagram
        trees = [SimpleNamespace(tree=subtree(catalog.repo, catalog.repo[commits[v]].tree, package_path(package))) for v in (older, newer)]
        semantic = semantic_diff(catalog.repo, package, trees[0], trees[1], older, newer)
        doc = lxml_html.fromstring((site["out"] / "pakete" / package / "vergleich" / f"{older}...{newer}.html").read_bytes())
        marked = {(g.get("data-element-id"), g.get("data-diff")) for g in doc.xpath("//figure//svg//*[@data-diff]")}
        assert marked == {(d.id, d.status) for d in semantic.process_nodes}
        listed = {(tr.get("data-element-id"), tr.get("data-diff")) for tr in doc.xpath("//table//tr[@data-diff]")}
        assert listed == marked
        # form fields and config keys of the semantic comparison are listed too
        text = doc.text_content()
        assert all(f.field in text for f in semantic.form_fields) and all(c.key in text for c in semantic.config_keys)
        checked += len(marked)
    assert checked > 0
    legend = doc.xpath("//ul[contains(@class, 'diff-legend')]")[0].text_content()
    assert "neu" in legend and "geändert" in legend and "entfernt" in legend


def test_package_page_order_and_one_contact_list(site):
    text = lxml_html.fromstring((site["out"] / "pakete" / "stadt-paderborn" / "gewerbeanmeldung" / "index.html").read_bytes())
    ids = [s.get("id") for s in text.xpath("//article/section")]
    assert ids[:4] == ["reifegrad", "nachweise", "nutzer", "prozess"] and ids[-1] == "kontakt"
    manifest = site["catalog"].get("stadt-paderborn/gewerbeanmeldung").manifest
    # contacts once: the manifest's list at the end; the README's own contact section gives way to it
    assert len(text.xpath("//article//*[self::h2 or self::h3][normalize-space()='Kontakt']")) == 1
    for contact in manifest.contacts:
        assert len(text.xpath(f"//article//a[@href='mailto:{contact.email}']")) == 1
        assert contact.email not in text.xpath("//section[@id='beschreibung']")[0].text_content()
    header = text.xpath("//article/header")[0].text_content()
    assert manifest.description.de.split(".")[0] in header  # what it does comes first
    links = text.xpath("//section[@id='versionen']//ul[@class='comparisons']//a/@href")
    versions = [v.version for v in site["catalog"].versions("stadt-paderborn/gewerbeanmeldung")]  # each against the one before
    expected = [f"vergleich/{older}...{newer}.html" for newer, older in itertools.pairwise(versions)]
    assert len(versions) >= 3 and links == expected


def test_savings_recomputed_from_the_seed_records(site):
    """The savings page against an independent recount from the seed catalogue's YAML files."""
    import yaml

    seed_dir = Path(__file__).resolve().parent.parent / "catalog"
    latest: dict[str, tuple[semver.Version, dict]] = {}
    for manifest in seed_dir.glob("packages/*/*@*/hub.yaml"):
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        version = semver.Version.parse(data["version"])
        if data["id"] not in latest or version > latest[data["id"]][0]:
            latest[data["id"]] = (version, data)
    expected_days: dict[str, float] = defaultdict(float)
    expected_eur: dict[str, float] = defaultdict(float)
    count = 0
    for path in seed_dir.glob("adoptions/*/*/*.yaml"):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        publisher = record["package"].split("/")[0]
        counting = record["status"] in ("pilot", "production") and record["adopter"] != publisher
        # the current status must be confirmed (by the publisher, a reviewer or provenance), as for maturity
        counting = counting and any(
            c["status"] == record["status"] and c["kind"] in ("publisher", "reviewer", "provenance")
            for c in record.get("confirmations", [])
        )
        if not counting:
            continue
        manifest = latest[record["package"]][1]
        build = manifest.get("effort", {}).get("build")
        if not build:
            continue
        spent = record.get("effort") or manifest["effort"].get("adopt") or {}
        themenfeld = manifest["classification"]["themenfeld"]
        expected_days[themenfeld] += build.get("person_days", 0) - spent.get("person_days", 0)
        expected_eur[themenfeld] += build.get("costs_eur", 0) - spent.get("costs_eur", 0)
        count += 1
    assert count >= 3  # the seed has confirmed adoptions with effort figures

    def german(text: str) -> float:
        return float(text.strip().replace(".", "").replace(",", "."))

    doc = lxml_html.fromstring((site["out"] / "einsparungen" / "index.html").read_bytes())
    shown = {
        tr.xpath("./th")[0].text_content().strip(): [german(td.text_content()) for td in tr.xpath("./td")]
        for tr in doc.xpath("//table[@data-savings='themenfeld']/tbody/tr")
    }
    total = shown.pop("Region gesamt")
    assert {t: (v[0], v[1]) for t, v in shown.items()} == {t: (expected_days[t], expected_eur[t]) for t in expected_days}
    assert (total[0], total[1]) == (sum(expected_days.values()), sum(expected_eur.values()))
    assert "Annahmen" in doc.text_content()
    # the same rows open in Excel
    with open(site["out"] / "einsparungen" / "einsparungen.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert sum(float(r["eingesparte Personentage"].replace(",", ".")) for r in rows if r["eingesparte Personentage"]) == sum(
        expected_days.values()
    )
    assert "Einsparungen" in openpyxl.load_workbook(site["out"] / "dashboard" / "berichte.xlsx").sheetnames
