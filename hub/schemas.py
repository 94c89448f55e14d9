"""The hub's published JSON Schemas, indexed by their stable ``$id``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.patterns import UnsupportedPattern, pattern_search
from hub.resources import schemas_dir

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from referencing import Registry

    HubValidator: Any

SCHEMA_BASE = "https://transferhub.de/schemas/v1/"
PACKAGE_SCHEMA_ID = SCHEMA_BASE + "package.schema.json"
PUBLISHER_SCHEMA_ID = SCHEMA_BASE + "publisher.schema.json"


@cache
def all_schemas() -> dict[str, dict[str, Any]]:
    """Every schema file below ``schemas/`` (maturity data excluded) keyed by its ``$id``."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(schemas_dir().rglob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        found[schema["$id"]] = schema
    return found


@cache
def published_documents() -> dict[str, dict[str, Any]]:
    """Everything served below the schema base by ``$id``: the schemas and the maturity model."""
    documents = dict(all_schemas())
    maturity = json.loads((schemas_dir() / "maturity.json").read_text(encoding="utf-8"))
    documents[maturity["$id"]] = maturity
    return documents


def schema_path(schema_id: str) -> str | None:
    """The path below the schema base that serves ``schema_id`` (e.g. ``configs/x.schema.json``)."""
    if schema_id.startswith(SCHEMA_BASE) and schema_id in all_schemas():
        return schema_id[len(SCHEMA_BASE) :]
    return None


def _matches(pattern: str, text: str) -> bool:
    try:
        return pattern_search(pattern, text)
    except UnsupportedPattern:
        return False  # a pattern the hub does not run matches nothing: refused, never backtracked


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not _matches(pattern, instance):
        # the message names the pattern only: an instance may be large (German sentences come from messages.py)
        from jsonschema import ValidationError

        yield ValidationError(f"does not match {pattern!r}")


def _pattern_properties(validator, patterns, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if _matches(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator, additional, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = [key for key in instance if key not in known and not any(_matches(p, key) for p in patterns)]
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        from jsonschema import ValidationError

        yield ValidationError(f"Additional properties are not allowed ({len(extras)} unexpected)")


@cache
def _hub_validator() -> Any:
    """Draft 2020-12 with every schema pattern on RE2 (hub/patterns.py): linear time, ``$`` = end of text.

    Made on first use (``HubValidator``): jsonschema and referencing load with the first check, not with
    every module that names a schema, so a server starts without them."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(
        Draft202012Validator,
        validators={"pattern": _pattern, "patternProperties": _pattern_properties, "additionalProperties": _additional_properties},
    )


def __getattr__(name: str) -> Any:
    if name == "HubValidator":
        return _hub_validator()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def registry() -> Registry:
    from referencing import Registry, Resource

    return Registry().with_resources((sid, Resource.from_contents(s)) for sid, s in all_schemas().items())


@cache
def validator(schema_id: str) -> Draft202012Validator:
    """A compiled validator for one hub schema, with format checks on."""
    from jsonschema import Draft202012Validator

    return _hub_validator()(
        all_schemas()[schema_id],
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def schemas_root() -> Path:
    return schemas_dir()
