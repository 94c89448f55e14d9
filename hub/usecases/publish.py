"""Publishing a package version, from a folder (CLI) or an archive (API)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from hub.errors import BadRequest
from hub.model import Actor, Manifest, PublishResult
from hub.services import Services
from hub.store import publish as store_publish
from hub.validate import PackageFiles

log = logging.getLogger(__name__)


def publish(
    services: Services, package: PackageFiles, *, actor: Actor | None = None, check: Callable[[Manifest], None] | None = None
) -> PublishResult:
    """Validate and publish one version (all or nothing), then bring index and exports up to date.

    ``check`` sees the valid manifest before anything is written and may refuse (the API
    lets a token publish only for its own organisation).
    """
    services.writable()
    result = store_publish(services.catalog, package, actor=actor, check=check)
    try:
        services.catch_up()
    except Exception:
        log.warning(
            "Index und Klon-Exporte nach %s %s nicht nachgezogen; das nächste Nachziehen holt es nach",
            result.id,
            result.version,
            exc_info=True,
        )
    return result


def publish_folder(services: Services, folder: Path) -> PublishResult:
    if not folder.is_dir():
        raise BadRequest(f"„{folder}“ ist kein Ordner.")
    return publish(services, PackageFiles.from_folder(folder))
