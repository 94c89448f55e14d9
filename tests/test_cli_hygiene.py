"""The CLI on a terminal: quiet on a closed pipe, no raw control characters from package data."""

from __future__ import annotations

import json
import subprocess
import sys

import msgspec

from hub.cli import main
from hub.cli.terminal import EXIT_BROKEN_PIPE, escape_controls
from hub.model import Manifest
from hub.store import Catalog
from hub.store.publish import actor_for, commit_version
from hub.validate import PackageFiles
from hub.validate.manifest import raw_manifest
from tests.factory import make_package

EVIL_NAME = "Böse\x1b[2J\x1b]0;gekapert\x07 Paket\u202egnudlemna\r"


def test_closed_pipe_ends_quietly_with_the_sigpipe_status(tmp_path):
    data = tmp_path / "data"
    Catalog.create(data / "catalog.git")
    folder = make_package(tmp_path / "src")
    assert main(["--data", str(data), "publish", str(folder)]) == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "--data", str(data), "maturity", "stadt-test/testpaket"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # like `| head` that has already gone: the first write hits a closed pipe
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == EXIT_BROKEN_PIPE
    assert err == ""  # no "Interner Fehler (BrokenPipeError)", no "Exception ignored"


def test_control_characters_in_package_data_are_escaped(tmp_path, capsys):
    data = tmp_path / "data"
    Catalog.create(data / "catalog.git")
    folder = make_package(tmp_path / "src", name=EVIL_NAME)
    assert main(["--data", str(data), "publish", str(folder)]) == 1  # validation refuses such text (text-unsafe-character)
    assert "U+001B" in capsys.readouterr().err
    # a catalogue written before that rule (or by another tool) may still hold it: the CLI escapes what it prints
    files = PackageFiles.from_folder(folder).files
    manifest = msgspec.convert(raw_manifest(files["hub.yaml"]), Manifest)
    commit_version(Catalog.open(data / "catalog.git"), manifest, files, actor=actor_for(manifest))
    for args in (["list"], ["show", "stadt-test/testpaket"], ["show", "--json", "stadt-test/testpaket"]):
        assert main(["--data", str(data), *args]) == 0
        out = capsys.readouterr().out
        assert not any(ch in out for ch in "\x1b\x07\u202e\r"), args
        assert "\\u001b[2J" in out, args
    assert json.loads(out)["manifest"]["name"] == EVIL_NAME  # in JSON the escape is the same character


def test_control_characters_in_problem_messages_are_escaped(tmp_path, capsys):
    folder = make_package(tmp_path, license="Frei\x1b[31mware")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "„Frei\\u001b[31mware“" in out


def test_escape_keeps_newlines_tabs_and_crlf():
    assert escape_controls("a\tb\nc\r\nd\re\x00") == "a\tb\nc\r\nd\\u000de\\u0000"
