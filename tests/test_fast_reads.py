"""The hot package reads answered before Litestar routes them (hub.api.fast_reads) are byte for byte the
route's answers, and a locked search index never makes a read wait (hub.index.answers.StoredAnswerReader).

The comparison is on the ASGI messages the app sends (status, every header, body), in-process, and over
a real server (``hub serve``) on the seed catalogue, 304 answers included.
"""

from __future__ import annotations

import asyncio
import http.client
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec
import pytest
from litestar import Litestar, Request

from hub.api import create_app
from hub.api.cache import ResponseCache
from hub.api.fast_reads import FastReads
from hub.services import Services
from tests.factory import make_services
from tests.server import start_server

PACKAGES: list[tuple[str, str]] = [
    ("stadt-soest/abfall", "1.0.0"),
    ("stadt-soest/abfall", "1.1.0"),
    ("stadt-soest/hunde", "0.9.0"),
    ("stadt-aachen/abfall", "2.0.0"),
]
ROUTES = [
    "/api/v1/packages/stadt-soest/abfall",
    "/api/v1/packages/stadt-soest/abfall/versions",
    "/api/v1/packages/stadt-soest/abfall/versions/1.1.0",
    "/api/v1/packages/stadt-soest/hunde",
    "/api/v1/packages/stadt-aachen/abfall/versions",
]


@pytest.fixture
def services(tmp_path) -> Iterator[Services]:
    with make_services(tmp_path, PACKAGES) as services:
        yield services


def scope_for(path: str, headers: Sequence[tuple[bytes, bytes]] = (), query: bytes = b"") -> Any:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


def routed_app(services: Services) -> Litestar:
    """The app with every request routed by Litestar: its ASGI handler without the fast path in front."""
    app = create_app(services)
    assert isinstance(app.asgi_handler, FastReads)
    app.asgi_handler = app.asgi_handler.app
    return app


def call(app: Any, scope: dict[str, Any]) -> list[dict[str, Any]]:
    """The ASGI messages ``app`` sends for ``scope`` (a GET without a body)."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


async def refuse(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError(f"the fast path handed {scope['path']} on")


def test_fast_answers_are_the_routes_answers_byte_for_byte(services):
    app, routed = create_app(services), routed_app(services)
    # the fast path alone, from the answers the index stores (no in-memory cache): it must answer, not hand on
    stored_only = FastReads(refuse, ResponseCache(services.catalog, services.index, 0))
    for path in ROUTES:
        by_route = call(routed, scope_for(path))
        assert by_route[0]["status"] == 200, path
        assert call(stored_only, scope_for(path)) == by_route, path
        assert call(app, scope_for(path)) == by_route, path  # the app as served (in-memory cache on)
        etag = dict(by_route[0]["headers"])[b"etag"]
        not_modified = call(routed, scope_for(path, [(b"if-none-match", etag)]))
        assert not_modified[0]["status"] == 304 and not_modified[0]["headers"] == [(b"etag", etag)]
        assert call(stored_only, scope_for(path, [(b"if-none-match", etag)])) == not_modified, path
        assert call(app, scope_for(path, [(b"if-none-match", etag)])) == not_modified, path


def test_what_the_fast_path_does_not_hold_goes_to_litestar(services):
    app, routed = create_app(services), routed_app(services)
    for path, query in [
        ("/api/v1/packages/stadt-soest/abfall/versions/1.0.0", b""),  # an older version: read from the catalogue
        ("/api/v1/packages/stadt-soest/fehlt", b""),  # no such package: the route's problem details
        ("/api/v1/packages/stadt-soest/abfall/", b""),  # a trailing slash
        ("/api/v1/packages/stadt-soest/abfall", b"x=1"),  # a query string
        ("/api/v1/packages/stadt-soest/abfall/history", b""),  # another route
    ]:
        assert call(app, scope_for(path, query=query)) == call(routed, scope_for(path, query=query)), path
    assert call(app, scope_for("/api/v1/packages/stadt-soest/fehlt"))[0]["status"] == 404
    # an answer not stored is handed on, never answered from nothing
    handed_on = FastReads(refuse, ResponseCache(services.catalog, services.index, 0))
    with pytest.raises(AssertionError, match="handed"):
        call(handed_on, scope_for("/api/v1/packages/stadt-soest/abfall/versions/1.0.0"))


def test_no_other_get_route_has_the_shape_of_a_fast_read(services):
    """A route Litestar would prefer (a fixed segment where a fast read has a name) must not be answered as a package."""
    from hub.api.fast_reads import _ROUTE

    fast = {"/api/v1/packages/{publisher:str}/{slug:str}", "/api/v1/packages/{publisher:str}/{slug:str}/versions"}
    fast.add("/api/v1/packages/{publisher:str}/{slug:str}/versions/{version:str}")
    app = create_app(services)
    for route in app.routes:
        if route.path in fast or "GET" not in getattr(route, "methods", ()):
            continue
        # a parameter matches any identifier: try a plain one in its place
        example = "/".join("x" if part.startswith("{") else part for part in route.path.split("/"))
        assert _ROUTE.fullmatch(example) is None, route.path


def test_over_a_real_server_the_fast_answers_equal_the_routed_ones(tmp_path):
    server = start_server(tmp_path / "data")
    try:
        server.settled()
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)

        def get(path: str, headers: dict[str, str] | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
            # the server's own headers (date, server) are the same for both paths, the date but to the second
            return response.status, [(k, v) for k, v in response.getheaders() if k.lower() != "date"], body

        package = "/api/v1/packages/stadt-paderborn/gewerbeanmeldung"
        for path in (package, package + "/versions"):
            fast = get(path)
            routed = get(path + "?ueber=litestar")  # a query string: Litestar routes it (and ignores the parameter)
            assert fast[0] == 200 and fast == routed, path
            etag = dict(fast[1])["etag"]
            assert get(path, {"If-None-Match": etag}) == get(path + "?ueber=litestar", {"If-None-Match": etag})
            assert get(path, {"If-None-Match": etag})[0] == 304
    finally:
        server.stop()


HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode = EXCLUSIVE")  # nobody else reads until this connection closes
conn.execute("BEGIN EXCLUSIVE")
conn.execute("UPDATE answers SET package = x'00'")
print("held", flush=True)
time.sleep(60)
"""


