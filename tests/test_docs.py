"""The docs name every CLI command, every schema field and every problem code."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from hub.cli import _parser
from tests.schema_fields import field_paths

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _commands() -> list[str]:
    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_cli_command_documented(command):
    assert re.search(rf"^### `hub {command}\b", (DOCS / "cli.md").read_text(), re.MULTILINE)


def test_exit_codes_documented():
    text = (DOCS / "cli.md").read_text()
    for code in range(6):
        assert re.search(rf"^\| {code} \| ", text, re.MULTILINE)


@pytest.mark.parametrize("schema", ["package", "publisher"])
def test_schema_fields_documented(schema):
    data = json.loads((DOCS.parent / "schemas" / f"{schema}.schema.json").read_text())
    text = (DOCS / "package-format.md").read_text()
    missing = [path for path, _ in field_paths(data) if f"`{path}`" not in text]
    assert missing == []


def test_every_property_has_a_german_description():
    for path in (DOCS.parent / "schemas").rglob("*.schema.json"):
        data = json.loads(path.read_text())
        undocumented = [p for p, d in field_paths(data) if not d.strip()]
        assert undocumented == [], path.name


def test_every_api_route_documented(tmp_path):
    from litestar.testing import TestClient

    from hub.api import create_app
    from tests.factory import make_services

    text = (DOCS / "api.md").read_text()
    with TestClient(create_app(make_services(tmp_path))) as client:
        paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method in operations:
            if method in ("get", "post", "patch", "put", "delete"):
                documented = path.rstrip("/") or "/"
                assert re.search(rf"^\| {method.upper()} \| `{re.escape(documented)}(\?[^`]*)?` \|", text, re.MULTILINE), (
                    f"{method.upper()} {path}"
                )
