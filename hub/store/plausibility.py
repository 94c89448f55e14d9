"""Plausible claims only: the rules every adoption, confirmation and review must pass before it is written.

One place for the rules, so the CLI, the API, seeding and harvesting refuse the same
things with the same German problems: an unknown organisation, a date in the future, a
date before the adopted version was released, a step back in status or time, a version
that does not exist.
"""

from __future__ import annotations

from datetime import date

from hub.errors import AdoptionStatusBackward, BadRequest, DateBeforeRelease, DateInFuture, DateOutOfOrder, VersionNotFound
from hub.model import Adoption, AdoptionEvent, Problem
from hub.store.catalog import Catalog
from hub.store.organisations import require_organisation

STATUS_ORDER: dict[str, int] = {"planned": 0, "pilot": 1, "production": 2, "ended": 3}
STATUS_DE = {"planned": "geplant", "pilot": "Pilotbetrieb", "production": "Produktion", "ended": "beendet"}


def _problem(code: str, file: str, message: str, pointer: str | None = None) -> list[Problem]:
    return [Problem(code=code, file=file, message=message, pointer=pointer)]


def parse_day(value: str | date | None, today: date | None = None) -> date:
    """A ``JJJJ-MM-TT`` date (default today) that is not in the future."""
    today = today or date.today()
    if value is None:
        return today
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise BadRequest(f"„{value}“ ist kein Datum der Form JJJJ-MM-TT.") from None
    if day > today:
        message = (
            f"Das Datum {day.isoformat()} liegt in der Zukunft (heute ist {today.isoformat()}); erfasst wird nur, was schon geschehen ist."
        )
        raise DateInFuture(message, problems=_problem("date-in-future", "", message, "/date"))
    return day


def release_day(catalog: Catalog, package_id: str, version: str) -> date:
    """When ``version`` was released: its manifest's ``release_date``, else the day it was published in the hub."""
    infos = {v.version: v for v in catalog.versions(package_id)}  # PackageNotFound for an unknown package
    info = infos.get(version)
    if info is None:
        known = ", ".join(reversed(list(infos))) or "keine"
        message = f"Das Paket „{package_id}“ hat keine Version „{version}“ (veröffentlicht: {known})."
        raise VersionNotFound(message, problems=_problem("version-not-found", package_id, message, "/version"))
    manifest = catalog.get(package_id, version).manifest
    published = date.fromisoformat(info.published_at[:10])
    if manifest.release_date:
        try:
            return min(date.fromisoformat(manifest.release_date[:10]), published)
        except ValueError:
            pass
    return published


def check_step(
    catalog: Catalog, record_path: str, package_id: str, previous: AdoptionEvent | None, status: str, version: str, day: date
) -> None:
    """One step of an adoption (the first, or one after ``previous``) is plausible; raises otherwise."""
    released = release_day(catalog, package_id, version)
    if day < released:
        message = (
            f"Das Datum {day.isoformat()} liegt vor der Veröffentlichung von {package_id} {version} am {released.isoformat()}; "
            "eine Version kann nicht vor ihrer Veröffentlichung nachgenutzt werden."
        )
        raise DateBeforeRelease(message, problems=_problem("date-before-release", record_path, message, "/date"))
    if previous is None:
        return
    if STATUS_ORDER[status] < STATUS_ORDER[previous.status] or (status == previous.status and version == (previous.version or version)):
        message = (
            f"Der Stand „{STATUS_DE[previous.status]}“ kann nicht zu „{STATUS_DE[status]}“ wechseln; "
            "erlaubt ist nur der Weg geplant → Pilot → Produktion → beendet (oder eine neue Version im selben Stand)."
        )
        raise AdoptionStatusBackward(message, problems=_problem("adoption-status-backward", record_path, message, "/status"))
    if day < date.fromisoformat(previous.date):
        message = f"Das Datum {day.isoformat()} liegt vor dem letzten Stand vom {previous.date}; der Verlauf geht nur vorwärts."
        raise DateOutOfOrder(message, problems=_problem("date-out-of-order", record_path, message, "/date"))


def check_adoption_record(
    catalog: Catalog, record: Adoption, record_path: str, today: date | None = None, *, registered: set[str] | None = None
) -> None:
    """A whole record (seeding, harvesting): registered adopter and confirmers, and every step plausible in order.

    ``registered`` names organisations registered in the same commit (a harvest carries them along).
    """
    if record.adopter not in (registered or set()):
        require_organisation(catalog, record.adopter, acting_as="nachnutzen")
    previous: AdoptionEvent | None = None
    for event in record.history:
        day = parse_day(event.date, today)
        check_step(catalog, record_path, record.package, previous, event.status, event.version or record.version, day)
        previous = event
    for confirmation in record.confirmations:
        if confirmation.origin is None:  # a foreign confirmer need not be registered here: the origin names its hub
            require_organisation(catalog, confirmation.by, acting_as="bestätigen")
        parse_day(confirmation.date, today)
        release_day(catalog, record.package, confirmation.version)
