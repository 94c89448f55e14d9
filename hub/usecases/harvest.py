"""Harvesting the sources (``hub harvest`` from cron, ``POST /api/v1/harvest``, the workspace's "Jetzt ernten").

One harvest at a time per data folder (``hub.federation.runs``): a second is refused with
``HarvestRunning`` whoever started either. The workspace's run goes on in a thread of its own
(never on the server's event loop) and records its progress after every source, for the
progress page and its JSON status in every server process.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import msgspec

from hub.errors import BadRequest, HubError
from hub.federation import runs
from hub.federation.harvest import harvest as harvest_sources
from hub.federation.model import HarvestReport
from hub.federation.runs import HarvestLock, HarvestRun, SourceStep
from hub.federation.sources import load_sources
from hub.services import Services

log = logging.getLogger("hub.harvest")


def harvest(
    services: Services, source: str | None = None, *, progress: Callable[[str], None] | None = None, timeout: float | None = None
) -> list[HarvestReport]:
    """Harvest every enabled source (or only ``source``); the reports say what was taken and what refused."""
    services.writable()
    if timeout is not None and timeout <= 0:
        raise BadRequest("--timeout muss größer als 0 sein.")
    with runs.exclusive(services.config.data_dir):
        reports = harvest_sources(services.catalog, source, progress, timeout=timeout)
    services.catch_up()
    return reports


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def start(services: Services, *, by: str | None) -> HarvestRun:
    """Begin harvesting every enabled source in a background thread; answers at once with the run as it starts.

    Refused with ``HarvestRunning`` while another harvest of the data folder runs.
    """
    services.writable()
    data = services.config.data_dir
    lock = HarvestLock(data)
    try:
        chosen = [s.name for s in load_sources(services.catalog) if s.enabled]
        run = HarvestRun(id=secrets.token_hex(8), started=_now(), by=by, sources=[SourceStep(name=name) for name in chosen])
        runs.write_run(data, run)
        threading.Thread(target=_run, args=(services, run, lock), name=f"harvest-{run.id}", daemon=True).start()
    except BaseException:
        lock.release()
        raise
    return run


def _run(services: Services, run: HarvestRun, lock: HarvestLock) -> None:
    """The run itself: source after source, its progress written after every step; the lock goes when it ends."""
    data = services.config.data_dir
    try:
        for index, step in enumerate(run.sources):
            run.sources[index] = msgspec.structs.replace(step, state="running")
            runs.write_run(data, run)
            try:
                [report] = harvest_sources(services.catalog, step.name)
                run.sources[index] = msgspec.structs.replace(step, state="done", report=report)
            except HubError as refused:  # e.g. the source left sources.yaml meanwhile: the others go on
                run.sources[index] = msgspec.structs.replace(step, state="done", error=refused.detail)
            runs.write_run(data, run)
        services.catch_up()
        run.state = "done"
    except Exception:
        log.exception("harvest run %s failed", run.id)
        run.state = "failed"
        run.error = (
            "Die Ernte ist mit einem internen Fehler abgebrochen; was bis dahin übernommen wurde, bleibt. Details im Protokoll des Servers."
        )
    finally:
        run.finished = _now()
        try:
            runs.write_run(data, run)
        finally:
            lock.release()


def status(services: Services) -> HarvestRun | None:
    """The last run started in the workspace, as far as it has come (None: there was none)."""
    return runs.read_run(services.config.data_dir)
