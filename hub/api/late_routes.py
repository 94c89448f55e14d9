"""Routes a server registers after it started: the workspace's (sign-in, ``/arbeitsbereich/…``).

Litestar's work per route handler at construction (its signature model, the copies it makes of each
controller's handlers, an OPTIONS handler per path) is most of an app's construction, and the workspace
is almost half of the served app's handlers, which the API, the site and the clones never route to.
So ``hub serve`` answers its first requests without them: they are registered with the first request
under one of their paths (that request waits for it, once) or, whichever comes first, behind the first
answers once the server's follower has taken its first step (``serve_behind``), on the event loop that
routes the requests, so no request is routed while the routes change.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from litestar import Litestar
from litestar.types import ASGIApp, Receive, Scope, Send

# every path of the workspace's controllers starts with one of these (tests/test_late_routes.py holds it)
WORKSPACE_PREFIXES = ("/anmelden", "/abmelden", "/passwort", "/arbeitsbereich")


def under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def _nothing() -> None:
    return None


class LateRoutes:
    """Litestar's router behind its entry, with ``register`` run once before the first request under ``prefixes``.

    Made before the app (its :meth:`started` is one of the app's ``on_startup`` hooks), put in front of the app's
    router by :meth:`install`.
    """

    __slots__ = ("_lock", "app", "done", "loop", "prefixes", "register")

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        self.app: ASGIApp | None = None
        self.prefixes = prefixes
        self.register: Callable[[], None] = _nothing
        self.done = False
        self.loop: asyncio.AbstractEventLoop | None = None  # the loop routing the requests, once it started
        self._lock = threading.Lock()

    def install(self, app: Litestar, register: Callable[[], None]) -> None:
        """Wrap ``app``'s router; ``register`` adds the late routes to ``app`` (``Litestar.register``)."""
        self.app, self.register = app.asgi_handler, register
        app.asgi_handler = self

    def ensure(self) -> None:
        """Register the routes unless done; call it on the loop that routes the requests (or before it runs)."""
        if self.done:
            return
        with self._lock:
            if not self.done:
                self.register()
                self.done = True

    async def started(self) -> None:
        """An ``on_startup`` hook: remembers the loop, so :meth:`serve_behind` can hand it the registration."""
        self.loop = asyncio.get_running_loop()

    def serve_behind(self) -> None:
        """From another thread: register on the requests' loop between two of its steps (no request waits for it)."""
        if not self.done and self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.ensure)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.done and under(scope["path"], self.prefixes):  # Litestar answers lifespan events before this
            self.ensure()
        assert self.app is not None, "LateRoutes.install was not called"
        await self.app(scope, receive, send)
