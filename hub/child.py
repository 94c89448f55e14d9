"""One child process with an opened data folder of its own, below the server's priority.

CPU work in Python (a publish's commit and index update, a build of the served site) held the GIL
of the process that answers the reads. ``ServicesChild.run(fn, *args)`` calls ``fn(services,
*args)`` in one child process instead, which keeps its ``Services`` (catalogue, index, warmed
builders) from one call to the next and runs at a lower priority, so on a busy machine the kernel
runs the requests first; the thread that asked waits on a pipe without holding the GIL. The child
comes from the forkserver (no fork of a server process full of threads). A child that died
(killed, out of memory) fails the call in flight and is started again at the next call.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from hub.budget import PRELOAD
from hub.config import HubConfig
from hub.services import Services
from hub.store import Catalog

T = TypeVar("T")

# what a server's forkserver imports once for all its children: this module (the data folder's Services) and what the
# validation workers preload (hub.budget.PRELOAD, which would be lost when a child of this module started it first)
FORKSERVER_PRELOAD = ["hub.child", *PRELOAD]


class ServicesChild:
    """The child process of one kind of work; subclasses name its ``niceness`` and what it loads first."""

    niceness: int = 0
    followed = False  # the child's Services follow HEAD (a server's writer: the follower brings the exports along)

    def __init__(self, config: HubConfig) -> None:
        self.config = config
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    @staticmethod
    def preload() -> None:
        """Imports the child's work needs, made when it starts rather than on the first call's clock."""

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                # the forkserver is the process's one (the validation workers', hub.budget, come from it too) and
                # imports these once when it starts, before any child is forked from it: each child then has the
                # data folder's modules (catalogue, index, pygit2) without importing them itself
                context.set_forkserver_preload(FORKSERVER_PRELOAD)
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=context,
                    initializer=_open,
                    initargs=(self.config, self.niceness, self.followed, self.preload),
                )
            return self._pool

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Blocking: call it from a thread. An error of ``fn`` (a ``HubError``) arrives here as it was raised."""
        pool = self._executor()
        try:
            return pool.submit(_call, fn, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None  # the next call starts a new child
            raise

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_services: Services | None = None


def _open(config: HubConfig, niceness: int, followed: bool, preload: Callable[[], None]) -> None:
    global _services  # noqa: PLW0603 - the child process's one opened data folder
    # Ctrl-C reaches the whole process group: the server stops its children (the pool's shutdown), each of them
    # printing a KeyboardInterrupt traceback meanwhile would say nothing
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(niceness)
    preload()
    _services = Services(config, Catalog.open(config.catalog_path))
    _services.followed = followed


def _call(fn: Callable[..., T], *args: Any) -> T:
    assert _services is not None
    try:
        return fn(_services, *args)
    except Exception as exc:
        try:
            pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - whatever pickling raises, the error goes as text
            # an error the parent could not unpickle (a pygit2 Oid in a KeyError) arrived as a pickling failure that
            # named neither the error nor where it was raised: it goes as a plain error with the child's traceback
            raise ChildError(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}") from None
        raise


class ChildError(RuntimeError):
    """An error raised in the child that could not be sent to the parent as it was; its text holds the child's traceback."""
