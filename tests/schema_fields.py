"""Dotted field paths of a JSON Schema (``contacts[].email``), for the docs test."""

from __future__ import annotations

from typing import Any


def field_paths(
    schema: dict[str, Any], root: dict[str, Any] | None = None, prefix: str = "", seen: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Every property path with its description, depth first, local ``$ref``s resolved once per path."""
    root = root or schema
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        if ref in seen:  # a recursive structure (e.g. a file plan's sub-groups): its fields are listed already
            return []
        seen = seen | {ref}
        target = root["$defs"][ref.removeprefix("#/$defs/")]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    found: list[tuple[str, str]] = []
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        description = sub.get("description", "")
        if sub.get("$ref", "").startswith("#/$defs/") and not description:
            description = root["$defs"][sub["$ref"].removeprefix("#/$defs/")].get("description", "")
        found.append((path, description))
        found.extend(field_paths(sub, root, path + ".", seen))
    items = schema.get("items")
    if isinstance(items, dict):
        found.extend(field_paths(items, root, prefix.removesuffix(".") + "[]." if prefix else "[].", seen))
    return found
