"""JSON and YAML documents of a package, parsed with the place of a syntax error."""

from __future__ import annotations

import json
from typing import Any

from hub.validate.parsererrors import json_message
from hub.validate.yamlsafe import YamlError, load_yaml


class SyntaxProblem(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def load_json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SyntaxProblem(f"Die Datei ist nicht UTF-8-kodiert (Byte {exc.start}).", None) from None
    except json.JSONDecodeError as exc:
        raise SyntaxProblem(json_message(exc.msg, exc.lineno, exc.colno), exc.lineno) from None


def load_document(data: bytes, fmt: str) -> Any:
    """Parse ``data`` as ``json`` or ``yaml``; raise :class:`SyntaxProblem` with line."""
    if fmt == "json":
        return load_json(data)
    try:
        return load_yaml(data).data
    except YamlError as exc:
        raise SyntaxProblem(str(exc), exc.line) from None
