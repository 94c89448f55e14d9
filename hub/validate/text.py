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
# what libgit2 trims from both ends of a signature's name and e-mail (its ``is_crud`` in signature.c, the
# controls and angle brackets refused above): a name ending in one would be committed as another name
GIT_TRIMMED = " ,:;\"'\\"


def _describe(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def unsafe_text(data: Any) -> Iterator[tuple[list[str | int], str]]:
    """(path, German sentence) for every string in ``data`` holding a character the hub refuses."""
    if _all_safe(data):
        return  # nearly every record: no path is built (building them was most of a manifest's check)
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
            elif key in SIGNATURE and value != value.strip(GIT_TRIMMED):
                yield (
                    path,
                    (
                        "Der Text beginnt oder endet mit einem Leerzeichen, Komma, Doppelpunkt, Semikolon, Anführungszeichen, Apostroph oder Backslash – "
                        "Git entfernt diese Zeichen am Anfang und Ende eines Autorennamens; bitte weglassen."
                    ),
                )


def _all_safe(data: Any) -> bool:
    """True when :func:`unsafe_text` finds nothing in ``data``: the same checks, one search per kind of field.

    :func:`unsafe_character` looks at single characters, so the strings of one kind joined by a
    space (which no kind refuses) hold a refused character exactly when one of them does. A blank
    signature field answers False here and gets its sentence from the full walk.
    """
    multiline: list[str] = []
    one_line: list[str] = []  # field names too
    signature: list[str] = []
    stack: list[tuple[Any, str | None]] = [(data, None)]
    while stack:
        value, key = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str):
                    one_line.append(k)
                    stack.append((v, k))
                else:
                    stack.append((v, None))
        elif isinstance(value, list):
            stack.extend((v, key) for v in value)
        elif isinstance(value, str):
            if key in SIGNATURE:
                if not value.strip() or value != value.strip(GIT_TRIMMED):
                    return False
                signature.append(value)
            elif key in ONE_LINE:
                one_line.append(value)
            else:
                multiline.append(value)
    return (
        _safe(" ".join(multiline), one_line=False, signature=False)
        and _safe(" ".join(one_line), one_line=True, signature=False)
        and _safe(" ".join(signature), one_line=True, signature=True)
    )


def _safe(text: str, *, one_line: bool, signature: bool) -> bool:
    """``unsafe_character(text, ...) is None``, answered by ``str.isprintable`` where it can.

    Every character :func:`unsafe_character` refuses is a control, surrogate, non-character,
    format character or separator other than the space, none of which ``isprintable`` accepts
    (tests/test_validate_fastpath.py checks all code points); tab and line breaks, allowed in
    text of many lines, are made spaces first. The character class search is the slow one
    (about 100 ns per character), so it runs only where ``isprintable`` says no.
    """
    printable = text if one_line else text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    if printable.isprintable() and not (signature and ("<" in text or ">" in text)):
        return True
    return unsafe_character(text, one_line=one_line, signature=signature) is None


def text_problems(data: Any, add: Callable[[str, list[str | int], str], None], code: str = "text-unsafe-character") -> None:
    for path, message in unsafe_text(data):
        add(code, path, message)
