"""The docs follow the code: every CLI command, option and choice (from the parser), every API route (from the served
OpenAPI, both ways), every schema field and every problem code."""

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


_METHODS = ("get", "post", "patch", "put", "delete")
_ROUTE_ROW = re.compile(r"^\| (GET|POST|PATCH|PUT|DELETE) \| `([^`?]+)(?:\?[^`]*)?` \|", re.MULTILINE)


def api_doc_problems(paths: dict[str, dict[str, object]], text: str) -> list[str]:
    """What docs/api.md's route table and the served OpenAPI ``paths`` disagree on, both ways."""
    served = {
        (method.upper(), path.rstrip("/") or "/") for path, operations in paths.items() for method in operations if method in _METHODS
    }
    documented = {(method, path.rstrip("/") or "/") for method, path in _ROUTE_ROW.findall(text)}
    return [f"{method} {path}: served, not in docs/api.md" for method, path in sorted(served - documented)] + [
        f"{method} {path}: in docs/api.md, not served" for method, path in sorted(documented - served)
    ]


@pytest.fixture(scope="module")
def openapi_paths(tmp_path_factory) -> dict[str, dict[str, object]]:
    from litestar.testing import TestClient

    from hub.api import create_app
    from tests.factory import make_services

    with TestClient(create_app(make_services(tmp_path_factory.mktemp("api")))) as client:
        return client.get("/api/v1/openapi.json").json()["paths"]


def test_every_api_route_is_documented_and_every_documented_route_served(openapi_paths):
    assert api_doc_problems(openapi_paths, (DOCS / "api.md").read_text()) == []


def test_the_api_route_check_fails_on_a_doctored_text(openapi_paths):
    text = (DOCS / "api.md").read_text()
    row = "| GET | `/api/v1/publishers/{publisher_id}` |"
    assert row in text
    assert api_doc_problems(openapi_paths, text.replace(row, "| GET | `/api/v1/publisher/{publisher_id}` |")) == [
        "GET /api/v1/publishers/{publisher_id}: served, not in docs/api.md",
        "GET /api/v1/publisher/{publisher_id}: in docs/api.md, not served",
    ]
    extra = text + "\n| DELETE | `/api/v1/packages/{publisher}/{slug}` | withdraw | admin |\n"
    assert api_doc_problems(openapi_paths, extra) == ["DELETE /api/v1/packages/{publisher}/{slug}: in docs/api.md, not served"]


# --------------------------------------------------------------------------- CLI options from the parser

_OPTION = re.compile(r"(?<![\w-])(--?[a-z][a-z0-9-]*)(?![\w-])")
_CODE_SPAN = re.compile(r"`([^`]+)`")  # a code span may run over a line break


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    """The long option strings (or the short one, when there is no long) of a parser, without --help."""
    options = set()
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or not action.option_strings:
            continue
        longs = [o for o in action.option_strings if o.startswith("--")]
        options.add(longs[0] if longs else action.option_strings[0])
    return options


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], set[str]]:
    """Every command path that runs something (``('token', 'create')``) with its options, the parents' included."""
    children = _subparsers(parser)
    if path and not children:
        return {path: _options(parser)}
    leaves = {}
    for name, child in children.items():
        for leaf, options in _leaves(child, (*path, name)).items():
            leaves[leaf] = options | (_options(parser) if path else set())
    return leaves


def _choices(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], dict[str, list[str]]]:
    """Per command path, the values an option or argument may take (``--status``: planned, pilot, …); numbers left out."""
    children = _subparsers(parser)
    own = {
        (action.option_strings or [action.metavar or action.dest])[0]: [str(c) for c in action.choices]
        for action in parser._actions
        if action.choices and not isinstance(action, argparse._SubParsersAction) and all(isinstance(c, str) for c in action.choices)
    }
    if path and not children:
        return {path: own}
    found = {}
    for name, child in children.items():
        for leaf, choices in _choices(child, (*path, name)).items():
            found[leaf] = {**(own if path else {}), **choices}
    return found


def _resolve(parser: argparse.ArgumentParser, words: list[str]) -> set[tuple[str, ...]]:
    """The command paths a documented call names: ``hub token create …`` → {('token', 'create')};
    ``hub adoption create|advance|confirm`` → the one path ('adoption',); ``hub token`` → every token command."""
    commands = _subparsers(parser)
    if not words or words[0] not in commands:
        return set()
    head, sub = words[0], _subparsers(commands[words[0]])
    named = {w for word in words[1:] for w in word.split("|") if w in sub}
    if not sub:
        return {(head,)}
    return {(head, name) for name in (named or sub)}


