"""What a server starts behind its first answer: the follower's first step and everything that waits for it.

A started ``hub serve`` answers from what its data folder holds (index, pages); its follower then restores tags,
brings index, exports and site to HEAD in the site's child process (its forkserver and the child's interpreter
start for it) and warms the site builder, the writer's child process and the upload validation workers. All of
that is CPU work of the same two cores while the worker answers its first request; started with the app it took
CPU from that answer (the follower's thread holds the worker's GIL while it reads the catalogue). So it starts once
the first request was answered, or ``GRACE`` seconds after the start when none comes; whichever is first.

Installed in front of the app's ASGI handler (outside the fast reads, so that any request counts) and put back out
of the way after the first answer: later requests do not pass through it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from litestar import Litestar
from litestar.types import ASGIApp, Receive, Scope, Send

# a server nobody asks starts its follower after this long (a health check or a browser asks within milliseconds)
GRACE = 1.0


class BehindFirstAnswer:
    """Runs ``work`` once, after the first request was answered or ``grace`` seconds after :meth:`started`."""

    __slots__ = ("_lock", "app", "done", "grace", "litestar", "work")

    def __init__(self, work: list[Callable[[], object]], grace: float = GRACE) -> None:
        self.work = work
        self.grace = grace
        self.done = False
        self.app: ASGIApp | None = None
        self.litestar: Litestar | None = None
        self._lock = threading.Lock()

    def install(self, app: Litestar) -> None:
        """Put this in front of ``app``'s ASGI handler (after the other wrappers: it must see every request)."""
        self.app, self.litestar = app.asgi_handler, app
        app.asgi_handler = self

    async def started(self) -> None:
        """An ``on_startup`` hook: the work starts after ``grace`` seconds at the latest."""
        asyncio.get_running_loop().call_later(self.grace, self.run)

    def stop(self) -> None:
        """An ``on_shutdown`` hook: a server stopped before its first answer starts nothing any more."""
        with self._lock:
            self.done = True

    def run(self) -> None:
        """Start the work unless started (each piece returns at once: it runs in threads and processes of its own)."""
        with self._lock:
            if self.done:
                return
            self.done = True
        if self.litestar is not None and self.app is not None and self.litestar.asgi_handler is self:
            self.litestar.asgi_handler = self.app  # the requests after the first go straight on
        for start in self.work:
            start()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "BehindFirstAnswer.install was not called"
        try:
            await self.app(scope, receive, send)
        finally:
            if not self.done:
                self.run()
