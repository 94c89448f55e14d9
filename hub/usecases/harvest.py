"""Harvesting the sources (``hub harvest`` from cron, ``POST /api/v1/harvest``)."""

from __future__ import annotations

from collections.abc import Callable

from hub.errors import BadRequest
from hub.federation.harvest import harvest as harvest_sources
from hub.federation.model import HarvestReport
from hub.services import Services


def harvest(
    services: Services, source: str | None = None, *, progress: Callable[[str], None] | None = None, timeout: float | None = None
) -> list[HarvestReport]:
    """Harvest every enabled source (or only ``source``); the reports say what was taken and what refused."""
    services.writable()
    if timeout is not None and timeout <= 0:
        raise BadRequest("--timeout muss größer als 0 sein.")
    reports = harvest_sources(services.catalog, source, progress, timeout=timeout)
    services.catch_up()
    return reports
