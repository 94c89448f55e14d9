"""Path safety: a path from a package may never leave the package's folder."""

from __future__ import annotations

import posixpath
import re

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_relpath(path: str) -> str | None:
    """Return the normalised package-relative form of ``path``, or None if it is unsafe.

    Unsafe: empty, absolute, a Windows drive or backslash, a NUL or control
    character, or any ``..`` component (even one that would cancel out: a
    manifest that needs one is written carelessly, and refusing is simpler to
    reason about than resolving).
    """
    if not path or "\\" in path or _DRIVE.match(path) or path.startswith("/"):
        return None
    if any(ord(ch) < 32 or ch == "\x7f" for ch in path):
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if not parts or ".." in parts or _DRIVE.match(parts[0]):  # "./C:" would normalise to a drive
        return None
    return "/".join(parts)


# characters HFS+ ignores in names, so ".g\u200cit" is ".git" there (git refuses such names too)
_HFS_IGNORED = dict.fromkeys([*range(0x200C, 0x2010), *range(0x202A, 0x202F), *range(0x206A, 0x2070), 0xFEFF])


def git_refuses(path: str) -> bool:
    """True if git would refuse ``path`` in a tree (libgit2's ``.git`` rules for every file system).

    A component that is ``.git`` in any case, with trailing dots or spaces (Windows drops them),
    with HFS+-ignored characters, as an NTFS short name (``git~1``) or with an NTFS stream
    (``.git::$INDEX_ALLOCATION``) would write into the repository itself on some file system.
    """
    for part in path.split("/"):
        name = part.translate(_HFS_IGNORED).lower()
        bare = name.split(":", 1)[0].rstrip(". ")
        if bare in (".git", "git~1") or part in ("", ".", ".."):
            return True
    return False


def resolve_link(base_file: str, target: str) -> str | None:
    """Resolve a relative link found in ``base_file``; None if it leaves the package."""
    if target.startswith("/") or "\\" in target:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base_file), target))
    if joined == ".":
        return ""
    if joined.startswith(("../", "/")) or joined == "..":
        return None
    return joined
