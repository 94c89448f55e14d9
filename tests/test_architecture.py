"""The layers are a contract a tool enforces: import-linter (pyproject.toml) for every static import, relative ones
included, and a check of dynamic imports against the same layers. Each rule is shown to fail on a real violation."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
LAYERS = next(c for c in CONFIG["contracts"] if c["id"] == "layers")["layers"]
FORBIDDEN_EXTERNAL = next(c for c in CONFIG["contracts"] if c["id"] == "domain-free-of-web")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the ``hub`` package found under ``root`` (the project, or a copy with a violation)."""
    # no_cache: import-linter would otherwise write .import_linter_cache/ into the project
    script = (
        "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def layer_of(module: str) -> int | None:
    """Index of the layer holding ``module`` (0 is the top), None for modules outside ``hub``."""
    parts = module.split(".")
    if parts[0] != "hub" or len(parts) < 2:
        return None
    for index, layer in enumerate(LAYERS):
        names = {name.strip().strip("()") for name in layer.replace(":", "|").split("|")}
        if parts[1] in names:
            return index
    raise AssertionError(f"{module} is in no layer of the contract")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dynamic_imports(root: Path) -> list[str]:
    """Dynamic imports that break the layers: a literal target in a higher layer or a forbidden package, or a target the
    check cannot read (not a string literal), which could be anything."""
    forbidden = tuple(FORBIDDEN_EXTERNAL["forbidden_modules"])
    restricted = tuple(FORBIDDEN_EXTERNAL["source_modules"])
    broken = []
    for path in sorted((root / "hub").rglob("*.py")):
        importer = module_name(path, root)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name not in ("import_module", "__import__"):
                continue
            place = f"{importer}:{node.lineno}"
            target = node.args[0] if node.args else None
            if not (isinstance(target, ast.Constant) and isinstance(target.value, str)):
                broken.append(f"{place} imports a module the check cannot see")
                continue
            wanted = target.value
            if wanted.split(".")[0] in forbidden and importer.startswith(restricted):
                broken.append(f"{place} imports {wanted}")
            low, high = layer_of(importer), layer_of(wanted)
            if low is not None and high is not None and high < low:
                broken.append(f"{place} imports {wanted} from a higher layer")
    return broken


def test_the_layer_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_no_dynamic_import_breaks_the_layers():
    assert dynamic_imports(ROOT) == []


def test_every_module_of_hub_is_in_a_layer():
    # exhaustive = true makes import-linter refuse an unplaced top-level module; this names it earlier
    for path in (ROOT / "hub").iterdir():
        if (
            (path.name.startswith(("_", ".")) and path.name != "__main__.py")
            or path.suffix not in (".py", "")
            or path.name == "__pycache__"
        ):
            continue
        assert layer_of(f"hub.{path.stem}") is not None


@pytest.fixture(scope="module")
def copy_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "hub", root / "hub", ignore=shutil.ignore_patterns("__pycache__", "_data"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


VIOLATIONS = {
    # the three the review found passing the old test, each now caught
    "relative import of the API from the renderer": ("hub/render/markdown.py", "from ..api import problems  # noqa\n"),
    "validation importing the search index": ("hub/validate/__init__.py", "from hub.index import Index  # noqa\n"),
    "dynamic import of the web framework in the store": ("hub/store/catalog.py", 'import importlib\nimportlib.import_module("litestar")\n'),
    "dynamic import of an edge from the domain": ("hub/maturity/rules.py", 'import importlib\nimportlib.import_module("hub.cli")\n'),
    "domain importing the web framework": ("hub/federation/atom.py", "import litestar  # noqa\n"),
}


@pytest.mark.parametrize("case", sorted(VIOLATIONS))
def test_a_violation_breaks_the_contract(copy_root, case):
    relative, line = VIOLATIONS[case]
    target = copy_root / relative
    original = target.read_text(encoding="utf-8")
    target.write_text(original + "\n" + line, encoding="utf-8")
    try:
        if "dynamic" in case:
            assert dynamic_imports(copy_root) != []
        else:
            result = lint_imports(copy_root)
            assert result.returncode == 1 and "BROKEN" in result.stdout.upper(), result.stdout + result.stderr
    finally:
        target.write_text(original, encoding="utf-8")
