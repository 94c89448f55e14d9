"""YAML loading that keeps what people typed: dates stay strings, places stay known.

PyYAML turns ``2019-03-01`` into a ``date``; the schemas expect strings, so the
timestamp resolver is dropped. The composed node tree is kept to turn a JSON
pointer back into a line number for problems.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

import yaml
from yaml.events import (
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from hub.validate.parsererrors import yaml_message

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]  # a base chosen at run time (the C loader where PyYAML has it)
    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        # JSON (and so JSON Schema, the API, DCAT, the exports) has no infinity and no NaN: a manifest
        # with ``.inf`` would validate and then break every export that writes the number.
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise yaml.constructor.ConstructorError(None, None, f"non-finite number {node.value}", node.start_mark)
        return value

    def resolve(self, kind: type[yaml.Node], value: str, implicit: tuple[bool, bool]) -> str:
        # PyYAML's resolve, called by the C composer for every node, without what a safe loader
        # never has (path resolvers, wildcard resolvers): the same tag in a third of the time.
        # A plain scalar's tag depends on its text alone, and most texts come again (the keys of
        # every manifest, true, false, small numbers): short ones are remembered, up to a bound
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _PLAIN_TAGS.get(value)
            if tag is None:
                tag = _STR
                for resolved, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        tag = resolved
                        break
                if len(value) <= MAX_REMEMBERED_TEXT and len(_PLAIN_TAGS) < MAX_REMEMBERED_TAGS:
                    _PLAIN_TAGS[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP


_STR, _SEQ, _MAP = _Loader.DEFAULT_SCALAR_TAG, _Loader.DEFAULT_SEQUENCE_TAG, _Loader.DEFAULT_MAPPING_TAG
# the tags of short plain scalars already resolved (a pure function of the text): bounded, so a
# stream of documents with ever new texts costs at most this many short strings
MAX_REMEMBERED_TAGS = 4096
MAX_REMEMBERED_TEXT = 64
_PLAIN_TAGS: dict[str, str] = {}


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
assert None not in _Loader.yaml_implicit_resolvers and not _Loader.yaml_path_resolvers  # what resolve leaves out

# scalars constructed by the loader's own methods; any other tag (merge keys, !!binary, !!set, unknown
# tags …) sends the whole document to PyYAML's constructor
_SCALARS = {
    "tag:yaml.org,2002:int": _Loader.construct_yaml_int,
    "tag:yaml.org,2002:float": _Loader.construct_yaml_float,
    "tag:yaml.org,2002:bool": _Loader.construct_yaml_bool,
    "tag:yaml.org,2002:null": _Loader.construct_yaml_null,
}


class _Unusual(Exception):
    """A node the direct construction leaves to PyYAML's constructor."""


def _construct(loader: _Loader, root: yaml.Node) -> Any:
    """What ``loader.construct_document(root)`` gives for documents of plain maps, lists and scalars, directly.

    PyYAML's constructor is generic (generators for recursive data, a method lookup per node);
    a document whose limits were checked has no recursion, and nearly every package document
    has only str, int, float, bool and null scalars in maps and lists. Any other node raises
    :class:`_Unusual` and :func:`load_yaml` asks PyYAML. Aliased nodes give the same object,
    as in PyYAML.
    """
    done: dict[int, Any] = {}

    def build(node: yaml.Node) -> Any:
        key = id(node)
        if key in done:
            return done[key]
        tag = node.tag
        if tag == _STR and type(node) is yaml.ScalarNode:
            value: Any = node.value
        elif tag in _SCALARS and type(node) is yaml.ScalarNode:
            value = _SCALARS[tag](loader, node)
        elif tag == _SEQ and type(node) is yaml.SequenceNode:
            value = [build(child) for child in node.value]
        elif tag == _MAP and type(node) is yaml.MappingNode:
            value = {}
            for key_node, value_node in node.value:
                if type(key_node) is not yaml.ScalarNode or (key_node.tag != _STR and key_node.tag not in _SCALARS):
                    raise _Unusual  # merge keys, "=" keys (PyYAML rewrites the node tree), keys that are maps or lists
                value[build(key_node)] = build(value_node)
        else:
            raise _Unusual
        done[key] = value
        return value

    return build(root)


