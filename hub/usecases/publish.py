"""Publishing a package version, from a folder (CLI), an archive (API), or an archive checked in the workspace's dry run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hub.errors import BadRequest, Forbidden, InvalidPackage, NotFound
from hub.model import Actor, Manifest, PublishResult
from hub.services import Services
from hub.sessions import Session
from hub.store import publish as store_publish
from hub.store.records import actor_for
from hub.validate import PackageFiles, ValidationResult
from hub.validate.archive import validate_archive_bounded

log = logging.getLogger(__name__)


def publish(
    services: Services,
    package: PackageFiles,
    *,
    actor: Actor | None = None,
    check: Callable[[Manifest], None] | None = None,
    person: str | None = None,
    validated: ValidationResult | None = None,
) -> PublishResult:
    """Validate and publish one version (all or nothing), then bring the index (and, unless a follower does it after
    the answer, the clone exports) up to date.

    ``check`` sees the valid manifest before anything is written and may refuse (the API
    lets a token publish only for its own organisation); ``person`` is who acted for the
    organisation in the workspace, named in the commit message; ``validated`` is the result
    of validating exactly ``package`` already (in a budget worker), so it is not validated again.
    """
    services.writable()
    result = store_publish(services.catalog, package, actor=actor, check=check, person=person, validated=validated)
    after_commits(services, f"{result.id} {result.version}")
    return result


def after_commits(services: Services, published: str) -> None:
    """Bring the index (and, unless a follower does it, the clone exports) to the commits just made.

    The commits stand: from here on nothing may turn an answer into a failure, so a failure here is
    logged and left to the next catch-up, which brings everything along."""
    try:
        services.after_write()
    except Exception:
        log.warning("Index und Klon-Exporte nach %s nicht nachgezogen; das nächste Nachziehen holt es nach", published, exc_info=True)


def publish_folder(services: Services, folder: Path) -> PublishResult:
    if not folder.is_dir():
        raise BadRequest(f"„{folder}“ ist kein Ordner.")
    return publish(services, PackageFiles.from_folder(folder))


# -- the workspace: a dry run keeps the checked bytes, publishing commits exactly those -------------


@dataclass
class DryRun:
    """What the dry run of an uploaded archive found; ``upload`` is set only when it may be published as it is."""

    package: PackageFiles
    result: ValidationResult
    refusal: str | None  # why this person may not publish it (another organisation's package)
    upload: str | None  # the id its bytes are kept under for this session


def own_organisation(org: str) -> Callable[[Manifest], None]:
    """A person publishes only for the organisation of their account (the rule a token follows too)."""

    def check(manifest: Manifest) -> None:
        if manifest.publisher_id != org:
            raise Forbidden(
                f"Das Paket gehört laut hub.yaml zu „{manifest.publisher_id}“; Ihr Konto darf nur für „{org}“ veröffentlichen. "
                "Es wurde nichts veröffentlicht."
            )

    return check


def dry_run(services: Services, session: Session, org: str, data: bytes) -> DryRun:
    """Unpack and validate an archive in a budget worker (never here); keep its bytes when it may be published."""
    package, result = validate_archive_bounded(data)
    refusal = None
    if result.manifest is not None:
        try:
            own_organisation(org)(result.manifest)
        except Forbidden as refused:
            refusal = refused.detail
    upload = services.sessions.keep_upload(session.id, data) if result.ok and refusal is None else None
    return DryRun(package=package, result=result, refusal=refusal, upload=upload)


def publish_upload(services: Services, session: Session, org: str, person: str, upload: str) -> PublishResult:
    """Publish the bytes the dry run kept under ``upload`` for this session (taken once), as ``org``, naming ``person``."""
    services.writable()
    data = services.sessions.take_upload(session.id, upload)
    if data is None:
        raise NotFound(
            "Der geprüfte Upload ist nicht mehr vorhanden: schon veröffentlicht, abgelaufen oder aus einer anderen Sitzung. "
            "Bitte das Archiv noch einmal hochladen und prüfen."
        )
    # the same bytes again through the same bounded check: what is committed is exactly what the dry run showed
    package, checked = validate_archive_bounded(data)
    if not checked.ok:
        raise InvalidPackage(
            f"Das Paket ist ungültig: {len(checked.problems)} Problem(e) gefunden; nichts wurde veröffentlicht.", problems=checked.problems
        )
    return publish(services, package, actor=actor_for(services.catalog, org), check=own_organisation(org), person=person, validated=checked)
