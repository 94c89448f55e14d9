"""The fast validation parts give the same problems as the ones they replaced (tests/validate_reference.py).

Each part was made faster by doing less work, not different work: Markdown parses the inline
content only of blocks that can hold a link, BPMN is parsed once for checks and hints and lxml
picks the elements each rule looks at. Here old and new run on every seed, realistic and fixture
package and on generated variants, and must agree exactly (codes, places, German sentences).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt

from bench.realistic import package_files as realistic_package_files
from hub.model import Problem, unsafe_character
from hub.resources import catalog_dir
from hub.validate import PackageFiles, fastpath, validate_package
from hub.validate.bpmn import _diagram_complete, check_bpmn, inspect_bpmn, parse_bpmn
from hub.validate.fastpath import plain_json
from hub.validate.forms import _missing_titles
from hub.validate.hints import bpmn_hints, model_hints
from hub.validate.jsondoc import SyntaxProblem, check_value_limits, load_document, load_json
from hub.validate.markdown import _chunks, _simple_links, links
from hub.validate.schemalimits import MAX_EXPANDED, schema_limit_problems
from hub.validate.text import unsafe_text
from hub.validate.yamlsafe import MAX_DEPTH, MAX_EXACT_INTEGER, MAX_NODES, YamlError, _load_from_events, load_yaml
from tests import validate_reference as reference
from tests.factory import BPMN as FACTORY_BPMN
from tests.factory import package_files
from tests.test_invalid_corpus import CASES


@cache
def _all_packages() -> list[dict[str, bytes]]:
    return list(_package_folders())


def _packages() -> Iterator[dict[str, bytes]]:
    yield from _all_packages()


def _package_folders() -> Iterator[dict[str, bytes]]:
    for folder in sorted((catalog_dir() / "packages").glob("*/*@*")):
        yield PackageFiles.from_folder(folder).files
    yield package_files()
    for case in CASES:
        if case.on_disk is None:
            yield package_files(files=case.files, **(case.manifest or {}))
    for i in range(12):
        yield realistic_package_files(i, i % 3)


def _files(suffixes: tuple[str, ...]) -> list[tuple[str, bytes]]:
    found = {(path, data) for files in _packages() for path, data in files.items() if path.endswith(suffixes)}
    return sorted(found)


MARKDOWN = [(path, data) for path, data in _files((".md", ".markdown")) if len(data) < 32 * 1024]  # not the one past the budget
BPMN = _files((".bpmn",))


def _parses(data: bytes) -> bool:
    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True))
    except etree.XMLSyntaxError:
        return False
    return len(data) < 1024 * 1024


WELL_FORMED_BPMN = [(path, data) for path, data in BPMN if _parses(data)]
HOSTILE_MARKDOWN = [
    "[" * 3000,
    "![" * 2000 + "](x.md)",
    "[](" * 1000,
    "[a]: /ziel.md\n\n" + "[a] " * 500,
    "<" * 2000 + "http://x>",
    "- [\n" * 300,
    "> [" * 500 + "](b.md)",
    "[x](<a.md>) `[y](b.md)` \\[z](c.md) [w][] [v]\n\n[v]: v.md\n[w]: <w w.md>",
]
# what the parts (_chunks) and the plain-link reading (_simple_links) of hub/validate/markdown.py must
# leave to markdown-it-py or read exactly as it does
TRICKY_MARKDOWN = [
    "`[a](b.md)` [c](d.md) ``[e](f.md)` [g](h.md)`` ```[i](j.md)",  # code spans of different lengths
    "`` ` `` [a](b.md) ` [c](d.md)",  # a backtick run with no closer is text
    "[a](b.md)![c](d.png) !![e](f.md) [![g](h.png)](i.md)",  # images, and an image inside a link
    "[a] [b](c.md)\n\n[a]: ziel.md",  # a reference defined after its use, in another part
    "[a]: eins.md\n\n[a]: zwei.md\n\n[a] [b](c.md)",  # the first definition wins
    "[a]:\nziel.md\n'Titel'\n\n[a]",  # a definition over three lines
    "*[a](b.md)* _[c](d.md)_ **[e](f.md)** [*g*](h.md)",  # emphasis around and inside links
    "<http://a.b/c> <mailto:x@y.de> <a href='x.md'>x</a> [d](e.md)",  # autolinks, HTML (off: text)
    '[a](b.md "Titel") [c]( d.md ) [e](<f g.md>) [h](i(j).md) [k](l.md\n)',  # titles, spaces, parentheses
    "[a](javascript:alert(1)) [b](data:text/html,x) ![c](data:image/png;base64,x) [d](vbscript:x)",
    "[a[b](c.md)](d.md) [e]](f.md) [[g](h.md)",  # nested and unbalanced brackets
    "[a](b.md)\\ \\[c](d.md) [e\\](f.md)](g.md)",  # escapes
    "&#91;a](b.md) [c&amp;](d&amp;e.md) [f](g%20h.md) [ä](ö.md) [x](http://ä.de/ü)",  # entities, encoding
    "- [a](b.md)\n\n- [c](d.md)\n\n  [e](f.md)\n\n1. [g](h.md)\n\n2. [i](j.md)\n- x\n\n  - [k](l.md)\n\n[m](n.md)",
    "- a\n\n  ```\n  [b](c.md)\n\n[d](e.md)\n\n```\n\n[f](g.md)",  # a fence in a list item; a fence to the end
    "~~~\n[a](b.md)\n\n[c](d.md)\n~~~\n\n[e](f.md)",
    "> [a](b.md)\n\n> [c](d.md)\n[e](f.md)\n\n>> [g](h.md)",  # blockquotes and lazy lines
    "    [a](b.md)\n\n    [c](d.md)\n\n[e](f.md)\n\n\t[g](h.md)",  # indented code
    "Titel [a](b.md)\n===\n\n[c](d.md)\n---\n\n---\n[e](f.md)",  # setext headings, rules
    "[a](b.md)\r\n\r\n[c](d.md)\r\r[e](f.md)\n \t\n[g](h.md)\x00[i](j.md)",  # line ends, blank lines, NUL
    "\n\n\n[a](b.md)\n\n \n\n[c](d.md)",
    "| [a](b.md) | [c](d.md) |\n|---|---|\n| `[e](f.md)` | x |",  # a table (a paragraph in CommonMark)
    # destinations read by one regex, and their near misses (upper-case host, port, "//", other schemes)
    "[a](https://a.b/C-d_e.f~g#H) [b](https://A.b/c) [c](https://a.b:80/c) [d](//a.b/c) [e](HTTPS://a.b/c) [f](ftp://a.b/c)"
    " [g](https://a.b) [h](https://a.b#c) [i](~/x.md) [j](-.md) [k](#top) [l](a/#/b) [m](https://a..b/) [n](https://-/)",
]


def test_the_corpus_holds_what_the_parts_look_at():
    assert len(MARKDOWN) > 50 and len(BPMN) > 20
    assert sum(len(list(reference.links(data.decode()))) for _, data in MARKDOWN) > 100


@pytest.mark.parametrize("text", [data.decode("utf-8", "replace") for _, data in MARKDOWN] + HOSTILE_MARKDOWN + TRICKY_MARKDOWN)
def test_markdown_links_match_the_full_parse(text):
    assert list(links(text)) == list(reference.links(text))


MARKDOWN_PIECES = [
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<",
    ">",
    "\n",
    "\n\n",
    " ",
    "text",
    "`",
    "``",
    "*",
    "_",
    "\\",
    "- ",
    "1. ",
    "# ",
    "> ",
    "    ",
    "```\n",
    '"t"',
    "&amp;",
    "&#91;",
    "docs/a.md",
    "http://example.org",
    "https://a.b/C",
    "https://A.b",
    "//a.b/c",
    "mailto:x@y.de",
    "[ref]: /ziel.md\n",
    "[Ref]",
    ":",
    "<x@y.de>",
    "<http://a.b>",
    "~~~\n",
    "\r\n",
    "\r",
    "\t",
    " \n",
    "2) ",
    "!",
    "[a](b.md)",
    "](x.md)",
    "javascript:x",
    "&#91;",
    "\x00",
]


def test_plain_links_are_read_without_the_inline_parser_and_parts_without_links_are_not_parsed():
    """The fast paths of hub/validate/markdown.py are taken for the seed's READMEs, not only their fallbacks."""
    readmes = [data.decode() for path, data in MARKDOWN if path == "README.md"]
    answered = fallbacks = parts = skipped = 0
    for text in readmes:
        chunks = list(_chunks(text))
        parts += len(chunks)
        skipped += text.count("\n\n") + 1 > len(chunks)
        for _, chunk in chunks:
            for token in MarkdownIt("commonmark").parse(chunk):
                if token.type == "inline" and "](" in token.content:
                    if _simple_links(token.content) is None:
                        fallbacks += 1
                    else:
                        answered += 1
    assert answered > 5 * fallbacks and answered > 20
    assert skipped > len(readmes) / 2 and parts > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=60))
