"""JSON and YAML documents of a package, parsed with the place of a syntax error."""

from __future__ import annotations

import json
import math
from typing import Any

import msgspec

from hub.validate.parsererrors import json_message
from hub.validate.yamlsafe import MAX_DEPTH, MAX_NODES, YamlError, load_yaml


class SyntaxProblem(ValueError):
    def __init__(self, message: str, line: int | None, code: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.code = code  # set when a limit refused the document, not its syntax


def load_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SyntaxProblem(f"Die Datei ist nicht UTF-8-kodiert (Byte {exc.start}).", None) from None
    try:
        # msgspec reads JSON in half of json's time and refuses all that json refuses and more (NaN, 1e400, a
        # lone surrogate escape, a BOM, nesting past Python's recursion limit): what it reads, json reads alike
        # (tests/test_validate_equivalence.py); for anything it refuses json answers, and words errors, as before
        value = msgspec.json.decode(data)
    except (msgspec.DecodeError, ValueError, RecursionError):
        value = _json_loads(text)
    check_value_limits(value)
    return value


def _json_loads(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(json_message(exc.msg, exc.lineno, exc.colno), exc.lineno) from None
    except RecursionError:
        raise SyntaxProblem(f"Das Dokument ist zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen).", None, "document-too-deep") from None


def check_value_limits(value: Any, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> None:
    """The limits YAML documents have (hub/validate/yamlsafe.py), for parsed JSON: size and depth, iteratively."""
    if _within(value, max_nodes, max_depth):
        return
    count = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > max_nodes:
            raise SyntaxProblem(f"Das Dokument ist zu groß (mehr als {max_nodes} Knoten).", None, "document-too-large")
        if depth > max_depth:
            raise SyntaxProblem(f"Das Dokument ist zu tief verschachtelt (mehr als {max_depth} Ebenen).", None, "document-too-deep")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, float) and not math.isfinite(item):
            # JSON has no infinity and no NaN, yet Python's decoder reads NaN, Infinity and 1e400:
            # accepted, such a number would break every export that writes it.
            raise SyntaxProblem(
                f"An der Stelle {_pointer_to(value, item) or '/'} steht eine Zahl, die JSON nicht kennt "
                "(NaN, Infinity oder eine Zahl über 1e308); eine endliche Zahl angeben.",
                None,
            )


def _within(value: Any, max_nodes: int, max_depth: int) -> bool:
    """True when :func:`check_value_limits` finds nothing: one pass a level at a time, no tuple per node.

    Nearly every document is within the limits; for one that is not, the depth-first walk above
    raises exactly the problem it always raised (which limit it meets first depends on its order).
    """
    count = 0
    level = [value]
    for _ in range(max_depth):
        count += len(level)
        if count > max_nodes:
            return False
        below: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                below.extend(item.values())
            elif isinstance(item, list):
                below.extend(item)
            elif isinstance(item, float) and not math.isfinite(item):
                return False
        if not below:
            return True
        level = below
    return False  # deeper than max_depth


def _pointer_to(root: Any, target: float) -> str:
    """The JSON pointer of the first non-finite number in ``root`` (only walked once one was found)."""
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        item, pointer = stack.pop()
        if item is target:
            return pointer
        if isinstance(item, dict):
            stack.extend((v, f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}") for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(item))
    return ""


def load_document(data: bytes, fmt: str) -> Any:
    """Parse ``data`` as ``json`` or ``yaml``; raise :class:`SyntaxProblem` with line."""
    if fmt == "json":
        return load_json(data)
    try:
        return load_yaml(data).data
    except YamlError as exc:
        raise SyntaxProblem(str(exc), exc.line, exc.code) from None
