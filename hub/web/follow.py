"""Every running hub follows the catalogue's HEAD, whoever moved it.

A thread per server process reads ``refs/heads/main`` every ``interval`` seconds (one
small file; no event loop is blocked). When it moved, the process brings the data
folder along: the search index and the clone exports (``Services.catch_up``), then the
served site (``hub.web.site``; on a fresh data folder the site comes before the first export of every package); each step under a lock file, so of several processes
one does the work and the others find it done. Then listeners run (caches keyed by
the old commit are dropped). A write through ``hub.usecases`` has already caught the
index up by the time it returns (a publish leaves the clone exports to the follower); the
follower catches every other way a commit arrives (the CLI, a harvest from cron, another ``hub serve`` process, a push).

Starting never waits for any of it: the process answers at once, from the index and the
site pages the data folder holds (``shown``: the commit whose pages are there for this
hub's address), while the thread restores tags a crashed writer left out, takes the first
step and warms the site builder. ``starting`` is true until then (``/api/v1/health`` shows it).
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
# When HEAD moved while each of the last two site builds ran (commits keep coming), the next build waits until
# SITE_PAUSE × the last build's duration has passed (at most SITE_PAUSE_MAX): one build then covers all commits made
# meanwhile instead of one build per publish, and the site's child process takes at most a third of the time from
# the requests. A commit after a quiet build, or a few commands in a row, is built at once.
SITE_PAUSE = 2.0
SITE_PAUSE_MAX = 1.0
# While the server's writer process is writing a batch of publishes (or more wait for it), HEAD moves once per publish:
# the step waits for the batch's end (at most HOLD_MAX seconds from the first move it held back), so one catch-up and one
# site build cover the batch, and the catch-up's index sync does not take the index's lock from the writer mid-batch.
HOLD_MAX = 1.0


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
        shown: Callable[[], str | None] | None = None,
        catch_up: Callable[[bool], str | None] | None = None,
        site_pause: float = SITE_PAUSE,
        site_pause_max: float = SITE_PAUSE_MAX,
        writing: Callable[[], bool] | None = None,
        hold_max: float = HOLD_MAX,
    ) -> None:
        self.services = services
        # brings index and exports to HEAD and returns that commit (the flag: also a first export of every package);
        # hub serve runs it in the site's child process, so a clone export's Python work does not hold the GIL of the
        # process answering reads
        self.catch_up = catch_up or (lambda every_export: services.catch_up(every_export=every_export))
        self.site = site  # builds the served site at a commit, returns the commit it shows
        self.warm = warm  # prepares the site builder ahead of the first new commit
        self.shown = shown  # the commit whose served pages the data folder holds now, read without building
        self.interval = interval
        self.commit: str | None = None  # what index, exports and site of this data folder reflect
        self.site_commit: str | None = None  # None: no pages to serve yet (the site answers 503)
        self.starting = True  # until the first step and the warm-up have run in the thread
        self.caught_up_at = 0.0
        self.site_pause, self.site_pause_max = site_pause, site_pause_max
        self.site_due = 0.0  # time.monotonic() before which no site build starts (SITE_PAUSE)
        self.busy_builds = 0  # the last site builds in a row during which HEAD moved
        self.writing = writing  # true while this server's writer process has publishes to write (hub.api.writer)
        self.hold_max = hold_max
        self.held_since: float | None = None  # time.monotonic() of the first step held back for the writer
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
            site_due = self.site is not None and self.site_commit != head and time.monotonic() >= self.site_due
            if head == self.commit and not site_due:
                return False
            if self._held():
                return False
            started = time.perf_counter()
            # index and exports first: a publish through this process's API answered once the index had
            # its commit, and its clone export is made here (quick, one package); the site takes longest. A first
            # export of every package (a fresh data folder) comes after the site instead: pages before clones, and a
            # clone asked for meanwhile exports its one package on the spot (hub.api.controllers.git)
            exports_later = self.site is not None and not self.services.exports_made()
            commit = self.catch_up(not exports_later) if head != self.commit else self.commit
            caught = time.perf_counter()
            if self.site is not None and site_due:
                self.site_commit = self.site(commit)
                took = time.perf_counter() - caught
                # commits came during this build and the one before: more are likely to follow
                self.busy_builds = self.busy_builds + 1 if self.head() != commit else 0
                pause = min(self.site_pause * took, self.site_pause_max) if self.busy_builds >= 2 else 0.0
                self.site_due = time.monotonic() + pause
            built = time.perf_counter()
            if exports_later:
                commit = self.catch_up(True)
            # not while stopping: the server's stop waits for this step, and whoever reads its log may be gone (a test's
            # captured output is closed by then: the "--- Logging error ---" lines CI printed)
            if not self._stop.is_set():
                log.info(
                    "followed HEAD to %s: index and exports %.3f s, site %.3f s, first export of every package %.3f s",
                    commit,
                    caught - started,
                    built - caught,
                    time.perf_counter() - built,
                )
            changed = commit != self.commit
            self.commit = commit
            self.caught_up_at = time.time()
        if changed:
            for listener in self.listeners:
                listener(commit)
        return True

    def _held(self) -> bool:
        """Whether this step waits for the writer's batch to end (``HOLD_MAX``)."""
        if self.writing is None or not self.writing():
            self.held_since = None
            return False
        now = time.monotonic()
        if self.held_since is None:
            self.held_since = now
        if now - self.held_since < self.hold_max:
            return True
        self.held_since = None  # held long enough (publishes keep coming): this step catches up, the next may wait again
        return False

    def start(self) -> bool:
        """Return at once: the first step and the warm-up run in the thread, before its first tick."""
        if self.site is not None and self.shown is not None:
            self.site_commit = self.shown()  # pages the data folder already holds are served meanwhile
        if not super().start():
            return False
        self.services.followed = True  # from now on a write's answer need not wait for the clone exports: the steps make them
        return True

    def stop(self) -> None:
        super().stop()
        self.services.followed = False  # nobody makes the exports after an answer any more

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self.services.repair()  # tags a crashed writer left out, before the first catch-up exports from them
            self.step()
            if self.site is not None and self.warm is not None:
                self.warm()  # ready for the first new commit: its build need not load the renderers
            if not self._stop.is_set():  # as after each step: a stopping server logs no more
                log.info("started following: first step and warm-up %.3f s", time.perf_counter() - started)
        except Exception:  # the server keeps answering; the next tick tries again
            self.log.exception(self.failure)
        finally:
            self.starting = False
        super()._run()
