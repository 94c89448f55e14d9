"""The manifest editor of the workspace: a new version or a new package from the form's manifest and the person's own files.

The files start from the latest version's (a new version) or the scaffold of ``hub new`` (a new
package); the person's uploads add files or replace one at the same path, and any file can be
removed (:mod:`hub.validate.combine`, in a budget worker, with the upload's bounds). The manifest
is always the form's: an uploaded ``hub.yaml`` is set aside. The uploaded files are kept for the
session between the steps of the form (a file input is empty again on every page), as a draft
named by a random id in the form.

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
from dataclasses import dataclass, field
from typing import Any, Literal

import semver

from hub.errors import Conflict, Forbidden, VersionExists, VersionNotNewer
from hub.model import Manifest, Problem
from hub.services import Services
from hub.sessions import Session
from hub.store.catalog import package_path
from hub.store.trees import blob_at, subtree, tree_files
from hub.usecases import publish as publishing
from hub.validate import PackageFiles, validate_package
from hub.validate.combine import Combined, combine_bounded, draft_archive, draft_manifest_bounded
from hub.validate.manifest import MANIFEST, raw_manifest
from hub.validate.skeleton import NewPackage, manifest_text, skeleton

__all__ = [
    "ManifestCheck",
    "OwnFiles",
    "PackageFile",
    "check",
    "current_manifest",
    "dry_run",
    "forget_files",
    "new_manifest",
    "own_package",
    "starting_files",
    "uploaded_manifest",
]

NEW_SLUG = "neues-paket"  # the scaffold's folder until the form names the package


Origin = Literal["formular", "bisher", "vorlage", "hochgeladen", "ersetzt", "beiseite"]


@dataclass
class OwnFiles:
    """What the person brings along with the form's manifest."""

    draft: str | None = None  # the id their files from earlier steps of the form are kept under
    uploads: tuple[bytes, ...] = ()  # archives (a folder's or single files zipped by the edge)
    target: str = ""  # the folder in the package the uploads go to ("": its root)
    removed: frozenset[str] = frozenset()  # paths to leave out

    def __bool__(self) -> bool:
        return bool(self.draft or self.uploads or self.removed)


@dataclass
class PackageFile:
    """One file of the version the form describes, for the page's list."""

    path: str
    size: int
    origin: Origin  # the form's manifest, the latest version's, the scaffold's, uploaded, uploaded over a base file, set aside
    removed: bool = False


@dataclass
class ManifestCheck:
    """The version a manifest form describes: its files (the new ``hub.yaml`` among them) and every problem."""

    package: PackageFiles
    problems: list[Problem]
    manifest: Manifest | None
    files: list[PackageFile] = field(default_factory=list)
    draft: str | None = None  # the id of the person's own files, for the form's next step
    draft_lost: bool = False  # the form named kept files that are gone (expired, another session)
    refused: bool = False  # an upload had problems of its own and was not taken
    combined: Combined | None = None

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


