"""Form schemas: JSON Schema draft 2020-12 whose every field carries a (German) title."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from itertools import islice
from typing import Any

from jsonschema import Draft202012Validator

from hub.formschema import Field, FormSchema
from hub.model import Problem
from hub.validate.fastpath import known_valid, metaschema_check
from hub.validate.jsondoc import SyntaxProblem, load_json
from hub.validate.messages import pointer, schema_problems
from hub.validate.schemalimits import Census, bounded_instance, schema_limit_problems

DIALECT = "https://json-schema.org/draft/2020-12/schema"


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
    if not known_valid(metaschema_check(), schema):  # the slow validator only for the problems (hub/validate/fastpath.py)
        problems.extend(islice(schema_problems(metaschema_validator(), bounded_instance(schema), file=path, code="form-metaschema"), 200))
    census = Census(schema)  # one walk over the schema for the limits and the titles
    limits = schema_limit_problems(schema, path, census)  # before anything follows its references
    problems.extend(limits)
    if not limits:
        problems.extend(_missing_titles(path, schema, census.objects))  # also when the metaschema complains: both at once
    return problems


def _missing_titles(path: str, schema: dict[str, Any], objects: list[dict[str, Any]] | None = None) -> Iterator[Problem]:
    """Every field of the form (``hub.formschema``, as the preview shows it) needs a title; each declaration is named once.

    ``objects`` are the schema's objects (its :class:`Census`'s) when the caller has them already.
    """
    if _every_declaration_titled(schema, Census(schema).objects if objects is None else objects):
        return  # nothing to report: the field model is not built (it was a third of a form's check)
    form = FormSchema(schema)
    if not _titled(form.root):
        yield Problem(
            code="form-title-missing", file=path, pointer="/title", message="Das Formular braucht einen Titel („title“) auf oberster Ebene."
        )
    reported: set[tuple[str | int, ...]] = set()
    for found in form.fields():
        if _titled(found) or found.source in reported:
            continue
        reported.add(found.source)
        yield Problem(
            code="form-title-missing",
            file=path,
            pointer=pointer(found.source),
            message=f"Das Feld „{found.name}“ hat keinen Titel; jedes Feld braucht eine deutsche Beschriftung („title“).",
        )


def _titled(found: Field) -> bool:
    return isinstance(found.title, str) and bool(found.title.strip())


def _has_title(schema: Any) -> bool:
    title = schema.get("title") if isinstance(schema, dict) else None
    return isinstance(title, str) and bool(title.strip())


def _every_declaration_titled(schema: dict[str, Any], objects: list[dict[str, Any]]) -> bool:
    """True when :class:`FormSchema` finds no field without a title, told without building it.

    Without ``$ref`` and ``allOf`` anywhere, ``FormSchema`` resolves each subschema to itself, so
    the form's title is the document's and every field's schema is a value of some ``properties``
    object (an object's, an array entry's or a branch's). Those are all checked here, and more (a
    ``properties`` the field model would not read), so True means none of its fields is untitled;
    False sends the form to the field model, which names the fields. ``objects`` are all objects
    in ``schema`` (its :class:`Census`'s, every object reached through objects and lists).
    """
    if not _has_title(schema):
        return False
    for node in objects:
        if "$ref" in node or "allOf" in node:
            return False
        properties = node.get("properties")
        if isinstance(properties, dict) and not all(_has_title(declared) for declared in properties.values()):
            return False
    return True
