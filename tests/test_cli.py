from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.cli import main
from hub.store import Catalog
from tests.factory import README, make_package
from tests.snapshot import snapshot


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A data directory holding a catalogue with one package, published through the CLI."""
    directory = tmp_path / "data"
    Catalog.create(directory / "catalog.git")  # an existing empty repository is not seeded
    folder = make_package(tmp_path / "src")
    assert main(["--data", str(directory), "publish", str(folder)]) == 0
    return directory


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok_and_invalid(tmp_path, capsys):
    good = make_package(tmp_path / "a")
    bad = make_package(tmp_path / "b", license="Freeware-42", files={"README.md": None})
    code, out, _ = run(capsys, "validate", str(good))
    assert code == 0 and "gültig" in out
    code, out, _ = run(capsys, "validate", str(good), str(bad))
    assert code == 1
    assert "[manifest-license-unknown]" in out and "hub.yaml" in out and "/license" in out
    assert "[readme-missing]" in out


def test_validate_json_lists_every_problem(tmp_path, capsys):
    bad = make_package(tmp_path, license="Freeware-42", version="1.0")
    code, out, _ = run(capsys, "validate", "--json", str(bad))
    assert code == 1
    [report] = json.loads(out)
    assert report["valid"] is False
    codes = {(p["code"], p["pointer"]) for p in report["problems"]}
    assert {("manifest-license-unknown", "/license"), ("manifest-version-invalid", "/version")} <= codes


def test_validate_missing_folder(tmp_path, capsys):
    code, out, _ = run(capsys, "validate", str(tmp_path / "fehlt"))
    assert code == 1 and "kein Ordner" in out


def test_publish_show_versions_history_diff(tmp_path, data, capsys):
    newer = make_package(tmp_path / "neu", version="1.1.0", files={"README.md": README + "\nZweite Fassung.\n"})
    code, out, _ = run(capsys, "--data", str(data), "publish", str(newer))
    assert code == 0 and "Veröffentlicht: stadt-test/testpaket 1.1.0" in out

    code, out, _ = run(capsys, "--data", str(data), "list")
    assert code == 0 and "stadt-test/testpaket" in out and "1.1.0" in out and "1 Paket\n" in out

    code, out, _ = run(capsys, "--data", str(data), "show", "stadt-test/testpaket")
    assert code == 0 and "Testpaket für Anträge (stadt-test/testpaket 1.1.0)" in out and "Lizenz:        EUPL-1.2" in out
    code, out, _ = run(capsys, "--data", str(data), "show", "stadt-test/testpaket@1.0.0", "--json")
    assert code == 0 and json.loads(out)["manifest"]["version"] == "1.0.0"

    code, out, _ = run(capsys, "--data", str(data), "versions", "stadt-test/testpaket")
    assert code == 0 and out.splitlines()[0].startswith("1.1.0") and out.splitlines()[1].startswith("1.0.0")

    code, out, _ = run(capsys, "--data", str(data), "history", "stadt-test/testpaket", "--json")
    assert code == 0 and [e["version"] for e in json.loads(out)] == ["1.1.0", "1.0.0"]

    code, out, _ = run(capsys, "--data", str(data), "diff", "stadt-test/testpaket", "1.0.0", "1.1.0")
    assert code == 0 and "~ README.md" in out and "+Zweite Fassung." in out


@pytest.mark.parametrize(
    ("args", "exit_code", "needle"),
    [
        (["show", "stadt-test/gibt-es-nicht"], 3, "gibt es im Katalog nicht"),
        (["show", "stadt-test/testpaket@7.0.0"], 3, "keine Version „7.0.0“"),
        (["show", "ohne-schraegstrich"], 2, "keine Paketkennung"),
        (["versions", "stadt-test/gibt-es-nicht"], 3, "gibt es im Katalog nicht"),
        (["diff", "stadt-test/testpaket", "1.0.0", "2.0.0"], 3, "keine Version „2.0.0“"),
    ],
)
def test_errors_have_german_message_and_documented_exit_code(data, capsys, args, exit_code, needle):
    code, _out, err = run(capsys, "--data", str(data), *args)
    assert code == exit_code
    assert needle in err and "Traceback" not in err


def test_publish_refusals_change_nothing(tmp_path, data, capsys):
    before = snapshot(data)
    same = make_package(tmp_path / "gleich")
    code, _, err = run(capsys, "--data", str(data), "publish", str(same))
    assert code == 4 and "bereits veröffentlicht" in err
    invalid = make_package(tmp_path / "kaputt", version="2.0.0", license="Freeware-42")
    code, _, err = run(capsys, "--data", str(data), "publish", str(invalid))
    assert code == 1 and "[manifest-license-unknown]" in err
    assert snapshot(data) == before


def test_publish_error_as_problem_details_json(tmp_path, data, capsys):
    invalid = make_package(tmp_path / "kaputt", version="2.0.0", license="Freeware-42")
    code, out, _ = run(capsys, "--data", str(data), "publish", "--json", str(invalid))
    assert code == 1
    body = json.loads(out)
    assert body["status"] == 422 and body["code"] == "package-invalid" and body["title"] == "Paket ist ungültig"
    assert body["problems"][0]["code"] == "manifest-license-unknown"


def test_usage_errors_are_german(capsys):
    with pytest.raises(SystemExit) as info:
        main(["diff", "nur-eins"])
    assert info.value.code == 2
    assert "Fehler: diese Angaben fehlen" in capsys.readouterr().err


def test_init_seeds_the_embedded_catalogue_once(tmp_path):
    env = {**os.environ, "HUB_DATA": str(tmp_path / "hubdata")}
    hub = [sys.executable, "-m", "hub"]
    first = subprocess.run([*hub, "init"], env=env, capture_output=True, text=True, check=True)
    assert "angelegt und aus dem eingebetteten Katalog befüllt" in first.stdout
    second = subprocess.run([*hub, "init", "--json"], env=env, capture_output=True, text=True, check=True)
    report = json.loads(second.stdout)
    assert report["seeded"] is False and report["packages"] >= 12
    listed = subprocess.run([*hub, "list"], env=env, capture_output=True, text=True, check=True)
    assert "stadt-paderborn/" in listed.stdout
