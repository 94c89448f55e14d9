"""Federation keeps the evidence: adoptions, confirmations and reviews travel with the packages.

Harvesting another hub (``hub: true``) carries its adoption and review records, each marked
with its origin (the source, its address, the other hub's commit, the acting organisation).
A record made here always wins over a carried one; carried records are checked by the same
plausibility rules as local ones, and an adopter the hub does not know yet is registered
from the other hub's organisation record. A foreign review counts for maturity only when the
source says ``trust: [reviews]`` (see :mod:`hub.maturity.trust`).

Harvesting an adopter's own repository (made with ``hub adopt``) is evidence the hub checks
itself: when its history holds a published version of a package of this hub, the adopter's
claimed adoption of that version is confirmed by provenance.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

import msgspec
import pygit2
from pygit2.enums import FileMode

from hub.errors import ConfirmationExists, HubError
from hub.federation.model import CarriedRecord, Source
from hub.model import Actor, Adoption, RecordOrigin, Review
from hub.store.catalog import COMMITTER, Catalog, package_path
from hub.store.commit import commit_change, signature
from hub.store.organisations import organisation_path
from hub.store.plausibility import check_adoption_record, parse_day, release_day
from hub.store.records import adoption_path, adoptions, confirm_adoption, encode_record, review_path
from hub.store.trees import blob_at, replace_path, subtree, tree_at, tree_files
from hub.validate.publisher import check_publisher
from hub.validate.yamlsafe import YamlError, load_yaml

_Record = TypeVar("_Record", Adoption, Review)

HUB_ACTOR = Actor(id="transferhub", name=COMMITTER[0], email=COMMITTER[1])
MAX_HISTORY = 5000  # commits of an adopter's repository searched for a published version


def _files(repo: pygit2.Repository, tree: pygit2.Tree, folder: str) -> dict[str, pygit2.Oid]:
    base = subtree(repo, tree, folder)
    if base is None:
        return {}
    return {f"{folder}/{path}": entry.id for path, entry in sorted(tree_files(repo, base).items()) if path.endswith(".yaml")}


def _decode(repo: pygit2.Repository, oid: pygit2.Oid, kind: type[_Record]) -> _Record:
    return msgspec.convert(load_yaml(blob_at(repo, oid).data).data, kind)


def _ours(catalog: Catalog, path: str) -> bytes | None:
    head = catalog.head()
    try:
        return blob_at(catalog.repo, head.tree[path].id).data if head is not None else None
    except KeyError:
        return None


def carry_records(
    catalog: Catalog, repo: pygit2.Repository, commit: pygit2.Commit, source: Source, *, when: datetime | None = None
) -> list[CarriedRecord]:
    """Take the other hub's adoption and review records of packages this hub has; one commit for all changes."""
    today = (when or datetime.now(UTC)).date()
    packages = set(catalog.package_ids())
    results: list[CarriedRecord] = []
    changes: dict[str, tuple[bytes | None, bytes]] = {}  # path -> (content read before, new content)

    def origin(org: str | None) -> RecordOrigin:
        return RecordOrigin(hub=source.name, url=source.url, commit=str(commit.id), organisation=org)

    def wanted(package_id: str) -> bool:
        owner = package_id.split("/", 1)[0]
        return package_id in packages and (not source.publishers or owner in source.publishers)

    for path, oid in _files(repo, commit.tree, "adoptions").items():
        try:
            record = _decode(repo, oid, Adoption)
            assert isinstance(record, Adoption)
        except (YamlError, msgspec.ValidationError, ValueError) as exc:
            results.append(CarriedRecord(kind="adoption", path=path, outcome="refused", message=f"nicht lesbar: {exc}"))
            continue
        if path != adoption_path(record.package, record.adopter) or not wanted(record.package):
            continue
        before = _ours(catalog, path)
        head = catalog.head()  # not None when ``before`` is not
        if before is not None and head is not None and _decode(catalog.repo, head.tree[path].id, Adoption).origin is None:
            results.append(
                CarriedRecord(kind="adoption", path=path, outcome="unchanged", message="hier erfasste Nachnutzung bleibt maßgeblich")
            )
            continue
        record.origin = origin(record.adopter)
        record.confirmations = [msgspec.structs.replace(c, origin=origin(c.by)) for c in record.confirmations]
        if catalog.publisher(record.adopter) is None:
            try:
                data = blob_at(repo, commit.tree[organisation_path(record.adopter)].id).data
            except KeyError:
                data = None
            if data is None or check_publisher(organisation_path(record.adopter), data, expected_id=record.adopter)[0] is None:
                results.append(
                    CarriedRecord(
                        kind="adoption",
                        path=path,
                        outcome="refused",
                        message=f"die Organisation „{record.adopter}“ ist weder hier noch im anderen Hub gültig registriert",
                    )
                )
                continue
            changes[organisation_path(record.adopter)] = (None, data)
        try:
            check_adoption_record(catalog, record, path, today=today, registered={record.adopter})
            encoded = encode_record(record)
        except HubError as exc:
            results.append(CarriedRecord(kind="adoption", path=path, outcome="refused", message=exc.detail))
            changes.pop(organisation_path(record.adopter), None)
            continue
        if encoded == before:
            results.append(CarriedRecord(kind="adoption", path=path, outcome="unchanged"))
        else:
            changes[path] = (before, encoded)
            results.append(CarriedRecord(kind="adoption", path=path, outcome="taken"))

    for path, oid in _files(repo, commit.tree, "reviews").items():
        try:
            theirs = _decode(repo, oid, Review)
            assert isinstance(theirs, Review)
        except (YamlError, msgspec.ValidationError, ValueError) as exc:
            results.append(CarriedRecord(kind="review", path=path, outcome="refused", message=f"nicht lesbar: {exc}"))
            continue
        if path != review_path(theirs.package, theirs.version) or not wanted(theirs.package):
            continue
        try:
            release_day(catalog, theirs.package, theirs.version)
            for entry in theirs.reviews:
                parse_day(entry.date, today)
        except HubError as exc:
            results.append(CarriedRecord(kind="review", path=path, outcome="refused", message=exc.detail))
            continue
        before = _ours(catalog, path)
        ours = (
            msgspec.convert(load_yaml(before).data, Review)
            if before is not None
            else Review(package=theirs.package, version=theirs.version, reviews=[])
        )
        kept = [e for e in ours.reviews if e.origin is None or e.origin.hub != source.name]
        carried = [msgspec.structs.replace(e, origin=origin(e.reviewer)) for e in theirs.reviews]
        merged = msgspec.structs.replace(ours, reviews=sorted(kept + carried, key=lambda e: e.date))  # stable: same-day order kept
        encoded = encode_record(merged)
        if encoded == before:
            results.append(CarriedRecord(kind="review", path=path, outcome="unchanged"))
        else:
            changes[path] = (before, encoded)
            results.append(CarriedRecord(kind="review", path=path, outcome="taken"))

    if changes:
        _commit(catalog, changes, source, commit, when)
    return results


