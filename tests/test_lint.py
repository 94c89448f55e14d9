"""Habits the suite keeps: ruff (lint and format) and mypy find nothing, with their configuration in pyproject.toml.

The tools run from the test's own environment (``sys.executable``'s bin folder), with their caches in the test's
temporary folder, so a run never writes into the repository. Each check is also shown to see what it guards:
ruff flags a real finding under the project's rules, and mypy checks every module of ``hub`` and ``bench``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LINTED = ["hub", "tests", "bench", "tools"]


@pytest.fixture(scope="module")
def caches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("lint-caches")
    return {**os.environ, "RUFF_CACHE_DIR": str(folder / "ruff"), "MYPY_CACHE_DIR": str(folder / "mypy")}


def run(tool: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600)


def test_ruff_check_finds_nothing(caches):
    result = run("ruff", "check", *LINTED, env=caches)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_changes_nothing(caches):
    result = run("ruff", "format", "--check", *LINTED, env=caches)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_applies_the_project_rules(caches, tmp_path):
    # a rule of the pinned selection (B905), not one of ruff's defaults: the configuration is what ran
    sample = tmp_path / "sample.py"
    sample.write_text("pairs = list(zip([1], [2]))\n", encoding="utf-8")
    result = run("ruff", "check", "--config", str(ROOT / "pyproject.toml"), str(sample), env=caches)
    assert result.returncode == 1 and "B905" in result.stdout, result.stdout + result.stderr


def test_mypy_finds_nothing_in_hub_and_bench(caches):
    result = run("mypy", env=caches)  # files and settings: [tool.mypy] in pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    assert checked is not None, result.stdout
    # every module of hub and of the benchmarks, none left out
    assert int(checked.group(1)) == sum(len(list((ROOT / package).rglob("*.py"))) for package in ("hub", "bench"))
