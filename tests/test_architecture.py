"""Dependencies point one way: the domain never imports Litestar, the API, the CLI or the site."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parent.parent / "hub"
# the outer layer: web API, command line, static site (and the CLI/route glue of two packages)
OUTER = ("api/", "cli.py", "cliutil.py", "__main__.py", "site/", "federation/routes.py", "federation/commands.py", "adopt/commands.py")
FORBIDDEN = ("litestar", "granian", "hub.api", "hub.cli", "hub.site")  # hub.cli also covers hub.cliutil
DOMAIN = sorted(p for p in HUB.rglob("*.py") if not p.relative_to(HUB).as_posix().startswith(OUTER))


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: p.relative_to(HUB).as_posix())
def test_domain_module_imports_no_outer_layer(path):
    bad = sorted(name for name in imports(path) if name.startswith(FORBIDDEN))
    assert bad == []


def test_model_depends_on_nothing_of_the_hub():
    assert not any(name.startswith("hub.") for name in imports(HUB / "model.py"))
