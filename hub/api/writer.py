"""A server's publishes run in a writer process of their own, below the priority of the requests.

A publish through the API is CPU work in Python after its upload was validated (in a budget
worker, hub/budget.py): the commit, the hints, the search index's update. In a thread of the
process that answers the reads it held that process's GIL, so every read waited behind the
publishes; with eight publishers, behind eight threads taking turns. Here the work runs in one
child process that keeps its own opened data folder (catalogue, index) from one publish to the
next, at a lower priority (``NICENESS``), so the kernel runs the reads first; the thread that
asked waits on a pipe without holding the GIL.

Nothing about a write changes: the same use case (``hub.usecases.publish``) runs, all or nothing,
authorised by the same check, committed as the acting organisation; its answer comes once the
search index has the commit, and every process over the data folder sees the new HEAD at once
(answers are keyed by the catalogue's state, hub/api/cache.py). One process takes the publishes
in turn, as the catalogue's commit lock would make them take turns anyway. A child that died
(killed, out of memory) is started again for the next publish.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from hub.config import HubConfig
from hub.services import Services
from hub.store import Catalog

T = TypeVar("T")

# below the server process (the reads): on a busy machine the kernel answers requests first
NICENESS = 5


class Writer:
    """``run(fn, *args)`` calls ``fn(services, *args)`` in the writer process, ``services`` its opened data folder."""

    def __init__(self, config: HubConfig) -> None:
        self.config = config
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # from the forkserver (no fork of a server process full of threads); its preloads are the budget pool's
                context = multiprocessing.get_context("forkserver")
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_open, initargs=(self.config,))
            return self._pool

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Blocking: call it from a thread. An error of ``fn`` (a ``HubError``) arrives here as it was raised."""
        pool = self._executor()
        try:
            return pool.submit(_call, fn, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None  # the next publish starts a new child
            raise

    def warm(self) -> None:
        """Start the child and open its data folder ahead of the first publish."""
        self.run(_nothing)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_services: Services | None = None


def _open(config: HubConfig) -> None:
    global _services  # noqa: PLW0603 - the writer process's one opened data folder
    os.nice(NICENESS)
    # what a publish runs (the route's module and the use case), imported when the child starts, not on the first publish's clock
    from hub.api.controllers import packages  # noqa: F401

    _services = Services(config, Catalog.open(config.catalog_path))
    # only a server (its follower brings the clone exports along after every new HEAD) has a writer process
    _services.followed = True


def _call(fn: Callable[..., T], *args: Any) -> T:
    assert _services is not None
    return fn(_services, *args)


def _nothing(services: Services) -> None:
    return None