def _commit(
    catalog: Catalog, changes: dict[str, tuple[bytes | None, bytes]], source: Source, commit: pygit2.Commit, when: datetime | None
) -> None:
    repo = catalog.repo
    blobs = {path: repo.create_blob(data) for path, (_, data) in changes.items()}

    def change(root: pygit2.Tree | None) -> pygit2.Oid:
        oid = root.id if root is not None else None
        for path, blob in blobs.items():
            current = tree_at(repo, oid) if oid is not None else None
            try:
                now = blob_at(repo, current[path].id).data if current is not None else None
            except KeyError:
                now = None
            if now != changes[path][0] and not path.startswith("publishers/"):
                continue  # changed here meanwhile (a local record): the local one wins
            if path.startswith("publishers/") and now is not None:
                continue  # registered meanwhile
            oid = replace_path(repo, current, path.split("/"), blob, FileMode.BLOB)
        assert oid is not None
        return oid

    adoptions = sum(1 for p in changes if p.startswith("adoptions/"))
    reviews = sum(1 for p in changes if p.startswith("reviews/"))
    message = (
        f"Aus Quelle „{source.name}“ übernommen: {adoptions} Nachnutzung(en), {reviews} Begutachtung(en)\n\n"
        f"Hub-Action: harvest-records\nHub-Actor: {HUB_ACTOR.id}\nHub-Source: {source.name}\nHub-Source-Url: {source.url}\n"
        f"Hub-Source-Commit: {commit.id}\n"
    )
    sig = signature(*COMMITTER, when)
    commit_change(catalog, change, author=sig, committer=sig, message=message)