def test_markdown_links_match_on_generated_text(pieces):
    text = "".join(pieces)
    assert list(links(text)) == list(reference.links(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MARKDOWN), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(MARKDOWN_PIECES)), max_size=8))
def test_markdown_links_match_on_mutated_files(file, splices):
    text = file[1].decode("utf-8", "replace")
    for where, piece in splices:
        at = int(where * len(text))
        text = text[:at] + piece + text[at:]
    assert list(links(text)) == list(reference.links(text))


def _check_and_hints(path: str, data: bytes) -> tuple[list[Problem], list[Problem]]:
    checked = inspect_bpmn(path, data)
    hints = model_hints(path, checked.root) if checked.root is not None else bpmn_hints(path, data)
    assert checked.problems == check_bpmn(path, data)
    assert hints == bpmn_hints(path, data)
    return checked.problems, hints


def _reference_check_and_hints(path: str, data: bytes) -> tuple[list[Problem], list[Problem]] | None:
    try:
        problems = reference.check_bpmn(path, data)
    except ValueError:
        return None  # the old check failed on a comment directly inside a process (a 500); the new one must not
    return problems, reference.bpmn_hints(path, data)


@pytest.mark.parametrize(("path", "data"), BPMN, ids=[f"{path}-{i}" for i, (path, _) in enumerate(BPMN)])
def test_bpmn_checks_and_hints_match_the_old_walk(path, data):
    assert _check_and_hints(path, data) == _reference_check_and_hints(path, data)


