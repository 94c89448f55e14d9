"""One real ``hub serve`` on the seed catalogue, seen as a browser and as other catalogues see it:
the API docs offline, one search for the site and the API, every URL of its exports resolving."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path
from urllib.parse import quote_plus, urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import sync_playwright
from pyshacl import validate

# rdflib's namespace module, not its closed namespaces (DCAT, …) as module-level names: pytest's collection asks every
# such name for attributes it lacks, and a closed namespace warns for each
from rdflib import Graph, URIRef, namespace

from hub.federation.dcat import SHAPES
from tests.browser import launch, serve_directory
from tests.server import start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("served"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def test_api_docs_render_their_operations_offline(server, browser):
    context = browser.new_context(locale="de-DE")
    outside: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:  # a network without internet: everything else is refused
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/packages" in [p.strip() for p in paths]
    assert page.locator(".opblock-tag").count() >= 5  # the tags: Pakete, Reifegrad, Föderation …
    assert outside == []
    context.close()


def test_api_docs_serve_only_their_own_files(server):
    assert httpx.get(server.url + "/api/v1/docs/swagger-ui.css").status_code == 200
    for name in ("package.json", "..%2F..%2Fpyproject.toml", "LICENSE"):
        response = httpx.get(server.url + "/api/v1/docs/" + name)
        assert response.status_code == 404 and response.headers["content-type"].startswith("application/problem+json")


# -- one search: the site's (in Chromium) and the API's give the same hits in the same order ---------

# (query, filters, a package that must be among the hits or None when nothing may be found);
# "%" in a query: sent percent-encoded exactly as written, to the site and to the API
CORPUS = [
    ("Gewerbe", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("gewerbe", {}, "stadt-bielefeld/gewerbeabmeldung"),
    ("Gewerbeanmeldung", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("Gewerbeanmeldungen", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("Anmeldung", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("Anmeldungen", {}, "stadt-paderborn/wohnsitzanmeldung"),
    ("anmelden", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Hundesteuer", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Hundsteuer", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Hundesteur", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Hudnesteuer", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Gewerbeanmledung", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("Gewerbeanmeldnug", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("Steuer", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Steuern", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Hunde", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("Bürgerbüro", {}, "stadt-paderborn/online-terminvergabe"),
    ("Buergerbuero", {}, "stadt-paderborn/online-terminvergabe"),
    ("Burgerburo", {}, "stadt-paderborn/online-terminvergabe"),
    ("BÜRGERBÜRO", {}, "stadt-delbrueck/fuehrungszeugnis-beantragen"),
    ("B%C3%BCrgerb%C3%BCro", {}, "stadt-paderborn/online-terminvergabe"),
    ("Fuehrungszeugnis", {}, "stadt-delbrueck/fuehrungszeugnis-beantragen"),
    ("F%C3%BChrungszeugnis+beantragen", {}, "stadt-delbrueck/fuehrungszeugnis-beantragen"),
    ("Führungszeugnisse", {}, "stadt-delbrueck/fuehrungszeugnis-beantragen"),
    ("Förderanträge", {}, "bezirksregierung-detmold/zuwendungsverfahren"),
    ("Foerderantrag", {}, "bezirksregierung-detmold/zuwendungsverfahren"),
    ("Förderung", {}, "bezirksregierung-detmold/zuwendungsverfahren"),
    ("Zuwendungen", {}, "bezirksregierung-detmold/zuwendungsverfahren"),
    ("Termine", {}, "stadt-paderborn/online-terminvergabe"),
    ("Terminvergabe online", {}, "stadt-paderborn/online-terminvergabe"),
    ("vergabe", {}, "stadt-paderborn/online-terminvergabe"),
    ("Personalausweis beantragen", {}, "stadt-paderborn/personalausweis-beantragen"),
    ("Ausweise", {}, "stadt-paderborn/personalausweis-beantragen"),
    ("Wohnsitz", {}, "stadt-paderborn/wohnsitzanmeldung"),
    ("Umzüge", {}, None),
    ("Parkausweis", {}, "stadt-bielefeld/bewohnerparkausweis"),
    ("Bewohnerparken", {}, "stadt-bielefeld/bewohnerparkausweis"),
    ("Anwohner", {}, "stadt-bielefeld/bewohnerparkausweis"),
    ("E-Akte", {}, "kreis-paderborn/e-akte"),
    ("Aktenpläne", {}, "kreis-paderborn/e-akte"),
    ("Signatur", {}, "kreis-paderborn/e-signatur"),
    ("elektronische Signaturen", {}, "kreis-paderborn/e-signatur"),
    ("Haushaltssatzung", {}, "bezirksregierung-detmold/haushaltsanzeige-kommunalaufsicht"),
    ("Kommunalaufsicht", {}, "bezirksregierung-detmold/haushaltsanzeige-kommunalaufsicht"),
    ("Bezahlen", {}, "stadt-paderborn/e-payment"),
    ("Paderborn", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("Delbrück", {}, "stadt-delbrueck/hundesteuer-anmeldung"),
    ("99050012104000", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("die Anmeldung der Gewerbe", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("der", {}, None),
    ("Gewerbe", {"publisher": ["stadt-bielefeld"]}, "stadt-bielefeld/gewerbeummeldung"),
    ("online", {"themenfeld": ["Steuern & Zoll", "Querschnittsleistungen"]}, None),
    ("Antrag", {"license": ["EUPL-1.2"], "status": ["stable"]}, None),
    ("", {"themenfeld": ["Unternehmensführung & -entwicklung"]}, "stadt-paderborn/gewerbeanmeldung"),
    ("", {}, "stadt-paderborn/gewerbeanmeldung"),
    ("Xylophonunterricht", {}, None),
]


@pytest.fixture(scope="module")
def static_site(server, tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    server.hub("site", "build", "--out", str(out))
    http, url = serve_directory(out)
    yield {"url": url, "out": out}
    http.shutdown()


def _encoded(query: str) -> str:
    return query if "%" in query else quote_plus(query)


def api_ids(server, query: str, filters: dict[str, list[str]]) -> list[str]:
    found: list[str] = []
    cursor = None
    while True:
        extra = [(k, v) for k, values in filters.items() for v in values] + [("limit", "100")] + ([("cursor", cursor)] if cursor else [])
        body = httpx.get(f"{server.url}/api/v1/packages?q={_encoded(query)}&{urlencode(extra)}").json()
        found += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            return found


def site_ids(page, site: str, query: str, filters: dict[str, list[str]]) -> list[str]:
    page.goto(f"{site}/suche/index.html?q={_encoded(query)}&{urlencode([(k, v) for k, values in filters.items() for v in values])}")
    page.wait_for_selector("#suche[data-ready=true]")
    return json.loads(page.locator("#treffer").get_attribute("data-ids"))


def test_site_and_api_give_the_same_hits_in_the_same_order(server, static_site, browser):
    assert len({q for q, _, _ in CORPUS}) >= 30
    page = browser.new_page()
    for query, filters, expected in CORPUS:
        api = api_ids(server, query, filters)
        site = site_ids(page, static_site["url"], query, filters)
        assert site == api, (query, filters)
        if expected:
            assert expected in api, (query, filters, api)
    page.close()


def test_typo_hits_come_after_exact_hits(server):
    # „Steuer“ itself and one letter off („Steuern“ is the same stem): the typo-only hits follow
    items = httpx.get(server.url + "/api/v1/packages", params={"q": "Hundsteuer"}).json()["items"]
    assert items[0]["id"] == "stadt-delbrueck/hundesteuer-anmeldung"
    exact = httpx.get(server.url + "/api/v1/packages", params={"q": "Gewerbeanmeldung", "limit": 100}).json()["items"]
    typo = httpx.get(server.url + "/api/v1/packages", params={"q": "Gewerbeanmledung", "limit": 100}).json()["items"]
    assert exact[0]["id"] == typo[0]["id"] == "stadt-paderborn/gewerbeanmeldung"


def test_raw_utf8_in_the_query_string_is_understood(server):
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        # HTTP/1.0: the answer comes in one piece, not chunked
        conn.sendall("GET /api/v1/packages?q=Bürgerbüro&limit=100 HTTP/1.0\r\nHost: x\r\n\r\n".encode())
        raw = b""
        while chunk := conn.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"200", head
    ids = [item["id"] for item in json.loads(body)["items"]]
    assert ids == api_ids(server, "Bürgerbüro", {}) and "stadt-paderborn/online-terminvergabe" in ids


# -- every URL an export names resolves on the hub that exported it -------------------------------

SERVED_BY_THE_API = ("/api/", "/git/", "/schemas/")


def _hub_urls(text: str, base: str) -> set[str]:
    return {u.rstrip(".,;)") for u in re.findall(re.escape(base) + r"[^\s\"'<>`\])]*", text)}


def _resolves(url: str, base: str, site: Path) -> bool:
    url = url.split("#", 1)[0]
    if url.endswith(".git"):  # a clone URL: git's dumb protocol starts at info/refs
        url += "/info/refs"
    if httpx.get(url, timeout=30).status_code == 200:
        return True
    path = url.removeprefix(base)
    if path.startswith(SERVED_BY_THE_API):
        return False
    # a page of the site: the one `hub site build` writes for this catalogue, which `hub serve` serves at `/` (issue 10, part 3)
    page = site / path.lstrip("/")
    return (page / "index.html").is_file() if path.endswith("/") else page.is_file()


def test_every_url_in_the_exports_resolves_on_the_hub(server, static_site):
    base = server.url
    graph = Graph().parse(data=httpx.get(base + "/api/v1/export/dcat.ttl").text, format="turtle")
    urls = {str(n) for triple in graph for n in triple if isinstance(n, URIRef) and str(n).startswith(base)}
    assert any("/pakete/" in u for u in urls) and any("/themen/" in u for u in urls) and any("/api/v1/packages/" in u for u in urls)
    ids = [item["id"] for item in httpx.get(base + "/api/v1/packages", params={"limit": 100}).json()["items"]]
    for package_id in ids:
        found = _hub_urls(httpx.get(f"{base}/api/v1/packages/{package_id}/publiccode.yml").text, base)
        assert f"{base}/pakete/{package_id}/" in found  # the clone URL too, unless the package names its own repository
        urls |= found
    assert any(u.endswith(".git") for u in urls)
    assert sorted(u for u in urls if not _resolves(u, base, static_site["out"])) == []


def test_dcat_conforms_to_the_dcat_ap_3_shapes(server):
    shapes = Graph().parse(SHAPES, format="turtle")
    for fmt, path in (("turtle", "dcat.ttl"), ("json-ld", "dcat.jsonld")):
        data = Graph().parse(data=httpx.get(f"{server.url}/api/v1/export/{path}").text, format=fmt)
        conforms, _, report = validate(data, shacl_graph=shapes, inference="none")
        assert conforms, report
    # the shapes catch what the profile forbids: a dataset without a title, a theme that is no concept, a solution without status
    dataset = next(data.subjects(namespace.RDF.type, namespace.DCAT.Dataset))
    data.remove((dataset, namespace.DCTERMS.title, None))
    data.add((dataset, namespace.DCAT.theme, URIRef(server.url + "/nirgends")))
    data.add((dataset, URIRef("http://www.w3.org/ns/adms#status"), URIRef("http://example.org/fertig")))
    conforms, results, _ = validate(data, shacl_graph=shapes, inference="none")
    paths = {str(o) for o in results.objects(None, URIRef("http://www.w3.org/ns/shacl#resultPath"))}
    assert not conforms and {str(namespace.DCTERMS.title), str(namespace.DCAT.theme), "http://www.w3.org/ns/adms#status"} <= paths
