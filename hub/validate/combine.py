"""A package put together in the workspace: the manifest from the form, files from the person's uploads and a base.

The base is what the form starts from (the latest version's files, or the scaffold of
``hub new`` for a new package); uploads (archives, or a folder's or single files zipped by the
edge) add files or replace the base's file at the same path; files can be removed. The manifest
always comes from the form: an uploaded ``hub.yaml`` at the package's root is kept aside (the
page says it was replaced, and may offer its values for the form), never used as the manifest.

Uploads are untrusted: :func:`combine` unpacks them with the archive's bounds (entries, inflated
size, unsafe paths) and validates the combined package, the unit of work a budget worker runs
(:func:`combine_bounded`). An upload with a problem of its own (a broken archive, a path that
leaves the package, a link, a file too large) is refused as a whole: its problems are reported
with the rest, and the files kept from earlier steps stay as they were.

The person's own files are carried from one step of the form to the next as a ZIP archive
("draft") the edge keeps server-side; it starts with a marker, so it is never an archive the
upload's publish would take.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import msgspec

from hub.budget import BudgetExceeded, Pool, shared_pool
from hub.model import Problem
from hub.validate import PackageFiles, ValidationResult, validate_package
from hub.validate.archive import ARCHIVE, MAX_ENTRIES, MAX_UNPACKED_BYTES, from_archive
from hub.validate.bounded import budget_problem
from hub.validate.manifest import MANIFEST, raw_manifest
from hub.validate.paths import git_refuses, safe_relpath
from hub.validate.yamlsafe import YamlError

DRAFT_MARK = b"transferhub-entwurf\n"  # before the ZIP of a draft: not an archive to publish
TARGET = "(Zielordner)"  # where a problem with the chosen target folder is reported


@dataclass
class Combined:
    """The combined package, its validation, and the person's own files for the next step of the form."""

    package: PackageFiles
    result: ValidationResult
    own: dict[str, bytes]  # uploaded files kept (an uploaded hub.yaml among them, set aside)
    refused: bool = False  # an upload had problems of its own and was not taken
    changed: bool = False  # ``own`` differs from the draft's files (something was taken or removed)
    replaced: list[str] = field(default_factory=list)  # base files an upload replaced

    @property
    def manifest_replaced(self) -> bool:
        """An uploaded ``hub.yaml`` was set aside for the form's manifest."""
        return MANIFEST in self.own


def draft_archive(files: dict[str, bytes]) -> bytes:
    """The person's own files as a draft: the marker, then a stored ZIP (no folder prefix)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path, content in sorted(files.items()):
            archive.writestr(path, content)
    return DRAFT_MARK + buffer.getvalue()


def _unpack_draft(data: bytes) -> tuple[dict[str, bytes], list[Problem]]:
    if not data.startswith(DRAFT_MARK):
        return {}, [Problem(code="archive-invalid", file=ARCHIVE, message="Die zuvor hochgeladenen Dateien sind unlesbar.")]
    unpacked = from_archive(data[len(DRAFT_MARK) :])
    return _with_folder(unpacked), unpacked.problems


def _with_folder(package: PackageFiles) -> dict[str, bytes]:
    """The archive's paths as they were: unpacking strips one common top folder, which a draft's paths may share."""
    if package.folder_name and MANIFEST not in package.files:
        return {f"{package.folder_name}/{path}": data for path, data in package.files.items()}
    return dict(package.files)


def _target(folder: str) -> tuple[str, list[Problem]]:
    folder = folder.strip().strip("/")
    if not folder:
        return "", []
    safe = safe_relpath(folder)
    if safe is None or git_refuses(safe):
        return "", [
            Problem(
                code="file-unsafe-path",
                file=TARGET,
                message=f"Der Zielordner „{folder}“ ist absolut, enthält „..“ oder unzulässige Zeichen; er muss im Paket liegen.",
            )
        ]
    return safe + "/", []


def _upload_files(data: bytes, prefix: str) -> tuple[dict[str, bytes], list[Problem]]:
    """One upload's files at their place in the package, and its own problems (with their paths there too)."""
    unpacked = from_archive(data)
    files = {prefix + path: content for path, content in unpacked.files.items()}
    problems = [p if p.file == ARCHIVE or not prefix else msgspec.structs.replace(p, file=prefix + p.file) for p in unpacked.problems]
    return files, problems


