"""The served app starts without the workspace's routes and the API's rarely asked ones (issue 16: cold start) and
registers them before they are needed.

Litestar's construction of a route handler is most of a start's app construction, and the workspace (sign-in,
``/arbeitsbereich/…``) is almost half of the handlers: they are registered with the first request under one of
their paths, or behind the first answers (``hub.api.late_routes``). These tests hold both ways and that no
workspace path escapes the prefixes the app watches (a route outside them would answer 404 until registered).
"""

from __future__ import annotations

import time

from litestar.testing import TestClient

from hub.api import create_app
from hub.api.app import LATE_API_PREFIXES
from hub.api.late_routes import WORKSPACE_PREFIXES, LateRoutes, under
from tests.factory import make_services


def paths(app) -> set[str]:
    return {route.path for route in app.routes}


def test_the_workspace_routes_come_with_the_first_request_under_their_paths(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    app = create_app(services, live=True, interval=0.05)
    at_start = paths(app)
    assert "/api/v1/health" in at_start and [p for p in at_start if under(p, WORKSPACE_PREFIXES)] == []
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200
        assert paths(app) == at_start  # other requests leave them out
        sign_in = client.get("/anmelden")
        assert sign_in.status_code == 200 and 'name="passwort" type="password"' in sign_in.text
        late = paths(app) - at_start
        # every path of the workspace is under the prefixes the app watches, and they are all there now
        assert {"/anmelden", "/abmelden", "/arbeitsbereich", "/arbeitsbereich/nachnutzungen"} <= late
        assert [p for p in late if not under(p, WORKSPACE_PREFIXES)] == []
        assert client.get("/arbeitsbereich/", follow_redirects=False).headers["location"].startswith("/anmelden")
        # the site's own paths are still the site's: a page it lacks, or all of them while its first build runs
        assert client.get("/pakete/stadt-test/nicht-da/").status_code in (404, 503)


def test_behind_the_first_answers_the_workspace_is_registered_on_the_requests_loop(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    app = create_app(services, live=True, interval=0.05)
    late: LateRoutes = app.state["late_routes"]
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200 and not late.done
        late.serve_behind()  # what hub serve's worker does once its follower took the first step
        deadline = time.monotonic() + 30
        while not late.done:
            assert time.monotonic() < deadline, "not registered"
            time.sleep(0.02)
        assert "/arbeitsbereich" in paths(app)
        assert client.get("/anmelden").status_code == 200


def test_the_api_alone_has_no_workspace(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    app = create_app(services)
    with TestClient(app) as client:
        assert client.get("/anmelden").status_code == 404
    assert [p for p in paths(app) if under(p, WORKSPACE_PREFIXES)] == []


def test_the_api_routes_few_requests_need_come_with_the_first_request_under_their_paths(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    every = paths(create_app(services))  # the API alone registers every route at once
    # Litestar's own OpenAPI router is there from the start; its paths are watched so that it describes every route
    late_paths = {p for p in every if under(p, LATE_API_PREFIXES) and not under(p, ("/api/v1/_openapi",))}
    assert {"/api/v1/reports/maturity", "/api/v1/adoptions", "/api/v1/reviews", "/schemas/v1", "/api/v1/openapi.json"} <= late_paths
    app = create_app(services, live=True, interval=0.05)
    at_start = paths(app)
    assert "/api/v1/packages/{publisher:str}/{slug:str}" in at_start and not late_paths & at_start
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200 and paths(app) == at_start
        report = client.get("/api/v1/reports/maturity")
        # registered and answered by its handler: the report, or until the served site has written it a 503 problem
        assert report.status_code in (200, 503) and (report.status_code == 200 or report.json()["code"] == "reports-not-ready")
        # all of them at once, each under the prefixes the app watches: none answers 404 until registered
        assert paths(app) - at_start == late_paths


def test_the_api_description_describes_the_routes_registered_late(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    with TestClient(create_app(services)) as client:
        described = client.get("/api/v1/openapi.json").json()["paths"]
    with TestClient(create_app(services, live=True, interval=0.05)) as client:
        assert client.get("/api/v1/health").status_code == 200
        live = client.get("/api/v1/openapi.json").json()["paths"]  # its request registers them before it describes
    assert "/api/v1/reports/maturity" in live and set(live) == set(described)
