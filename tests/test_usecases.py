"""Every write goes through ``hub.usecases``: no edge imports a write function of the domain, and input is checked once."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from litestar.testing import TestClient

from hub.api import create_app
from tests.factory import make_services

ROOT = Path(__file__).resolve().parent.parent
HUB = ROOT / "hub"
# the edges: web API, served site, command line, static site (the layer contract in pyproject.toml keeps them apart from the rest)
EDGES = ("api/", "web/", "site/", "cli/", "__main__.py")
# functions that write the catalogue (or the tokens beside it); only hub.usecases may call them
WRITES: dict[str, set[str]] = {
    "hub.store": {"publish", "repair_tags", "ensure_seeded", "seed"},
    "hub.store.publish": {"publish", "commit_version", "repair_tags"},
    "hub.store.records": {"record_adoption", "advance_adoption", "add_review", "put_record"},
    "hub.store.commit": {"commit_change"},
    "hub.store.seed": {"seed", "ensure_seeded"},
    "hub.federation.harvest": {"harvest", "harvest_source", "publish_harvested"},
    "hub.federation.sources": {"save_sources"},
    "hub.federation.reports": {"write_report"},
    "hub.tokens": {"TokenStore"},
}
EDGE_FILES = sorted(p for p in HUB.rglob("*.py") if p.relative_to(HUB).as_posix().startswith(EDGES))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module an ``import from`` names, relative imports resolved against ``path``'s package."""
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def write_uses(path: Path, source: str | None = None) -> list[str]:
    """Each way ``path`` reaches a write function: imported by name, as a module attribute, or imported dynamically."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    module_aliases: dict[str, str] = {}  # local name -> write module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = absolute(path, node)
            for alias in node.names:
                if alias.name in WRITES.get(module, ()) or (alias.name == "*" and module in WRITES):
                    found.append(f"from {module} import {alias.name}")
                if f"{module}.{alias.name}" in WRITES:
                    module_aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                # "import a.b.c" binds "a"; "import a.b.c as x" binds "x" to a.b.c
                bound = alias.name if alias.asname else alias.name.split(".")[0]
                module_aliases[alias.asname or bound] = bound
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__"):
                found.append(f"dynamic import at line {node.lineno}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = []
            current: ast.AST = node
            while isinstance(current, ast.Attribute):
                chain.append(current.attr)
                current = current.value
            if isinstance(current, ast.Name) and current.id in module_aliases:
                dotted = ".".join([module_aliases[current.id], *reversed(chain)])
                module, _, attr = dotted.rpartition(".")
                if attr in WRITES.get(module, ()):
                    found.append(f"{dotted} at line {node.lineno}")
    return found


def test_edges_are_found():
    names = {p.relative_to(HUB).as_posix() for p in EDGE_FILES}
    assert {"cli/__init__.py", "api/controllers/packages.py", "api/controllers/federation.py", "cli/federation.py", "cli/adopt.py"} <= names


@pytest.mark.parametrize("path", EDGE_FILES, ids=lambda p: p.relative_to(HUB).as_posix())
def test_edge_imports_no_write_function(path):
    assert write_uses(path) == []


@pytest.mark.parametrize(
    "source",
    [
        "from hub.store.records import add_review",
        "from ...store import records\nrecords.add_review(1)",
        "from ...store.records import put_record",
        "import hub.store.records as r\nr.record_adoption()",
        "import hub.federation.harvest\nhub.federation.harvest.harvest()",
        "import importlib\nimportlib.import_module('hub.store.records')",
        "from hub.tokens import TokenStore",
    ],
)
def test_the_check_catches_every_way_in(source):
    """The check itself: relative, aliased, dotted and dynamic imports of a write function are all found."""
    assert write_uses(HUB / "api" / "controllers" / "probe.py", source) != []


# -- one check for every edge ------------------------------------------------------------------

BLANK = " " * 25


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])


def test_blank_padded_rationale_is_refused_by_api_and_cli(services):
    head = str(services.catalog.head().id)
    secret, _ = services.tokens.create("ministerium-nrw", "reviewer")
    body = {"package": "stadt-test/testpaket", "version": "1.0.0", "level": 1, "rationale": BLANK}
    with TestClient(create_app(services)) as client:
        response = client.post("/api/v1/reviews", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 400 and "20 Zeichen" in response.json()["detail"]
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "hub",
            "--data",
            str(services.config.data_dir),
            "review",
            "stadt-test/testpaket@1.0.0",
            "--as",
            "ministerium-nrw",
            "--level",
            "1",
            "--rationale",
            BLANK,
            "--json",
        ],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert cli.returncode == 2 and "20 Zeichen" in json.loads(cli.stdout)["detail"]
    assert str(services.catalog.head().id) == head  # nothing written by either


def test_review_rationale_is_stored_stripped(services):
    secret, _ = services.tokens.create("ministerium-nrw", "reviewer")
    body = {
        "package": "stadt-test/testpaket",
        "version": "1.0.0",
        "level": 1,
        "rationale": "   Im Betrieb seit 2022, Belege liegen vor.   ",
    }
    with TestClient(create_app(services)) as client:
        response = client.post("/api/v1/reviews", json=body, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
    assert response.json()["reviews"][-1]["rationale"] == "Im Betrieb seit 2022, Belege liegen vor."


def test_a_cli_write_brings_index_and_exports_along(services):
    """The after-write work runs in the use case: the index and the clone export reflect the CLI's commit when it returns."""
    data = services.config.data_dir
    cli = subprocess.run(
        [sys.executable, "-m", "hub", "--data", str(data), "adoption", "create", "stadt-test/testpaket", "--as", "stadt-soest", "--json"],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert cli.returncode == 0, cli.stderr
    head = str(services.catalog.head().id)
    assert services.index.commit == head
    assert (data / "git" / ".synced").read_text() == head


def test_a_publish_in_a_followed_hub_waits_for_its_index_but_not_for_the_clone_exports(tmp_path):
    """In ``hub serve`` (a follower makes the exports after every new HEAD) a publish answers once the index has its
    commit, so a search right after the answer finds it, even while another process holds the exports' turn; the clone
    export follows. Old behaviour: one lock for index and exports, and the answer waited for both."""
    import threading

    from hub.services import EXPORTS_LOCK, data_lock
    from hub.usecases.publish import publish
    from hub.validate import PackageFiles
    from tests.factory import package_files

    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    services.catch_up()  # every package exported once, as in a hub that has been running
    services.followed = True
    answered: list[str] = []
    with data_lock(services.config.data_dir / EXPORTS_LOCK):  # another process exporting, slowly
        files = PackageFiles(package_files(version="1.1.0", name="Frisch veröffentlicht"), folder_name="testpaket")
        thread = threading.Thread(target=lambda: answered.append(publish(services, files).commit))
        thread.start()
        thread.join(timeout=60)
        assert answered == [str(services.catalog.head().id)]
        assert services.index.commit == answered[0]
        assert [h.id for h in services.index.search("Frisch").items] == ["stadt-test/testpaket"]
        assert (services.config.git_path / ".synced").read_text() != answered[0]  # the export has not followed yet
    assert services.catch_up() == answered[0]  # the follower's step
    assert (services.config.git_path / ".synced").read_text() == answered[0]
