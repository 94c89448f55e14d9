"""The hot package reads answered before Litestar routes the request.

``GET /api/v1/packages/<publisher>/<slug>``, ``…/versions`` and ``…/versions/<version>`` are
what clients and mirrors ask most, and their answers are usually at hand: in the answer cache's
memory or stored in the search index (``hub.api.cache``, ``hub.index.answers``). Litestar's
work per request (routing, guards, dependency injection, building the response) then cost more
than the answer itself. This ASGI wrapper answers those requests from the same
:meth:`ResponseCache.at_hand` the routes call, with the same :class:`hub.api.cache.Answer`, so
status, headers (ETag, cache-control, content-type, content-length) and body are byte for byte
what the route sends (tests/test_fast_reads.py compares both on a real server, 304 included).

Everything else goes to Litestar unchanged: other methods, a query string, a path that is not
exactly one of those (a trailing slash, percent-escapes, characters no identifier has), and any
answer not at hand (a package the index has not taken in yet, one that does not exist: the
route reads the catalogue and answers its problem details).

It wraps the app's ASGI handler, inside Litestar's entry (which sets up the scope and the
``before_send`` hooks) and outside its router. Litestar's CORS middleware would sit between the
two, and the fast answers would lack its headers: :func:`install` refuses an app with CORS.
"""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from hub.api.cache import ResponseCache

# the three routes of hub.api.controllers.packages, for identifiers and versions as the hub accepts them
_SEGMENT = r"[A-Za-z0-9][A-Za-z0-9._+-]*"
_ROUTE = re.compile(rf"/api/v1/packages/({_SEGMENT})/({_SEGMENT})(/versions(?:/({_SEGMENT}))?)?")
_PREFIX = "/api/v1/packages/"


class FastReads:
    """``app`` with the package reads whose answer is at hand in ``cache`` answered before it."""

    __slots__ = ("app", "cache")

    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app  # what answers everything else: Litestar's router behind its exception handling
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == ScopeType.HTTP  # a str enum: the same test as == "http"
            and scope["method"] == "GET"
            and not scope["query_string"]
            and scope["path"].startswith(_PREFIX)
            and (route := _ROUTE.fullmatch(scope["path"])) is not None
            and scope.get("raw_path", b"") in (b"", scope["path"].encode())  # no percent-escapes: Litestar's own decoding decides
        ):
            publisher, slug, versions, version = route.groups()
            key = ("package",) if versions is None else ("versions",) if version is None else ("version", version)
            try:
                answer = self.cache.at_hand(scope, f"{publisher}/{slug}", key)[0]
            except Exception:  # noqa: BLE001 - the route meets the same failure and answers it as problem details
                answer = None
            if answer is not None:
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install(app: Litestar, cache: ResponseCache) -> Litestar:
    """Put :class:`FastReads` in front of ``app``'s router; returns ``app``."""
    if app.cors_config is not None:
        raise RuntimeError("fast package reads would bypass Litestar's CORS middleware: add its headers to hub.api.cache.ok first")
    app.asgi_handler = FastReads(app.asgi_handler, cache)
    return app
