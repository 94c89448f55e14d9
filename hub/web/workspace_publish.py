"""What the publisher's workspace pages show: a dry run's problems inside their files, and "Meine Pakete" (with the harvest's feedback).

Package files are data from an upload: they are only ever handed to the templates as text
(autoescaped), line by line, never as markup. A problem placed only by a JSON pointer gets
its line from the file's YAML/JSON node tree when the file parses (the manifest's problems
have their line already); otherwise the page shows the pointer.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar.datastructures import UploadFile

from hub.errors import PackageNotFound
from hub.federation.model import PublisherFeedback
from hub.federation.reports import publisher_feedback
from hub.maturity import maturity
from hub.model import Adoption, Problem, VersionInfo
from hub.services import Services
from hub.store.records import adoptions
from hub.usecases.manifests import OwnFiles
from hub.validate import PackageFiles
from hub.validate.yamlsafe import YamlError, load_yaml

MAX_SHOWN_LINES = 3000  # a longer file shows its lines around the problems only
CONTEXT = 5  # lines shown around a problem in a long file
STRUCTURED = (".yaml", ".yml", ".json")


@dataclass
class Line:
    number: int
    text: str
    problems: list[int] = field(default_factory=list)  # the numbers of the problems on this line (1-based, as listed)


@dataclass
class FileView:
    """One file of the upload with its problems: the text with line numbers, the problems' lines marked."""

    path: str
    anchor: str
    lines: list[Line]  # empty for a file that is not text
    binary: bool
    shortened: bool  # only the lines around the problems are shown
    unplaced: list[int]  # problems in this file without a line


@dataclass
class DryRunView:
    problems: list[tuple[int, Problem, str | None]]  # number, problem, anchor of its place in a file view
    files: list[FileView]


def zip_folder(files: list[tuple[str, bytes]]) -> bytes:
    """A folder chosen in the browser (each file's path relative to it) as one ZIP archive, the form the dry run checks.

    Stored, not compressed: the bytes are already in memory and only go to the validator and,
    if published, to git. The paths are kept as sent; the archive check refuses unsafe ones.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path, data in files:
            archive.writestr(path, data)
    return buffer.getvalue()


ARCHIVE_NAMES = (".zip", ".tar.gz", ".tgz")
DRAFT_FIELD, FILES_FIELD, FOLDER_FIELD, TARGET_FIELD, REMOVE_FIELD = "entwurf", "dateien", "ordner", "zielordner", "entfernen"


def _chosen(form: Mapping[str, Any], name: str) -> list[UploadFile]:
    value = form.get(name)
    return [f for f in (value if isinstance(value, list) else [value]) if isinstance(f, UploadFile) and f.filename]


def _texts(form: Mapping[str, Any], name: str) -> list[str]:
    value = form.get(name)
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def own_files(form: Mapping[str, Any]) -> OwnFiles:
    """What the manifest form brings besides the manifest: the kept draft's id, the chosen files, the target folder, removals.

    Each chosen archive (by its name: ZIP or tar.gz) is one upload, unpacked like an uploaded package; the other chosen
    files are zipped together under their names, and a folder's files under their paths in it (its top folder is
    dropped when unpacked, as for an archive of the package folder). The bytes are only zipped here, never unpacked.
    """
    uploads: list[bytes] = []
    loose: list[tuple[str, bytes]] = []
    for chosen in _chosen(form, FILES_FIELD):
        data = chosen.file.read()
        if chosen.filename.lower().endswith(ARCHIVE_NAMES):
            uploads.append(data)
        else:
            loose.append((chosen.filename, data))
    if loose:
        uploads.append(zip_folder(loose))
    folder = [(f.filename, f.file.read()) for f in _chosen(form, FOLDER_FIELD)]
    if folder:
        uploads.append(zip_folder(folder))
    draft = next(iter(_texts(form, DRAFT_FIELD)), "")
    target = next(iter(_texts(form, TARGET_FIELD)), "")
    return OwnFiles(draft=draft or None, uploads=tuple(uploads), target=target, removed=frozenset(_texts(form, REMOVE_FIELD)))


def _pointer_parts(pointer: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _with_line(problem: Problem, files: dict[str, bytes]) -> Problem:
    """Place a problem that has only a JSON pointer on its line, when its file parses as YAML or JSON."""
    if problem.line is not None or not problem.pointer or not problem.file.lower().endswith(STRUCTURED) or problem.file not in files:
        return problem
    try:
        line = load_yaml(files[problem.file]).line_of(_pointer_parts(problem.pointer))
    except YamlError:
        return problem
    return msgspec.structs.replace(problem, line=line) if line is not None else problem


def _anchor(path: str) -> str:
    return "datei-" + "".join(c if c.isalnum() else "-" for c in path)


def dry_run_view(package: PackageFiles, problems: list[Problem]) -> DryRunView:
    """Every problem, numbered, and every file that has one, with its text and the problems' lines marked."""
    placed = [_with_line(p, package.files) for p in problems]
    by_file: dict[str, list[tuple[int, Problem]]] = {}
    listed: list[tuple[int, Problem, str | None]] = []
    for number, problem in enumerate(placed, start=1):
        if problem.file in package.files:
            by_file.setdefault(problem.file, []).append((number, problem))
            spot = f"{_anchor(problem.file)}-z{problem.line}" if problem.line is not None else _anchor(problem.file)
            listed.append((number, problem, spot))
        else:
            listed.append((number, problem, None))
    views = [_file_view(path, package.files[path], found) for path, found in sorted(by_file.items())]
    return DryRunView(problems=listed, files=views)


