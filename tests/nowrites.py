"""What the test run left in the project folder: files git does not track, that were not there before.

Tests write into ``tmp_path`` or the temp folder, never into the project. In CI (``CI`` set, a clean
checkout) ``tests/conftest.py`` compares the untracked and ignored paths before and after the session and
fails the run when a test left something behind. What Python and pytest themselves write (bytecode, the
pytest cache) does not count.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

RUNNER_FILES = frozenset({"__pycache__", ".pytest_cache"})


def untracked(root: Path) -> set[str] | None:
    """The untracked and ignored paths under ``root`` (an ignored folder as one entry); None outside a git checkout."""
    done = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--ignored=matching", "--untracked-files=all", "-z"],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        return None
    paths = {entry[3:].decode("utf-8", "surrogateescape") for entry in done.stdout.split(b"\0") if entry[:2] in (b"??", b"!!")}
    return {path for path in paths if not RUNNER_FILES.intersection(Path(path).parts)}
