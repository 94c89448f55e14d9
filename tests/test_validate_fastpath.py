"""The fast path of schema validation (jsonschema-rs) agrees with the slow one (python-jsonschema).

Validation asks jsonschema-rs first and python-jsonschema only when it says "invalid" or cannot
say (hub/validate/fastpath.py). That may never let through what the slow path refuses: here
both answer for every document of every seed package, every fixture package and generated
variants of them, and must give the same answer.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.patterns import compile_pattern, pattern_search
from hub.resources import catalog_dir
from hub.schemas import PACKAGE_SCHEMA_ID, HubValidator, all_schemas, registry, validator
from hub.validate import PackageFiles
from hub.validate.fastpath import FastValidator, hub_schema_check, metaschema_check, package_schema_check, plain_json
from hub.validate.forms import metaschema_validator
from hub.validate.jsondoc import SyntaxProblem, load_document
from hub.validate.paths import resolve_link
from hub.validate.schemalimits import schema_limit_problems
from hub.validate.yamlsafe import YamlError, load_yaml
from tests.factory import package_files
from tests.test_invalid_corpus import CASES

Check = tuple[str, FastValidator | None, Any, Any]  # (what, fast, slow validator, instance)


def _seed_packages() -> list[Path]:
    return sorted((catalog_dir() / "packages").glob("*/*@*"))


def _fixture_packages() -> list[dict[str, bytes]]:
    cases = [package_files(files=case.files, **(case.manifest or {})) for case in CASES if case.on_disk is None]
    return [package_files(), *cases]


def schema_checks(files: dict[str, bytes]) -> Iterator[Check]:
    """Every schema check validation makes on ``files``, as validation routes it."""
    try:
        data = load_yaml(files["hub.yaml"]).data
    except (KeyError, YamlError):
        return
    yield "hub.yaml", hub_schema_check(PACKAGE_SCHEMA_ID), validator(PACKAGE_SCHEMA_ID), data
    artefacts = data.get("artefacts") if isinstance(data, dict) else None
    for entry in artefacts if isinstance(artefacts, list) else []:
        if not isinstance(entry, dict) or entry.get("path") not in files:
            continue
        path = entry["path"]
        try:
            document = load_document(files[path], "yaml" if path.endswith((".yaml", ".yml")) else "json")
        except SyntaxProblem:
            continue
        if entry.get("kind") == "form-schema":
            yield path, metaschema_check(), metaschema_validator(), document
        elif entry.get("kind") == "config" and isinstance(entry.get("schema"), str):
            ref = entry["schema"]
            if ref in all_schemas():
                yield path, hub_schema_check(ref), validator(ref), document
                continue
            target = resolve_link("hub.yaml", ref)
            if target is None or target not in files:
                continue
            try:
                schema = load_document(files[target], "yaml" if target.endswith((".yaml", ".yml")) else "json")
            except SyntaxProblem:
                continue
            yield target, metaschema_check(), metaschema_validator(), schema
            if isinstance(schema, dict) and metaschema_validator().is_valid(schema) and not schema_limit_problems(schema, target):
                slow = HubValidator(schema, registry=registry(), format_checker=HubValidator.FORMAT_CHECKER)
                yield path, package_schema_check(schema), slow, document


def _corpus() -> list[Check]:
    """Every distinct (schema, document) pair of the seed and fixture packages."""
    packages = [PackageFiles.from_folder(folder).files for folder in _seed_packages()] + _fixture_packages()
    distinct: dict[tuple[int, str], Check] = {}
    for files in packages:
        for check in schema_checks(files):
            key = (id(check[2].schema), json.dumps([check[2].schema, check[3]], sort_keys=True, default=repr))
            distinct.setdefault(key, check)
    return list(distinct.values())


CORPUS = _corpus()


def test_fast_and_slow_path_agree_on_every_seed_and_fixture_document():
    answers = []
    for what, fast, slow, instance in CORPUS:
        assert fast is not None, what  # every schema here has a fast validator
        answers.append(answer := slow.is_valid(instance))
        assert fast.is_valid(instance) == answer, what
    assert len(CORPUS) > 100, len(CORPUS)
    assert {"hub.yaml", "formulare", "konfiguration", "schemas"} <= {what.split("/")[0] for what, *_ in CORPUS}
    assert set(answers) == {True, False}  # valid and invalid documents both


def test_the_fast_path_answers_valid_for_every_document_of_the_seed():
    seed = [check for folder in _seed_packages() for check in schema_checks(PackageFiles.from_folder(folder).files)]
    assert all(fast is not None and fast.is_valid(instance) is True for _, fast, _, instance in seed)


# --- generated variants ------------------------------------------------------------------------------

KEYWORDS = ["type", "pattern", "format", "$ref", "minimum", "maximum", "multipleOf", "required", "properties", "items", "enum", "const"]
KEYWORDS += ["title", "additionalProperties", "minLength", "$defs", "allOf", "oneOf", "if", "then", "id", "version", "de", "email", "url"]
STRINGS = ["string", "object", "integer", "date", "uri", "email", "#/$defs/x", "2024-02-30", "2024-01-01", "https://example.org/x"]
STRINGS += ["mailto:a@b.de", "nicht@", "a b", "a\n", "1.0.0", "1.0", "EUPL-1.2", "^[a-z]+$", "(", "stadt-test/x", "٣", "ä"]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.1, 0.3, 19.99, 1e308, 2**53 + 1])
    | st.text(max_size=12)
    | st.sampled_from(STRINGS)
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYWORDS) | st.text(max_size=6), inner, max_size=3)
)


def _mutate(data: st.DataObject, document: Any) -> Any:
    """``document`` with one node replaced, one key removed or one key added, somewhere in it."""
    document = copy.deepcopy(document)
    holder: Any = None
    key: Any = None
    node = document
    while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(list(node)) if isinstance(node, dict) else st.integers(0, len(node) - 1))
        holder, node = node, node[key]
    action = data.draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "add" and isinstance(node, dict):
        node[data.draw(st.sampled_from(KEYWORDS))] = data.draw(json_values)
    elif action == "remove" and isinstance(holder, dict):
        del holder[key]
    elif holder is None:
        return data.draw(json_values)
    else:
        holder[key] = data.draw(json_values)
    return document


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fast_and_slow_path_agree_on_generated_variants(data):
    what, fast, slow, instance = data.draw(st.sampled_from(CORPUS))
    variant = _mutate(data, instance)
    answer = fast.is_valid(variant) if fast is not None else None
    if answer is None:
        assert not plain_json(variant)  # only documents that are not plain JSON get no fast answer
        return
    assert answer == slow.is_valid(variant), (what, json.dumps(variant, ensure_ascii=False)[:2000])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fast_and_slow_path_agree_on_generated_package_schemas(data):
    schemas = [(what, instance) for what, fast, slow, instance in CORPUS if what.startswith("schemas/") and isinstance(instance, dict)]
    configs = [instance for what, fast, slow, instance in CORPUS if what.startswith("konfiguration/")]
    _, schema = data.draw(st.sampled_from(schemas))
    schema = _mutate(data, schema)
    if not isinstance(schema, dict) or not metaschema_validator().is_valid(schema) or schema_limit_problems(schema, "s.json"):
        return  # validation refuses such a schema before it is applied
    document = data.draw(st.sampled_from(configs) | json_values)
    fast = package_schema_check(schema)
    answer = fast.is_valid(document) if fast is not None else None
    if answer is not None:
        slow = HubValidator(schema, registry=registry(), format_checker=HubValidator.FORMAT_CHECKER)
        assert answer == slow.is_valid(document), json.dumps(schema, ensure_ascii=False)[:2000]


# --- what gets no fast answer --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 2**53 + 1, (1, 2), {1: "a"}, {"a": {3}}, b"x", "\ud800", {"\udc00": 1}, {"a": [{"b": object()}]}],
    ids=["nan", "inf", "big-int", "tuple", "int-key", "set", "bytes", "surrogate", "surrogate-key", "object"],
)
def test_values_that_are_not_plain_json_get_no_fast_answer(value):
    assert not plain_json(value)
    assert metaschema_check() is not None
    assert metaschema_check().is_valid({"title": "Formular", "default": value}) is None


def test_float_multiples_and_formats_follow_the_slow_path():
    """Where jsonschema-rs alone is more lenient (floats in multipleOf, formats), the fast path is not."""
    schema = {"type": "object", "properties": {"n": {"multipleOf": 0.1}, "d": {"format": "date"}, "e": {"format": "email"}}}
    fast = package_schema_check(schema)
    slow = HubValidator(schema, registry=registry(), format_checker=HubValidator.FORMAT_CHECKER)
    assert fast is not None
    for instance in [{"n": 0.3}, {"n": 0.5}, {"d": "2024-02-30"}, {"d": "2024-02-29"}, {"e": "nobody"}, {"e": "a@b.de"}]:
        assert fast.is_valid(instance) == slow.is_valid(instance), instance
    assert fast.is_valid({"n": 0.3}) is False and fast.is_valid({"d": "2024-02-30"}) is False


def test_package_patterns_run_on_re2_in_the_fast_path_too():
    """A package's pattern means what RE2 says (``$`` is the end, ``\\d`` is ASCII) and a backtracking one stays linear."""
    schema = {"type": "object", "properties": {"id": {"pattern": "^[a-z]+$"}, "n": {"pattern": "^\\d+$"}, "x": {"pattern": "^(a+)+$"}}}
    fast = package_schema_check(schema)
    assert fast is not None
    assert fast.is_valid({"id": "abc"}) is True
    assert fast.is_valid({"id": "abc\n"}) is False  # Python's re would let "$" match before the line break
    assert fast.is_valid({"n": "٣"}) is False
    start = time.perf_counter()
    assert fast.is_valid({"x": "a" * 50_000 + "!"}) is False
    assert time.perf_counter() - start < 1


