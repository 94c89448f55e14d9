"""One harvest at a time per data folder, and how far the current one has come.

A harvest holds ``<data>/.harvest.lock`` (``flock``) while it runs, whoever started it: the
workspace, the API or ``hub harvest`` from cron; a second one is refused with
:class:`HarvestRunning` instead of waiting. The lock ends with its holder, so a killed process
leaves no stale lock behind.

A run started in the workspace writes its progress to ``<data>/harvest-run.json`` (replaced
atomically after every step): the sources it takes, which one is under way, and each one's
report. Every server process over the folder reads the same file, so the progress page and its
JSON status are right whichever process answers. A file that says "running" while nobody holds
the lock belongs to a run whose process ended: it reads as "aborted".
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import msgspec

from hub.federation.errors import HarvestRunning
from hub.federation.model import HarvestReport

LOCK_FILE = ".harvest.lock"
RUN_FILE = "harvest-run.json"

StepState = Literal["waiting", "running", "done"]
RunState = Literal["running", "done", "failed", "aborted"]


class SourceStep(msgspec.Struct, kw_only=True):
    name: str
    state: StepState = "waiting"
    report: HarvestReport | None = None
    error: str | None = None  # the source could not be harvested at all (e.g. removed from sources.yaml meanwhile)


class HarvestRun(msgspec.Struct, kw_only=True):
    id: str
    started: str
    by: str | None  # the person who started it in the workspace
    state: RunState = "running"
    sources: list[SourceStep] = msgspec.field(default_factory=list)
    finished: str | None = None
    error: str | None = None

    @property
    def done(self) -> int:
        return sum(1 for s in self.sources if s.state == "done")

    @property
    def current(self) -> str | None:
        return next((s.name for s in self.sources if s.state == "running"), None)


class HarvestLock:
    """The data folder's harvest lock, held until :meth:`release` (also from another thread than the one that took it)."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._handle = open(data_dir / LOCK_FILE, "a+b")  # noqa: SIM115 -- held beyond this call, released in release()
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.close()
            raise HarvestRunning(
                "Eine Ernte läuft bereits; eine zweite beginnt erst, wenn sie fertig ist. Ihr Fortschritt steht unter Verwaltung › Quellen."
            ) from None

    def release(self) -> None:
        if not self._handle.closed:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()


@contextmanager
def exclusive(data_dir: Path) -> Iterator[None]:
    """Harvest under the lock, or :class:`HarvestRunning` at once."""
    lock = HarvestLock(data_dir)
    try:
        yield
    finally:
        lock.release()


def running(data_dir: Path) -> bool:
    """Whether some process holds the harvest lock now."""
    try:
        HarvestLock(data_dir).release()
    except HarvestRunning:
        return True
    return False


def write_run(data_dir: Path, run: HarvestRun) -> None:
    path = data_dir / RUN_FILE
    temporary = path.with_name(f"{RUN_FILE}.{os.getpid()}")
    temporary.write_bytes(msgspec.json.encode(run))
    os.replace(temporary, path)


def read_run(data_dir: Path) -> HarvestRun | None:
    """The last run started in the workspace (an unfinished one whose lock is gone reads as aborted), or None."""
    run = _load(data_dir)
    if run is not None and run.state == "running" and not running(data_dir):
        run = _load(data_dir)  # read again: the run may have ended between the first read and the lock check
        if run is not None and run.state == "running":
            return msgspec.structs.replace(run, state="aborted")
    return run


def _load(data_dir: Path) -> HarvestRun | None:
    try:
        return msgspec.json.decode((data_dir / RUN_FILE).read_bytes(), type=HarvestRun)
    except (OSError, msgspec.DecodeError):
        return None  # none yet; half a file cannot be (os.replace), and a foreign one is not ours to show