def _mutate_bpmn(data: bytes, seed: int, steps: int) -> bytes:
    """The model with elements removed, ids and references swapped, names dropped and comments put in."""
    rng = random.Random(seed)
    root = etree.fromstring(data)
    for _ in range(steps):
        elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
        if not elements:
            break
        element = rng.choice(elements)
        ids = [el.get("id") or "x" for el in elements if el.get("id")] or ["x"]
        action = rng.randrange(6)
        parent = element.getparent()
        if action == 0 and parent is not None:
            parent.remove(element)
        elif action == 1:
            element.set(rng.choice(["id", "sourceRef", "targetRef", "bpmnElement"]), rng.choice(ids))
        elif action == 2:
            for name in ("name", "x", "width"):
                element.attrib.pop(name, None)
        elif action == 3 and parent is not None:
            parent.insert(parent.index(element), etree.Comment(" Kommentar "))
        elif action == 4:
            element.set(rng.choice(["x", "y", "height"]), rng.choice(["", "1e3", "abc", "-4"]))
        elif action == 5 and parent is not None:
            parent.append(etree.fromstring(etree.tostring(element)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(WELL_FORMED_BPMN), st.integers(0, 2**32), st.integers(1, 12))
def test_bpmn_checks_and_hints_match_on_mutated_models(file, seed, steps):
    path, data = file
    mutated = _mutate_bpmn(data, seed, steps)
    new = _check_and_hints(path, mutated)
    old = _reference_check_and_hints(path, mutated)
    assert old is None or new == old


def test_a_comment_inside_a_process_is_no_failure():
    path, data = "prozess/ablauf.bpmn", FACTORY_BPMN.encode()
    commented = data.replace(b"<bpmn:startEvent", b"<!-- Beginn des Ablaufs --><bpmn:startEvent", 1)
    with pytest.raises(ValueError):
        reference.check_bpmn(path, commented)  # what the old walk did: an exception, the API's 500
    assert check_bpmn(path, commented) == check_bpmn(path, data)


def _schemas() -> list[tuple[str, object]]:
    found: dict[tuple[str, bytes], object] = {}
    for files in _packages():
        for path, data in files.items():
            if path.endswith(".json") or (path.endswith((".yaml", ".yml")) and "schema" in path):
                try:
                    found[(path, data)] = load_document(data, "json" if path.endswith(".json") else "yaml")
                except SyntaxProblem:
                    continue
    return [(path, schema) for (path, _), schema in sorted(found.items(), key=lambda item: item[0])]


SCHEMAS = _schemas()


@pytest.mark.parametrize(("path", "schema"), SCHEMAS, ids=[f"{path}-{i}" for i, (path, _) in enumerate(SCHEMAS)])
def test_schema_limits_match_the_walk_by_walk_check(path, schema):
    assert schema_limit_problems(schema, path) == reference.schema_limit_problems(schema, path)


REFS = ["#/$defs/a", "#/$defs/b", "#", "#/properties/x", "#/$defs/fehlt", "anker", "#/$defs/a/items"]
PATTERNS = ["^[0-9]{5}$", "(a)\\1", "^(?=x)", "[A-Z]+"]


@st.composite
def _schema_trees(draw: st.DrawFn, depth: int = 3) -> object:
    """Schema-like trees with references, patterns, and subtrees shared as YAML aliases share them."""
    leaves = st.one_of(st.integers(-3, 3), st.text("abc", max_size=3), st.booleans(), st.none())
    shared: list[object] = []

    def node(level: int) -> object:
        if level == 0 or draw(st.integers(0, 4)) == 0:
            return draw(leaves)
        if shared and draw(st.integers(0, 5)) == 0:
            return draw(st.sampled_from(shared))
        if draw(st.booleans()):
            value: object = [node(level - 1) for _ in range(draw(st.integers(0, 3)))]
        else:
            keys = draw(
                st.lists(st.sampled_from(["type", "items", "a", "b", "x", "properties", "allOf", "$defs"]), max_size=3, unique=True)
            )
            value = {key: node(level - 1) for key in keys}
            if draw(st.integers(0, 2)) == 0:
                value[draw(st.sampled_from(["$ref", "$dynamicRef"]))] = draw(st.sampled_from(REFS))
            if draw(st.integers(0, 3)) == 0:
                value["pattern"] = draw(st.sampled_from(PATTERNS))
        shared.append(value)
        return value

    return {"$defs": {"a": node(depth), "b": node(depth)}, "properties": {"x": node(depth)}, "allOf": [node(depth)]}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schema_trees())
