"""The organisation registry: ``publishers/<id>.yaml`` holds publishers and adopting organisations alike.

Only registered organisations publish through a token, adopt, confirm, review or hold tokens;
:func:`require_organisation` is the one check every write path uses.
"""

from __future__ import annotations

from datetime import datetime

import pygit2
from pygit2.enums import FileMode

from hub.errors import InvalidPackage, OrganisationExists, OrganisationUnknown
from hub.model import Actor, Problem, Publisher
from hub.store.catalog import COMMITTER, Catalog
from hub.store.commit import commit_change, signature
from hub.store.trees import replace_path
from hub.validate.publisher import check_publisher

REGISTRY = "publishers"


def organisation_path(org: str) -> str:
    return f"{REGISTRY}/{org}.yaml"


def require_organisation(catalog: Catalog, org: str, *, acting_as: str = "handeln") -> Publisher:
    """The registered organisation ``org``; :class:`OrganisationUnknown` with a problem when the catalogue does not know it."""
    record = catalog.publisher(org) if isinstance(org, str) and org else None
    if record is None:
        message = (
            f"Die Organisation „{org}“ ist im Katalog nicht registriert und darf nicht {acting_as}. "
            f"Registrieren mit „hub organisation add <datei.yaml>“ (Schema publisher.schema.json)."
        )
        raise OrganisationUnknown(
            message, problems=[Problem(code="organisation-unknown", file=organisation_path(str(org)), message=message)]
        )
    return record


def actor_of(record: Publisher) -> Actor:
    """A registered organisation as commit author: its name and first contact."""
    email = record.contacts[0].email if record.contacts else f"{record.id}@transferhub.invalid"
    return Actor(id=record.id, name=record.name, email=email)


def check_organisation(data: bytes, *, expected_id: str | None = None) -> Publisher:
    """The record ``data`` (YAML checked against publisher.schema.json); ``InvalidPackage`` with every problem otherwise."""
    record, problems = check_publisher(f"{REGISTRY}/{expected_id or 'organisation'}.yaml", data, expected_id=expected_id)
    if record is None:
        raise InvalidPackage(
            f"Der Organisationseintrag ist ungültig: {len(problems)} Problem(e); nichts wurde gespeichert.", problems=problems
        )
    return record


def _exists(record: Publisher) -> OrganisationExists:
    message = f"Unter der Kennung „{record.id}“ ist schon eine Organisation registriert; bitte eine andere Kennung wählen."
    return OrganisationExists(
        message, problems=[Problem(code="organisation-exists", file=organisation_path(record.id), pointer="/id", message=message)]
    )


def _holds(root: pygit2.Tree, path: str) -> bool:
    try:
        root[path]
    except KeyError:
        return False
    return True


def register_organisation(
    catalog: Catalog,
    data: bytes,
    *,
    actor: Actor | None = None,
    when: datetime | None = None,
    expected_id: str | None = None,
    new: bool = False,
    person: str | None = None,
) -> Publisher:
    """Add or update ``publishers/<id>.yaml`` from ``data`` (YAML checked against publisher.schema.json); one commit.

    ``new``: only a new organisation (an identifier taken already is refused, checked in the commit's own step);
    ``person``: who acted for ``actor`` (a workspace account), named in the commit message (``Hub-Person``).
    """
    record = check_organisation(data, expected_id=expected_id)
    repo = catalog.repo
    blob = repo.create_blob(data)
    existed = catalog.publisher(record.id) is not None
    if new and existed:
        raise _exists(record)
    parts = organisation_path(record.id).split("/")

    def change(root: pygit2.Tree | None) -> pygit2.Oid:
        if new and root is not None and _holds(root, organisation_path(record.id)):
            raise _exists(record)  # registered meanwhile by someone else
        return replace_path(repo, root, parts, blob, FileMode.BLOB)

    who = actor or Actor(id="transferhub", name=COMMITTER[0], email=COMMITTER[1])
    verb = "geändert" if existed else "registriert"
    commit_change(
        catalog,
        change,
        author=signature(who.name, who.email, when),
        committer=signature(*COMMITTER, when),
        message=f"Organisation {record.name} {verb}\n\nHub-Action: organisation\nHub-Organisation: {record.id}\nHub-Actor: {who.id}\n"
        + (f"Hub-Person: {person}\n" if person else ""),
    )
    return record
