"""Uploaded packages: a zip or tar.gz archive of the package folder, unpacked in memory.

Nothing touches the disk. Paths that leave the folder, links, special files and paths git
refuses become problems (the same codes a folder gets). The work is bounded while it
happens, never by what an archive claims: at most ``MAX_ENTRIES`` entries, and inflation
stops as soon as the inflated bytes pass ``max_unpacked`` (a tar.gz is counted as its gzip
stream inflates, headers and skipped data included; a zip entry as it is read), so a small
archive whose members claim or hold gigabytes costs a few milliseconds. An encrypted entry
or a damaged stream is a problem for that entry, never an exception.
"""

from __future__ import annotations

import gzip
import io
import stat
import tarfile
import zipfile
import zlib

from hub.budget import BudgetExceeded, Pool, shared_pool
from hub.model import Problem
from hub.validate import ValidationResult, validate_package
from hub.validate.bounded import budget_problem
from hub.validate.files import MAX_FILE_BYTES, PackageFiles, git_path, too_large
from hub.validate.paths import git_refuses, safe_relpath

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 5000
ARCHIVE = "(Archiv)"
_CHUNK = 1 << 16
# what a damaged or hostile stream raises inside zipfile, tarfile, gzip and zlib
_DAMAGED = (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError, NotImplementedError, zlib.error, RuntimeError, KeyError)


class ArchiveProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _too_large(limit: int) -> ArchiveProblem:
    return ArchiveProblem(
        Problem(code="archive-too-large", file=ARCHIVE, message=f"Entpackt wäre das Archiv größer als {limit // 1048576} MB.")
    )


def from_archive(data: bytes, *, max_unpacked: int = MAX_UNPACKED_BYTES, max_file: int = MAX_FILE_BYTES) -> PackageFiles:
    """Unpack a zip or tar.gz archive; problems with entries are collected, a broken archive is one problem."""
    try:
        if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            entries = _zip_entries(data, max_unpacked)
        elif data.startswith(b"\x1f\x8b"):
            entries = _tar_entries(data, max_unpacked)
        else:
            return _broken("Die Daten sind weder ein ZIP- noch ein tar.gz-Archiv.")
        return _collect(entries, max_unpacked=max_unpacked, max_file=max_file)
    except ArchiveProblem as exc:
        return PackageFiles({}, problems=[exc.problem])
    except _DAMAGED as exc:
        return _broken(f"Das Archiv ist beschädigt oder unlesbar ({type(exc).__name__}).")


def _broken(message: str) -> PackageFiles:
    return PackageFiles({}, problems=[Problem(code="archive-invalid", file=ARCHIVE, message=message)])


