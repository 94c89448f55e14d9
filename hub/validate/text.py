"""Text in records (manifests, publisher records): only characters every consumer accepts.

Catalogue text ends up in git signatures, XML (Atom, DCAT, BPMN diagrams), feeds, HTML and
terminals. :func:`hub.model.unsafe_character` is the one definition of what they all accept;
this walks a parsed record and turns each offending string into a problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from hub.model import unsafe_character

# fields shown on one line (lists, titles, feed titles, git signatures); any other string may have lines
ONE_LINE = frozenset(
    {"id", "name", "email", "title", "version", "license", "url", "phone", "role", "path", "schema", "themenfeld", "keywords"}
)
# fields that become a git signature's name or e-mail (the publishing organisation, its first contact)
SIGNATURE = frozenset({"name", "email"})


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def unsafe_text(data: Any) -> Iterator[tuple[list[str | int], str]]:
    """(path, German sentence) for every string in ``data`` holding a character the hub refuses."""
    stack: list[tuple[list[str | int], Any, str | None]] = [([], data, None)]
    while stack:
        path, value, key = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str) and (bad := unsafe_character(k, one_line=True)) is not None:
                    yield [*path, k], f"Der Feldname enthält das unzulässige Zeichen {_describe(bad)}."
                stack.append(([*path, k], v, k if isinstance(k, str) else None))
        elif isinstance(value, list):
            stack.extend(([*path, i], v, key) for i, v in enumerate(value))
        elif isinstance(value, str):
            one_line = key in ONE_LINE
            bad = unsafe_character(value, one_line=one_line, signature=key in SIGNATURE)
            if bad is not None:
                what = "spitze Klammern" if bad in "<>" else f"das Steuer- oder Sonderzeichen {_describe(bad)}"
                yield path, f"Der Text enthält {what}; das ist hier nicht erlaubt (Git, XML, Feeds und Terminals verweigern es)."
            elif key in SIGNATURE and not value.strip():
                yield path, "Der Text besteht nur aus Leerzeichen."


def text_problems(data: Any, add: Callable[[str, list[str | int], str], None], code: str = "text-unsafe-character") -> None:
    for path, message in unsafe_text(data):
        add(code, path, message)