def check(
    services: Services,
    org: str,
    package_id: str | None,
    data: dict[str, Any],
    own: OwnFiles | None = None,
    session: Session | None = None,
) -> ManifestCheck:
    """Validate the version the form describes: ``package_id``'s latest files (or, ``None``, a new package from the scaffold of
    ``hub new``) with the person's ``own`` files and ``data`` as its manifest. Reads only: the kept files stay as they are.
    Raises ``PackageNotFound`` or ``Forbidden`` for a package that is not ``org``'s."""
    text = manifest_text(data).encode("utf-8")
    folder_name: str | None
    expected_id: str | None
    if package_id is not None:
        own_package(services, org, package_id)
        base, folder_name, expected_id = _latest_files(services, package_id), package_id.split("/", 1)[1], package_id
        catalogue_problems = _version_problems(services, package_id, data.get("version"))
    else:
        base, folder_name = _scaffold(org, data)
        expected_id = None
        catalogue_problems = _new_package_problems(services, org, data.get("id"))
    origin: Origin = "bisher" if package_id is not None else "vorlage"
    if not own:
        package = PackageFiles({**base, MANIFEST: text}, folder_name=folder_name)
        result = validate_package(package, expected_id=expected_id)
        problems = result.problems + catalogue_problems
        manifest = result.manifest if not any(p.severity == "error" for p in problems) else None
        return ManifestCheck(package, problems, manifest, files=_listing(base, {}, frozenset(), origin, text))
    draft = None
    if own.draft and session is not None:
        draft = services.sessions.peek_upload(session.id, own.draft)
    combined = combine_bounded(
        base,
        text,
        draft=draft,
        uploads=own.uploads,
        target=own.target,
        removed=own.removed,
        folder_name=folder_name,
        expected_id=expected_id,
    )
    problems = combined.result.problems + catalogue_problems
    manifest = combined.result.manifest if not any(p.severity == "error" for p in problems) else None
    return ManifestCheck(
        combined.package,
        problems,
        manifest,
        files=_listing(base, combined.own, own.removed, origin, text),
        draft=own.draft if draft is not None else None,
        draft_lost=bool(own.draft) and draft is None,
        refused=combined.refused,
        combined=combined,
    )


def starting_files(services: Services, org: str, package_id: str | None, data: dict[str, Any]) -> list[PackageFile]:
    """The files the form starts from, before anything is uploaded or removed."""
    if package_id is not None:
        own_package(services, org, package_id)
        return _listing(_latest_files(services, package_id), {}, frozenset(), "bisher", manifest_text(data).encode("utf-8"))
    return _listing(_scaffold(org, data)[0], {}, frozenset(), "vorlage", manifest_text(data).encode("utf-8"))


def uploaded_manifest(services: Services, session: Session, draft: str | None) -> dict[str, Any] | None:
    """The ``hub.yaml`` among the person's kept files (set aside for the form's), as data the form can take over."""
    kept = services.sessions.peek_upload(session.id, draft) if draft else None
    return draft_manifest_bounded(kept) if kept is not None else None


def forget_files(services: Services, session: Session, draft: str) -> None:
    """The person's kept files are no longer needed (their version is published): remove them from the session."""
    services.sessions.take_upload(session.id, draft)


def _listing(base: dict[str, bytes], own: dict[str, bytes], removed: frozenset[str], origin: Origin, manifest: bytes) -> list[PackageFile]:
    """The files for the page: the form's manifest first, then every path of the base and the uploads, removed ones marked."""
    listed = [PackageFile(MANIFEST, len(manifest), "formular")]
    for path in sorted((set(base) | set(own)) - {MANIFEST}):
        if path in own and path not in removed:
            kind: Origin = "ersetzt" if path in base and base[path] != own[path] else ("hochgeladen" if path not in base else origin)
            listed.append(PackageFile(path, len(own[path]), kind))
        elif path in base:
            listed.append(PackageFile(path, len(base[path]), origin, removed=path in removed))
    if MANIFEST in own:
        listed.append(PackageFile(MANIFEST, len(own[MANIFEST]), "beiseite"))
    return listed


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
    services: Services,
    session: Session,
    org: str,
    package_id: str | None,
    data: dict[str, Any],
    own: OwnFiles | None = None,
) -> tuple[ManifestCheck, publishing.DryRun | None]:
    """Check the form's version and keep the person's own files for the form's next step (a refused upload keeps the files
    kept before); when clean, run the upload's dry run on exactly the combined files, which keeps them for publishing."""
    checked = check(services, org, package_id, data, own, session)
    if checked.combined is not None and checked.combined.changed:
        kept = services.sessions.keep_upload(session.id, draft_archive(checked.combined.own)) if checked.combined.own else None
        if own is not None and own.draft:
            services.sessions.take_upload(session.id, own.draft)  # the draft it replaces
        checked.draft = kept
    elif checked.draft is not None:
        services.sessions.peek_upload(session.id, checked.draft, renew=True)  # not pushed out by the dry runs kept after it
    if not checked.ok:
        return checked, None
    return checked, publishing.dry_run(services, session, org, _archive(checked.package))
