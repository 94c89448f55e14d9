"""Adoption records and reviews: YAML files in the catalogue, each change a commit by the acting organisation."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
import pygit2
from pygit2.enums import FileMode

from hub.errors import AdoptionExists, BadRequest, CatalogError, ConfirmationExists, ConfirmationRefused, Conflict, DateOutOfOrder, NotFound
from hub.model import (
    Actor,
    Adoption,
    AdoptionEvent,
    AdoptionStatus,
    Confirmation,
    ConfirmationKind,
    Problem,
    Review,
    ReviewEntry,
    unsafe_character,
)
from hub.store.catalog import COMMITTER, Catalog
from hub.store.commit import commit_change, signature
from hub.store.organisations import actor_of, require_organisation
from hub.store.plausibility import STATUS_ORDER, check_adoption_record, check_step, parse_day, release_day
from hub.store.trees import blob_at, replace_path, subtree, tree_files
from hub.validate.yamlsafe import load_yaml

__all__ = ["STATUS_ORDER", "actor_for", "add_review", "adoptions", "advance_adoption", "confirm_adoption", "record_adoption", "reviews"]


def actor_for(catalog: Catalog, org: str) -> Actor:
    """The registered organisation ``org`` as commit author; :class:`OrganisationUnknown` when the catalogue does not know it."""
    return actor_of(require_organisation(catalog, org))


def adoption_path(package_id: str, adopter: str) -> str:
    return f"adoptions/{package_id}/{adopter}.yaml"


def review_path(package_id: str, version: str) -> str:
    return f"reviews/{package_id}/{version}.yaml"


def _read(catalog: Catalog, root: pygit2.Tree | None, path: str) -> dict | None:
    if root is None:
        return None
    try:
        return load_yaml(blob_at(catalog.repo, root[path].id).data).data
    except KeyError:
        return None


def _encode(record: msgspec.Struct, schema: str) -> bytes:
    data = msgspec.to_builtins(record)
    # records are built by code from checked input; the schema check guards the file format itself
    from hub.schemas import SCHEMA_BASE, validator  # jsonschema: loaded by the first write, not at a server's start

    errors = list(validator(SCHEMA_BASE + schema).iter_errors(data))
    if errors:
        raise CatalogError(f"Interner Fehler: der Datensatz verletzt {schema}: {errors[0].message}")
    return msgspec.yaml.encode(record)


def encode_record(record: Adoption | Review) -> bytes:
    """A record as the YAML file it is stored as, checked against its schema."""
    return _encode(record, "adoption.schema.json" if isinstance(record, Adoption) else "review.schema.json")


def _write(catalog: Catalog, actor: Actor, path: str, build, message: str, when: datetime | None = None) -> None:
    """Commit the record ``build(current or None)`` returns at ``path``, authored by ``actor``."""
    repo = catalog.repo

    def change(root: pygit2.Tree | None):
        blob = repo.create_blob(build(_read(catalog, root, path)))
        return replace_path(repo, root, path.split("/"), blob, FileMode.BLOB)

    commit_change(catalog, change, author=signature(actor.name, actor.email, when), committer=signature(*COMMITTER, when), message=message)


def trailers(action: str, package_id: str, actor: Actor, **more: str) -> str:
    """The machine-readable end of a record commit's message: what the audit history reads back."""
    extra = "".join(f"Hub-{key.capitalize()}: {value}\n" for key, value in more.items())
    return f"Hub-Action: {action}\nHub-Package: {package_id}\nHub-Actor: {actor.id}\n{extra}"


def put_record(catalog: Catalog, actor: Actor, record: Adoption | Review, *, message: str, when: datetime | None = None) -> None:
    """Write a whole record as it is (seeding, imports), checked against its schema and the plausibility rules."""
    if isinstance(record, Adoption):
        path, schema = adoption_path(record.package, record.adopter), "adoption.schema.json"
        check_adoption_record(catalog, record, path, today=when.date() if when else None)
    else:
        path, schema = review_path(record.package, record.version), "review.schema.json"
        release_day(catalog, record.package, record.version)
        for entry in record.reviews:
            if entry.origin is None:
                require_organisation(catalog, entry.reviewer, acting_as="begutachten")
            parse_day(entry.date, when.date() if when else None)
    data = _encode(record, schema)
    _write(catalog, actor, path, lambda current: data, message, when)


def _person(person: str | None) -> dict[str, str]:
    """The trailer naming the person who acted (``Hub-Person``); one line, as every accepted e-mail address is."""
    if person is None:
        return {}
    if unsafe_character(person, one_line=True):
        raise BadRequest("Die handelnde Person ist keine einzeilige Angabe.")
    return {"person": person}


