"""Byte-for-byte snapshots of a directory, to prove that a refused write changed nothing."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def snapshot(root: Path) -> dict[str, str]:
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames + dirnames):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            state[rel] = "dir" if full.is_dir() else hashlib.sha256(full.read_bytes()).hexdigest()
    return state
