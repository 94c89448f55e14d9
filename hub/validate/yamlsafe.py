"""YAML loading that keeps what people typed: dates stay strings, places stay known.

PyYAML turns ``2019-03-01`` into a ``date``; the schemas expect strings, so the
timestamp resolver is dropped. The composed node tree is kept to turn a JSON
pointer back into a line number for problems.
"""

from __future__ import annotations

from typing import Any

import yaml

from hub.validate.parsererrors import yaml_message

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in _Base.yaml_implicit_resolvers.items()
    }


class YamlError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


class YamlDocument:
    """A parsed YAML document and its node tree (for line numbers)."""

    def __init__(self, data: Any, node: yaml.Node | None) -> None:
        self.data = data
        self.node = node

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


def load_yaml(data: bytes) -> YamlDocument:
    """Parse one YAML document; raise :class:`YamlError` with a German message and line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"Die Datei ist nicht UTF-8-kodiert (Byte {exc.start}).", None) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise YamlError(*yaml_message(exc)) from None
    finally:
        loader.dispose()
    return YamlDocument(value, node)
