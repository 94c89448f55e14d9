"""Seeding a fresh catalogue from the embedded default catalogue ``catalog/``.

``catalog/publishers/<id>.yaml`` become one commit; then every package version
folder ``catalog/packages/<publisher>/<slug>@<version>/`` is published in the order
of its ``release_date``, authored by its publisher at that date, so the history
of the seed catalogue reads like the history it describes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from pygit2.enums import FileMode

from hub.errors import InvalidPackage
from hub.model import Problem, PublishResult
from hub.resources import catalog_dir
from hub.errors import CatalogError
from hub.store.catalog import BRANCH, COMMITTER, Catalog, version_key
from hub.store.commit import signature
from hub.store.publish import publish
from hub.store.trees import replace_path
from hub.validate import PackageFiles
from hub.validate.manifest import raw_manifest
from hub.validate.publisher import check_publisher

BERLIN = ZoneInfo("Europe/Berlin")
SEED_EPOCH = datetime(2018, 1, 15, 10, 0, tzinfo=BERLIN)


@dataclass
class SeedVersion:
    folder: Path
    package_id: str
    version: str
    release_date: str | None


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
    _seed_publishers(catalog, source)
    results = []
    for item in seed_versions(source):
        package = PackageFiles.from_folder(item.folder)
        when = datetime.combine(datetime.fromisoformat(item.release_date).date(), time(10, 0), BERLIN) if item.release_date else None
        try:
            results.append(publish(catalog, package, when=when, expected_id=item.package_id))
        except InvalidPackage as exc:
            raise InvalidPackage(f"Das Seed-Paket „{item.folder.relative_to(source)}“ ist ungültig.", problems=exc.problems) from None
    return results


def _seed_publishers(catalog: Catalog, source: Path) -> None:
    repo = catalog.repo
    problems: list[Problem] = []
    root = None
    for path in sorted((source / "publishers").glob("*.yaml")):
        rel = path.relative_to(source).as_posix()
        publisher, found = check_publisher(rel, path.read_bytes(), expected_id=path.stem)
        problems.extend(found)
        if publisher is not None:
            blob = repo.create_blob(path.read_bytes())
            root = repo[replace_path(repo, root, ["publishers", path.name], blob, FileMode.BLOB)]
    if problems:
        raise InvalidPackage("Die Herausgeber des Seed-Katalogs sind ungültig.", problems=problems)
    if root is None:
        return
    sig = signature(*COMMITTER, SEED_EPOCH)
    commit = repo.create_commit(None, sig, sig, "Herausgeber der Modellregion angelegt\n\nHub-Action: publishers\n", root.id, [])
    repo.references.create(BRANCH, commit, force=False)


def ensure_seeded(catalog: Catalog) -> bool:
    """Seed the catalogue if it has no commit yet; True if it did."""
    if not catalog.is_empty():
        return False
    seed(catalog)
    return True