def _file_view(path: str, data: bytes, found: list[tuple[int, Problem]]) -> FileView:
    anchor = _anchor(path)
    unplaced = [n for n, p in found if p.line is None]
    if b"\0" in data[:8192]:
        return FileView(path=path, anchor=anchor, lines=[], binary=True, shortened=False, unplaced=[n for n, _ in found])
    texts = data.decode("utf-8", errors="replace").splitlines() or [""]
    marks: dict[int, list[int]] = {}
    for number, problem in found:
        if problem.line is not None:
            line = min(max(problem.line, 1), len(texts))
            marks.setdefault(line, []).append(number)
    lines = [Line(number=i, text=text, problems=marks.get(i, [])) for i, text in enumerate(texts, start=1)]
    shortened = len(lines) > MAX_SHOWN_LINES
    if shortened:
        keep = {i for mark in marks for i in range(mark - CONTEXT, mark + CONTEXT + 1)}
        lines = [line for line in lines if line.number in keep]
    return FileView(path=path, anchor=anchor, lines=lines, binary=False, shortened=shortened, unplaced=unplaced)


# -- "Meine Pakete" ---------------------------------------------------------------------------


@dataclass
class MyPackage:
    id: str
    name: str
    versions: list[VersionInfo]  # highest first
    level: int | None  # the computed maturity level of the latest version
    level_name: str | None
    adoptions: list[Adoption]


def my_packages(services: Services, org: str) -> list[MyPackage]:
    """The packages ``org`` publishes: versions, the latest version's computed maturity level, and who adopted them."""
    catalog = services.catalog
    found = []
    for manifest in sorted(catalog.manifests(), key=lambda m: m.id):
        if manifest.publisher_id != org:
            continue
        try:
            versions = catalog.versions(manifest.id)
            computed = maturity(catalog, manifest.id)
        except PackageNotFound:  # removed while we read
            continue
        found.append(
            MyPackage(
                id=manifest.id,
                name=manifest.name,
                versions=versions,
                level=computed.computed_level,
                level_name=computed.computed_name,
                adoptions=sorted(adoptions(catalog, manifest.id), key=lambda a: a.adopter),
            )
        )
    return found


def my_feedback(services: Services, org: str) -> PublisherFeedback:
    """What the harvest has to tell ``org``: refused versions, packages that stopped validating, unreachable sources."""
    return publisher_feedback(services.catalog, org)
