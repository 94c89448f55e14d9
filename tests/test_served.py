"""One real ``hub serve`` on the seed catalogue, seen as a browser and as other catalogues see it:
the API docs offline, one search for the site and the API, every URL of its exports resolving."""

from __future__ import annotations

import json
import socket
from urllib.parse import quote_plus, urlencode, urlsplit

import httpx
import pytest
from playwright.sync_api import sync_playwright

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
    yield url
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
        site = site_ids(page, static_site, query, filters)
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
