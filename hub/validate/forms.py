"""Form schemas: JSON Schema draft 2020-12 whose every field carries a (German) title."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import islice
from typing import Any

from jsonschema import Draft202012Validator

from hub.model import Problem
from hub.validate.jsondoc import SyntaxProblem, load_json
from hub.validate.messages import pointer, schema_problems
from hub.validate.schemalimits import bounded_instance, schema_limit_problems

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMAS = ("items", "additionalProperties", "if", "then", "else", "not", "contains")


@cache
def metaschema_validator() -> Draft202012Validator:
    return Draft202012Validator(Draft202012Validator.META_SCHEMA)


def check_form(path: str, data: bytes) -> list[Problem]:
    try:
        schema = load_json(data)
    except SyntaxProblem as exc:
        return [Problem(code=exc.code or "form-syntax", file=path, line=exc.line, message=str(exc))]
    problems: list[Problem] = []
    if not isinstance(schema, dict) or schema.get("$schema") != DIALECT:
        got = schema.get("$schema") if isinstance(schema, dict) else None
        problems.append(
            Problem(
                code="form-dialect",
                file=path,
                pointer="/$schema",
                message=f"„$schema“ muss „{DIALECT}“ sein, gefunden: „{got or 'nichts'}“.",
            )
        )
        if not isinstance(schema, dict):
            return problems
    problems.extend(islice(schema_problems(metaschema_validator(), bounded_instance(schema), file=path, code="form-metaschema"), 200))
    limits = schema_limit_problems(schema, path)  # before anything follows its references
    problems.extend(limits)
    if not limits:
        problems.extend(_missing_titles(path, schema))  # also when the metaschema complains: both at once
    return problems


def _missing_titles(path: str, schema: dict[str, Any]) -> Iterator[Problem]:
    defs = schema.get("$defs")
    defs = defs if isinstance(defs, dict) else {}

    def titled(sub: Any) -> bool:
        if not isinstance(sub, dict):
            return False
        if isinstance(sub.get("title"), str) and sub["title"].strip():
            return True
        ref = sub.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return titled(defs.get(ref.removeprefix("#/$defs/")))
        return False

    if not titled(schema):
        yield Problem(
            code="form-title-missing", file=path, pointer="/title", message="Das Formular braucht einen Titel („title“) auf oberster Ebene."
        )

    def walk(sub: Any, parts: list[str | int]) -> Iterator[Problem]:
        if not isinstance(sub, dict):
            return
        for name, prop in _mapping(sub.get("properties")).items():
            where = parts + ["properties", name]
            if not titled(prop):
                yield Problem(
                    code="form-title-missing",
                    file=path,
                    pointer=pointer(where),
                    message=f"Das Feld „{name}“ hat keinen Titel; jedes Feld braucht eine deutsche Beschriftung („title“).",
                )
            yield from walk(prop, where)
        for key in _SUBSCHEMAS:
            yield from walk(sub.get(key), parts + [key])
        for key in _SUBSCHEMA_LISTS:
            items = sub.get(key)
            for i, item in enumerate(items if isinstance(items, list) else []):
                yield from walk(item, parts + [key, i])
        for name, item in _mapping(sub.get("$defs")).items():
            yield from walk(item, parts + ["$defs", name])

    yield from walk(schema, [])


def _mapping(value: Any) -> dict[str, Any]:
    # a schema the metaschema refused may hold anything where a mapping belongs
    return value if isinstance(value, dict) else {}