def _clashes(files: dict[str, bytes]) -> list[Problem]:
    """A file that is also a folder of another file (an upload's ``prozess`` beside the base's ``prozess/ablauf.bpmn``)."""
    folders = {path.rsplit("/", i)[0] for path in files for i in range(1, path.count("/") + 1)}
    return [
        Problem(code="file-unsafe-path", file=path, message=f"„{path}“ wäre im Paket zugleich Datei und Ordner.")
        for path in sorted(files)
        if path in folders
    ]


def _size_problems(files: dict[str, bytes]) -> list[Problem]:
    """The combined package must stay within what one archive upload may hold."""
    if len(files) > MAX_ENTRIES:
        return [Problem(code="archive-too-large", file=ARCHIVE, message=f"Das Paket hätte mehr als {MAX_ENTRIES} Dateien.")]
    if sum(len(content) for content in files.values()) > MAX_UNPACKED_BYTES:
        return [
            Problem(
                code="archive-too-large",
                file=ARCHIVE,
                message=f"Alle Dateien zusammen wären größer als {MAX_UNPACKED_BYTES // 1048576} MB.",
            )
        ]
    return []


def combine(
    base: dict[str, bytes],
    manifest: bytes,
    *,
    draft: bytes | None = None,
    uploads: tuple[bytes, ...] = (),
    target: str = "",
    removed: frozenset[str] = frozenset(),
    folder_name: str | None = None,
    expected_id: str | None = None,
) -> Combined:
    """The package of ``base`` with the draft's and the uploads' files (replacing the base's at the same path), without
    ``removed``, with ``manifest`` as its ``hub.yaml``; validated with every problem at once."""
    own, problems = _unpack_draft(draft) if draft is not None else ({}, [])
    prefix, refusals = _target(target)
    taken = dict(own)
    for data in uploads:
        files, found = _upload_files(data, prefix)
        refusals.extend(found)
        taken.update(files)
    refused = any(not p.is_hint for p in refusals)
    candidate = {path: content for path, content in taken.items() if path not in removed}
    combined = {path: content for path, content in base.items() if path not in removed and path != MANIFEST}
    replaced = sorted(path for path in candidate if path in combined and path != MANIFEST and candidate[path] != combined[path])
    combined.update({path: content for path, content in candidate.items() if path != MANIFEST})
    combined[MANIFEST] = manifest
    limits = _size_problems(combined) + _clashes(combined)
    refused = refused or bool(limits)
    changed = not refused and candidate != own
    if changed:
        own = candidate  # refused: the files kept from earlier steps stay as they were
    package = PackageFiles(combined, folder_name=folder_name, problems=problems + refusals + limits)
    result = validate_package(package, expected_id=expected_id)
    return Combined(package=package, result=result, own=own, refused=refused, changed=changed, replaced=replaced)


def draft_manifest(draft: bytes) -> dict[str, object] | None:
    """The uploaded ``hub.yaml`` kept aside in a draft, as data for the form; ``None`` when there is none or it is no mapping."""
    files, _ = _unpack_draft(draft)
    if MANIFEST not in files:
        return None
    try:
        data = raw_manifest(files[MANIFEST])
    except YamlError:
        return None
    return data if isinstance(data, dict) else None


def draft_manifest_bounded(draft: bytes, *, pool: Pool | None = None) -> dict[str, object] | None:
    """:func:`draft_manifest` in a budget worker (the YAML is the person's upload); past the budget, ``None``."""
    try:
        return (pool or shared_pool()).run(draft_manifest, draft)
    except BudgetExceeded:
        return None


def combine_bounded(base: dict[str, bytes], manifest: bytes, *, pool: Pool | None = None, **kwargs: object) -> Combined:
    """:func:`combine` in a budget worker (blocking: call it from a thread); past the budget, one problem and nothing taken."""
    try:
        return (pool or shared_pool()).run(_combine_call, base, manifest, kwargs)
    except BudgetExceeded as exc:
        problem = budget_problem(exc, ARCHIVE)
        package = PackageFiles({**base, MANIFEST: manifest}, problems=[problem])
        return Combined(package=package, result=ValidationResult(None, [problem]), own={}, refused=True)


def _combine_call(base: dict[str, bytes], manifest: bytes, kwargs: dict[str, object]) -> Combined:
    return combine(base, manifest, **kwargs)  # type: ignore[arg-type]  # the keywords of combine, passed through the pool
