"""A read replica polls its primary (``hub serve --follow <primary>``) and reports how that goes.

Each server process of a replica runs a ``Replica`` thread. Every ``HUB_REPLICA_INTERVAL``
seconds one of them (a non-blocking ``flock`` on ``<data>/.replica.lock``, and the time of the
last attempt in the status file) calls the use case ``hub.usecases.replica.sync``, which moves the
catalogue's ``main`` and tags forward; the process's ``Follower`` (``hub.web.follow``) then sees
``main`` move and brings index, exports and the served site along, as for any other commit.

The outcome goes to ``<data>/replica-status.json`` (renamed into place), which every process
reads for ``/api/v1/health``: the primary, the commit served, the last successful sync, and the
failures since. A failure (primary down, a history that does not continue the replica's) is
logged once in German when it starts and when it ends; the replica keeps serving what it has.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from hub.errors import HubError
from hub.services import Services
from hub.usecases.replica import sync
from hub.web.ticker import Ticker

log = logging.getLogger("hub.replica")
STATUS = "replica-status.json"
LOCK = ".replica.lock"


class SyncState(msgspec.Struct):
    """What the status file keeps (seconds since the epoch)."""

    last_success: float | None = None
    last_attempt: float | None = None
    failures: int = 0  # failed attempts since the last success
    error: str | None = None  # the last failure's German message


class ReplicaHealth(msgspec.Struct):
    """``replica`` in ``/api/v1/health``: this hub is a read replica of ``primary``."""

    primary: str
    commit: str | None  # the catalogue commit this replica serves
    last_sync: str | None  # when a sync with the primary last succeeded (ISO 8601, UTC)
    last_attempt: str | None
    failures: int  # failed syncs since then
    error: str | None  # why the last one failed


def _iso(seconds: float | None) -> str | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")


def read_state(data_dir: Path) -> SyncState:
    with contextlib.suppress(OSError, msgspec.DecodeError):
        return msgspec.json.decode((data_dir / STATUS).read_bytes(), type=SyncState)
    return SyncState()


def _write_state(data_dir: Path, state: SyncState) -> None:
    path = data_dir / STATUS
    temporary = path.with_name(f"{STATUS}.{os.getpid()}.{threading.get_ident()}")
    temporary.write_bytes(msgspec.json.encode(state))
    os.replace(temporary, path)


def health(services: Services) -> ReplicaHealth | None:
    if services.primary is None:
        return None
    state = read_state(services.config.data_dir)
    return ReplicaHealth(
        primary=services.primary,
        commit=services.head(),
        last_sync=_iso(state.last_success),
        last_attempt=_iso(state.last_attempt),
        failures=state.failures,
        error=state.error,
    )


@contextlib.contextmanager
def _try_lock(path: Path) -> Iterator[bool]:
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Replica(Ticker):
    name = "hub-replica"

    def __init__(self, services: Services, primary: str, interval: float) -> None:
        super().__init__()
        self.services = services
        self.primary = primary
        self.interval = interval
        self.failure = f"Abgleich mit dem Primär-Hub {primary}: unerwarteter Fehler"
        self.log = log
        self._etag: str | None = None

    def step(self, *, force: bool = False) -> bool:
        """Sync once unless another process did within the interval (``force``: even then); True when this process tried."""
        data = self.services.config.data_dir
        with _try_lock(data / LOCK) as mine:
            if not mine:
                return False
            state = read_state(data)
            if not force and state.last_attempt is not None and time.time() - state.last_attempt < self.interval * 0.9:
                return False  # another worker of this replica polled a moment ago
            try:
                outcome = sync(self.services, self.primary, etag=self._etag)
            except HubError as exc:  # unreachable, damaged, diverged: counted, logged, served on
                self._failed(state, exc.detail)
            except Exception as exc:  # anything else (a full disk, a bug): the same, with the traceback in the log
                log.exception("Abgleich mit dem Primär-Hub %s: unerwarteter Fehler", self.primary)
                self._failed(state, f"{type(exc).__name__}: {exc}")
            else:
                if state.failures:
                    log.warning("Abgleich mit dem Primär-Hub %s wieder erfolgreich (nach %d Fehlversuchen).", self.primary, state.failures)
                if outcome.state == "advanced":
                    log.info("Replikat auf Stand %s des Primär-Hubs (%d Tags)", outcome.commit, outcome.tags)
                state.last_success = time.time()
                state.failures = 0
                state.error = None
                self._etag = outcome.etag
            state.last_attempt = time.time()
            _write_state(data, state)
            return True

    def _failed(self, state: SyncState, message: str) -> None:
        if message != state.error:  # logged when a failure starts or changes, not at every attempt
            log.warning("Abgleich mit dem Primär-Hub %s fehlgeschlagen: %s", self.primary, message)
        state.failures += 1
        state.error = message
        self._etag = None
