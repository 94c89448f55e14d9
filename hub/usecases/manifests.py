"""The manifest editor of the workspace: a new version from the current one's files with a new ``hub.yaml``, or a new package.

Checking is the validation every upload gets (``validate_package``), plus what only the
catalogue knows: the version must be higher than the published one, a new package must not
exist yet, and a person acts only for their own organisation. A clean result goes through
the upload's dry run (:func:`hub.usecases.publish.dry_run`: the budget worker, the bytes kept
for the session), and the workspace's publish button publishes exactly those bytes through
:func:`hub.usecases.publish.publish_upload`, like an uploaded archive.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

import semver

from hub.errors import Conflict, Forbidden, VersionExists, VersionNotNewer
from hub.model import Manifest, Problem
from hub.services import Services
from hub.sessions import Session
from hub.store.catalog import package_path
from hub.store.trees import blob_at, subtree, tree_files
from hub.usecases import publish as publishing
from hub.validate import PackageFiles, validate_package
from hub.validate.manifest import MANIFEST, raw_manifest
from hub.validate.skeleton import NewPackage, manifest_text, skeleton

__all__ = ["ManifestCheck", "check", "current_manifest", "dry_run", "new_manifest", "own_package"]

NEW_SLUG = "neues-paket"  # the scaffold's folder until the form names the package


@dataclass
class ManifestCheck:
    """The version a manifest form describes: its files (the new ``hub.yaml`` among them) and every problem."""

    package: PackageFiles
    problems: list[Problem]
    manifest: Manifest | None

    @property
    def ok(self) -> bool:
        return self.manifest is not None and not any(p.severity == "error" for p in self.problems)


def own_package(services: Services, org: str, package_id: str) -> Manifest:
    """The latest manifest of ``package_id`` if ``org`` publishes it; raises ``PackageNotFound`` or ``Forbidden``."""
    manifest = services.catalog.get(package_id).manifest
    if manifest.publisher_id != org:
        raise Forbidden(
            f"Das Paket „{package_id}“ gehört zu „{manifest.publisher_id}“; Ihr Konto darf nur Pakete von „{org}“ bearbeiten. "
            "Es wurde nichts geändert."
        )
    return manifest


def current_manifest(services: Services, org: str, package_id: str) -> dict[str, Any]:
    """The latest version's ``hub.yaml`` as data (the form starts from it), for the owning organisation only."""
    own_package(services, org, package_id)
    data = raw_manifest(services.catalog.read_file(package_id, MANIFEST))
    return data if isinstance(data, dict) else {}


def new_manifest(org: str, publisher_name: str, email: str) -> dict[str, Any]:
    """The manifest a new package starts from: the scaffold's (``hub new``), without the texts only the publisher can write."""
    answers = NewPackage(publisher=org, slug=NEW_SLUG, name="Neues Paket", themenfeld="", publisher_name=publisher_name, email=email)
    data = raw_manifest(skeleton(answers)[MANIFEST])
    data["id"] = f"{org}/"
    for name in ("name", "summary", "description", "keywords"):
        data.pop(name, None)
    data["classification"] = {}
    data["contacts"] = [{"email": email}]
    return data


def _latest_files(services: Services, package_id: str) -> dict[str, bytes]:
    catalog = services.catalog
    head = catalog.head()
    tree = subtree(catalog.repo, head.tree, package_path(package_id)) if head is not None else None
    if tree is None:
        return {}
    return {path: blob_at(catalog.repo, entry.id).data for path, entry in tree_files(catalog.repo, tree).items()}