def test_schema_limits_match_on_generated_schemas(schema):
    assert schema_limit_problems(schema, "s.json") == reference.schema_limit_problems(schema, "s.json")


def test_schema_limits_match_at_the_expanded_size():
    fields = {f"f{i}": {"type": "string", "title": "x"} for i in range(6000)}  # 3 nodes each
    for delta in (-1, 0, 1):
        extra = {f"g{i}": 1 for i in range(MAX_EXPANDED - 3 - 3 * len(fields) + delta)}
        schema = {"type": "object", "properties": {**fields, **extra}}  # root, "object", properties: 3 nodes
        problems = schema_limit_problems(schema, "s.json")
        assert problems == reference.schema_limit_problems(schema, "s.json")
        assert [p.code for p in problems] == (["schema-too-complex"] if delta > 0 else [])


YAML = _files((".yaml", ".yml"))
YAML_EDGES = [
    b"",
    b"# nur ein Kommentar\n",
    b"basis: &b {x: 1, y: [a, b]}\nabgeleitet:\n  <<: *b\n  y: 2\n",
    b"- <<: [{a: 1}, {b: 2}]\n  c: 3\n",
    b"=: wert\n",
    b"? [a, b]\n: liste als Schluessel\n",
    b"? {a: 1}\n: karte als Schluessel\n",
    b"menge: !!set {a, b}\nbin: !!binary aGFsbG8=\nzeit: !!timestamp 2024-01-02\n",
    b"a: !unbekannt x\n",
    b"a: &a [*a]\n",
    b"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n",
    b"zahl: .inf\n",
    b"a: 1\n b: 2\n",
    b"a: [1, 2\n",
    b"\xff\xfe",
    b"ja: yes\nnein: No\nan: on\nhex: 0x1F\noct: 017\nsexa: 1:30\nunter: 1_000\nleer:\ntilde: ~\n",
    b"!!str 5",
    b"[1, 2]",
    b"einfach",
    b"---\na: 1\n---\nb: 2\n",
]


def _load(load: Callable[[bytes], Any], data: bytes) -> tuple[str, Any]:
    try:
        value = load(data)
    except YamlError as exc:
        return "error", (str(exc), exc.line, exc.code)
    return "value", value


def _new(data: bytes) -> Any:
    document = load_yaml(data)
    assert not document.plain or plain_json(document.data)  # what the event reading calls plain JSON is
    return document.data, document.node


def _same_load(data: bytes) -> None:
    new, old = _load(_new, data), _load(reference.load_yaml, data)
    assert new[0] == old[0]
    if new[0] == "error":
        assert new == old
        return
    (value, node), (old_value, old_node) = new[1], old[1]
    assert value == old_value and repr(value) == repr(old_value)  # repr: 1 and True, 1.0 and 1 differ there
    assert _shape(node) == _shape(old_node)  # the node tree for line numbers, merge keys applied alike


def _shape(node: yaml.Node | None) -> Any:
    """A node tree as comparable data: kind, tag, value and line of every node (aliases as the anchor's index)."""
    seen: dict[int, int] = {}

    def shape(node: yaml.Node) -> Any:
        if id(node) in seen:
            return ("alias", seen[id(node)])
        seen[id(node)] = len(seen)
        head = (type(node).__name__, node.tag, node.start_mark.line)
        if isinstance(node, yaml.ScalarNode):
            return (*head, node.value)
        if isinstance(node, yaml.SequenceNode):
            return (*head, [shape(child) for child in node.value])
        return (*head, [(shape(k), shape(v)) for k, v in node.value])

    return None if node is None else shape(node)


