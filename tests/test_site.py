"""The static site in a real browser: search, facets, package pages, accessibility, clone over plain HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from hub.site import build_site
from hub.site.searchindex import fold, shard_name, shard_of
from hub.store import Catalog, publish, seed
from hub.validate import PackageFiles
from tests.browser import launch, serve_directory
from tests.factory import package_files

ARTIFACTS = Path(tempfile.mkdtemp(prefix="transferhub-site-shots-"))  # screenshots to look at; never into the repository
PREFIX = "/unter/einem/pfad"  # the site must work below any path prefix


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    catalog = Catalog.create(tmp_path_factory.mktemp("katalog") / "catalog.git")
    seed(catalog)
    webroot = tmp_path_factory.mktemp("web")
    out = webroot / PREFIX.strip("/")
    report = build_site(catalog, out)
    server, url = serve_directory(webroot)
    yield {"catalog": catalog, "out": out, "url": url + PREFIX, "report": report}
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def search_page(page, url: str):
    page.goto(url + "/suche/index.html")
    page.wait_for_selector("#suche[data-ready=true]")
    return page


def test_typing_gewerbe_finds_trade_registration(site, page):
    search_page(page, site["url"])
    page.fill("#q", "")
    page.type("#q", "Gewerbe", delay=20)
    expect(page.locator("#treffer")).to_have_attribute("data-query", "Gewerbe")
    titles = page.locator("#treffer .card h3").all_inner_texts()
    assert "Digitale Gewerbeanmeldung" in titles
    assert {"Digitale Gewerbeummeldung", "Digitale Gewerbeabmeldung"} <= set(titles)
    assert "Hundesteuer" not in " ".join(titles)
    page.screenshot(path=str(ARTIFACTS / "suche-gewerbe.png"), full_page=True)


def test_german_word_forms_match(site, page):
    search_page(page, site["url"])
    for query, expected in (("Anmeldungen", "Digitale Gewerbeanmeldung"), ("Buergerbuero", "Online-Terminvergabe Bürgerbüro")):
        page.fill("#q", query)
        expect(page.locator("#treffer")).to_have_attribute("data-query", query)
        assert expected in page.locator("#treffer .card h3").all_inner_texts(), query


def test_facet_narrows_results(site, page):
    search_page(page, site["url"])
    before = page.locator("#treffer .card").count()
    assert before == len(site["catalog"].package_ids())
    box = page.get_by_label(re.compile(r"Unternehmensführung & -entwicklung \(\d+\)"))
    box.check()
    expect(page.locator("#treffer .card")).not_to_have_count(before)
    after = page.locator("#treffer .card .meta").all_inner_texts()
    assert 0 < len(after) < before
    assert all("Unternehmensführung & -entwicklung" in meta for meta in after)
    assert "themenfeld=" in page.url  # the filter is in the address, so it can be shared
    page.screenshot(path=str(ARTIFACTS / "suche-facette.png"), full_page=True)


def test_entry_link_from_start_page_preselects_nothing_but_works_without_js(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site["url"] + "/index.html")
    page.get_by_role("link", name="Unternehmensführung & -entwicklung").click()
    assert "Digitale Gewerbeanmeldung" in page.locator("main").inner_text()
    page.goto(site["url"] + "/suche/index.html")
    assert page.get_by_role("link", name="alle Pakete", exact=True).count() == 1
    context.close()


def test_package_page_shows_diagram_and_form_preview(site, page):
    page.goto(site["url"] + "/pakete/stadt-paderborn/gewerbeanmeldung/index.html")
    diagram = page.locator("#prozess svg.bpmn-diagram").first
    expect(diagram).to_be_visible()
    text = page.evaluate("(svg) => svg.textContent", diagram.element_handle())
    for name in task_names(site["catalog"], "stadt-paderborn/gewerbeanmeldung"):
        assert " ".join(name.split()) in " ".join(text.replace("\u00ad", "").split()), name
    form = page.locator("#formular form").first
    expect(form).to_be_visible()
    assert form.locator("label").count() > 10
    assert form.locator("select, input[type=radio]").count() > 0
    assert form.locator("input, select, textarea").count() > 10
    assert form.locator("input:not([disabled]), select:not([disabled]), textarea:not([disabled])").count() == 0
    assert "Reifegrad 3 · Nachnutzbar" in page.locator("#reifegrad").inner_text()
    assert page.locator("#versionen table tbody tr").count() == 4
    page.screenshot(path=str(ARTIFACTS / "paket-gewerbeanmeldung.png"), full_page=True)


def task_names(catalog: Catalog, package_id: str) -> list[str]:
    from hub.validate.bpmn import BPMN_NS, parse_bpmn

    data = catalog.read_file(package_id, next(a.path for a in catalog.get(package_id).manifest.artefacts if a.kind == "process-model"))
    return [el.get("name") for el in parse_bpmn(data).iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}serviceTask") if el.get("name")]


@pytest.mark.parametrize(
    "path",
    [
        "/index.html",
        "/suche/index.html",
        "/pakete/stadt-paderborn/gewerbeanmeldung/index.html",
        "/dashboard/index.html",
        "/quellen/index.html",
        "/karte/index.html",
        "/organisationen/stadt-paderborn/index.html",
    ],
)
def test_no_serious_accessibility_violations(site, page, path):
    page.goto(site["url"] + path)
    if "suche" in path:
        page.wait_for_selector("#suche[data-ready=true]")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_dashboard_and_downloads(site, page):
    page.goto(site["url"] + "/dashboard/index.html")
    body = page.locator("main").inner_text()
    assert "Stadt Paderborn" in body and "Unternehmensführung & -entwicklung" in body and "Stadt Soest" not in body
    csv = (site["out"] / "dashboard" / "reifegrade.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("Paket (Kennung);Paket;Herausgeber")
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def test_every_relative_link_resolves_and_none_is_absolute(site):
    out = site["out"]
    for page in out.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto") or link.startswith("#"):
                assert parts.scheme != "http" or "127.0.0.1" not in link
                continue
            assert not link.startswith("/"), f"{page}: absolute path {link}"
            target = (page.parent / parts.path).resolve()
            if target.is_relative_to(out.resolve() / "arbeitsbereich"):
                continue  # the workspace ("Nachnutzung erfassen"): served by a running hub only (tests/test_workspace.py follows it)
            assert target.exists(), f"{page.relative_to(out)} → {link}"
    feed = (out / "feed.atom").read_text()
    assert "<feed" in feed and "stadt-paderborn/gewerbeanmeldung" in feed


def test_theme_urls_are_spelled_as_german_without_umlauts(site):
    themen = sorted(p.name for p in (site["out"] / "themen").iterdir() if p.is_dir())
    assert {"steuern-zoll", "bauen-wohnen", "querschnittsleistungen", "unternehmensfuehrung-entwicklung", "mobilitaet-reisen"} <= set(
        themen
    )
    assert not {"steurn-zoll", "baun-wohnen", "qurschnittsleistungen"} & set(themen)  # the old misspellings are gone


def test_git_clone_from_the_static_site(site, tmp_path):
    target = tmp_path / "klon"
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    result = subprocess.run(
        ["git", "clone", "-q", site["url"] + "/git/stadt-delbrueck/hundesteuer-anmeldung.git", str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert subprocess.run(["git", "-C", str(target), "tag"], capture_output=True, text=True, check=False).stdout.split() == [
        "v1.0.0",
        "v1.0.1",
        "v1.1.0",
    ]
    assert (target / "hub.yaml").is_file()


def test_incremental_build_rewrites_only_what_a_publish_affects(tmp_path):
    catalog = Catalog.create(tmp_path / "c.git")
    seed(catalog)
    out = tmp_path / "site"
    first = build_site(catalog, out)
    assert build_site(catalog, out).written == []
    # published on the day of the last seed commit: "months in production" stay as they were
    head = catalog.head()
    when = datetime.fromtimestamp(head.commit_time, timezone(timedelta(minutes=head.commit_time_offset)))
    publish(catalog, PackageFiles(package_files("stadt-paderborn/neues-paket", "1.0.0"), folder_name="neues-paket"), when=when)
    again = build_site(catalog, out)
    written = set(again.written)
    assert "pakete/stadt-paderborn/neues-paket/index.html" in written
    part = f"suche/{shard_name(shard_of('stadt-paderborn/neues-paket'))}"  # the index part holding the package, not the whole index
    assert {"index.html", part, "pakete/index.html", "herausgeber/stadt-paderborn/index.html", "feed.atom"} <= written
    assert len([rel for rel in written if rel.startswith("suche/")]) == 1
    untouched = {p for p in first.written if p.count("/") >= 3 and p.startswith("pakete/stadt-") and "neues-paket" not in p}
    assert untouched and not (untouched & written), sorted(untouched & written)[:5]


def test_the_start_page_shows_the_largest_publishers_and_links_to_all(tmp_path, monkeypatch):
    """The start page (rewritten after every publish) must not grow with the number of publishers."""
    from collections import Counter

    from hub.site import build

    monkeypatch.setattr(build, "START_PUBLISHERS", 2)
    catalog = Catalog.create(tmp_path / "c.git")
    seed(catalog)
    out = tmp_path / "site"
    build_site(catalog, out)
    counts = Counter(pid.split("/")[0] for pid in catalog.package_ids())
    assert len(counts) > 2
    names = {p.id: p.name for p in catalog.publishers()}
    largest = sorted(counts, key=lambda pid: (-counts[pid], fold(names.get(pid, pid)), pid))[:2]
    start = (out / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'href="herausgeber/([^/"]+)/index.html"', start)
    assert shown == largest
    assert f'<a href="herausgeber/index.html">Alle {len(counts)} Herausgeber</a>' in start
    assert (out / "herausgeber/index.html").read_text(encoding="utf-8").count('href="') >= len(counts)  # every one is there


def test_search_parts_double_as_the_catalogue_grows_and_a_publish_rewrites_one(tmp_path, monkeypatch):
    """The part a publish rewrites must not grow with the catalogue: past 2 packages a part (scaled down from 1,000)
    the parts double, and an incremental build gives the bytes of a fresh one at every count."""
    from hub.site import searchindex

    monkeypatch.setattr(searchindex, "SHARDS", 2)
    monkeypatch.setattr(searchindex, "SHARD_PACKAGES", 2)
    assert [searchindex.shard_count(n) for n in (0, 4, 5, 8, 9, 17)] == [2, 2, 4, 4, 8, 16]
    catalog = Catalog.create(tmp_path / "c.git")
    seed(catalog)
    out = tmp_path / "site"
    build_site(catalog, out)
    head = catalog.head()
    when = datetime.fromtimestamp(head.commit_time, timezone(timedelta(minutes=head.commit_time_offset)))

    def parts(folder: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted((folder / "suche").glob("*.json.gz"))}

    def add(name: str) -> None:
        files = package_files(f"stadt-paderborn/{name}", "1.0.0")
        publish(catalog, PackageFiles(files, folder_name=name), when=when)

    count = searchindex.shard_count(len(catalog.package_ids()))
    for step in range(3):
        while searchindex.shard_count(len(catalog.package_ids())) == count:
            add(f"paket-{step}-{len(catalog.package_ids())}")
        count = searchindex.shard_count(len(catalog.package_ids()))
        build_site(catalog, out)
        fresh = build_site(catalog, tmp_path / f"frisch-{step}")
        assert parts(out) == parts(Path(fresh.out))  # the parts of the old count are gone, the new ones as a fresh build has them
        assert len(parts(out)) == count + 1  # the head and its parts
    # a publish that adds no package rewrites one part, and the parts are still those of a fresh build
    last = catalog.package_ids()[-1]
    publish(catalog, PackageFiles(package_files(last, "1.0.1"), folder_name=last.split("/")[1]), when=when)
    again = build_site(catalog, out)
    assert [rel for rel in again.written if rel.startswith("suche/")] == [f"suche/{shard_name(shard_of(last, count))}"]
    assert parts(out) == parts(Path(build_site(catalog, tmp_path / "frisch-zuletzt").out))


def test_harvest_reports_are_shown(tmp_path, browser):
    from hub.federation.model import HarvestReport, Refused
    from hub.federation.reports import write_report
    from hub.model import Problem

    catalog = Catalog.create(tmp_path / "c.git")
    seed(catalog)
    problem = Problem(
        code="manifest-license-unknown", file="hub.yaml", pointer="/license", message="„Freeware“ ist keine bekannte SPDX-Lizenzkennung."
    )
    write_report(
        catalog,
        HarvestReport(
            source="musterstadt",
            url="/srv/quellen/musterstadt",
            time="2025-03-01T10:00:00+01:00",
            status="ok",
            publisher="stadt-musterstadt",
            refused=[
                Refused(folder="pakete/kaputt", problems=[problem], since="2025-03-01", id="stadt-musterstadt/kaputt", version="1.0.0")
            ],
        ),
    )
    out = tmp_path / "site"
    build_site(catalog, out)
    server, url = serve_directory(out)
    try:
        page = browser.new_page()
        page.goto(url + "/quellen/index.html")
        text = page.locator("main").inner_text()
        assert "musterstadt" in text and "0 übernommen, 0 unverändert, 1 abgelehnt" in text
        page.get_by_text("stadt-musterstadt/kaputt 1.0.0").click()
        assert "„Freeware“ ist keine bekannte SPDX-Lizenzkennung." in page.locator("main").inner_text()
        page.close()
    finally:
        server.shutdown()


def test_package_page_lists_confirmed_adoptions_apart_from_claims_and_the_audit_history(site, page):
    page.goto(site["url"] + "/pakete/stadt-paderborn/gewerbeanmeldung/index.html")
    confirmed = page.locator("#nutzer ul.adoptions-confirmed").inner_text()
    assert "Stadt Soest" in confirmed and "bestätigt vom Herausgeber Stadt Paderborn" in confirmed
    claimed = page.locator("#nutzer ul.adoptions-claimed").inner_text()
    assert "Stadt Lippstadt" in claimed and "Stadt Bottrop" in claimed and "Stadt Soest" not in claimed
    page.locator("#verlauf-nachnutzung summary").click()
    rows = page.locator("#verlauf-nachnutzung tbody tr")
    assert rows.count() >= 6  # three steps of Soest, its confirmation, Lippstadt, Bottrop, the review
    assert "Stadt Paderborn bestätigt die Nachnutzung" in page.locator("#verlauf-nachnutzung").inner_text()


def test_bytes_of_a_realistic_package_stay_within_budget(site):
    """What the site spends on the seed's Gewerbeanmeldung (four versions, a form, a process model): the page, its
    drawing, the comparisons and the clone export, each below what they took before issue 16's byte work (page
    97.1 kB, drawing 23.6 kB, comparisons 104.7 kB, export 54.4 kB in four packs)."""
    package = site["out"] / "pakete" / "stadt-paderborn" / "gewerbeanmeldung"
    page = (package / "index.html").read_text(encoding="utf-8")
    drawing = sum(len(m) for m in re.findall(r"<svg\b.*?</svg>", page, re.S))
    comparisons = sum(p.stat().st_size for p in (package / "vergleich").iterdir())
    for comparison in (package / "vergleich").iterdir():  # the diagram's zoom script only where a diagram is drawn
        text = comparison.read_text(encoding="utf-8")
        assert ("diagram.js" in text) == ("<svg" in text), comparison.name
    assert any("<svg" in p.read_text(encoding="utf-8") for p in (package / "vergleich").iterdir())
    export = site["out"] / "git" / "stadt-paderborn" / "gewerbeanmeldung.git"
    packs = sorted(p.name for p in (export / "objects" / "pack").iterdir())
    assert len(page.encode()) < 90_000 and drawing < 21_000 and comparisons < 100_000
    assert len(packs) == 2 and sum(p.stat().st_size for p in export.rglob("*") if p.is_file()) < 30_000  # one pack, one index
    assert "\n  " not in re.sub(r"<pre\b.*?</pre>", "", page, flags=re.S)  # no indentation outside preformatted text


def test_a_comparison_table_caption_stays_readable_at_390_px_while_its_table_scrolls(site, browser):
    """At phone width a wide table scrolls inside itself; its caption wrapped at the table's width and was cut off."""
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(site["url"] + "/pakete/stadt-paderborn/online-terminvergabe/vergleich/1.1.0...2.0.0.html")
        captions = page.evaluate(
            "[...document.querySelectorAll('caption')].map(c => { const r = c.getBoundingClientRect(); return [c.textContent.trim(), r.left, r.right]; })"
        )
        assert "Geänderte Aufgaben, Ereignisse und Gateways" in [text for text, _, _ in captions]
        assert all(left >= 0 and right <= 390 for _, left, right in captions), captions
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself never scrolls sideways
        page.screenshot(path=str(ARTIFACTS / "vergleich-390.png"), full_page=True)
    finally:
        context.close()
