"""Rendered diagrams are shared between pages only when everything they show is the same."""

from __future__ import annotations

from lxml import html as lxml_html

from hub.site import build_site
from tests.factory import BPMN, make_catalog, package_files


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


def test_a_publish_draws_its_process_model_once_for_page_and_comparison(tmp_path, monkeypatch):
    from hub.render.bpmn import draw
    from hub.site import build

    renamed = BPMN.replace('name="Antrag prüfen"', 'name="Antrag sorgfältig prüfen"')
    package = "stadt-test/hundesteuer"
    catalog = make_catalog(
        tmp_path,
        [
            {"package_id": package, "version": "1.0.0", "name": "Hundesteuer"},
            {"package_id": package, "version": "1.1.0", "name": "Hundesteuer", "files": {"prozess/ablauf.bpmn": renamed}},
        ],
    )
    build._RENDERED.clear()  # drawings kept from other tests in this process would hide the count
    drawn: list[str] = []
    real = draw.Renderer.render

    def counted(self):
        drawn.append(self.prefix)
        return real(self)

    monkeypatch.setattr(draw.Renderer, "render", counted)
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    # the package page draws 1.1.0's model; the comparison 1.0.0 → 1.1.0 marks that same drawing
    assert len(drawn) == 1, drawn
    page = lxml_html.fromstring((out / "pakete" / package / "vergleich" / "1.0.0...1.1.0.html").read_bytes())
    titles = [t.text_content() for t in page.xpath("//svg/title")]
    assert titles == ["Prozessdiagramm: Hundesteuer: prozess/ablauf.bpmn (1.0.0 → 1.1.0)"], titles
    assert page.xpath("//svg//*[@data-element-id='Task_1'][@data-diff='renamed']")
    own = lxml_html.fromstring((out / "pakete" / package / "index.html").read_bytes())
    assert [t.text_content() for t in own.xpath("//svg/title")] == ["Prozessdiagramm: Hundesteuer: Ablauf"]