@pytest.mark.parametrize(
    ("path", "data"),
    YAML + [("edge.yaml", data) for data in YAML_EDGES],
    ids=[f"{path}-{i}" for i, (path, _) in enumerate(YAML + [("edge.yaml", b"")] * len(YAML_EDGES))],
)
def test_yaml_loads_as_with_pyyamls_constructor(path, data):
    _same_load(data)


YAML_PIECES = [
    "a: ",
    "b:\n",
    "  - ",
    "- ",
    "\n",
    "  ",
    "x",
    "yes",
    "No",
    "on",
    "~",
    "null",
    "0x1F",
    "0o17",
    "017",
    "1_000",
    "1:30",
    "-2",
    "3.5",
    "1e3",
    ".inf",
    ".NaN",
    "2024-01-02",
    "'q'",
    '"d\\u00e4"',
    "!!str 5",
    "!!binary aGFsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!unbekannt x",
    "&a ",
    "*a",
    "<<: *a\n",
    "<<: ",
    "= ",
    "? [k]\n: v\n",
    "{",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "#",
    "|\n  text\n",
    "\t",
    "---\n",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40))
def test_yaml_loads_alike_on_generated_text(pieces):
    _same_load("".join(pieces).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(YAML), st.lists(st.tuples(st.floats(0, 1), st.sampled_from(YAML_PIECES)), max_size=6))
def test_yaml_loads_alike_on_mutated_files(file, splices):
    text = file[1].decode("utf-8", "replace")
    for where, piece in splices:
        at = int(where * len(text))
        text = text[:at] + piece + text[at:]
    _same_load(text.encode())


def test_aliases_give_the_same_object_as_in_pyyaml():
    data = load_yaml(b"a: &x {k: [1, 2]}\nb: *x\n").data
    assert data["a"] is data["b"]


def test_package_yaml_is_read_from_libyamls_events_without_a_node_tree():
    # the fast path is what every seed, realistic and fixture document takes (so the tests above hold it to
    # PyYAML); the node tree for line numbers is composed only when asked for
    for path, data in YAML:
        if b"&" not in data and b"!" not in data and b"<<" not in data:
            try:
                value, plain = _load_from_events(data.decode("utf-8"))
            except yaml.YAMLError:
                continue  # a fixture with a syntax error: the full way words it
            assert value == load_yaml(data).data and plain is plain_json(value), path
    document = load_yaml(b"a:\n  b: [1, 2]\n")
    assert document._text is not None and document.line_of(["a", "b", 1]) == 2 and document._text is None
    assert document.plain and not load_yaml(b"1: a\n").plain and not load_yaml(b"a: 9007199254740993\n").plain
    assert load_yaml(b"a: 9007199254740992\n").plain and MAX_EXACT_INTEGER == fastpath.MAX_EXACT_INTEGER


