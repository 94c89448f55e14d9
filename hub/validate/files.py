"""A package as validation sees it: its files in memory, whatever they came from.

Folders, uploaded archives and git trees all become a :class:`PackageFiles`, so one
validator serves the CLI, the API and the store, and the bytes that were validated
are the bytes that get published.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from hub.model import Problem
from hub.validate.paths import git_refuses

MAX_FILE_BYTES = 20 * 1024 * 1024
IGNORED_DIRS = frozenset({".git"})


@dataclass
class PackageFiles:
    """The files of one package (relative POSIX path -> bytes) and what went wrong loading them."""

    files: dict[str, bytes]
    folder_name: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def from_folder(cls, root: str | os.PathLike[str], *, max_file_bytes: int = MAX_FILE_BYTES) -> PackageFiles:
        root = Path(root)
        files: dict[str, bytes] = {}
        problems: list[Problem] = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
            base = Path(dirpath)
            for name in sorted(dirnames + filenames):
                full = base / name
                rel = full.relative_to(root).as_posix()
                info = full.lstat()
                if git_refuses(rel):
                    problems.append(git_path(rel))
                    if name in dirnames:
                        dirnames.remove(name)
                elif stat.S_ISLNK(info.st_mode):
                    problems.append(
                        Problem(
                            code="file-symlink",
                            file=rel,
                            message=f"„{rel}“ ist ein symbolischer Link; Pakete dürfen nur normale Dateien enthalten.",
                        )
                    )
                    if name in dirnames:
                        dirnames.remove(name)
                elif stat.S_ISDIR(info.st_mode):
                    continue
                elif not stat.S_ISREG(info.st_mode):
                    problems.append(
                        Problem(code="file-special", file=rel, message=f"„{rel}“ ist keine normale Datei (Gerät, FIFO oder Socket).")
                    )
                elif info.st_size > max_file_bytes:
                    problems.append(too_large(rel, info.st_size, max_file_bytes))
                else:
                    files[rel] = full.read_bytes()
        return cls(files=files, folder_name=root.resolve().name, problems=problems)


def git_path(path: str) -> Problem:
    return Problem(
        code="file-git-path",
        file=path,
        message=f"„{path}“ liegt in einem Ordner „.git“ oder heißt so; solche Pfade kann der Katalog (ein Git-Repository) nicht aufnehmen.",
    )


def too_large(path: str, size: int, limit: int) -> Problem:
    return Problem(
        code="file-too-large",
        file=path,
        message=f"„{path}“ ist {size / 1048576:.1f} MB groß; erlaubt sind höchstens {limit / 1048576:.0f} MB.",
    )
