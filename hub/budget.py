"""Work on untrusted input in worker processes, each call with a time and a memory budget.

Unpacking and validating an upload is CPU work on data anyone may send (the validation
route needs no token). In the server process it would hold the event loop or a thread
and could take the whole process down with it; here it runs in a small pool of worker
processes. Each worker limits its own address space (``RLIMIT_AS``), so an allocation
past the budget fails inside the worker, and a call that runs past its time is ended by
killing the worker (a new one takes its place). The server process only waits on a pipe.

Workers come from a ``forkserver`` that has imported the validators once, so replacing a
killed worker costs a fork, not a fresh interpreter; and no worker is forked from a
server process full of threads.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from hub.errors import HubError

T = TypeVar("T")

# a real package validates in well under a second; these leave room for a busy machine
DEFAULT_SECONDS = 20.0
DEFAULT_MEMORY = 1024 * 1024 * 1024
DEFAULT_WORKERS = 2
# below the server process's priority: on a busy machine the kernel answers the reads first, and an upload's
# unpacking and validation (anyone's work, the validation route needs no token) takes the CPU that is left
NICENESS = 5
# everything a validation imports, once in the forkserver (hub.validate itself loads its checks only when first used)
PRELOAD = ["hub.validate.package", "hub.validate.fastpath", "hub.validate.archive", "license_expression"]


class BudgetExceeded(HubError):
    code = "budget-exceeded"
    status = 422
    exit_code = 1
    title = "Zeit- oder Speicherbudget überschritten"


def _serve(conn: Connection, memory: int) -> None:
    """A worker: run calls until the pipe closes; an allocation past ``memory`` fails here, not in the server."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the process group: the server ends the worker (its pipe closes)
    os.nice(NICENESS)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            reply = ("memory", None)
        except BaseException as exc:  # noqa: BLE001 - the caller gets it back, the worker goes on
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception:  # noqa: BLE001 - an exception that does not pickle becomes a plain one
            conn.send(("error", RuntimeError(repr(reply[1])[:500])))
        if reply[0] == "memory":
            return  # after a MemoryError nothing in this process is to be trusted


class _Worker:
    def __init__(self, context: Any, memory: int) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, memory), daemon=True, name="hub-budget-worker")
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class Pool:
    """At most ``workers`` calls at once; a call past ``seconds`` or ``memory`` raises :class:`BudgetExceeded`."""

    def __init__(self, workers: int = DEFAULT_WORKERS, seconds: float = DEFAULT_SECONDS, memory: int = DEFAULT_MEMORY) -> None:
        self.seconds = seconds
        self.memory = memory
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)

    def run(self, fn: Callable[..., T], *args: Any, seconds: float | None = None) -> T:
        """Run ``fn(*args)`` in a worker (blocking: call it from a thread, not the event loop)."""
        limit = self.seconds if seconds is None else seconds
        with self._slots:
            worker = self._take()
            try:
                worker.conn.send((fn, args))
                if not worker.conn.poll(limit):
                    raise BudgetExceeded(f"Die Verarbeitung hat länger als {limit:g} Sekunden gedauert und wurde abgebrochen.")
                status, value = worker.conn.recv()
            except BudgetExceeded:
                worker.kill()
                raise
            except (EOFError, OSError):
                worker.kill()
                raise BudgetExceeded(
                    f"Die Verarbeitung hat mehr als {self.memory // 1048576} MB Speicher gebraucht und wurde abgebrochen."
                ) from None
            if status == "memory":
                worker.kill()
                raise BudgetExceeded(f"Die Verarbeitung hat mehr als {self.memory // 1048576} MB Speicher gebraucht und wurde abgebrochen.")
            with self._lock:
                self._idle.append(worker)
            if status == "error":
                raise value
            return value

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.kill()
        return _Worker(self._context, self.memory)

    def warm(self) -> None:
        """Start the forkserver and one idle worker ahead of the first call."""
        worker = _Worker(self._context, self.memory)
        with self._lock:
            self._idle.append(worker)

    def close(self) -> None:
        with self._lock:
            for worker in self._idle:
                worker.kill()
            self._idle.clear()


_shared_lock = threading.Lock()


@functools.cache
def _create_shared() -> Pool:
    return Pool()


def shared_pool() -> Pool:
    """The process's pool (created on first use, so a CLI run that never validates an upload starts none)."""
    with _shared_lock:  # the cache alone would let two threads each create a pool
        return _create_shared()


# exports of many packages anyone may ask for (a DCAT-AP page: about half a second of rdflib's CPU): one worker of their
# own, so that such requests wait for each other in a process apart instead of holding the server process's GIL against
# its other requests, nor take the upload validations' workers
EXPORT_WORKERS = 1
EXPORT_SECONDS = 120.0


@functools.cache
def _create_export() -> Pool:
    return Pool(workers=EXPORT_WORKERS, seconds=EXPORT_SECONDS)


def export_pool() -> Pool:
    """The process's pool for exports (created on first use)."""
    with _shared_lock:
        return _create_export()


def warm_shared_pool() -> None:
    """Warm the shared pool in a background thread (a server calls this once at start)."""
    threading.Thread(target=lambda: shared_pool().warm(), name="hub-budget-warm", daemon=True).start()
