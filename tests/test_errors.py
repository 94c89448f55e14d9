"""One registry of every error and problem code: unique, declared by each class, documented."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import hub
from hub.errors import ERRORS, HubError, NotFound
from hub.validate.codes import CODES, WORKFLOW_CODES

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "problem-codes.md").read_text(encoding="utf-8")


def _import_all() -> None:
    # the registry fills as classes are defined: import every module so none is missed
    for info in pkgutil.walk_packages(hub.__path__, "hub."):
        if info.name != "hub.__main__":  # running it would start the CLI
            importlib.import_module(info.name)


def _table(heading: str) -> list[list[str]]:
    section = DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in section.splitlines() if line.startswith("| `")]


def test_error_class_must_declare_its_own_code_and_title():
    with pytest.raises(TypeError, match="code and title"):
        type("Forgetful", (NotFound,), {"__doc__": "inherits package-not-found's parent's code"})
    with pytest.raises(TypeError, match="title"):
        type("Untitled", (HubError,), {"code": "untitled-error"})
    assert "untitled-error" not in ERRORS


def test_error_code_cannot_be_taken_twice():
    with pytest.raises(TypeError, match="already used by PackageNotFound"):
        type("Twin", (NotFound,), {"code": "package-not-found", "title": "Zwilling"})
    assert ERRORS["package-not-found"].__name__ == "PackageNotFound"


def test_error_table_lists_every_error_code_with_status_exit_code_and_title():
    _import_all()
    documented = {row[0].strip("`"): row[1:] for row in _table("## Fehlercodes von API und CLI")}
    expected = {code: [str(cls.status), str(cls.exit_code), cls.title] for code, cls in ERRORS.items()}
    assert documented == expected


def test_problem_codes_are_unique_in_the_registry():
    # a duplicate key in a dict literal silently wins: count the keys as written
    tree = ast.parse((ROOT / "hub" / "validate" / "codes.py").read_text(encoding="utf-8"))
    keys = [k.value for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys if isinstance(k, ast.Constant)]
    assert sorted(keys) == sorted(set(keys))
    assert len(keys) == len(CODES)  # and no code sits in both groups


def _problem_codes_in_use() -> dict[str, str]:
    """Every literal code given to ``Problem(code=…)`` or a ``*problem(code, …)`` helper in hub/."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "hub").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name != "Problem" and not name.lower().endswith("problem"):
                continue
            args = [kw.value for kw in node.keywords if kw.arg == "code"]
            if name != "Problem" and node.args:
                args.append(node.args[0])
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, path.relative_to(ROOT).as_posix())
    return found


def test_every_problem_code_in_use_is_registered():
    in_use = _problem_codes_in_use()
    assert len(in_use) > 40  # the scan sees the validators, harvest, publiccode and merge problems
    assert {code: where for code, where in in_use.items() if code not in CODES} == {}


def test_problem_table_is_the_registry():
    documented = {row[0].strip("`"): row[1] for row in _table("| Code | Bedeutung |")}
    assert documented == CODES


def test_codes_are_kebab_case():
    _import_all()
    for code in [*CODES, *ERRORS]:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code), code


@pytest.mark.parametrize("code", sorted(WORKFLOW_CODES))
def test_every_workflow_code_is_exercised_by_a_test(code):
    # package codes have their case in test_invalid_corpus.py; these are asserted by the suites of their workflow
    tests = [p for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_errors.py"]
    assert any(f'"{code}"' in p.read_text(encoding="utf-8") for p in tests)