def test_yaml_at_the_size_and_depth_limits_loads_or_is_refused_as_before():
    # the event reading leaves a document at a limit to the full way, which refuses it with the same words
    for extra in (-1, 0, 1):
        _same_load(("[" * (MAX_DEPTH - 1 + extra) + "x" + "]" * (MAX_DEPTH - 1 + extra)).encode())
        _same_load(("a:" + "".join(f"\n{'  ' * level}- " for level in range(MAX_DEPTH - 2 + extra)) + "x\n").encode())
    for extra in (0, 1):
        _same_load(("[" + ", ".join(["1"] * (MAX_NODES - 1 + extra)) + "]").encode())  # the list and its items
    with pytest.raises(YamlError) as refused:
        load_yaml(("[" + ", ".join(["1"] * MAX_NODES) + "]").encode())
    assert refused.value.code == "document-too-large"
    with pytest.raises(YamlError) as refused:
        load_yaml(("[" * MAX_DEPTH + "x" + "]" * MAX_DEPTH).encode())
    assert refused.value.code == "document-too-deep"
    assert load_yaml(("[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1)).encode()).data is not None


class _PureSafeLoader(yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader with the hub's one change: dates stay strings (no timestamp resolver)."""


_PureSafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# texts whose YAML 1.1 meaning differs from YAML 1.2's or from a string: each must come back as PyYAML reads it
_TRICKY_SCALARS = ["yes", "No", "on", "OFF", "y", "~", "null", "", "0x1F", "017", "0o17", "1_000", "1:30", "-0", "+1", "3.5",
                   "1e3", "1.0e+3", ".5", "2024-01-02", "true", "False", "<<", "=", "a: b", "- x", "#", "'", '"', "\t", "ä"]  # fmt: skip


@st.composite
def _yaml_texts(draw: st.DrawFn) -> str:
    scalars = st.one_of(
        st.sampled_from(_TRICKY_SCALARS),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
        st.text(max_size=12),
    )
    keys = st.one_of(st.sampled_from(_TRICKY_SCALARS), st.text(max_size=8), st.integers(-5, 5), st.booleans(), st.none())
    tree = st.recursive(
        scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=25
    )
    return yaml.safe_dump(
        draw(tree),
        allow_unicode=draw(st.booleans()),
        default_flow_style=draw(st.sampled_from([False, True, None])),
        default_style=draw(st.sampled_from([None, '"', "'"])),
        width=draw(st.sampled_from([20, 80, 10**6])),
    )


def _pure(text: str) -> tuple[str, Any]:
    try:
        return "value", yaml.load(text, Loader=_PureSafeLoader)  # the safe loader
    except yaml.YAMLError:
        return "error", None


def _ours(text: str) -> tuple[str, Any]:
    try:
        return "value", load_yaml(text.encode("utf-8")).data
    except YamlError:
        return "error", None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_yaml_texts())
def test_yaml_loads_as_pyyamls_pure_safe_loader_on_generated_documents(text):
    ours, pure = _ours(text), _pure(text)
    assert ours == pure and repr(ours) == repr(pure)  # repr: 1 and True, 1.0 and 1 differ there


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=40))
def test_yaml_loads_as_pyyamls_pure_safe_loader_on_generated_text(pieces):
    text = "".join(pieces)
    ours, pure = _ours(text), _pure(text)
    if ours[0] == pure[0]:
        assert repr(ours) == repr(pure)
    elif ours[0] == "error" and not _finite(pure[1]):
        pass  # the hub refuses .inf and .nan (JSON has neither), PyYAML reads them
    else:
        assert "\t" in text  # libyaml (the hub's parser, C) and PyYAML's Python parser differ on tabs only


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(k) and _finite(v) for k, v in value.items())
    return all(_finite(v) for v in value) if isinstance(value, list) else True


def test_a_package_validates_as_with_a_second_parse_for_the_hints(monkeypatch):
    """validate_package hands its parsed models to the hints: the same hints as parsing again, which it
    does itself past MAX_KEPT_BPMN_BYTES of kept models (a package of many large models holds one tree at a time)."""
    import hub.validate.package

    packages = [package_files(), *(realistic_package_files(i, i % 3) for i in range(12))]
    kept = [validate_package(PackageFiles(files)) for files in packages]
    for files, result in zip(packages, kept, strict=True):
        if result.manifest is not None:
            hints = [p for p in result.problems if p.severity == "hint" and p.file.endswith(".bpmn")]
            artefacts = [a for a in result.manifest.artefacts if a.kind == "process-model" and a.path in files]
            assert hints == [h for a in artefacts for h in bpmn_hints(a.path, files[a.path])]
    assert sum(p.severity == "hint" and p.file.endswith(".bpmn") for result in kept for p in result.problems) > 3
    monkeypatch.setattr(hub.validate.package, "MAX_KEPT_BPMN_BYTES", 0)
    assert [validate_package(PackageFiles(files)).problems for files in packages] == [result.problems for result in kept]


# -- hub/validate/text.py: one search per kind of field when nothing is refused


def _records() -> Iterator[Any]:
    sources = [files["hub.yaml"] for files in _packages() if "hub.yaml" in files]
    for data in sources + [path.read_bytes() for path in sorted(catalog_dir().glob("publishers/*.yaml"))]:
        try:
            yield load_yaml(data).data
        except YamlError:
            continue  # the invalid corpus's broken manifests


def test_unsafe_text_matches_the_string_by_string_walk_on_every_record():
    records = list(_records())
    assert len(records) > 30 and any(list(reference.unsafe_text(record)) for record in records)
    for record in records:
        assert list(unsafe_text(record)) == list(reference.unsafe_text(record))


TEXT_PIECES = ["Stadt Paderborn", "ä€😀", " ", "\n", "\t", "\r", "\u00a0", "\u00ad", "<", ">", "\u202e", "\x1b", "\x85", "\u2028"]
TEXT_PIECES += ["\ud800", "\ufdd0", "\U0001fffe", "\x7f", "\x00", "\u200b", "\ufeff", "\u3000"]
_text_values = st.lists(st.sampled_from(TEXT_PIECES), max_size=6).map("".join)
_keys = st.sampled_from(["name", "email", "title", "description", "url", "role", "notes", "ti\u202etle", "\x07", "a b"]) | st.integers(0, 3)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        _text_values | st.integers() | st.none(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5),
        max_leaves=25,
    )
)
def test_unsafe_text_matches_the_string_by_string_walk_on_generated_records(record):
    assert list(unsafe_text(record)) == list(reference.unsafe_text(record))