def test_a_locked_index_does_not_stall_reads(services):
    """Another process holds the index exclusively (an exclusive-mode writer): the reads come from the catalogue at once."""
    package_id = "stadt-soest/abfall"
    expected = msgspec.json.encode(services.catalog.get(package_id))
    cache = ResponseCache(services.catalog, services.index, 0)
    services.index.close()  # an exclusive lock needs every other connection closed: the server opens its reader later
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLD), str(services.index.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        scope = scope_for("/api/v1/packages/" + package_id)
        assert cache.at_hand(scope, package_id, ("package",))[0] is None  # the stored answer is not at hand: no waiting

        async def read() -> bytes:
            answer = await cache.json(Request(scope), package_id, ("package",), lambda head: services.catalog.get(package_id, ref=head))
            return bytes(answer.body)

        assert asyncio.run(read()) == expected
        assert time.monotonic() - started < 2  # the index's own connections would wait 30 s for the lock
    finally:
        holder.kill()
        holder.wait()


def test_the_folders_state_follows_every_head_and_keeps_only_existing_folders(services):
    """The package folders' tree ids are kept per HEAD (hub.api.cache.ResponseCache.state): a write by another
    process is seen at the next read, and ids of folders that do not exist are never kept."""
    from hub.store.trees import commit_at
    from hub.usecases.publish import publish
    from hub.validate import PackageFiles
    from tests.factory import package_files

    cache = ResponseCache(services.catalog, services.index)
    head, before = cache.state("stadt-soest/abfall")
    assert before == str(commit_at(services.catalog.repo, head).tree["packages/stadt-soest/abfall"].id)
    for n in range(200):
        assert cache.state(f"stadt-soest/gibt-es-nicht-{n}") == (head, head)
    assert set(cache._trees[1]) == {"stadt-soest/abfall"}
    # a publish through another handle (as the CLI's process would): the next read sees the new folder
    other = Services.open(services.config)
    try:
        publish(other, PackageFiles(package_files("stadt-soest/abfall", "1.2.0"), folder_name="abfall"))
    finally:
        other.close()
    new_head, after = cache.state("stadt-soest/abfall")
    assert new_head != head and after != before
    assert after == str(commit_at(services.catalog.repo, new_head).tree["packages/stadt-soest/abfall"].id)