def _adopter(catalog: Catalog, actor: Actor) -> Actor:
    require_organisation(catalog, actor.id, acting_as="nachnutzen")
    return actor


def record_adoption(
    catalog: Catalog,
    actor: Actor,
    package_id: str,
    version: str,
    status: AdoptionStatus = "planned",
    *,
    on: str | None = None,
    note: str | None = None,
    person: str | None = None,
) -> Adoption:
    """A new adoption by ``actor`` (the adopting organisation): a claim, shown as „angegeben“ until confirmed.

    ``person``: who acted for the organisation (a workspace account), named in the commit message.
    """
    _adopter(catalog, actor)
    day = parse_day(on)
    path = adoption_path(package_id, actor.id)
    check_step(catalog, path, package_id, None, status, version, day)
    result: list[Adoption] = []

    def build(current: dict | None) -> bytes:
        if current is not None:
            raise AdoptionExists(f"{actor.name} hat die Nachnutzung von {package_id} bereits erfasst; bitte den Stand fortschreiben.")
        record = Adoption(
            package=package_id,
            adopter=actor.id,
            adopter_name=actor.name,
            version=version,
            status=status,
            note=note,
            history=[AdoptionEvent(status=status, date=day.isoformat(), version=version, note=note)],
        )
        result[:] = [record]
        return _encode(record, "adoption.schema.json")

    _write(
        catalog,
        actor,
        path,
        build,
        f"{actor.name} nutzt {package_id} {version} nach ({status})\n\n"
        + trailers("adoption", package_id, actor, adopter=actor.id, version=version, status=status, **_person(person)),
    )
    return result[0]


def advance_adoption(
    catalog: Catalog,
    actor: Actor,
    package_id: str,
    status: AdoptionStatus | None = None,
    *,
    version: str | None = None,
    on: str | None = None,
    note: str | None = None,
    person: str | None = None,
) -> Adoption:
    """Move ``actor``'s adoption forward (planned → pilot → production → ended) and/or to a newer version."""
    _adopter(catalog, actor)
    day = parse_day(on)
    path = adoption_path(package_id, actor.id)
    result: list[Adoption] = []

    def build(current: dict | None) -> bytes:
        if current is None:
            raise NotFound(f"{actor.name} hat für {package_id} keine Nachnutzung erfasst.")
        record = msgspec.convert(current, Adoption)
        if record.origin is not None:
            raise Conflict(
                f"Die Nachnutzung von {package_id} durch {actor.name} stammt aus dem Hub „{record.origin.hub}“ und wird dort fortgeschrieben."
            )
        new_status = status or record.status
        new_version = version or record.version
        check_step(catalog, path, package_id, record.history[-1], new_status, new_version, day)
        record.status = new_status
        record.version = new_version
        record.history.append(AdoptionEvent(status=new_status, date=day.isoformat(), version=new_version, note=note))
        if note is not None:
            record.note = note
        result[:] = [record]
        return _encode(record, "adoption.schema.json")

    _write(
        catalog,
        actor,
        path,
        build,
        f"{actor.name}: Nachnutzung von {package_id} jetzt {status or 'unverändert'}{f' (Version {version})' if version else ''}\n\n"
        + trailers(
            "adoption",
            package_id,
            actor,
            adopter=actor.id,
            **({"version": version} if version else {}),
            **({"status": status} if status else {}),
            **_person(person),
        ),
    )
    return result[0]


