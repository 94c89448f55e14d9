"""Uploaded packages: a zip or tar.gz archive of the package folder, unpacked in memory.

Nothing touches the disk. Paths that leave the folder, links and special files
become problems (the same codes a folder gets), and the unpacked size is bounded
so that a small archive cannot expand into gigabytes.
"""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile

from hub.model import Problem
from hub.validate.files import MAX_FILE_BYTES, PackageFiles, too_large
from hub.validate.paths import safe_relpath

MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 5000
ARCHIVE = "(Archiv)"


class ArchiveProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def from_archive(data: bytes, *, max_unpacked: int = MAX_UNPACKED_BYTES, max_file: int = MAX_FILE_BYTES) -> PackageFiles:
    """Unpack a zip or tar.gz archive; problems with entries are collected, a broken archive is one problem."""
    try:
        if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
            entries = _zip_entries(data)
        elif data.startswith(b"\x1f\x8b"):
            entries = _tar_entries(data)
        else:
            return _broken("Die Daten sind weder ein ZIP- noch ein tar.gz-Archiv.")
        return _collect(entries, max_unpacked=max_unpacked, max_file=max_file)
    except ArchiveProblem as exc:
        return PackageFiles({}, problems=[exc.problem])
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError, NotImplementedError) as exc:
        return _broken(f"Das Archiv ist beschädigt oder unlesbar ({type(exc).__name__}).")


def _broken(message: str) -> PackageFiles:
    return PackageFiles({}, problems=[Problem(code="archive-invalid", file=ARCHIVE, message=message)])


# An entry: (name, kind, size, read) with kind "file", "dir", "link" or "special".
def _zip_entries(data: bytes):
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
        yield info.filename, kind, info.file_size, (lambda info=info: archive.read(info))


def _tar_entries(data: bytes):
    archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")
    for member in archive:
        if member.isdir():
            kind = "dir"
        elif member.issym() or member.islnk():
            kind = "link"
        elif not member.isfile():
            kind = "special"
        else:
            kind = "file"
        yield member.name, kind, member.size, (lambda member=member: archive.extractfile(member).read())


def _collect(entries, *, max_unpacked: int, max_file: int) -> PackageFiles:
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    total = 0
    for count, (name, kind, size, read) in enumerate(entries, start=1):
        if count > MAX_ENTRIES:
            raise ArchiveProblem(Problem(code="archive-too-large", file=ARCHIVE, message=f"Das Archiv enthält mehr als {MAX_ENTRIES} Einträge."))
        path = safe_relpath(name.rstrip("/")) if name.rstrip("/") else None
        if path is None:
            problems.append(Problem(code="file-unsafe-path", file=name, message=f"Der Eintrag „{name}“ ist absolut oder enthält „..“ und würde das Paket verlassen."))
            continue
        if kind == "dir":
            continue
        if kind == "link":
            problems.append(Problem(code="file-symlink", file=path, message=f"„{path}“ ist ein Link; Pakete dürfen nur normale Dateien enthalten."))
            continue
        if kind == "special":
            problems.append(Problem(code="file-special", file=path, message=f"„{path}“ ist keine normale Datei (Gerät, FIFO oder Socket)."))
            continue
        if size > max_file:
            problems.append(too_large(path, size, max_file))
            continue
        total += size
        if total > max_unpacked:
            raise ArchiveProblem(Problem(code="archive-too-large", file=ARCHIVE, message=f"Entpackt wäre das Archiv größer als {max_unpacked // 1048576} MB."))
        content = read()
        if len(content) != size:  # a header that lies about the size
            raise ArchiveProblem(Problem(code="archive-invalid", file=path, message=f"Die Größe von „{path}“ im Archiv stimmt nicht mit dem Inhalt überein."))
        files[path] = content
    return _strip_common_folder(files, problems)


def _strip_common_folder(files: dict[str, bytes], problems: list[Problem]) -> PackageFiles:
    """An archive of the folder itself (``paket/hub.yaml``) counts like one of its contents."""
    if "hub.yaml" in files or not files:
        return PackageFiles(files, problems=problems)
    tops = {path.split("/", 1)[0] for path in files}
    if len(tops) == 1 and all("/" in path for path in files):
        top = tops.pop()
        return PackageFiles({path.split("/", 1)[1]: data for path, data in files.items()}, folder_name=top, problems=problems)
    return PackageFiles(files, problems=problems)