class _Damaged(Exception):
    """One entry cannot be read (encrypted, damaged stream): a problem for that entry."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _read_bounded(stream, size: int, budget: int) -> bytes:
    """Read what the header says plus one byte (a longer entry lies); inflating past ``budget`` is refused."""
    want = min(size, budget) + 1
    chunks, total = [], 0
    while total < want:
        chunk = stream.read(min(_CHUNK, want - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > budget:
        raise _too_large(budget)
    return b"".join(chunks)


# An entry: (name, kind, size, read) with kind "file", "dir", "link" or "special"; read(budget) -> bytes.
def _zip_entries(data: bytes, max_unpacked: int):
    archive = zipfile.ZipFile(io.BytesIO(data))
    for info in archive.infolist():
        file_type = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver wrote no Unix mode
        if info.is_dir():
            kind = "dir"
        elif file_type == stat.S_IFLNK:
            kind = "link"
        elif file_type not in (0, stat.S_IFREG):
            kind = "special"
        else:
            kind = "file"
        yield info.filename, kind, info.file_size, (lambda budget, info=info: _read_zip(archive, info, budget))


def _read_zip(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    if info.flag_bits & 0x1:
        raise _Damaged(
            "archive-encrypted", f"„{info.filename}“ ist im Archiv verschlüsselt; der Hub kann verschlüsselte Einträge nicht lesen."
        )
    try:
        with archive.open(info) as stream:
            return _read_bounded(stream, info.file_size, budget)
    except NotImplementedError:
        raise _Damaged("archive-invalid", f"„{info.filename}“ ist mit einem nicht unterstützten Verfahren komprimiert.") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
        raise _Damaged("archive-invalid", f"Der Inhalt von „{info.filename}“ ist im Archiv beschädigt ({type(exc).__name__}).") from None


class _CountingGzip(io.RawIOBase):
    """The inflated tar stream, refusing to inflate past ``limit`` bytes (skipped members count too)."""

    def __init__(self, data: bytes, limit: int) -> None:
        self._gzip = gzip.GzipFile(fileobj=io.BytesIO(data))
        self._left = limit
        self._limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._gzip.read(min(len(buffer), _CHUNK))
        self._left -= len(chunk)
        if self._left < 0:
            raise _too_large(self._limit)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _tar_entries(data: bytes, max_unpacked: int):
    # stream mode ("r|"): members are read in order, nothing is seeked, every inflated byte is counted;
    # tar headers and padding count towards the limit too, hence the small allowance
    stream = io.BufferedReader(_CountingGzip(data, max_unpacked + MAX_ENTRIES * 1024 + (1 << 20)))
    with tarfile.open(fileobj=stream, mode="r|") as archive:
        for member in archive:
            if member.size > max_unpacked:
                # tarfile would skip the claimed bytes block by block even when the stream has ended
                raise ArchiveProblem(
                    Problem(
                        code="archive-too-large",
                        file=ARCHIVE,
                        message=f"Der Eintrag „{member.name}“ gibt an, {member.size / 1073741824:.1f} GB groß zu sein; entpackt sind höchstens {max_unpacked // 1048576} MB erlaubt.",
                    )
                )
            if member.isdir():
                kind = "dir"
            elif member.issym() or member.islnk():
                kind = "link"
            elif not member.isfile():
                kind = "special"
            else:
                kind = "file"
            yield (
                member.name,
                kind,
                member.size,
                (lambda budget, member=member: _read_bounded(archive.extractfile(member), member.size, budget)),
            )


def _collect(entries, *, max_unpacked: int, max_file: int) -> PackageFiles:
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    total = 0
    for count, (name, kind, size, read) in enumerate(entries, start=1):
        if count > MAX_ENTRIES:
            raise ArchiveProblem(
                Problem(code="archive-too-large", file=ARCHIVE, message=f"Das Archiv enthält mehr als {MAX_ENTRIES} Einträge.")
            )
        path = safe_relpath(name.rstrip("/")) if name.rstrip("/") else None
        if path is None:
            problems.append(
                Problem(
                    code="file-unsafe-path",
                    file=name,
                    message=f"Der Eintrag „{name}“ ist absolut oder enthält „..“ und würde das Paket verlassen.",
                )
            )
            continue
        if git_refuses(path):
            problems.append(git_path(path))
            continue
        if kind == "dir":
            continue
        if kind == "link":
            problems.append(
                Problem(code="file-symlink", file=path, message=f"„{path}“ ist ein Link; Pakete dürfen nur normale Dateien enthalten.")
            )
            continue
        if kind == "special":
            problems.append(Problem(code="file-special", file=path, message=f"„{path}“ ist keine normale Datei (Gerät, FIFO oder Socket)."))
            continue
        if size > max_file:
            problems.append(too_large(path, size, max_file))
            continue
        if total + size > max_unpacked:
            raise _too_large(max_unpacked)
        try:
            content = read(max_unpacked - total)
        except _Damaged as exc:
            problems.append(Problem(code=exc.code, file=path, message=str(exc)))
            continue
        if len(content) != size:  # a header that lies about the size
            raise ArchiveProblem(
                Problem(code="archive-invalid", file=path, message=f"Die Größe von „{path}“ im Archiv stimmt nicht mit dem Inhalt überein.")
            )
        total += size
        files[path] = content
    problems.extend(_collisions(files))
    return _strip_common_folder(files, problems)


def _collisions(files: dict[str, bytes]) -> list[Problem]:
    """A file that is also a folder of another entry (``a`` and ``a/b``): no tree can hold both."""
    folders = {path.rsplit("/", 1)[0] for path in files if "/" in path}
    folders |= {folder.rsplit("/", i)[0] for folder in folders for i in range(1, folder.count("/") + 1)}
    clashing = sorted(path for path in files if path in folders)
    for path in clashing:
        del files[path]
    return [Problem(code="file-unsafe-path", file=path, message=f"„{path}“ ist im Archiv zugleich Datei und Ordner.") for path in clashing]


def _strip_common_folder(files: dict[str, bytes], problems: list[Problem]) -> PackageFiles:
    """An archive of the folder itself (``paket/hub.yaml``) counts like one of its contents."""
    if "hub.yaml" in files or not files:
        return PackageFiles(files, problems=problems)
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) == 1 and all("/" in path for path in files):
        top = tops.pop()
        return PackageFiles({path.split("/", 1)[1]: data for path, data in files.items()}, folder_name=top, problems=problems)
    return PackageFiles(files, problems=problems)


def validate_archive(data: bytes) -> tuple[PackageFiles, ValidationResult]:
    """Unpack and validate an upload: the unit of work a budget worker runs (hub/budget.py)."""
    package = from_archive(data)
    return package, validate_package(package)


def validate_archive_bounded(data: bytes, *, pool: Pool | None = None) -> tuple[PackageFiles, ValidationResult]:
    """:func:`validate_archive` in a budget worker; running past the budget is a problem, not an error."""
    try:
        return (pool or shared_pool()).run(validate_archive, data)
    except BudgetExceeded as exc:
        problem = budget_problem(exc, ARCHIVE)
        return PackageFiles({}, problems=[problem]), ValidationResult(None, [problem])
