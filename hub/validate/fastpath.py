"""A fast first answer to "is this document valid?" (jsonschema-rs); python-jsonschema only for the problems.

Checking a form schema against the draft 2020-12 metaschema was most of a package's validation
time (python-jsonschema resolving ``$dynamicRef``); jsonschema-rs answers the same question in
microseconds. Most documents are valid, so the slow validator runs only when the fast one says
"invalid" or cannot answer, and every problem, its German sentence and its place, still comes
from the slow validator, unchanged.

That is sound only if the fast answer is never more lenient than the slow one. Where the two
libraries differ, the fast validator runs the slow validator's own code:

- ``pattern`` and ``multipleOf`` are custom keywords that call the slow validator's keyword
  functions: RE2 for hub and package schemas (hub/patterns.py), never a backtracking engine;
  jsonschema-rs alone would accept 0.3 as a multiple of 0.1, which python-jsonschema does not;
- ``format`` is the slow validator's format checker for every format jsonschema-rs knows (a
  format the slow checker does not check is not checked here either);
- what jsonschema-rs still matches itself (no such keyword in our schemas; package schemas
  with ``patternProperties`` get no fast answer) runs on Rust's ``regex``, linear time.

It gives no answer (``None``: the slow path decides) where only the slow path's behaviour is
defined exactly: instances that are not plain JSON (tuples, sets, bytes or dates from explicit
YAML tags, NaN and infinities, integers past 2**53, keys that are not strings, lone
surrogates), and package schemas with ``patternProperties``, an ``$id`` below the root, anchors, dynamic
references, vocabularies or a dialect other than 2020-12, whose resolution details two
implementations might read differently. tests/test_validate_fastpath.py checks that both paths
agree on every seed and fixture package and on generated variants of them.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Iterable
from functools import cache, partial
from typing import Any

import jsonschema_rs
import msgspec
from cachetools import LRUCache
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator

from hub.schemas import HubValidator, all_schemas
from hub.validate.yamlsafe import MAX_EXACT_INTEGER

__all__ = ["FastValidator", "hub_schema_check", "known_valid", "metaschema_check", "package_schema_check", "plain_json"]

DIALECTS = ("https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/draft/2020-12/schema#")
# the formats jsonschema-rs validates itself: each gets the slow checker's answer instead (or none)
RS_FORMATS = frozenset(
    [
        "date",
        "date-time",
        "time",
        "duration",
        "email",
        "idn-email",
        "hostname",
        "idn-hostname",
        "ipv4",
        "ipv6",
        "iri",
        "iri-reference",
        "uri",
        "uri-reference",
        "uri-template",
        "uuid",
        "json-pointer",
        "relative-json-pointer",
        "regex",
    ]
)
DELEGATED_KEYWORDS = ("pattern", "multipleOf")
# keywords of package schemas that get no fast answer (see the module's docstring)
NO_FAST_ANSWER_KEYWORDS = frozenset(
    ("patternProperties", "$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef", "$recursiveAnchor", "$vocabulary")
)
PACKAGE_VALIDATORS = 256  # compiled package schemas kept (by content hash): a publisher's schema is used by each of its versions


def plain_json(value: Any) -> bool:
    """Whether ``value`` is JSON as both libraries read it alike: exact types, finite numbers, valid text."""
    texts: list[str] = []  # every string and key, checked together at the end
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            texts.append(item)
        elif kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            texts.extend(item)
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is int:
            if abs(item) > MAX_EXACT_INTEGER:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif item is not None and kind is not bool:
            return False
    return _text("".join(texts))  # joined, the strings hold a lone surrogate exactly when one of them does


def _text(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which Rust strings cannot hold
        return False
    return True


def _delegate(slow: type[Validator], keyword: str) -> type:
    """A jsonschema-rs keyword that runs the slow validator's own function for ``keyword``."""
    check = slow.VALIDATORS[keyword]
    probe = slow({})  # the keyword functions ask it for types only

    class Delegated:
        def __init__(self, parent_schema: dict[str, Any], value: Any, schema_path: list[str | int]) -> None:
            self.schema = parent_schema
            self.value = value

        def validate(self, instance: Any) -> None:
            errors = check(probe, self.value, instance, self.schema)
            if errors is not None and next(iter(errors), None) is not None:
                raise ValueError(keyword)

    Delegated.__name__ = f"Delegated_{keyword}"
    return Delegated