def test_every_printable_character_is_one_the_hub_accepts_in_one_line_fields():
    """What the isprintable shortcut of hub/validate/text.py rests on, for every code point of this Python."""
    printable = "".join(ch for ch in map(chr, range(0x110000)) if ch.isprintable())
    assert unsafe_character(printable.replace("<", "").replace(">", ""), one_line=True, signature=True) is None
    assert unsafe_character(printable, one_line=True) is None


# -- hub/validate/forms.py: the field model only for a form with references or an untitled declaration


def _forms() -> list[tuple[str, Any]]:
    found = []
    for files in _all_packages():
        for path, data in sorted(files.items()):
            if path.endswith(".json"):
                try:
                    document = load_json(data)
                except SyntaxProblem:
                    continue
                if isinstance(document, dict) and not schema_limit_problems(document, path):  # as check_form calls it
                    found.append((path, document))
    return found


def test_missing_titles_match_the_field_model_on_every_json_document():
    forms = _forms()
    assert len(forms) > 30 and any(list(reference.missing_titles(path, form)) for path, form in forms)
    for path, form in forms:
        assert list(_missing_titles(path, form)) == list(reference.missing_titles(path, form))


TITLES = st.sampled_from(["Name", " ", "", None, 3, ["x"]])


@st.composite
def _form_trees(draw: st.DrawFn, depth: int = 3) -> dict[str, Any]:
    """Form-like schemas: objects, arrays, branches, references and allOf, titles present, blank, missing or not text."""

    def schema(level: int) -> Any:
        if level == 0 or draw(st.integers(0, 5)) == 0:
            return draw(st.sampled_from([True, {}, {"type": "string"}, {"title": "Feld", "type": "string"}, {"title": " "}]))
        node: dict[str, Any] = {}
        if draw(st.booleans()):
            node["title"] = draw(TITLES)
        for key in draw(st.lists(st.sampled_from(["type", "items", "properties", "oneOf", "then", "allOf", "$ref", "anyOf"]), max_size=3)):
            if key == "type":
                node["type"] = draw(st.sampled_from(["object", "array", "string", ["object", "null"]]))
            elif key == "properties":
                node["properties"] = {name: schema(level - 1) for name in draw(st.lists(st.sampled_from("abcd"), max_size=3, unique=True))}
            elif key in ("oneOf", "anyOf", "allOf"):
                node[key] = [schema(level - 1) for _ in range(draw(st.integers(0, 2)))]
            elif key == "$ref":
                node["$ref"] = draw(st.sampled_from(["#/$defs/a", "#", "#/properties/a"]))
            else:
                node[key] = schema(level - 1)
        return node

    root = schema(depth)
    root = root if isinstance(root, dict) else {}
    if draw(st.booleans()):
        root["$defs"] = {"a": schema(depth - 1)}
    return root


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_form_trees())
def test_missing_titles_match_the_field_model_on_generated_forms(form):
    assert list(_missing_titles("f.json", form)) == list(reference.missing_titles("f.json", form))


# -- hub/validate/jsondoc.py: a level-by-level pass first, the depth-first walk only for a document past a limit


def _limit_outcome(check: Callable[..., None], value: Any, max_nodes: int, max_depth: int) -> tuple[str, str | None] | None:
    try:
        check(value, max_nodes=max_nodes, max_depth=max_depth)
    except SyntaxProblem as exc:
        return str(exc), exc.code
    return None


_json_values = st.recursive(
    st.integers() | st.sampled_from([0.5, float("inf"), float("-inf"), float("nan")]) | st.text("ab", max_size=2) | st.none(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text("abc", max_size=2), inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_json_values, st.integers(1, 40), st.integers(1, 6))
def test_value_limits_match_the_depth_first_walk(value, max_nodes, max_depth):
    assert _limit_outcome(check_value_limits, value, max_nodes, max_depth) == _limit_outcome(
        reference.check_value_limits, value, max_nodes, max_depth
    )


def test_value_limits_match_the_depth_first_walk_on_every_json_document():
    documents = [load_json(data) for path, data in _files((".json",)) if _loads(data)]
    assert len(documents) > 30
    for document in documents:
        assert _limit_outcome(check_value_limits, document, MAX_NODES, MAX_DEPTH) is None
        for max_nodes, max_depth in ((50, 4), (10_000, 3), (5, 64)):
            assert _limit_outcome(check_value_limits, document, max_nodes, max_depth) == _limit_outcome(
                reference.check_value_limits, document, max_nodes, max_depth
            )


def _loads(data: bytes) -> bool:
    try:
        load_json(data)
    except SyntaxProblem:
        return False
    return True


# -- hub/validate/jsondoc.py: msgspec reads JSON first, json where msgspec refuses


def _json_outcome(load: Callable[[bytes], Any], data: bytes) -> tuple[str, Any]:
    try:
        return "value", repr(load(data))  # repr: 1 and 1.0, 0.0 and -0.0 and key order differ there
    except SyntaxProblem as exc:
        return "problem", (str(exc), exc.line, exc.code)


JSON_PIECES = ['{"a": ', "[", "]", "}", ", ", '"x"', '"\\ud800"', '"\\ud83d\\ude00"', '"\\u00e4"', '"\\n"', "1", "-0", "-0.0", "1e400",
               "1.5e-3", "12345678901234567890", "01", "NaN", "Infinity", "true", "null", " ", "\n", "\t", "\ufeff", "\x01", "\\", '"', ":", "ä"]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.lists(st.sampled_from(JSON_PIECES), max_size=30).map("".join), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
).map(lambda value: json.dumps(value, ensure_ascii=False))))  # fmt: skip
def test_json_loads_as_with_json_alone(text):
    data = text.encode("utf-8", "surrogatepass")
    assert _json_outcome(load_json, data) == _json_outcome(reference.load_json, data)


