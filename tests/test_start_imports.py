"""``hub serve`` starts without the libraries that only some requests or commands need (issue 16: cold start).

The parent process imports the CLI and the workers are forked from it, then import the served app: what both
load is what every start pays. Validation (jsonschema, lxml's checks, markdown-it, SPDX licences), DCAT-AP's
rdflib, the spreadsheet writer, the site's renderers load with the first request that needs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.factory import make_services

ROOT = Path(__file__).resolve().parent.parent

# loaded by the first request or command that needs them, never by a start
ON_DEMAND = (
    "rdflib",  # DCAT-AP export
    "xlsxwriter",  # the reports' workbook
    "openpyxl",
    "jsonschema",  # validation of uploads and records
    "referencing",
    "jsonschema_rs",
    "license_expression",
    "markdown_it",  # rendering READMEs
    "pygments",
    "hub.validate.package",
    "hub.site",  # the static site's build runs in its own process
    "hub.api.controllers.workspace",  # the workspace's routes are registered after the start (hub.api.late_routes)
    "hub.web.workspace",
    "httpx",
    "joserfc",
)


def test_a_server_process_loads_no_library_only_some_requests_need(tmp_path):
    data = tmp_path / "data"
    with make_services(data, [("stadt-test/testpaket", "1.0.0")]):
        pass
    script = "import sys, hub.cli, hub.api.served; print('\\n'.join(sorted(sys.modules)))"
    env = {**os.environ, "HUB_DATA": str(data), "PYTHONPATH": str(ROOT)}
    loaded = set(
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()
    )
    assert "hub.api.served" in loaded and "litestar" in loaded  # the app was built
    assert sorted({name for name in ON_DEMAND for module in loaded if module == name or module.startswith(name + ".")}) == []
