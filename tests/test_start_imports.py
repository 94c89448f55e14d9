"""``hub serve`` starts without the libraries that only some requests or commands need (issue 16: cold start).

The parent process imports the CLI and the workers are forked from it, then import the served app: what both
load is what every start pays. Validation (jsonschema, lxml's checks, markdown-it, SPDX licences), DCAT-AP's
rdflib, the spreadsheet writer, the site's renderers load with the first request that needs them; Litestar's
plugins for pydantic and attrs models (the hub has none) never. Until its first answer a worker starts no thread
or process of its own work either: the follower, the site's and the writer's child processes and their forkserver
come behind it (``hub.api.behind``).
"""

from __future__ import annotations

import json
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
    "pydantic",  # Litestar's plugins for models the hub has none of (hub.api.app.HubApp)
    "attr",
    "attrs",
    "litestar.plugins.pydantic",
    "litestar.plugins.attrs",
    "cryptography",  # the workspace's sealed secrets (hub.sessions)
)

# what a worker does until the response to its first request starts: the CLI's imports (the parent's, inherited), the
# served app, its start (the lifespan's startup), one health request straight into the app; then what it has loaded and
# started
FIRST_ANSWER = """
import asyncio, json, os, sys, threading
import multiprocessing.forkserver
import hub.cli
from hub.api.served import app

seen = {}

async def main():
    # the server's start first (the app's startup hooks), as granian runs it before it accepts requests
    events, started = asyncio.Queue(), asyncio.Event()
    await events.put({"type": "lifespan.startup"})

    async def lifespan_send(message):
        if message["type"] == "lifespan.startup.complete":
            started.set()

    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, events.get, lifespan_send))
    await started.wait()
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": "/api/v1/health", "raw_path": b"/api/v1/health", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start" and not seen:
            seen.update(
                status=message["status"],
                modules=sorted(sys.modules),
                threads=sorted(t.name for t in threading.enumerate()),
                forkserver=multiprocessing.forkserver._forkserver._forkserver_pid is not None,
            )

    await app(scope, receive, send)
    print(json.dumps(seen), flush=True)
    os._exit(0)  # no shutdown: it would wait for the work behind the first answer, which has started now

asyncio.run(main())
"""


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


def test_a_worker_answers_its_first_request_before_it_loads_or_starts_anything_else(tmp_path):
    data = tmp_path / "data"
    with make_services(data, [("stadt-test/testpaket", "1.0.0")]):
        pass
    env = {**os.environ, "HUB_DATA": str(data), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", FIRST_ANSWER], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    seen = json.loads(out.stdout)
    assert seen["status"] == 200
    assert sorted({name for name in ON_DEMAND for module in seen["modules"] if module == name or module.startswith(name + ".")}) == []
    # the follower's thread, the warm-up's, the writer's and the site's child processes and their forkserver come after it
    assert "hub-follow" not in seen["threads"] and not seen["forkserver"]


def test_the_writer_s_child_process_loads_neither_litestar_nor_the_app():
    # what the child imports: the module of the function it runs and the writer's preload (the publish use case)
    script = "import sys; from hub.api.writer import Writer; Writer.preload(); print('\\n'.join(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    loaded = set(
        subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()
    )
    assert "hub.usecases.publish_batch" in loaded
    assert sorted(m for m in loaded if m == "litestar" or m.startswith(("litestar.", "hub.api.app", "hub.api.controllers"))) == []
