"""A step run every ``interval`` seconds on a daemon thread of the server process (the follower, the replica sync)."""

from __future__ import annotations

import logging
import threading
from concurrent.futures.process import BrokenProcessPool


class Ticker:
    """Subclasses set ``interval``, ``name`` and ``failure`` and implement :meth:`step`."""

    name = "hub-ticker"
    failure = "a periodic step failed"  # logged with the traceback; the step is tried again next time
    log = logging.getLogger("hub")
    interval: float

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # start and stop in turn: a stop before the start leaves nothing running

    def step(self) -> bool:
        raise NotImplementedError

    def start(self) -> bool:
        """Start the thread; False if :meth:`stop` came first (a server stopped before its first answer, whose
        follower starts behind it: started anyway, its first step ran on with nobody to stop it)."""
        with self._lock:
            if self._stop.is_set():
                return False
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()
            return True

    def stop(self) -> None:
        with self._lock:
            self._stop.set()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.step()
            except BrokenProcessPool:
                # the step's child process was killed: a stopping server's signal reaches the whole process group,
                # and children first; no traceback of ours would say more (hub.child starts a new one next time)
                if not self._stop.is_set():
                    self.log.warning("%s: its child process ended; the next step starts a new one", self.failure)
            except Exception:  # the server keeps answering; the next tick tries again
                self.log.exception(self.failure)
                self._stop.wait(1.0)
