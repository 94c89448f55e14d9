"""On a read replica (``hub serve --follow``) every write route answers 421 with the primary's address.

One guard for the whole application, run before the token is looked up and before the body is
read: a client holding a token of the primary (which the replica does not know) is told where to
send the write instead of getting a 401, and an upload is not even read. Routes are writes unless
they use a safe method or are marked ``opt={WRITES_NOTHING: True}`` (a POST that only computes an
answer, such as the validation dry run). The use cases refuse as well (``Services.writable``), so a
write reaching the domain some other way (the CLI on the replica's data folder) is refused too.

The workspace (sign-in, ``/arbeitsbereich/…``) is refused as a whole, reads included: its accounts and
sessions live in the primary's data folder, so a sign-in form on a replica could only end in a refusal.
Its controllers turn the refusal into a German page that leads to the same place on the primary
(``hub.api.controllers.workspace.problem_page``); the API keeps its 421 problem details.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from hub.services import Services

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES_NOTHING = "writes_nothing"


def writes(connection: ASGIConnection, handler: BaseRouteHandler) -> bool:
    return connection.scope.get("method", "GET") not in SAFE_METHODS and not handler.opt.get(WRITES_NOTHING, False)


# The guards are coroutines although they do not wait for anything: Litestar runs a plain function
# guard in a worker thread, and that hop cost every request more than the rest of a cached answer.


def replica_guard(services: Services) -> Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]:
    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        if writes(connection, handler):
            services.writable()

    return guard


def workspace_replica_guard(services: Services) -> Callable[[ASGIConnection, BaseRouteHandler], Awaitable[None]]:
    """Every workspace route, whatever the method: on a replica, :class:`hub.errors.ReadOnlyReplica`."""

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        services.writable()

    return guard
