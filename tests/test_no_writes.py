"""The check that fails a CI run when a test wrote into the project folder (tests/nowrites.py)."""

from __future__ import annotations

import subprocess

from tests.nowrites import untracked


def test_a_file_left_in_the_project_is_found_and_runner_files_are_not(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("/build/\n")
    (tmp_path / "tracked.txt").write_text("x\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    before = untracked(tmp_path)
    assert before == set()

    (tmp_path / "tracked.txt").write_text("changed\n")  # a change to a tracked file is git's business, not this check's
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"")
    (tmp_path / ".pytest_cache" / "v").mkdir(parents=True)
    (tmp_path / ".pytest_cache" / "v" / "lastfailed").write_text("{}")
    assert untracked(tmp_path) == set()

    (tmp_path / ".hypothesis" / "examples").mkdir(parents=True)
    (tmp_path / ".hypothesis" / "examples" / "x").write_bytes(b"")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "site.html").write_text("")
    (tmp_path / "notizen.txt").write_text("")
    assert untracked(tmp_path) == {".hypothesis/examples/x", "build/", "notizen.txt"}


def test_outside_a_git_checkout_there_is_nothing_to_compare(tmp_path):
    assert untracked(tmp_path) is None
