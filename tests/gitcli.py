"""git's own command line for tests: quiet, non-interactive, without the user's configuration."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path


def git_runner(home: Path, name: str = "Test", email: str = "test@example.invalid") -> Callable[..., str]:
    """A ``git(*args, cwd=None, check=True) -> stdout`` that asserts success unless ``check=False``."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "HOME": str(home),
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        env.pop(key, None)

    def run(*args: str, cwd: Path | None = None, check: bool = True) -> str:
        done = subprocess.run(
            ["git", "-c", "advice.detachedHead=false", "-c", "init.defaultBranch=main", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if check:
            assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stderr}"
        return done.stdout

    return run
