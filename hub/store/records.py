"""Adoption records and reviews: YAML files in the catalogue, each change a commit by the acting organisation."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime

import msgspec
import pygit2
from pygit2.enums import FileMode

from hub.errors import AdoptionExists, AdoptionStatusBackward, CatalogError, NotFound, VersionNotFound
from hub.model import Actor, Adoption, AdoptionEvent, AdoptionStatus, Review, ReviewEntry
from hub.schemas import SCHEMA_BASE, validator
from hub.store.catalog import COMMITTER, Catalog
from hub.store.commit import commit_change, signature
from hub.store.trees import replace_path, subtree, tree_files
from hub.validate.yamlsafe import load_yaml

STATUS_ORDER: dict[str, int] = {"planned": 0, "pilot": 1, "production": 2, "ended": 3}


def actor_for(catalog: Catalog, org: str) -> Actor:
    """The organisation ``org`` as commit author: its name and first contact from ``publishers/<org>.yaml``."""
    publisher = catalog.publisher(org)
    if publisher is None:
        return Actor(id=org, name=org, email=f"{org}@transferhub.invalid")
    email = publisher.contacts[0].email if publisher.contacts else f"{org}@transferhub.invalid"
    return Actor(id=org, name=publisher.name, email=email)


def adoption_path(package_id: str, adopter: str) -> str:
    return f"adoptions/{package_id}/{adopter}.yaml"


def review_path(package_id: str, version: str) -> str:
    return f"reviews/{package_id}/{version}.yaml"


def _read(catalog: Catalog, root: pygit2.Tree | None, path: str) -> dict | None:
    if root is None:
        return None
    try:
        return load_yaml(catalog.repo[root[path].id].data).data
    except KeyError:
        return None


def _encode(record: msgspec.Struct, schema: str) -> bytes:
    data = msgspec.to_builtins(record)
    # records are built by code from checked input; the schema check guards the file format itself
    errors = list(validator(SCHEMA_BASE + schema).iter_errors(data))
    if errors:
        raise CatalogError(f"Interner Fehler: der Datensatz verletzt {schema}: {errors[0].message}")
    return msgspec.yaml.encode(record)


def _write(catalog: Catalog, actor: Actor, path: str, build, message: str, when: datetime | None = None) -> None:
    """Commit the record ``build(current or None)`` returns at ``path``, authored by ``actor``."""
    repo = catalog.repo

    def change(root: pygit2.Tree | None):
        blob = repo.create_blob(build(_read(catalog, root, path)))
        return replace_path(repo, root, path.split("/"), blob, FileMode.BLOB)

    commit_change(catalog, change, author=signature(actor.name, actor.email, when), committer=signature(*COMMITTER, when), message=message)


def put_record(catalog: Catalog, actor: Actor, record: Adoption | Review, *, message: str, when: datetime | None = None) -> None:
    """Write a whole record as it is (seeding, imports), checked against its schema."""
    if isinstance(record, Adoption):
        path, schema = adoption_path(record.package, record.adopter), "adoption.schema.json"
    else:
        path, schema = review_path(record.package, record.version), "review.schema.json"
    data = _encode(record, schema)
    _write(catalog, actor, path, lambda current: data, message, when)


def _require_version(catalog: Catalog, package_id: str, version: str) -> None:
    if version not in {v.version for v in catalog.versions(package_id)}:
        raise VersionNotFound(f"Das Paket „{package_id}“ hat keine Version „{version}“.")


def record_adoption(
    catalog: Catalog, actor: Actor, package_id: str, version: str, status: AdoptionStatus = "planned", *, on: str | None = None, note: str | None = None
) -> Adoption:
    """A new adoption by ``actor`` (the adopting organisation)."""
    _require_version(catalog, package_id, version)
    day = on or Date.today().isoformat()
    result: list[Adoption] = []

    def build(current: dict | None) -> bytes:
        if current is not None:
            raise AdoptionExists(f"{actor.name} hat die Nachnutzung von {package_id} bereits erfasst; bitte den Stand fortschreiben.")
        record = Adoption(package=package_id, adopter=actor.id, adopter_name=actor.name, version=version, status=status, note=note,
                          history=[AdoptionEvent(status=status, date=day, version=version, note=note)])
        result[:] = [record]
        return _encode(record, "adoption.schema.json")

    _write(catalog, actor, adoption_path(package_id, actor.id), build,
           f"{actor.name} nutzt {package_id} {version} nach ({status})\n\nHub-Action: adoption\nHub-Package: {package_id}\nHub-Actor: {actor.id}\n")
    return result[0]


def advance_adoption(
    catalog: Catalog, actor: Actor, package_id: str, status: AdoptionStatus, *, version: str | None = None, on: str | None = None, note: str | None = None
) -> Adoption:
    """Move ``actor``'s adoption forward (planned → pilot → production → ended), optionally to a newer version."""
    if version is not None:
        _require_version(catalog, package_id, version)
    day = on or Date.today().isoformat()
    result: list[Adoption] = []

    def build(current: dict | None) -> bytes:
        if current is None:
            raise NotFound(f"{actor.name} hat für {package_id} keine Nachnutzung erfasst.")
        record = msgspec.convert(current, Adoption)
        if STATUS_ORDER[status] < STATUS_ORDER[record.status] or (status == record.status and version in (None, record.version)):
            raise AdoptionStatusBackward(f"Der Stand „{record.status}“ kann nicht zu „{status}“ wechseln; erlaubt ist nur der Weg geplant → Pilot → Produktion → beendet.")
        record.status = status
        record.version = version or record.version
        record.history.append(AdoptionEvent(status=status, date=day, version=record.version, note=note))
        if note is not None:
            record.note = note
        result[:] = [record]
        return _encode(record, "adoption.schema.json")

    _write(catalog, actor, adoption_path(package_id, actor.id), build,
           f"{actor.name}: Nachnutzung von {package_id} jetzt {status}\n\nHub-Action: adoption\nHub-Package: {package_id}\nHub-Actor: {actor.id}\n")
    return result[0]


