"""JSON Schemas that come from packages (forms, config schemas): bounded before they run.

A package's schema is code the hub executes on every validation. Before it runs:
every ``pattern`` and ``patternProperties`` key must be an RE2 expression (linear time,
hub/patterns.py); every ``$ref`` must resolve inside the schema or to a hub schema; no
chain of references may lead back to itself (jsonschema would recurse without end); and
the schema with every reference expanded must stay below ``MAX_EXPANDED`` subschemas
(``allOf`` of two references to a definition that does the same, thirty times over, is a
few hundred bytes and 2³⁰ subschemas).

The instance a schema checks is wrapped so that formatting it into a jsonschema message
costs a few bytes, however large it is (:func:`bounded_instance`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from hub.model import Problem
from hub.patterns import UnsupportedPattern, compile_pattern
from hub.schemas import all_schemas
from hub.validate.messages import pointer

MAX_EXPANDED = 20_000
_REF_KEYS = ("$ref", "$dynamicRef")


def schema_limit_problems(schema: Any, file: str, census: Census | None = None) -> list[Problem]:
    """The limits' problems; ``census`` is the schema's :class:`Census` when the caller has it already."""
    census = census or Census(schema)
    problems = _pattern_problems(schema, file, census.objects)
    refs = _ref_problems(schema, file, census)
    return problems + refs


class Census:
    """One pass over a schema: its objects, its number of nodes, and whether the reference walk is needed.

    A form's title check reads the same objects (hub/validate/forms.py), so the schema is walked once for both.

    A schema without references whose objects and lists are each reached once (always so for JSON;
    YAML aliases share them) is a tree: its expanded size is its number of nodes and it has no
    cycle, which is what the reference walk of :func:`_ref_problems` would find, node by node.
    """

    def __init__(self, schema: Any) -> None:
        # a level at a time: the containers of a level are told apart with one isinstance each and
        # their children gathered with list.extend, instead of a stack entry and a set lookup per node
        self.objects: list[dict[str, Any]] = []
        self.nodes = 0
        seen: set[int] = set()
        containers = 0  # dicts and lists met, with repeats: more than ``seen`` holds means shared
        level = [schema]
        while level:
            self.nodes += len(level)
            below: list[Any] = []
            for item in level:
                if isinstance(item, dict):
                    containers += 1
                    if id(item) not in seen:
                        seen.add(id(item))
                        self.objects.append(item)
                        below.extend(item.values())
                elif isinstance(item, list):
                    containers += 1
                    if id(item) not in seen:
                        seen.add(id(item))
                        below.extend(item)
            level = below
        shared = containers != len(seen)
        self.has_refs = any(isinstance(node.get(key), str) for node in self.objects for key in _REF_KEYS)
        self.tree = not self.has_refs and not shared


def _walk(node: Any, parts: list[str | int]):
    stack = [(node, parts)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            yield item, where
            stack.extend((v, [*where, k]) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, [*where, i]) for i, v in enumerate(item))


def _patterns_compile(objects: list[dict[str, Any]]) -> bool:
    for node in objects:
        pattern = node.get("pattern")
        properties = node.get("patternProperties")
        try:
            if isinstance(pattern, str):
                compile_pattern(pattern)
            if isinstance(properties, dict):
                for key in properties:
                    compile_pattern(key)
        except UnsupportedPattern:
            return False
    return True


def _pattern_problems(schema: Any, file: str, objects: list[dict[str, Any]]) -> list[Problem]:
    if _patterns_compile(objects):
        return []  # the places are only worked out for a schema that has a problem
    problems = []
    for node, where in _walk(schema, []):
        candidates = []
        if isinstance(node.get("pattern"), str):
            candidates.append((node["pattern"], [*where, "pattern"]))
        if isinstance(node.get("patternProperties"), dict):
            candidates += [(key, [*where, "patternProperties", key]) for key in node["patternProperties"]]
        for pattern, place in candidates:
            try:
                compile_pattern(pattern)
            except UnsupportedPattern as exc:
                problems.append(
                    Problem(
                        code="schema-pattern-unsupported",
                        file=file,
                        pointer=pointer(place),
                        message=f"Der reguläre Ausdruck ist nicht erlaubt ({exc}); erlaubt ist, was RE2 in linearer Zeit prüft (keine Rückverweise, kein Lookaround).",
                    )
                )
    return problems


def _resolve(schema: Any, ref: str) -> tuple[bool, Any]:
    """(known, target) for a reference; target None for a hub schema (bounded, trusted)."""
    base, _, fragment = ref.partition("#")
    if base:
        return (base in all_schemas(), None)
    node = schema
    if fragment and not fragment.startswith("/"):
        return (False, None)  # plain-name anchors: not followed, so not allowed
    for raw in fragment.split("/")[1:]:
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return (False, None)
    return (True, node)


def _ref_problems(schema: Any, file: str, census: Census) -> list[Problem]:
    """Unknown references, reference cycles and the expanded size, in one pass with memoised sizes."""
    if census.tree:
        return [] if census.nodes <= MAX_EXPANDED else [_too_large(file)]
    sizes: dict[int, int] = {}
    active: set[int] = set()
    problems: list[Problem] = []

    def children(node: Any) -> list[Any]:
        found = list(node.values()) if isinstance(node, dict) else list(node) if isinstance(node, list) else []
        if isinstance(node, dict):
            for key in _REF_KEYS:
                if isinstance(node.get(key), str):
                    known, target = _resolve(schema, node[key])
                    if known and target is not None:
                        found.append(target)
        return found

    unknown = any(isinstance(node.get(key), str) and not _resolve(schema, node[key])[0] for node in census.objects for key in _REF_KEYS)
    for node, where in _walk(schema, []) if unknown else ():
        for key in _REF_KEYS:
            if isinstance(node.get(key), str) and not _resolve(schema, node[key])[0]:
                problems.append(
                    Problem(
                        code="schema-too-complex",
                        file=file,
                        pointer=pointer([*where, key]),
                        message=f"Der Verweis „{node[key]}“ zeigt auf nichts im Schema und auf kein Schema des Hubs.",
                    )
                )
    if problems:
        return problems

    known_children: dict[int, list[Any]] = {}  # each node's children are worked out once, not on the way in and out
    stack: list[tuple[Any, bool]] = [(schema, False)]
    while stack:
        node, finished = stack.pop()
        node_id = id(node)
        if finished:
            active.discard(node_id)
            sizes[node_id] = 1 + sum(sizes.get(id(c), 1) for c in known_children[node_id])
            if sizes[node_id] > MAX_EXPANDED:
                return [_too_large(file)]
            continue
        if node_id in sizes or not isinstance(node, (dict, list)):
            continue
        if node_id in active:
            return [
                Problem(
                    code="schema-too-complex",
                    file=file,
                    message="Das Schema verweist über „$ref“ auf sich selbst; rekursive Schemata sind in Paketen nicht erlaubt.",
                )
            ]
        active.add(node_id)
        stack.append((node, True))
        known_children[node_id] = found = children(node)
        stack.extend((child, False) for child in found if id(child) not in sizes)
    return []


def _too_large(file: str) -> Problem:
    return Problem(
        code="schema-too-complex",
        file=file,
        message=f"Das Schema ist mit allen Verweisen aufgelöst zu groß (mehr als {MAX_EXPANDED} Teilschemata).",
    )


class _Dict(dict):
    def __repr__(self) -> str:
        return f"{{… {len(self)} Felder}}"


class _List(list):
    def __repr__(self) -> str:
        return f"[… {len(self)} Einträge]"


class _Str(str):
    def __repr__(self) -> str:
        return super().__repr__() if len(self) <= 80 else f"'{self[:60]}… ({len(self)} Zeichen)'"


def bounded_instance(value: Any) -> Any:
    """A copy of parsed JSON/YAML whose ``repr`` is short at every level (jsonschema formats instances into messages)."""
    if isinstance(value, dict):
        return _Dict((k, bounded_instance(v)) for k, v in value.items())
    if isinstance(value, list):
        return _List(bounded_instance(v) for v in value)
    if isinstance(value, str):
        return _Str(value)
    return value
