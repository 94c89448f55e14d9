"""Package files on the static site never run as script, on any static host; the README route is locked down.

The host here is the worst case the review found: it sends no Content-Type for suffixes it does
not know (.bpmn, .yaml, .md …), so Chromium sniffs the bytes. Every file the site build copies
out of a package is opened in a real Chromium; none may run the script planted in it.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from hub.site import build_site
from hub.store import Catalog, publish
from hub.validate import PackageFiles
from tests.browser import launch
from tests.factory import BPMN, README, package_files

KNOWN_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".svg": "image/svg+xml",
}

SCRIPT_BPMN = BPMN.replace(
    '<bpmn:startEvent id="Start_1" name="Antrag eingegangen">',
    '<bpmn:startEvent id="Start_1" name="Antrag eingegangen">\n      <bpmn:documentation><html:script xmlns:html="http://www.w3.org/1999/xhtml">'
    "window.pwned = 'bpmn'</html:script></bpmn:documentation>",
    1,
)
SCRIPT_YAML = "<script>window.pwned = 'yaml'</script>\n"
SCRIPT_MD = "<html><body><script>window.pwned = 'md'</script></body></html>\n"


class NoTypeHandler(http.server.SimpleHTTPRequestHandler):
    """A static host that names only the types it knows and sends nothing for the rest."""

    def guess_type(self, path):
        return KNOWN_TYPES.get(Path(str(path)).suffix.lower(), "")

    def send_header(self, keyword, value):
        if keyword.lower() == "content-type" and not value:
            return
        super().send_header(keyword, value)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    catalog = Catalog.create(tmp_path_factory.mktemp("katalog") / "catalog.git")
    readme = README + "\nSiehe [Ablauf](prozess/ablauf.bpmn), [Beispiel](beispiele/demo.yaml) und [Notiz](notiz.md).\n"
    files = package_files(
        files={
            "prozess/ablauf.bpmn": SCRIPT_BPMN,
            "beispiele/demo.yaml": SCRIPT_YAML,
            "notiz.md": SCRIPT_MD,
            "seite.html": SCRIPT_MD,
            "README.md": readme,
        }
    )
    publish(catalog, PackageFiles(files, folder_name="testpaket"))
    out = tmp_path_factory.mktemp("web")
    build_site(catalog, out)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(NoTypeHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_no_package_file_runs_script_on_a_host_without_content_types(hostile_site):
    out, url = hostile_site
    folder = out / "pakete" / "stadt-test" / "testpaket"
    copied = sorted(p.relative_to(out).as_posix() for p in (folder / "dateien").rglob("*") if p.is_file())
    # linked files the page does not show are copied as text; the BPMN is shown as a diagram, and its link leads there
    assert "pakete/stadt-test/testpaket/dateien/beispiele/demo.yaml.txt" in copied
    assert "pakete/stadt-test/testpaket/dateien/notiz.md.txt" in copied
    assert not any(p.endswith((".bpmn", ".yaml", ".md", ".html")) for p in copied), copied
    links = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="#datei-prozess-ablauf-bpmn"' in links and 'id="datei-prozess-ablauf-bpmn"' in links
    assert 'href="dateien/beispiele/demo.yaml.txt"' in links and 'href="dateien/notiz.md.txt"' in links
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            for path in copied:
                page.goto(f"{url}/{path}")
                assert page.evaluate("typeof window.pwned") == "undefined", path
            # what the package page links to is the text, shown as text
            page.goto(f"{url}/pakete/stadt-test/testpaket/dateien/beispiele/demo.yaml.txt")
            assert "window.pwned" in page.inner_text("body")
        finally:
            browser.close()


def test_readme_route_has_a_strict_content_security_policy(tmp_path):
    from litestar.testing import TestClient

    from hub.api import create_app
    from tests.factory import make_services

    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    with TestClient(create_app(services)) as client:
        response = client.get("/api/v1/packages/stadt-test/testpaket/readme")
    policy = response.headers["content-security-policy"]
    assert response.status_code == 200 and "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
