"""On a read replica (``hub serve --follow``) every write route answers 421 with the primary's address.

One guard for the whole application, run before the token is looked up and before the body is
read: a client holding a token of the primary (which the replica does not know) is told where to
send the write instead of getting a 401, and an upload is not even read. Routes are writes unless
they use a safe method or are marked ``opt={WRITES_NOTHING: True}`` (a POST that only computes an
answer, such as the validation dry run). The use cases refuse as well (``Services.writable``), so a
write reaching the domain some other way (the CLI on the replica's data folder) is refused too.
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from hub.services import Services

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES_NOTHING = "writes_nothing"


def writes(connection: ASGIConnection, handler: BaseRouteHandler) -> bool:
    return connection.scope.get("method", "GET") not in SAFE_METHODS and not handler.opt.get(WRITES_NOTHING, False)


def replica_guard(services: Services) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        if writes(connection, handler):
            services.writable()

    return guard
