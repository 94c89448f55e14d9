"""Rendered diagrams are shared between pages only when everything they show is the same."""

from __future__ import annotations

from lxml import html as lxml_html

from hub.site import build_site
from tests.factory import make_catalog, package_files


def test_packages_with_the_same_bpmn_keep_their_own_name_in_the_diagram(tmp_path):
    # the factory gives every package the same BPMN file and artefact title
    packages = [
        {"package_id": "stadt-test/hundesteuer-eins", "version": "1.0.0", "name": "Hundesteuer Eins"},
        {"package_id": "stadt-test/hundesteuer-zwei", "version": "1.0.0", "name": "Hundesteuer Zwei"},
    ]
    catalog = make_catalog(tmp_path, packages)
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    for package_id, name in (("stadt-test/hundesteuer-eins", "Hundesteuer Eins"), ("stadt-test/hundesteuer-zwei", "Hundesteuer Zwei")):
        page = lxml_html.fromstring((out / "pakete" / package_id / "index.html").read_bytes())
        titles = [t.text_content() for t in page.xpath("//svg/title")]
        assert titles and all(t == f"Prozessdiagramm: {name}: Ablauf" for t in titles), titles
    files = [package_files(p["package_id"], "1.0.0") for p in packages]
    assert files[0]["prozess/ablauf.bpmn"] == files[1]["prozess/ablauf.bpmn"]  # the same diagram file in both
