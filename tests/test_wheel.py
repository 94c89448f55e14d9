"""The wheel ships the hub alone, with its embedded catalogue, schemas, site templates and front-end libraries.

A municipal network may have no internet: the front-end libraries installed from npm must be inside the wheel, and
nothing of the project's tooling (``bench``, ``tests``) may land in an installation's ``site-packages`` as a package.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_the_hub_package_its_data_and_the_front_end_libraries(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "--wheel-dir", str(tmp_path), str(ROOT)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {name.split("/")[0] for name in names} == {"hub", f"{project['name']}-{project['version']}.dist-info"}
    assert {f"hub/{path}" for path in _files(ROOT / "hub") if path.endswith(".py")} <= names
    vendor = _files(ROOT / "site" / "vendor")
    assert vendor, "site/vendor is empty: the set-up copies the npm packages there"
    for folder, inside in (("site", "hub/_data/site"), ("catalog", "hub/_data/catalog"), ("schemas", "hub/_data/schemas")):
        missing = {path for path in _files(ROOT / folder) if f"{inside}/{path}" not in names}
        assert not missing, f"{folder}: {sorted(missing)[:5]}"
    assert any(name.startswith("hub/_data/site/vendor/") for name in names)