def confirm_adoption(
    catalog: Catalog,
    actor: Actor,
    package_id: str,
    adopter: str,
    kind: ConfirmationKind,
    *,
    on: str | None = None,
    note: str | None = None,
    evidence: str | None = None,
    when: datetime | None = None,
) -> Adoption:
    """``actor`` confirms ``adopter``'s adoption as it stands now: as the package's publisher, as a reviewer, or (the hub) by provenance.

    The adopter never confirms itself; a publisher confirms only adoptions of its own packages.
    The confirmation names the status and version it confirms, so a later self-declared step is again only a claim.
    """
    publisher = package_id.split("/", 1)[0]
    if kind != "provenance":
        require_organisation(catalog, actor.id, acting_as="bestätigen")
        if actor.id == adopter:
            _refuse(
                f"{actor.name} kann die eigene Nachnutzung nicht bestätigen; das tun der Herausgeber des Pakets oder eine begutachtende Stelle.",
                package_id,
                adopter,
            )
        if kind == "publisher" and actor.id != publisher:
            _refuse(f"Als Herausgeber bestätigt nur „{publisher}“ Nachnutzungen von {package_id}, nicht „{actor.id}“.", package_id, adopter)
    day = parse_day(on, when.date() if when else None)
    path = adoption_path(package_id, adopter)
    result: list[Adoption] = []

    def build(current: dict | None) -> bytes:
        if current is None:
            raise NotFound(f"Für {package_id} hat „{adopter}“ keine Nachnutzung erfasst; bestätigt wird nur eine erfasste Nachnutzung.")
        record = msgspec.convert(current, Adoption)
        if day < date_of(record.history[-1].date):
            message = f"Die Bestätigung vom {day.isoformat()} liegt vor dem bestätigten Stand vom {record.history[-1].date}."
            raise DateOutOfOrder(
                message, problems=[Problem(code="date-out-of-order", file=path, message=message, pointer="/confirmations")]
            )
        by = adopter if kind == "provenance" else actor.id
        if any(
            c.kind == kind and c.by == by and c.status == record.status and c.version == record.version and c.origin is None
            for c in record.confirmations
        ):
            raise ConfirmationExists(
                f"{actor.name} hat die Nachnutzung von {package_id} durch {record.adopter_name or adopter} in diesem Stand bereits bestätigt."
            )
        record.confirmations.append(
            Confirmation(
                kind=kind,
                by=by,
                by_name=actor.name if kind != "provenance" else record.adopter_name,
                date=day.isoformat(),
                status=record.status,
                version=record.version,
                evidence=evidence,
                note=note,
            )
        )
        result[:] = [record]
        return _encode(record, "adoption.schema.json")

    _write(
        catalog,
        actor,
        path,
        build,
        f"{actor.name} bestätigt die Nachnutzung von {package_id} durch {adopter} ({KIND_DE[kind]})\n\n"
        + trailers("adoption-confirm", package_id, actor, adopter=adopter, confirmation=kind),
        when,
    )
    return result[0]


KIND_DE = {"publisher": "Herausgeber", "reviewer": "Begutachtung", "provenance": "Herkunftsnachweis"}


def date_of(value: str) -> date:
    return date.fromisoformat(value)


def _refuse(message: str, package_id: str, adopter: str) -> None:
    raise ConfirmationRefused(
        message, problems=[Problem(code="confirmation-refused", file=adoption_path(package_id, adopter), message=message)]
    )


def add_review(
    catalog: Catalog,
    actor: Actor,
    package_id: str,
    version: str,
    level: int,
    rationale: str,
    *,
    computed_level: int | None = None,
    on: str | None = None,
    person: str | None = None,
) -> Review:
    """Append a reviewer's level and rationale for one package version; earlier reviews stay.

    ``person``: who acted for the organisation (a workspace account), named in the commit message.
    """
    require_organisation(catalog, actor.id, acting_as="begutachten")
    trailer = _person(person)  # checked before anything is written
    release_day(catalog, package_id, version)
    entry = ReviewEntry(
        reviewer=actor.id,
        reviewer_name=actor.name,
        date=parse_day(on).isoformat(),
        level=level,
        rationale=rationale,
        computed_level=computed_level,
    )
    result: list[Review] = []

    def build(current: dict | None) -> bytes:
        review = msgspec.convert(current, Review) if current is not None else Review(package=package_id, version=version, reviews=[])
        review.reviews.append(entry)
        result[:] = [review]
        return _encode(review, "review.schema.json")

    _write(
        catalog,
        actor,
        review_path(package_id, version),
        build,
        f"Begutachtung {package_id} {version}: Reifegrad {level}\n\n{rationale}\n\n"
        + trailers("review", package_id, actor, version=version, level=str(level), **trailer),
    )
    return result[0]


def _records(catalog: Catalog, folder: str, package_id: str | None, ref: str | None, kind: type) -> list:
    commit = catalog.resolve(ref)
    if commit is None:
        return []
    base = subtree(catalog.repo, commit.tree, f"{folder}/{package_id}" if package_id else folder)
    if base is None:
        return []
    return [
        msgspec.convert(load_yaml(blob_at(catalog.repo, entry.id).data).data, kind)
        for path, entry in sorted(tree_files(catalog.repo, base).items())
        if path.endswith(".yaml")
    ]


def adoptions(catalog: Catalog, package_id: str | None = None, *, ref: str | None = None) -> list[Adoption]:
    return _records(catalog, "adoptions", package_id, ref, Adoption)


def reviews(catalog: Catalog, package_id: str | None = None, *, ref: str | None = None) -> list[Review]:
    return _records(catalog, "reviews", package_id, ref, Review)
