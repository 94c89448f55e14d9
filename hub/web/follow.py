"""Every running hub follows the catalogue's HEAD, whoever moved it.

A thread per server process reads ``refs/heads/main`` every ``interval`` seconds (one
small file; no event loop is blocked). When it moved, the process brings the data
folder along: the search index and the clone exports (``Services.catch_up``), then the
served site (``hub.web.site``); each step under a lock file, so of several processes
one does the work and the others find it done. Then listeners run (caches keyed by
the old commit are dropped). A write through ``hub.usecases`` has already caught the
index and exports up by the time it returns; the follower catches every other way a
commit arrives (the CLI, a harvest from cron, another ``hub serve`` process, a push).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from hub.services import Services
from hub.store.catalog import BRANCH
from hub.web.ticker import Ticker

log = logging.getLogger("hub.follow")
INTERVAL = 0.15


class Follower(Ticker):
    name = "hub-follow"
    failure = "following the catalogue's HEAD failed"
    log = logging.getLogger("hub.follow")

    def __init__(
        self,
        services: Services,
        *,
        site: Callable[[str | None], str | None] | None = None,
        interval: float = INTERVAL,
        warm: Callable[[], None] | None = None,
    ) -> None:
        self.services = services
        self.site = site  # builds the served site at a commit, returns the commit it shows
        self.warm = warm  # prepares the site builder ahead of the first new commit
        self.interval = interval
        self.commit: str | None = None  # what index, exports and site of this data folder reflect
        self.site_commit: str | None = None
        self.caught_up_at = 0.0
        self.listeners: list[Callable[[str | None], None]] = []
        self._lock = threading.Lock()
        super().__init__()

    def head(self) -> str | None:
        ref = self.services.catalog.repo.references.get(BRANCH)
        return None if ref is None else str(ref.target)

    def step(self) -> bool:
        """Catch up if HEAD moved since the last step; True when it did."""
        with self._lock:
            head = self.head()
            if head == self.commit and (self.site is None or self.site_commit == head):
                return False
            started = time.perf_counter()
            # the site first: it needs neither index nor exports, and a writer's use case is usually
            # still bringing those along (holding their lock) when the follower sees the new HEAD
            if self.site is not None:
                self.site_commit = self.site(head)
            built = time.perf_counter()
            commit = self.services.catch_up()
            if self.site is not None and commit != self.site_commit:  # HEAD moved again meanwhile
                self.site_commit = self.site(commit)
            log.info("followed HEAD to %s: site %.3f s, index and exports %.3f s", commit, built - started, time.perf_counter() - built)
            self.commit = commit
            self.caught_up_at = time.time()
        for listener in self.listeners:
            listener(commit)
        return True

    def start(self) -> None:
        self.step()
        if self.site is not None and self.warm is not None:
            self.warm()  # before the first request: a server process starts ready for the first new commit
        super().start()
