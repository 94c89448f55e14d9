"""Form schemas as fields: one resolver of local ``$ref`` and ``allOf``, one field model.

The site's form preview, the semantic diff of two package versions and the title check of
validation all read a form schema (JSON Schema draft 2020-12) through this module, so they
agree on which fields a form has and what each field is.

Resolving: a local ``$ref`` (``#``, ``#/$defs/…``, any JSON pointer with ``~0``/``~1`` and
percent escapes) is followed and merged with its sibling keywords, the siblings winning (as in
2020-12, where they apply side by side); ``allOf`` parts are merged in (``properties`` and
``required`` united). References to other documents and plain-name anchors are never
followed. A reference back into its own chain, a chain deeper than ``MAX_DEPTH`` or fields
nested deeper than ``MAX_DEPTH`` are cut off and the field says so (``recursive``), and at most
``MAX_FIELDS`` fields from at most ``MAX_STEPS`` resolved subschemas are built
(``FormSchema.truncated``): the schema is untrusted input.

Fields: the properties of every object (at any depth), an array's entry (``0`` in the path,
as in the form's data) and, marked ``conditional``, the properties that only ``then``/``else``,
a ``oneOf``/``anyOf`` branch or ``dependentSchemas`` add.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

__all__ = ["MAX_DEPTH", "MAX_FIELDS", "Field", "FormSchema", "Option", "Resolved", "data_pointer"]

MAX_DEPTH = 32
MAX_FIELDS = 5_000
MAX_STEPS = 200_000  # subschemas resolved: ``allOf`` of references can expand exponentially
KINDS = ("object", "array", "string", "integer", "number", "boolean", "null")
_BRANCHES = ("then", "else")
_BRANCH_LISTS = ("oneOf", "anyOf")

Location = tuple[str | int, ...]  # where a subschema is in the schema document


def data_pointer(path: tuple[str, ...]) -> str:
    """RFC 6901 pointer of a field in the form's data."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Resolved:
    """A subschema with its references and ``allOf`` merged in."""

    schema: dict[str, Any]
    refs: tuple[str, ...]  # the references followed on the way here: a repeat is recursion
    recursive: bool  # a reference was cut off
    origins: dict[str, Location]  # keyword → where the merged value was declared
    sources: dict[str, Location]  # property name → where that property was declared


@dataclass(frozen=True)
class Option:
    """One choice of an ``enum`` or of a ``oneOf``/``anyOf`` of ``const``."""

    value: Any
    title: Any = None  # the branch's ``title``, as written


@dataclass(eq=False)
class Field:
    """A field of the form: where it sits in the data, what the schema says about it."""

    path: tuple[str, ...]  # in the form's data; ``0`` stands for an array's entries
    name: str
    schema: dict[str, Any]  # resolved: ``$ref`` and ``allOf`` merged in
    required: bool
    source: Location  # where the property is declared in the schema document
    recursive: bool = False  # cut off: refers to itself, or nested deeper than MAX_DEPTH
    conditional: bool = False  # only a branch (then/else, oneOf/anyOf, dependentSchemas) adds it
    children: list[Field] = field(default_factory=list)  # an object's properties, conditional ones last
    items: Field | None = None  # an array's entry
    options: list[Option] | None = None  # enum, or oneOf/anyOf whose branches are all const

    @property
    def pointer(self) -> str:
        return data_pointer(self.path)

    @property
    def title(self) -> Any:
        return self.schema.get("title")

    @property
    def description(self) -> Any:
        return self.schema.get("description")

    @property
    def format(self) -> Any:
        return self.schema.get("format")

    @property
    def type(self) -> str | None:
        """The declared JSON Schema type; several joined with ``|``."""
        declared = self.schema.get("type")
        if isinstance(declared, list):
            return "|".join(str(t) for t in declared)
        return None if declared is None else str(declared)

    @property
    def kind(self) -> str:
        return kind(self.schema)

    @property
    def allowed(self) -> list[Any] | None:
        """The values the field accepts when they are listed: options, ``const``, or the options of an array's entries."""
        if self.options is not None:
            return [o.value for o in self.options]
        if "const" in self.schema:
            return [self.schema["const"]]
        if self.items is not None and self.items.options is not None:
            return [o.value for o in self.items.options]
        return None

    def fields(self) -> Iterator[Field]:
        """Every field below this one, depth first (an array's entry is not a field, its properties are)."""
        for child in self.children:
            yield child
            yield from child.fields()
        if self.items is not None:
            yield from self.items.fields()


