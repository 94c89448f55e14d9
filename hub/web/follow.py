"""Every running hub follows the catalogue's HEAD, whoever moved it.

A thread per server process reads ``refs/heads/main`` every ``interval`` seconds (one
small file; no event loop is blocked). When it moved, the process brings the data
folder along: the search index and the clone exports (``Services.catch_up``), then the
served site (``hub.web.site``); each step under a lock file, so of several processes
one does the work and the others find it done. Then listeners run (caches keyed by
the old commit are dropped). A write through ``hub.usecases`` has already caught the
index up by the time it returns (a publish leaves the clone exports to the follower); the
follower catches every other way a commit arrives (the CLI, a harvest from cron, another ``hub serve`` process, a push).
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
            # index and exports first: a publish through this process's API answered once the index had
            # its commit, and its clone export is made here (quick, one package); the site takes longest
            commit = self.services.catch_up()
            caught = time.perf_counter()
            if self.site is not None:
                self.site_commit = self.site(commit)
            log.info("followed HEAD to %s: index and exports %.3f s, site %.3f s", commit, caught - started, time.perf_counter() - caught)
            self.commit = commit
            self.caught_up_at = time.time()
        for listener in self.listeners:
            listener(commit)
        return True

    def start(self) -> None:
        self.services.followed = True  # from now on a write's answer need not wait for the clone exports: the steps make them
        self.step()
        if self.site is not None and self.warm is not None:
            self.warm()  # before the first request: a server process starts ready for the first new commit
        super().start()

    def stop(self) -> None:
        super().stop()
        self.services.followed = False  # nobody makes the exports after an answer any more