def _never_wrong(value: str) -> bool:
    return True


def _formats(checker: FormatChecker | None) -> dict[str, Callable[[str], bool]]:
    known = checker.checkers if checker is not None else {}
    formats: dict[str, Callable[[str], bool]] = dict.fromkeys(RS_FORMATS, _never_wrong)
    if checker is not None:
        formats.update({name: partial(checker.conforms, format=name) for name in known})
    return formats


class FastValidator:
    """jsonschema-rs compiled for one schema so that it is never more lenient than ``slow``."""

    def __init__(
        self,
        schema: dict[str, Any],
        slow: type[Validator],
        *,
        format_checker: FormatChecker | None,
        resources: Iterable[tuple[str, Any]] = (),
    ) -> None:
        self._validator = jsonschema_rs.Draft202012Validator(
            schema,
            formats=_formats(format_checker),
            validate_formats=format_checker is not None,
            registry=jsonschema_rs.Registry(list(resources)),
            pattern_options=jsonschema_rs.RegexOptions(),
            keywords={keyword: _delegate(slow, keyword) for keyword in DELEGATED_KEYWORDS},
            offline=True,  # never fetch a reference: the slow path does not either
        )

    def is_valid(self, instance: Any, *, plain: bool = False) -> bool | None:
        """True or False, or None when the slow validator alone can say; ``plain``: the caller knows ``plain_json(instance)``."""
        if not plain and not plain_json(instance):
            return None
        try:
            return self._validator.is_valid(instance)
        except (KeyboardInterrupt, SystemExit, MemoryError):
            raise  # a budget worker reports MemoryError itself
        except BaseException:  # noqa: BLE001 - anything else (a Rust panic is a BaseException): the slow path decides
            return None


def _build(schema: dict[str, Any], slow: type[Validator], format_checker: FormatChecker | None) -> FastValidator | None:
    try:
        return FastValidator(schema, slow, format_checker=format_checker, resources=all_schemas().items())
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:  # noqa: BLE001 - a schema jsonschema-rs does not take: the slow path decides
        return None


def known_valid(fast: FastValidator | None, instance: Any, *, plain: bool = False) -> bool:
    """True only when the fast validator says valid; otherwise the slow validator has to look.

    ``plain`` is for an instance known to be plain JSON (hub/validate/yamlsafe.py's event reading says so).
    """
    return fast is not None and fast.is_valid(instance, plain=plain) is True


@cache
def metaschema_check() -> FastValidator | None:
    """The draft 2020-12 metaschema as forms and package config schemas are checked (no format assertions)."""
    return _build(Draft202012Validator.META_SCHEMA, Draft202012Validator, None)


@cache
def hub_schema_check(schema_id: str) -> FastValidator | None:
    """A hub schema as :func:`hub.schemas.validator` applies it (RE2 patterns, format checks on)."""
    return _build(all_schemas()[schema_id], HubValidator, HubValidator.FORMAT_CHECKER)


_package_validators: LRUCache[str, FastValidator | None] = LRUCache(maxsize=PACKAGE_VALIDATORS)
_package_lock = threading.Lock()


def package_schema_check(schema: Any) -> FastValidator | None:
    """A package's own (already bounded) config schema as the slow path applies it, compiled once per content."""
    if not isinstance(schema, dict) or not _fast_answerable(schema):
        return None
    try:
        key = hashlib.sha256(msgspec.json.encode(schema)).hexdigest()
    except (TypeError, ValueError, OverflowError):  # not JSON at all: the slow path decides
        return None
    with _package_lock:
        if key in _package_validators:
            return _package_validators[key]
    fast = _build(schema, HubValidator, HubValidator.FORMAT_CHECKER)
    with _package_lock:
        _package_validators[key] = fast
    return fast


def _fast_answerable(schema: dict[str, Any]) -> bool:
    """A package schema free of what two implementations might resolve differently (see the module's docstring)."""
    dialect = schema.get("$schema")
    if dialect is not None and dialect not in DIALECTS:
        return False
    root_id = schema.get("$id")
    if root_id is not None and (not isinstance(root_id, str) or root_id in all_schemas()):
        return False  # a root ``$id`` only names the schema, unless it claims a hub schema's name
    stack: list[Any] = [{k: v for k, v in schema.items() if k not in ("$id", "$schema")}]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "$schema" in node or not NO_FAST_ANSWER_KEYWORDS.isdisjoint(node):
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True