def _version_problems(services: Services, package_id: str, version: Any) -> list[Problem]:
    """A version that is published already, or not above the newest one: the store would refuse it (409)."""
    if not isinstance(version, str) or not semver.Version.is_valid(version):
        return []  # the manifest's own rules say what is wrong with it
    versions = [v.version for v in services.catalog.all_versions(package_id).get(package_id, [])]
    if not versions:
        return []
    newest = versions[0]
    if version in versions or semver.Version.parse(version).compare(newest) == 0:
        code, message = VersionExists.code, f"Die Version {version} ist schon veröffentlicht; bitte eine höhere als {newest} angeben."
    elif semver.Version.parse(version).compare(newest) < 0:
        code, message = VersionNotNewer.code, f"Die neueste Version ist {newest}; eine neue Version muss höher sein als {newest}."
    else:
        return []
    return [Problem(code=code, file=MANIFEST, pointer="/version", message=message)]


def check(services: Services, org: str, package_id: str | None, data: dict[str, Any]) -> ManifestCheck:
    """Validate the version the form describes: ``package_id``'s latest files with ``data`` as its manifest, or (``None``) a new package
    from the scaffold of ``hub new``. Raises ``PackageNotFound`` or ``Forbidden`` for a package that is not ``org``'s."""
    text = manifest_text(data).encode("utf-8")
    if package_id is not None:
        own_package(services, org, package_id)
        package = PackageFiles({**_latest_files(services, package_id), MANIFEST: text}, folder_name=package_id.split("/", 1)[1])
        result = validate_package(package, expected_id=package_id)
        problems = result.problems + _version_problems(services, package_id, data.get("version"))
    else:
        files, slug = _scaffold(org, data)
        package = PackageFiles({**files, MANIFEST: text}, folder_name=slug)
        result = validate_package(package)
        problems = result.problems + _new_package_problems(services, org, data.get("id"))
    manifest = result.manifest if not any(p.severity == "error" for p in problems) else None
    return ManifestCheck(package, problems, manifest)


def _scaffold(org: str, data: dict[str, Any]) -> tuple[dict[str, bytes], str | None]:
    """The files of ``hub new`` for the package the form names (README, process model, CI), and its folder name."""
    package_id = data.get("id")
    slug = package_id.split("/", 1)[1] if isinstance(package_id, str) and "/" in package_id else None
    name = data.get("name")
    classification = data.get("classification")
    themenfeld = classification.get("themenfeld") if isinstance(classification, dict) else None
    answers = NewPackage(
        publisher=org,
        slug=slug or NEW_SLUG,
        name=name if isinstance(name, str) else "",
        themenfeld=themenfeld if isinstance(themenfeld, str) else "",
    )
    return skeleton(answers), slug


def _new_package_problems(services: Services, org: str, package_id: Any) -> list[Problem]:
    if not isinstance(package_id, str) or "/" not in package_id:
        return []
    publisher = package_id.split("/", 1)[0]
    if publisher != org:
        return [
            Problem(
                code=Forbidden.code,
                file=MANIFEST,
                pointer="/id",
                message=f"Die Kennung muss mit „{org}/“ beginnen: Ihr Konto veröffentlicht nur für „{org}“.",
            )
        ]
    if services.catalog.all_versions(package_id).get(package_id):
        return [
            Problem(
                code=Conflict.code,
                file=MANIFEST,
                pointer="/id",
                message=f"Das Paket „{package_id}“ gibt es schon. Eine neue Version entsteht unter „Meine Pakete“ mit „Manifest bearbeiten“.",
            )
        ]
    return []


def _archive(package: PackageFiles) -> bytes:
    """The checked files as the ZIP archive an upload would be (in the package's folder), for the upload's dry run."""
    buffer = io.BytesIO()
    folder = f"{package.folder_name}/" if package.folder_name else ""
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path, content in sorted(package.files.items()):
            archive.writestr(folder + path, content)
    return buffer.getvalue()


def dry_run(
    services: Services, session: Session, org: str, package_id: str | None, data: dict[str, Any]
) -> tuple[ManifestCheck, publishing.DryRun | None]:
    """Check the form's version; when clean, run the upload's dry run on exactly those files, which keeps them for publishing."""
    checked = check(services, org, package_id, data)
    if not checked.ok:
        return checked, None
    return checked, publishing.dry_run(services, session, org, _archive(checked.package))
