"""One settings object owns every environment variable: parsed once, refused when unclear, documented."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from hub.settings import Environment, SettingsInvalid

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_need_no_variable(tmp_path):
    env = Environment.from_environ({})
    assert (env.fsync, env.debug, env.base_url, env.max_upload_bytes) == (True, False, None, 20 * 1024 * 1024)
    assert env.data_dir == Path.home() / ".local" / "share" / "transferhub"
    assert Environment.from_environ({"XDG_DATA_HOME": str(tmp_path)}).data_dir == tmp_path / "transferhub"
    assert Environment.from_environ({"XDG_DATA_HOME": "/x", "HUB_DATA": str(tmp_path)}).data_dir == tmp_path


@pytest.mark.parametrize(
    ("raw", "expected"), [("0", False), ("1", True), ("nein", False), ("JA", True), ("false", False), ("on", True), ("", False)]
)
def test_switches_mean_what_they_say(raw, expected):
    # HUB_DEBUG=0 used to switch debugging on (any non-empty value did)
    assert Environment.from_environ({"HUB_DEBUG": raw}).debug is expected


@pytest.mark.parametrize(
    ("name", "raw"),
    [("HUB_FSYNC", "vielleicht"), ("HUB_MAX_UPLOAD_MB", "viel"), ("HUB_MAX_UPLOAD_MB", "-3"), ("HUB_BASE_URL", "transferhub.de")],
)
def test_unclear_values_are_refused_naming_the_variable(name, raw):
    with pytest.raises(SettingsInvalid, match=name):
        Environment.from_environ({name: raw})


def test_values_are_parsed():
    env = Environment.from_environ({"HUB_MAX_UPLOAD_MB": "0.5", "HUB_BASE_URL": "https://hub.nrw.example/", "HUB_FSYNC": "0"})
    assert (env.max_upload_bytes, env.base_url, env.fsync) == (512 * 1024, "https://hub.nrw.example", False)


def test_a_bad_value_stops_the_cli_with_a_german_message_not_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "hub", "--data", str(tmp_path), "list"],
        check=False,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HUB_FSYNC": "vielleicht", "HOME": str(tmp_path)},
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert "HUB_FSYNC='vielleicht'" in result.stderr and "Traceback" not in result.stderr


def _environ_reads(path: Path) -> list[int]:
    """Lines where a module reads the environment: ``os.environ`` or ``os.getenv`` anywhere but as an assignment target
    (a parent may hand a value to a worker process that way), or ``from os import environ/getenv``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    written = {id(t.value) for node in ast.walk(tree) if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Subscript)}
    names = ("environ", "getenv")
    attribute_reads = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in names
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
        and id(node) not in written
    ]
    imports = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "os" and any(alias.name in names for alias in node.names)
    ]
    return sorted(attribute_reads + imports)


def test_no_module_but_settings_reads_the_environment():
    readers = {
        path.relative_to(ROOT).as_posix(): _environ_reads(path)
        for path in sorted((ROOT / "hub").rglob("*.py"))
        if path != ROOT / "hub" / "settings.py"
    }
    assert {name: lines for name, lines in readers.items() if lines} == {}


def test_the_check_sees_a_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('import os\nos.environ["HUB_DATA"] = "x"\nflag = os.environ.get("HUB_X")\nfrom os import getenv\n')
    assert _environ_reads(sample) == [3, 4]


def test_docs_list_every_variable_with_its_meaning():
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`"): line.split("|", 2)[2].rsplit("|", 1)[0].strip()
        for line in text.splitlines()
        if line.startswith("| `")
    }
    assert rows == {f.metadata["env"]: f.metadata["doc"] for f in fields(Environment)}
