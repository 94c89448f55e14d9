"""Every process model of the seed catalogue opens unchanged in bpmn-js (the viewer most modelers build on).

bpmn-js comes from npm (a devDependency); its viewer bundle runs in a real headless Chromium and
imports each file: no error and no warning (unknown elements, unresolved references, missing DI).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from hub.resources import catalog_dir
from tests.browser import launch

VIEWER = Path(__file__).resolve().parent.parent / "node_modules" / "bpmn-js" / "dist" / "bpmn-viewer.production.min.js"
MODELS = sorted((catalog_dir() / "packages").glob("*/*@*/**/*.bpmn"))

IMPORT = """async (xml) => {
  const viewer = new BpmnJS({ container: '#canvas' });
  try {
    const { warnings } = await viewer.importXML(xml);
    const registry = viewer.get('elementRegistry');
    return { warnings: warnings.map(w => String(w.message || w)), error: null,
             pools: registry.filter(e => e.type === 'bpmn:Participant').length,
             messageFlows: registry.filter(e => e.type === 'bpmn:MessageFlow').length };
  } catch (err) {
    return { warnings: (err.warnings || []).map(w => String(w.message || w)), error: String(err.message || err) };
  } finally {
    viewer.destroy();
  }
}"""


@pytest.fixture(scope="module")
def page():
    assert VIEWER.is_file(), "bpmn-js fehlt: ./dev test installiert die npm-Pakete (npm ci)"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.set_content('<!doctype html><html><body><div id="canvas" style="width:1600px;height:900px"></div></body></html>')
        page.add_script_tag(path=str(VIEWER))
        yield page
        browser.close()


def test_every_seed_bpmn_imports_in_bpmn_js_without_error_or_warning(page):
    assert len(MODELS) >= 20
    for model in MODELS:
        result = page.evaluate(IMPORT, model.read_text(encoding="utf-8"))
        name = model.relative_to(catalog_dir())
        assert result["error"] is None, f"{name}: {result['error']}"
        assert result["warnings"] == [], f"{name}: {result['warnings']}"
        assert result["pools"] >= 2 and result["messageFlows"] >= 1, f"{name}: external parties belong in their own pool"