_PATTERNS = ["^[a-z]+$", "^\\d+$", "ä|ö", "^$", "", "a*", "(?i)^AB", "\\bx", "[^ -~]", "^(a+)+$", "\\s$", "^.{2}$", "\\p{Lu}", "b\\z"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), st.text(alphabet=st.sampled_from("aAbxä ö٣\n\t-ü\ud800") | st.characters(), max_size=12))
def test_pattern_search_answers_as_re2s_search(pattern, text):
    # hub/patterns.py asks RE2's compiled program for yes or no, without the Match object of its search
    try:
        expected: object = compile_pattern(pattern).search(text) is not None
    except UnicodeEncodeError:  # a lone surrogate
        expected = UnicodeEncodeError
    try:
        got: object = pattern_search(pattern, text)
    except UnicodeEncodeError:
        got = UnicodeEncodeError
    assert got == expected


def test_package_schemas_with_ids_anchors_or_another_dialect_get_no_fast_answer():
    for schema in [
        {"$id": "https://transferhub.de/schemas/v1/package.schema.json", "type": "object"},
        {"properties": {"a": {"$id": "https://example.org/a", "type": "string"}}},
        {"$defs": {"a": {"$anchor": "a"}}},
        {"$schema": "http://json-schema.org/draft-07/schema#"},
        {"patternProperties": {"^x": {"type": "string"}}},
    ]:
        assert package_schema_check(schema) is None, schema
    dialect = "https://json-schema.org/draft/2020-12/schema"
    assert package_schema_check({"$schema": dialect, "$id": "https://example.org/s.json", "type": "object"}) is not None


def test_a_package_schema_is_compiled_once_per_content():
    schema = {"type": "object", "properties": {"dauer": {"type": "integer", "minimum": 5}}}
    first = package_schema_check(schema)
    assert first is not None
    assert package_schema_check(json.loads(json.dumps(schema))) is first
    assert package_schema_check({**schema, "required": ["dauer"]}) is not first