# Bounds for documents from packages. Aliases do not copy in memory, but everything that walks the
# data (schema validation, messages, exports) sees each use again, so ~1 KB of nested aliases is
# gigabytes of work: what counts is the size with every alias expanded. Depth bounds recursion.
MAX_NODES = 200_000
MAX_DEPTH = 64
# integers beyond are not plain JSON to hub/validate/fastpath.py: jsonschema-rs may compare them through a float where
# Python compares exactly, so only the slow validator judges them (and a document read from events holds none)
MAX_EXACT_INTEGER = 2**53


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None, code: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.code = code  # set when a limit refused the document, not its syntax


def check_node_limits(root: yaml.Node | None, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a composed document whose expanded size or depth is past the limits, or that refers to itself.

    One pass over the node graph (each node once, however often it is aliased), computing the
    expanded size and depth bottom-up; no data is constructed for a refused document.
    """
    if root is None or _tree_within(root, max_nodes, max_depth):
        return
    done: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            active.discard(key)
            children = _children(node)
            size = 1 + sum(done[id(c)][0] for c in children)
            depth = 1 + max((done[id(c)][1] for c in children), default=0)
            if size > max_nodes:
                raise YamlError(
                    f"Das Dokument ist mit allen Aliasen zu groß (mehr als {max_nodes} Knoten).",
                    node.start_mark.line + 1,
                    "document-too-large",
                )
            if depth > max_depth:
                raise YamlError(
                    f"Das Dokument ist zu tief verschachtelt (mehr als {max_depth} Ebenen).", node.start_mark.line + 1, "document-too-deep"
                )
            done[key] = (size, depth)
            continue
        if key in done:
            continue
        if key in active:
            raise YamlError(
                "Das Dokument enthält sich selbst (ein Alias verweist auf seinen eigenen Anker).",
                node.start_mark.line + 1,
                "document-too-large",
            )
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in done)


def _tree_within(root: yaml.Node, max_nodes: int, max_depth: int) -> bool:
    """True for a document without aliases that is within the limits: one cheap pass, a level at a time.

    Without aliases every node is reached once, so the expanded size is the number of nodes and
    the depth the number of levels. A node reached twice (an alias), or a limit passed, is left to
    the full pass of :func:`check_node_limits`, which also words the problem.
    """
    seen: set[int] = set()
    count = 0
    level: list[yaml.Node] = [root]
    for _ in range(max_depth):
        count += len(level)
        seen.update(map(id, level))
        if len(seen) != count or count > max_nodes:
            return False
        below: list[yaml.Node] = []
        for node in level:
            if isinstance(node, yaml.SequenceNode):
                below.extend(node.value)
            elif isinstance(node, yaml.MappingNode):
                for pair in node.value:
                    below.extend(pair)
        if not below:
            return True
        level = below
    return False  # deeper than max_depth


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


class YamlDocument:
    """A parsed YAML document and its node tree (for line numbers).

    A document read by :func:`_load_from_events` has no node tree yet: it is composed from the
    text on first use (only a problem placed by pointer needs it).
    """

    def __init__(self, data: Any, node: yaml.Node | None = None, *, text: str | None = None, plain: bool = False) -> None:
        self.data = data
        self._node = node
        self._text = text  # the document's text while its node tree is not composed
        self.plain = plain  # known to be plain JSON (hub/validate/fastpath.py's plain_json) without looking again

    @property
    def node(self) -> yaml.Node | None:
        if self._text is not None:
            loader = _Loader(self._text)
            try:
                self._node = loader.get_single_node()
            finally:
                loader.dispose()
            self._text = None
        return self._node

    def line_of(self, parts: list[str | int]) -> int | None:
        """1-based line of the deepest node on ``parts`` that exists."""
        node = self.node
        line = node.start_mark.line + 1 if node is not None else None
        for part in parts:
            child = None
            if isinstance(node, yaml.MappingNode):
                child = next((v for k, v in node.value if k.value == str(part)), None)
                if child is None:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                child = node.value[part]
            else:
                break
            node = child
            line = node.start_mark.line + 1
        return line


# the values of short plain scalars already constructed (a pure function of the text, each one
# immutable: str, int, float, bool or None), bounded as the tags above are
_PLAIN_VALUES: dict[str, Any] = {}
_MISSING = object()


def _plain_value(loader: _Loader, text: str) -> Any:
    """What PyYAML constructs for the plain scalar ``text``; :class:`_Unusual` for a tag other than str, int, float, bool, null."""
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        value: Any = text
    elif tag in _SCALARS:
        value = _SCALARS[tag](loader, yaml.ScalarNode(tag, text))  # a non-finite float raises, as in PyYAML
        if type(value) is int and not -MAX_EXACT_INTEGER <= value <= MAX_EXACT_INTEGER:
            raise _Unusual  # so that a document read here is plain JSON (see _load_from_events)
    else:
        raise _Unusual  # merge key "<<", value key "="
    if len(text) <= MAX_REMEMBERED_TEXT and len(_PLAIN_VALUES) < MAX_REMEMBERED_TAGS:
        _PLAIN_VALUES[text] = value
    return value


def _load_from_events(text: str) -> tuple[Any, bool]:
    """The value of a document of plain maps, lists and scalars, built from libyaml's events: no node tree.

    PyYAML's C composer makes a node with two marks per value and calls ``resolve`` from C for
    each, which costs more than the parse itself; nearly every package document needs none of it.
    Whatever this does not build exactly as PyYAML's composer and SafeConstructor would (anchors,
    aliases, explicit tags, merge and value keys, a map or list as key, a second document, a size or
    depth near the limits, a syntax error) raises :class:`_Unusual` or PyYAML's error, and
    :func:`load_yaml` reads the text again the full way, which words problems and checks limits.
    Without aliases a document's expanded size is its number of nodes and its depth its nesting.

    Also says whether the value is plain JSON as hub/validate/fastpath.py's ``plain_json`` asks it:
    it is when every key is a string, since a value read here has finite floats (others raise), no
    integer past 2**53 (sent the full way) and no lone surrogate (the text is decoded UTF-8, and
    libyaml refuses a surrogate escape).
    """
    loader = _Loader(text)
    try:
        get = loader.get_event
        get()  # the stream's start
        if type(get()) is StreamEndEvent:
            return None, True  # no document at all (empty, or comments only)
        stack: list[tuple[Any, Any]] = []  # the open containers above the current one, each with its pending key
        container: Any = None  # the innermost open list or dict
        key: Any = _MISSING  # in an open dict: the key read, whose value comes next
        root: Any = None
        count = 0
        values = _PLAIN_VALUES
        string_keys = True
        while True:
            event = get()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    raise _Unusual
                value = event.value
                if event.implicit[0]:  # plain: its tag by PyYAML's resolver, its value by its constructor
                    known = values.get(value, _MISSING)
                    value = _plain_value(loader, value) if known is _MISSING else known
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH - 2:
                    raise _Unusual
                value = {} if kind is MappingStartEvent else []
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                if not stack:
                    break
                container, key = stack.pop()
                continue
            else:
                raise _Unusual  # an alias
            count += 1
            if count > MAX_NODES:
                raise _Unusual  # past the size limit: the full way refuses it (and this stops building at the limit)
            if container is None:
                root = value
                if kind is ScalarEvent:
                    break
            elif type(container) is dict:
                if key is _MISSING:
                    if kind is not ScalarEvent:
                        raise _Unusual  # a map or a list as key
                    key = value
                    if type(value) is not str:
                        string_keys = False
                    continue
                container[key] = value
                key = _MISSING
            else:
                container.append(value)
            if kind is not ScalarEvent:
                if container is not None:
                    stack.append((container, key))
                container, key = value, _MISSING
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _Unusual  # a second document (an error PyYAML words)
        return root, string_keys
    finally:
        loader.dispose()


def load_yaml(data: bytes) -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlError` with a German message and line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"Die Datei ist nicht UTF-8-kodiert (Byte {exc.start}).", None) from None
    try:
        value, plain = _load_from_events(text)
        return YamlDocument(value, text=text, plain=plain)
    except (_Unusual, yaml.YAMLError):
        pass  # read again the full way: the node tree, the limits, PyYAML's constructor and its words for errors
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        check_node_limits(node)
        value = None
        if node is not None:
            try:
                value = _construct(loader, node)
            except _Unusual:
                value = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise YamlError(*yaml_message(exc)) from None
    finally:
        loader.dispose()
    return YamlDocument(value, node)
