"""Small text helpers: shortening at a word, README sections, slugs."""

from __future__ import annotations

import re
import unicodedata

_TRAILING = " ,;:-–—/("
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut after a whole word and marked with „…“."""
    text = one_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(_TRAILING) + "…"


def cap(text: str, limit: int) -> str:
    """Multi-line ``text`` cut to at most ``limit`` characters at a paragraph, line or word end."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for sep in ("\n\n", "\n", " "):
        head = cut.rsplit(sep, 1)[0]
        if len(head) > limit // 2:
            cut = head
            break
    return cut.rstrip(_TRAILING + "\n") + "…"


def markdown_sections(markdown: str) -> dict[str, str]:
    """Second-level sections of a README (``## Problem`` …) by their lower-cased heading."""
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in markdown.splitlines():
        match = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
        if match:
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current, lines = match.group(1).strip().lower(), []
        elif re.match(r"^#\s", line):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current, lines = None, []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections


def slugify(text: str, limit: int = 60) -> str:
    """A hub identifier (lowercase letters, digits, hyphens) from a name: „Stadt Gütersloh“ → ``stadt-guetersloh``."""
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS)).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:limit].rstrip("-")