def kind(schema: dict[str, Any]) -> str:
    """What a (resolved) schema asks for: its declared type, else what its keywords imply."""
    declared = schema.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), declared[0] if declared else None)
    if isinstance(declared, str) and declared in KINDS:
        return declared
    if isinstance(schema.get("properties"), dict):
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    values = schema["enum"] if isinstance(schema.get("enum"), list) else [schema["const"]] if "const" in schema else []
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "number"
    return "string"


class FormSchema:
    """A form schema read once: ``root`` is the whole form as a field, ``fields()`` every field in it."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.truncated = False
        self._count = 0
        self._steps = 0
        self.root = self._field(document, (), name="wert", required=False, refs=(), depth=0, source=())

    def fields(self) -> Iterator[Field]:
        return self.root.fields()

    # -- resolving

    def locate(self, ref: str) -> tuple[Any, Location] | None:
        """The target of a local reference and where it is; ``None`` for anything else."""
        if not ref.startswith("#"):
            return None  # another document: never fetched
        fragment = unquote(ref[1:])
        if fragment and not fragment.startswith("/"):
            return None  # a plain-name anchor: not followed
        node: Any = self.document
        where: list[str | int] = []
        for raw in fragment.split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
                where.append(part)
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
                where.append(int(part))
            else:
                return None
        return node, tuple(where)

    def resolve(self, schema: Any, where: Location = (), refs: tuple[str, ...] = ()) -> Resolved:
        """``schema`` (found at ``where``) with local ``$ref`` and ``allOf`` merged in."""
        self._steps += 1
        if self._steps > MAX_STEPS:
            self.truncated = True
            return Resolved({}, refs, False, {}, {})
        if not isinstance(schema, dict):
            return Resolved({} if schema is not False else {"not": {}}, refs, False, {}, {})
        merged: dict[str, Any] = {}
        origins: dict[str, Location] = {}
        sources: dict[str, Location] = {}
        recursive = False
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in refs or len(refs) >= MAX_DEPTH:
                recursive = True
            else:
                found = self.locate(ref)
                if found is not None:
                    inner = self.resolve(found[0], found[1], (*refs, ref))
                    merged.update(inner.schema)
                    origins.update(inner.origins)
                    sources.update(inner.sources)
                    refs, recursive = inner.refs, inner.recursive
        for index, part in enumerate(_list(schema.get("allOf"))):
            resolved = self.resolve(part, (*where, "allOf", index), refs)
            recursive = recursive or resolved.recursive
            for key, value in resolved.schema.items():
                if key == "properties" and isinstance(value, dict):
                    merged["properties"] = {**_dict(merged.get("properties")), **value}
                    sources.update({name: resolved.sources.get(name, ()) for name in value})
                elif key == "required" and isinstance(value, list):
                    merged["required"] = [*_list(merged.get("required")), *value]
                elif key not in merged:
                    merged[key] = value
                    origins[key] = resolved.origins.get(key, ())
        for key, value in schema.items():  # the schema's own keywords win over referenced ones
            if key in ("$ref", "allOf"):
                continue
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**_dict(merged.get("properties")), **value}
                sources.update({name: (*where, "properties", name) for name in value})
            elif key == "required" and isinstance(value, list):
                merged["required"] = [*_list(merged.get("required")), *value]
            else:
                merged[key] = value
            origins[key] = where
        return Resolved(merged, refs, recursive, origins, sources)

    def options(self, schema: dict[str, Any], refs: tuple[str, ...]) -> list[Option] | None:
        """The choices of an ``enum`` or of a ``oneOf``/``anyOf`` whose branches are all ``const``."""
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return [Option(v) for v in enum]
        for key in _BRANCH_LISTS:
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                resolved = [self.resolve(b, (), refs).schema for b in branches]
                if all("const" in b for b in resolved):
                    return [Option(b["const"], b.get("title")) for b in resolved]
        return None

    # -- fields

    def _field(
        self,
        raw: Any,
        path: tuple[str, ...],
        *,
        name: str,
        required: bool,
        refs: tuple[str, ...],
        depth: int,
        source: Location,
        conditional: bool = False,
    ) -> Field:
        self._count += 1
        resolved = self.resolve(raw, source, refs)
        cut = resolved.recursive or depth > MAX_DEPTH
        result = Field(path, name, resolved.schema, required, source, recursive=cut, conditional=conditional)
        result.options = self.options(resolved.schema, resolved.refs)
        what = result.kind
        if what == "object" and (not cut or depth == 0):  # the form itself is shown even when it refers to itself
            result.children = self._properties(resolved, path, depth)
        elif what == "array" and not cut:
            result.items = self._entry(resolved, path, depth)
        return result

    def _full(self) -> bool:
        if self._count >= MAX_FIELDS:
            self.truncated = True
        return self.truncated

    def _properties(self, resolved: Resolved, path: tuple[str, ...], depth: int) -> list[Field]:
        schema = resolved.schema
        required = {r for r in _list(schema.get("required")) if isinstance(r, str)}
        children: list[Field] = []
        for name, sub in _dict(schema.get("properties")).items():
            if self._full():
                return children
            where = resolved.sources.get(name, ())
            children.append(
                self._field(
                    sub, (*path, str(name)), name=str(name), required=name in required, refs=resolved.refs, depth=depth + 1, source=where
                )
            )
        known = {child.name for child in children}
        for branch in self._branches(resolved, depth):
            branch_required = {r for r in _list(branch.schema.get("required")) if isinstance(r, str)}
            for name, sub in _dict(branch.schema.get("properties")).items():
                if str(name) in known or self._full():
                    continue  # a branch that constrains a field the form already has adds no field
                known.add(str(name))
                children.append(
                    self._field(
                        sub,
                        (*path, str(name)),
                        name=str(name),
                        required=name in branch_required,
                        refs=branch.refs,
                        depth=depth + 1,
                        source=branch.sources.get(name, ()),
                        conditional=True,
                    )
                )
        return children

    def _branches(self, resolved: Resolved, depth: int) -> Iterator[Resolved]:
        """The branches of ``resolved`` and of its branches, each resolved."""
        if depth > MAX_DEPTH:
            return
        schema, origins = resolved.schema, resolved.origins
        parts: list[tuple[Any, Location]] = []
        for key in _BRANCHES:
            if key in schema:
                parts.append((schema[key], (*origins.get(key, ()), key)))
        for key in _BRANCH_LISTS:
            parts += [(b, (*origins.get(key, ()), key, i)) for i, b in enumerate(_list(schema.get(key)))]
        parts += [
            (b, (*origins.get("dependentSchemas", ()), "dependentSchemas", n)) for n, b in _dict(schema.get("dependentSchemas")).items()
        ]
        for raw, where in parts:
            branch = self.resolve(raw, where, resolved.refs)
            if branch.recursive:
                continue
            yield branch
            yield from self._branches(branch, depth + 1)

    def _entry(self, resolved: Resolved, path: tuple[str, ...], depth: int) -> Field:
        where = (*resolved.origins.get("items", ()), "items")
        entry = self.resolve(resolved.schema.get("items", {}), where, resolved.refs)
        result = Field((*path, "0"), "0", entry.schema, False, where, recursive=entry.recursive)
        if not entry.recursive:
            result.options = self.options(entry.schema, entry.refs)
            if result.kind == "object":
                result.children = self._properties(entry, result.path, depth)
        return result