def cli_doc_problems(parser: argparse.ArgumentParser, text: str) -> list[str]:
    """What docs/cli.md and the parser disagree on: an option missing under its command's heading
    (``### `hub …` ``), or an option the docs name that the command (or ``hub`` itself) does not have."""
    leaves = _leaves(parser)
    global_options = _options(parser)
    every_option = global_options.union(*leaves.values())
    sections: list[tuple[set[tuple[str, ...]], str]] = []  # (commands of the heading, text under it)
    for block in re.split(r"^(?=##)", text, flags=re.MULTILINE):
        heading = block.partition("\n")[0]
        commands: set[tuple[str, ...]] = set()
        if heading.startswith("### "):
            for span in _CODE_SPAN.findall(heading):
                if span.startswith("hub "):
                    commands |= _resolve(parser, span.split()[1:])
        sections.append((commands, block))
    problems = []
    choices = _choices(parser)
    for leaf, options in sorted(leaves.items()):
        documented = "".join(block for commands, block in sections if leaf in commands)
        if not documented:
            problems.append(f"hub {' '.join(leaf)}: no heading")
        for option in sorted(options - set(_OPTION.findall(documented))):
            problems.append(f"hub {' '.join(leaf)} {option}: not documented under its heading")
        for name, values in sorted(choices[leaf].items()):
            for value in values:
                if not re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", documented):
                    problems.append(f"hub {' '.join(leaf)} {name} {value}: value not documented under its heading")
    for commands, block in sections:
        allowed = global_options.union(*(leaves[c] for c in commands)) if commands else every_option
        for span in _CODE_SPAN.findall(block):
            if span.startswith("hub "):  # a call of a command: that command's options
                named = _resolve(parser, span.split()[1:])
                span_allowed = global_options.union(*(leaves[c] for c in named)) if named else every_option
            elif span.startswith("-"):  # an option of the command under whose heading it stands
                span_allowed = allowed
            else:  # another program's call (`python3 -m http.server`)
                continue
            problems += [f"{option} in `{span}`: no such option" for option in _OPTION.findall(span) if option not in span_allowed]
        prose = _CODE_SPAN.sub(" ", block)
        problems += [f"{option} under {sorted(commands)}: no such option" for option in _OPTION.findall(prose) if option not in allowed]
    return problems


def test_every_cli_option_is_documented_under_its_command_and_no_other():
    assert cli_doc_problems(_parser(), (DOCS / "cli.md").read_text()) == []


def test_the_cli_option_check_fails_on_a_doctored_text():
    text = (DOCS / "cli.md").read_text()
    heading = "### `hub review ID@VERSION --as ORG --level 0-4 --rationale TEXT [--json]`"
    assert heading in text
    # an option left out of its command's heading and text
    assert cli_doc_problems(_parser(), text.replace(heading, heading.replace(" [--json]", ""))) == [
        "hub review --json: not documented under its heading"
    ]
    # an option the command does not have, in a heading, in a call of the command and in prose
    assert cli_doc_problems(_parser(), text.replace(heading, heading.replace("--rationale", "--reason"))) == [
        "hub review --rationale: not documented under its heading",
        "--reason in `hub review ID@VERSION --as ORG --level 0-4 --reason TEXT [--json]`: no such option",
    ]
    called = text.replace("gitlab` prüft.", "gitlab --strict` prüft.")
    assert called != text
    assert cli_doc_problems(_parser(), called) == ["--strict in `hub validate --format\ngitlab --strict`: no such option"]
    prose = text.replace("Beenden mit Strg+C.", "Mit --daemon im Hintergrund. Beenden mit Strg+C.")
    assert prose != text
    assert cli_doc_problems(_parser(), prose) == ["--daemon under [('serve',)]: no such option"]
    # a value an option takes, missing under its command's heading
    assert cli_doc_problems(_parser(), text.replace("planned|pilot|production|ended", "planned|pilot|production")) == [
        "hub adoption --status ended: value not documented under its heading"
    ]
    # a command path without any heading
    site = "### `hub site build"
    assert cli_doc_problems(_parser(), text.replace(site, "### `hub website build"))[0] == "hub site build: no heading"
