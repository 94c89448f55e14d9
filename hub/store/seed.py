"""Seeding a fresh catalogue from the embedded default catalogue ``catalog/``.

``catalog/publishers/<id>.yaml`` become one commit. Then everything else happens in
the order of its date, each a commit authored by whoever did it at that date:
every package version folder ``catalog/packages/<publisher>/<slug>@<version>/`` (its
``release_date``), every step of every adoption record in ``catalog/adoptions/``
and every review in ``catalog/reviews/``. So the seed catalogue's history reads like
the history it describes, and reports over time have something to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
from pygit2.enums import FileMode

from hub.errors import CatalogError, InvalidPackage
from hub.model import Actor, Adoption, Problem, PublishResult, Review
from hub.resources import catalog_dir
from hub.store.catalog import BRANCH, COMMITTER, Catalog
from hub.store.commit import signature
from hub.store.publish import publish
from hub.store.records import KIND_DE, put_record, trailers
from hub.store.trees import replace_path, tree_at
from hub.store.versions import version_key
from hub.validate import PackageFiles
from hub.validate.publisher import check_publisher
from hub.validate.stored import raw_manifest
from hub.validate.yamlsafe import load_yaml

BERLIN = ZoneInfo("Europe/Berlin")
SEED_EPOCH = datetime(2018, 1, 15, 10, 0, tzinfo=BERLIN)


@dataclass
class SeedVersion:
    folder: Path
    package_id: str
    version: str
    release_date: str | None


@dataclass
class SeedAction:
    date: str
    rank: int  # on the same day: versions first, then adoptions, then reviews
    key: str
    run: Callable[[Catalog], object]


def at(day: str | None) -> datetime | None:
    return datetime.combine(datetime.fromisoformat(day).date(), time(10, 0), BERLIN) if day else None


def seed_versions(source: Path) -> list[SeedVersion]:
    found = []
    for folder in sorted((source / "packages").glob("*/*@*")):
        if not (folder / "hub.yaml").is_file():
            continue
        slug, _, version = folder.name.partition("@")
        data = raw_manifest((folder / "hub.yaml").read_bytes())
        release = data.get("release_date") if isinstance(data, dict) else None
        found.append(SeedVersion(folder, f"{folder.parent.name}/{slug}", version, release if isinstance(release, str) else None))
    found.sort(key=lambda s: (s.release_date or "", s.package_id, version_key(s.version) if _valid(s.version) else s.version))
    return found


def _valid(version: str) -> bool:
    try:
        version_key(version)
    except ValueError:
        return False
    return True


def seed(catalog: Catalog, source: Path | None = None) -> list[PublishResult]:
    """Fill an empty catalogue from ``source`` (default: the embedded catalogue)."""
    if not catalog.is_empty():
        raise CatalogError(f"Der Katalog „{catalog.path}“ ist nicht leer; nur ein leerer Katalog wird befüllt.")
    source = source or catalog_dir()
    names = _seed_publishers(catalog, source)
    actions = _version_actions(source) + _adoption_actions(source, names) + _review_actions(source, names)
    actions.sort(key=lambda a: (a.date, a.rank, a.key))
    results = []
    for action in actions:
        result = action.run(catalog)
        if isinstance(result, PublishResult):
            results.append(result)
    return results


def _version_actions(source: Path) -> list[SeedAction]:
    def publish_version(item: SeedVersion) -> Callable[[Catalog], PublishResult]:
        def run(catalog: Catalog) -> PublishResult:
            try:
                return publish(catalog, PackageFiles.from_folder(item.folder), when=at(item.release_date), expected_id=item.package_id)
            except InvalidPackage as exc:
                raise InvalidPackage(f"Das Seed-Paket „{item.folder.relative_to(source)}“ ist ungültig.", problems=exc.problems) from None

        return run

    return [
        SeedAction(item.release_date or "", 0, f"{item.package_id}@{item.version}", publish_version(item)) for item in seed_versions(source)
    ]


def _actor(names: dict[str, str], org: str, source: Path) -> Actor:
    if org not in names:
        raise CatalogError(f"Seed-Katalog: die Organisation „{org}“ fehlt in {source / 'publishers'}.")
    return Actor(id=org, name=names[org], email=f"{org}@transferhub.invalid")


def _adoption_actions(source: Path, names: dict[str, str]) -> list[SeedAction]:
    """Each step and each confirmation of a seed adoption record becomes its own commit at its date, by whoever acted."""
    actions = []
    for path in sorted((source / "adoptions").glob("*/*/*.yaml")):
        record = msgspec.convert(load_yaml(path.read_bytes()).data, Adoption)
        adopter = _actor(names, record.adopter, source)
        # claims and confirmations in date order; on the same day the claim comes first
        record.confirmations.sort(key=lambda c: c.date)
        timeline = sorted(
            [(e.date, 0, i) for i, e in enumerate(record.history)] + [(c.date, 1, i) for i, c in enumerate(record.confirmations)]
        )
        made = {0: 0, 1: 0}  # history steps and confirmations written so far
        for step, (day, what, i) in enumerate(timeline):
            made[what] = i + 1
            steps, confirmations = record.history[: made[0]], record.confirmations[: made[1]]
            last = steps[-1]
            so_far = msgspec.structs.replace(
                record,
                status=last.status,
                version=last.version or record.version,
                history=steps,
                confirmations=confirmations,
                note=record.note if step == len(timeline) - 1 else None,
            )
            if what == 0:
                actor = adopter
                message = f"{actor.name}: Nachnutzung von {record.package} {so_far.version} – {last.status}\n\n" + trailers(
                    "adoption", record.package, actor, adopter=record.adopter, version=so_far.version, status=last.status
                )
            else:
                confirmation = record.confirmations[i]
                actor = adopter if confirmation.kind == "provenance" else _actor(names, confirmation.by, source)
                message = (
                    f"{actor.name} bestätigt die Nachnutzung von {record.package} durch {adopter.name} ({KIND_DE[confirmation.kind]})\n\n"
                    + trailers("adoption-confirm", record.package, actor, adopter=record.adopter, confirmation=confirmation.kind)
                )
            actions.append(
                SeedAction(
                    day,
                    1,
                    f"{record.package}/{record.adopter}/{step:03d}",
                    _put_record(actor, so_far, message, day),
                )
            )
    return actions


def _put_record(actor: Actor, record: Adoption | Review, message: str, day: str | None) -> Callable[[Catalog], object]:
    return lambda catalog: put_record(catalog, actor, record, message=message, when=at(day))


def _review_actions(source: Path, names: dict[str, str]) -> list[SeedAction]:
    actions = []
    for path in sorted((source / "reviews").glob("*/*/*.yaml")):
        review = msgspec.convert(load_yaml(path.read_bytes()).data, Review)
        for step, entry in enumerate(review.reviews):
            actor = _actor(names, entry.reviewer, source)
            so_far = msgspec.structs.replace(review, reviews=review.reviews[: step + 1])
            message = f"Begutachtung {review.package} {review.version}: Reifegrad {entry.level}\n\n{entry.rationale}\n\n" + trailers(
                "review", review.package, actor, version=review.version, level=str(entry.level)
            )
            actions.append(
                SeedAction(
                    entry.date,
                    2,
                    f"{review.package}@{review.version}/{step}",
                    _put_record(actor, so_far, message, entry.date),
                )
            )
    return actions


def _seed_publishers(catalog: Catalog, source: Path) -> dict[str, str]:
    repo = catalog.repo
    problems: list[Problem] = []
    names: dict[str, str] = {}
    root = None
    for path in sorted((source / "publishers").glob("*.yaml")):
        rel = path.relative_to(source).as_posix()
        publisher, found = check_publisher(rel, path.read_bytes(), expected_id=path.stem)
        problems.extend(found)
        if publisher is not None:
            names[publisher.id] = publisher.name
            blob = repo.create_blob(path.read_bytes())
            root = tree_at(repo, replace_path(repo, root, ["publishers", path.name], blob, FileMode.BLOB))
    if problems:
        raise InvalidPackage("Die Herausgeber des Seed-Katalogs sind ungültig.", problems=problems)
    if root is not None:
        sig = signature(*COMMITTER, SEED_EPOCH)
        commit = repo.create_commit(None, sig, sig, "Herausgeber der Modellregion angelegt\n\nHub-Action: publishers\n", root.id, [])
        repo.references.create(BRANCH, commit, force=False)
    return names


def ensure_seeded(catalog: Catalog) -> bool:
    """Seed the catalogue if it has no commit yet; True if it did."""
    if not catalog.is_empty():
        return False
    seed(catalog)
    return True