def add_review(
    catalog: Catalog, actor: Actor, package_id: str, version: str, level: int, rationale: str, *, computed_level: int | None = None, on: str | None = None
) -> Review:
    """Append a reviewer's level and rationale for one package version; earlier reviews stay."""
    _require_version(catalog, package_id, version)
    entry = ReviewEntry(reviewer=actor.id, reviewer_name=actor.name, date=on or Date.today().isoformat(), level=level, rationale=rationale, computed_level=computed_level)
    result: list[Review] = []

    def build(current: dict | None) -> bytes:
        review = msgspec.convert(current, Review) if current is not None else Review(package=package_id, version=version, reviews=[])
        review.reviews.append(entry)
        result[:] = [review]
        return _encode(review, "review.schema.json")

    _write(catalog, actor, review_path(package_id, version), build,
           f"Begutachtung {package_id} {version}: Reifegrad {level}\n\n{rationale}\n\nHub-Action: review\nHub-Package: {package_id}\nHub-Version: {version}\nHub-Actor: {actor.id}\n")
    return result[0]


def _records(catalog: Catalog, folder: str, package_id: str | None, ref: str | None, kind: type) -> list:
    commit = catalog.resolve(ref)
    if commit is None:
        return []
    base = subtree(catalog.repo, commit.tree, f"{folder}/{package_id}" if package_id else folder)
    if base is None:
        return []
    return [msgspec.convert(load_yaml(catalog.repo[entry.id].data).data, kind) for path, entry in sorted(tree_files(catalog.repo, base).items()) if path.endswith(".yaml")]


def adoptions(catalog: Catalog, package_id: str | None = None, *, ref: str | None = None) -> list[Adoption]:
    return _records(catalog, "adoptions", package_id, ref, Adoption)


def reviews(catalog: Catalog, package_id: str | None = None, *, ref: str | None = None) -> list[Review]:
    return _records(catalog, "reviews", package_id, ref, Review)
