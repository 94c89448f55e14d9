"""Recording and advancing an adoption (the adopting organisation acts)."""

from __future__ import annotations

from datetime import date

from hub.config import HubConfig
from hub.errors import BadRequest
from hub.model import Actor, Adoption, AdoptionStatus
from hub.services import Services
from hub.store import Catalog
from hub.store.records import STATUS_ORDER, actor_for, adoptions, advance_adoption, confirm_adoption, record_adoption

Day = str | date | None


def day(value: Day) -> str | None:
    """A date as ``YYYY-MM-DD``; text that is not one is refused."""
    if value is None or isinstance(value, date):
        return None if value is None else value.isoformat()
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise BadRequest(f"„{value}“ ist kein Datum der Form JJJJ-MM-TT.") from None


def note(value: str | None) -> str | None:
    """A note without surrounding blanks; an empty one is no note."""
    text = (value or "").strip()
    return text or None


def _status(value: str) -> AdoptionStatus:
    if value not in STATUS_ORDER:
        raise BadRequest(f"Den Stand „{value}“ gibt es nicht; möglich sind: {', '.join(STATUS_ORDER)}.")
    return value  # type: ignore[return-value]


def record(
    services: Services,
    actor: Actor,
    package_id: str,
    version: str | None = None,
    status: str = "planned",
    *,
    on: Day = None,
    text: str | None = None,
    person: str | None = None,
) -> Adoption:
    """A new adoption of ``package_id`` (``version`` default: the latest) by ``actor``; ``person`` (who acted) is named in the commit."""
    services.writable()
    if version is None:
        version = services.catalog.get(package_id).manifest.version
    adoption = record_adoption(services.catalog, actor, package_id, version, _status(status), on=day(on), note=note(text), person=person)
    services.catch_up()  # adoptions move maturity levels
    return adoption


def advance(
    services: Services,
    actor: Actor,
    package_id: str,
    status: str | None,
    *,
    version: str | None = None,
    on: Day = None,
    text: str | None = None,
    person: str | None = None,
) -> Adoption:
    """Move ``actor``'s adoption forward (planned → pilot → production → ended) and/or to a newer version."""
    services.writable()
    if status is None and version is None:
        raise BadRequest("Zum Fortschreiben bitte den neuen Stand oder eine neue Version angeben.")
    adoption = advance_adoption(
        services.catalog,
        actor,
        package_id,
        _status(status) if status is not None else None,
        version=version,
        on=day(on),
        note=note(text),
        person=person,
    )
    services.catch_up()
    return adoption


def save(
    services: Services, actor: Actor, package_id: str, status: str, version: str, *, on: Day = None, text: str | None = None, person: str
) -> Adoption:
    """The workspace form: record ``actor``'s adoption, or advance the one it has (only what differs from it).

    The same rules as the API and the CLI: the domain refuses a step backwards, a date before the
    version's release or the last step, and a step that changes nothing.
    """
    current = next((a for a in adoptions(services.catalog, package_id) if a.adopter == actor.id), None)
    if current is None:
        return record(services, actor, package_id, version, status, on=on, text=text, person=person)
    return advance(
        services,
        actor,
        package_id,
        status if status != current.status else None,
        version=version if version != current.version else None,
        on=on,
        text=text,
        person=person,
    )


def confirm(
    services: Services,
    actor: Actor,
    package_id: str,
    adopter: str | None,
    kind: str = "publisher",
    *,
    on: Day = None,
    text: str | None = None,
) -> Adoption:
    """``actor`` confirms ``adopter``'s adoption as it stands: as the package's publisher or as a reviewer."""
    services.writable()
    if not adopter or not adopter.strip():
        raise BadRequest("Zum Bestätigen bitte die nachnutzende Organisation angeben.")
    if kind not in ("publisher", "reviewer"):
        raise BadRequest(f"Die Art der Bestätigung „{kind}“ gibt es nicht; möglich sind publisher und reviewer.")
    adoption = confirm_adoption(services.catalog, actor, package_id, adopter.strip(), kind, on=day(on), note=note(text))  # type: ignore[arg-type]
    services.catch_up()  # confirmations move maturity levels
    return adoption


def record_for_clone(catalog: Catalog, package_id: str, org: str, version: str) -> Adoption:
    """``hub adopt --record``: the planned adoption of a package just cloned, in the data folder of ``catalog``."""
    services = Services.attach(HubConfig(data_dir=catalog.path.parent))
    return record(services, actor_for(services.catalog, org), package_id, version, "planned")


def advance_for_clone(catalog: Catalog, package_id: str, org: str, version: str) -> Adoption:
    """``hub upstream merge``: the adoption record in the data folder of ``catalog`` now names the merged ``version``."""
    services = Services.attach(HubConfig(data_dir=catalog.path.parent))
    return advance(services, actor_for(services.catalog, org), package_id, None, version=version)