# -- provenance -------------------------------------------------------------------------------


def adopted_package(catalog: Catalog, repo: pygit2.Repository, commit: pygit2.Commit, source: Source) -> str | None:
    """The package of this hub that a source's root holds, when the source is another organisation's adoption of it."""
    try:
        data = load_yaml(blob_at(repo, commit.tree["hub.yaml"].id).data).data
    except (KeyError, YamlError):
        return None
    package_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(package_id, str) or "/" not in package_id or package_id.split("/", 1)[0] == source.publisher:
        return None
    return package_id if catalog.all_versions(package_id).get(package_id) else None


def confirm_by_provenance(
    catalog: Catalog, repo: pygit2.Repository, commit: pygit2.Commit, source: Source, package_id: str, *, when: datetime | None = None
) -> CarriedRecord:
    """Confirm ``source.publisher``'s adoption of ``package_id`` when the source's history holds the adopted version."""
    path = adoption_path(package_id, source.publisher or "")
    trees: dict[pygit2.Oid, str] = {}
    for info in catalog.all_versions(package_id).get(package_id, []):
        tree = subtree(catalog.repo, catalog.repo[info.commit].peel(pygit2.Commit).tree, package_path(package_id))
        if tree is not None:
            trees[tree.id] = info.version
    found: dict[str, str] = {}
    for count, past in enumerate(repo.walk(commit.id)):
        if count >= MAX_HISTORY:
            break
        version = trees.get(past.tree_id)
        if version is not None:
            found.setdefault(version, str(past.id))
    if not found:
        return CarriedRecord(
            kind="provenance",
            path=path,
            outcome="refused",
            message=f"die Historie der Quelle enthält keine veröffentlichte Version von {package_id}",
        )
    records = [a for a in adoptions(catalog, package_id) if a.adopter == source.publisher and a.origin is None]
    if not records:
        return CarriedRecord(
            kind="provenance",
            path=path,
            outcome="unchanged",
            message=f"{source.publisher} nutzt {package_id} nachweislich, hat die Nachnutzung aber nicht erfasst",
        )
    record = records[0]
    if record.version not in found:
        return CarriedRecord(
            kind="provenance",
            path=path,
            outcome="refused",
            message=f"angegeben ist Version {record.version}, die Historie der Quelle enthält nur {', '.join(sorted(found))}",
        )
    evidence = f"Quelle „{source.name}“ ({source.url}), Commit {found[record.version]} enthält {package_id} {record.version}"
    try:
        confirm_adoption(catalog, HUB_ACTOR, package_id, record.adopter, "provenance", evidence=evidence, when=when)
    except ConfirmationExists:
        return CarriedRecord(kind="provenance", path=path, outcome="unchanged", message="bereits durch Herkunftsnachweis bestätigt")
    except HubError as exc:
        return CarriedRecord(kind="provenance", path=path, outcome="refused", message=exc.detail)
    return CarriedRecord(kind="provenance", path=path, outcome="taken", message=evidence)
