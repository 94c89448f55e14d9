"""The dashboard a ``background`` build leaves to a thread, paced so that it never takes most of the site's child.

The dashboard (its pages, the Themenfeld views, the savings view and the CSV, JSON and XLSX downloads) sums up
every package: at 50,000 packages one writing costs seconds of CPU, while the pages of one publish cost a fraction
of a second. Written after every publish, under steady publishing it was most of what the site's child process did
(and that CPU was taken from the publishes and the reads on the same cores). So a deferred dashboard waits: it
begins only once ``PACE`` times its previous writing's CPU time has passed since that writing ended. A build that
comes while it still waits drops it and leaves its own, which waits for the rest of the same time; one that comes
while it is being written waits for it, as before. The dashboard therefore lags the catalogue by at most about
``PACE + 1`` times its own cost (at 50,000 packages about half a minute; on a small catalogue a fraction of a
second), and takes at most about ``1 / (PACE + 1)`` of the child's time, whatever the catalogue's size.

:func:`settle` writes a waiting dashboard at once (the tests, ``hub site build`` and a process that stops).
The state file names the commit whose dashboard the folder holds (``summaries``): a process stopped while a
dashboard waited leaves a state that says so, and the next served build writes it (``hub.web.site.build``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

PACE = 4.0  # the least time between two writings of the dashboard, as a multiple of the last one's CPU time


class Deferred:
    """One dashboard waiting or being written for one output folder."""

    def __init__(self, write: Callable[[], None], delay: float, done: Callable[[float], None]) -> None:
        self._write = write
        self._delay = delay
        self._done = done  # told the writing's CPU seconds: the next one's pace
        self._hurry = threading.Event()
        self._lock = threading.Lock()
        self._dropped = False
        self._began = False
        # a daemon: a process that ends does not wait for a dashboard (its state says the dashboard is behind)
        self.thread = threading.Thread(target=self._run, name="site-summaries", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        self._hurry.wait(self._delay)
        with self._lock:
            if self._dropped:
                return
            self._began = True
        started = time.thread_time()
        try:
            self._write()
        finally:
            self._done(time.thread_time() - started)

    def waiting(self) -> bool:
        """True while the dashboard has not begun to be written (and was not dropped)."""
        with self._lock:
            return not self._began and not self._dropped

    def finish(self) -> None:
        """Write it now (if it still waits) and wait until it is written."""
        self._hurry.set()
        self.thread.join()

    def give_way(self) -> None:
        """For the next build into the folder: dropped if it still waits, else waited for until written."""
        with self._lock:
            if not self._began:
                self._dropped = True
        self._hurry.set()
        self.thread.join()


_PENDING: dict[Path, Deferred] = {}  # by output folder (resolved): the dashboard a ``background`` build left
_LAST: dict[Path, tuple[float, float]] = {}  # by output folder: when the last writing ended (monotonic), its CPU seconds


def defer(out: Path, write: Callable[[], None]) -> Deferred:
    """Leave ``write`` (the dashboard of a build into ``out``) to a thread that begins once the pace allows."""
    folder = out.resolve()
    ended, cost = _LAST.get(folder, (0.0, 0.0))
    delay = max(0.0, ended + PACE * cost - time.monotonic())

    def done(cpu: float) -> None:
        _LAST[folder] = (time.monotonic(), cpu)

    deferred = Deferred(write, delay, done)
    _PENDING[folder] = deferred
    deferred.start()
    return deferred


def waiting(out: Path) -> bool:
    """True if a dashboard for ``out`` is waiting to be written in this process."""
    deferred = _PENDING.get(out.resolve())
    return deferred is not None and deferred.waiting()


def give_way(out: Path) -> None:
    """Before a build into ``out``: a waiting dashboard is dropped (the build leaves its own), one being written finished."""
    deferred = _PENDING.pop(out.resolve(), None)
    if deferred is not None:
        deferred.give_way()


def settle(out: str | Path | None = None) -> None:
    """Write the dashboards left for ``out`` (None: for every folder) now, and wait until they are written."""
    for folder in [Path(out).resolve()] if out is not None else list(_PENDING):
        deferred = _PENDING.pop(folder, None)
        if deferred is not None:
            deferred.finish()