def test_deep_json_is_refused_as_with_json_alone():
    for data in (b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 70 + b"1" + b"}" * 70, b"\xef\xbb\xbf[1]", b"[NaN]", b"[1e400]"):
        assert _json_outcome(load_json, data) == _json_outcome(reference.load_json, data)


# -- hub/validate/bpmn.py: ids, bounds and waypoints asked of the whole tree before the element-wise checks

NUMBER_TEXTS = ["12", "-4", "0.5", " 1", "1 2", "1.", ".5", "+1", "1_0", "inf", "nan", "1e3", "", "abc", "١٢", "12\n"]


def _with_diagram_change(data: bytes, change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(data)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _first(root: etree._Element, name: str) -> etree._Element:
    return next(root.iter(f"{{http://www.omg.org/spec/BPMN/20100524/DI}}{name}"))


def _diagram_changes() -> Iterator[Callable[[etree._Element], None]]:
    dc, di = "{http://www.omg.org/spec/DD/20100524/DC}", "{http://www.omg.org/spec/DD/20100524/DI}"
    for text in NUMBER_TEXTS:
        for attr in ("x", "y", "width", "height"):
            yield lambda root, attr=attr, text=text: _first(root, "BPMNShape").find(f"{dc}Bounds").set(attr, text)
        for attr in ("x", "y"):
            yield lambda root, attr=attr, text=text: _first(root, "BPMNEdge").find(f"{di}waypoint").set(attr, text)
    yield lambda root: _first(root, "BPMNShape").find(f"{dc}Bounds").attrib.pop("height")
    yield lambda root: _first(root, "BPMNShape").insert(0, etree.Element(f"{dc}Bounds", x="a"))  # find() takes the first
    yield lambda root: _first(root, "BPMNShape").append(etree.Element(f"{dc}Bounds", x="a"))
    yield lambda root: _first(root, "BPMNEdge").remove(_first(root, "BPMNEdge").find(f"{di}waypoint"))
    yield lambda root: _first(root, "BPMNEdge").find(f"{di}waypoint").attrib.pop("y")
    yield lambda root: _first(root, "BPMNShape").attrib.pop("bpmnElement")
    yield lambda root: (_first(root, "BPMNShape").attrib.pop("bpmnElement"), _first(root, "BPMNEdge").attrib.pop("bpmnElement"))
    yield lambda root: _first(root, "BPMNShape").set("bpmnElement", "")
    yield lambda root: next(el for el in root.iter() if el.get("id") and el is not root).set("id", root.get("id") or "x")


@pytest.mark.parametrize("change", list(_diagram_changes()))
def test_bpmn_diagram_checks_match_the_old_walk_on_changed_diagrams(change):
    data = _with_diagram_change(FACTORY_BPMN.encode(), change)
    assert _check_and_hints("p.bpmn", data) == _reference_check_and_hints("p.bpmn", data)
    seed = max(WELL_FORMED_BPMN, key=lambda item: len(item[1]))[1]
    data = _with_diagram_change(seed, change)
    assert _check_and_hints("p.bpmn", data) == _reference_check_and_hints("p.bpmn", data)


def test_the_whole_tree_answers_for_the_seeds_diagrams():
    """The fast path of the diagram checks is taken for real models, not only its fallback."""
    complete = [_diagram_complete(parse_bpmn(data)) for _, data in WELL_FORMED_BPMN if b"BPMNDiagram" in data]
    assert sum(found is not None for found in complete) > len(complete) / 2
