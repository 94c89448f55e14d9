"""Text metrics and line wrapping for labels drawn without a browser to measure them.

Widths are Arial's (metric-compatible with Liberation Sans), a little widened so that labels still
fit where a broader sans-serif is the fallback. Over-long words are split with a German syllable
heuristic and a drawn hyphen.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LINE_HEIGHT = 1.2  # in em: the distance between the baselines of two lines

# Advance widths of Helvetica/Arial (metric-compatible: Liberation Sans) in 1/1000 em.
_WIDTHS: dict[str, int] = {
    " ": 278,
    "!": 278,
    '"': 355,
    "#": 556,
    "$": 556,
    "%": 889,
    "&": 667,
    "'": 191,
    "(": 333,
    ")": 333,
    "*": 389,
    "+": 584,
    ",": 278,
    "-": 333,
    ".": 278,
    "/": 278,
    ":": 278,
    ";": 278,
    "<": 584,
    "=": 584,
    ">": 584,
    "?": 556,
    "@": 1015,
    "[": 278,
    "\\": 278,
    "]": 278,
    "^": 469,
    "_": 556,
    "`": 333,
    "{": 334,
    "|": 260,
    "}": 334,
    "~": 584,
    "A": 667,
    "B": 667,
    "C": 722,
    "D": 722,
    "E": 667,
    "F": 611,
    "G": 778,
    "H": 722,
    "I": 278,
    "J": 500,
    "K": 667,
    "L": 556,
    "M": 833,
    "N": 722,
    "O": 778,
    "P": 667,
    "Q": 778,
    "R": 722,
    "S": 667,
    "T": 611,
    "U": 722,
    "V": 667,
    "W": 944,
    "X": 667,
    "Y": 667,
    "Z": 611,
    "a": 556,
    "b": 556,
    "c": 500,
    "d": 556,
    "e": 556,
    "f": 278,
    "g": 556,
    "h": 556,
    "i": 222,
    "j": 222,
    "k": 500,
    "l": 222,
    "m": 833,
    "n": 556,
    "o": 556,
    "p": 556,
    "q": 556,
    "r": 333,
    "s": 500,
    "t": 278,
    "u": 556,
    "v": 500,
    "w": 722,
    "x": 500,
    "y": 500,
    "z": 500,
    "ß": 611,
    "–": 556,
    "—": 1000,
    "„": 333,
    "“": 333,
    "”": 333,
    "‚": 222,
    "‘": 222,
    "’": 222,
    "…": 1000,
    "€": 556,
    "§": 556,
    "°": 400,
    "«": 556,
    "»": 556,
    "·": 278,
    "\u00a0": 278,
    "\u2010": 333,
}
_WIDTHS.update({str(d): 556 for d in range(10)})
# A little wider than Arial, so that labels still fit where a broader sans-serif is the fallback.
_WIDTH_SAFETY = 1.06


def _char_width(ch: str) -> int:
    width = _WIDTHS.get(ch)
    if width is not None:
        return width
    base = unicodedata.normalize("NFD", ch)[:1]
    if base in _WIDTHS:
        return _WIDTHS[base]
    if unicodedata.combining(ch):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1000
    return 556


@lru_cache(maxsize=65536)
def text_width(text: str, size: float) -> float:
    """Estimated rendered width of ``text`` in px at ``size`` px (Arial metrics).

    Kept per text: a site build measures the same labels in every package made from one template,
    on its page and in each comparison, and wrapping measures each growing line again.
    """
    return sum(_char_width(ch) for ch in text) * size / 1000 * _WIDTH_SAFETY


HYPHEN = "\u2010"  # ends a line where a word had to be split between two characters


def wrap_text(text: str, max_width: float, size: float) -> list[str]:
    """Greedy word wrap to ``max_width``; explicit line breaks are kept.

    Over-long words are split at hyphens or slashes, else between characters; a line that
    ends inside a word that way ends with ``HYPHEN`` (drawn, but not part of the name).
    """
    return list(_wrapped(text, max_width, size))


@lru_cache(maxsize=16384)
def _wrapped(text: str, max_width: float, size: float) -> tuple[str, ...]:
    """:func:`wrap_text`, kept per label and box (the same labels recur in a build: see :func:`text_width`)."""
    max_width = max(max_width, 2 * size)  # at least a character and the hyphen per line
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
                current = ""
            if text_width(word, size) <= max_width:
                current = word
                continue
            for piece in _split_word(word):  # at hyphens first, then by characters
                if text_width(current + piece, size) <= max_width:
                    current += piece
                    continue
                if current:
                    lines.append(current)
                    current = ""
                rest = piece
                while len(rest) > 1 and text_width(rest, size) > max_width:
                    cut = _cut(rest, max_width, size)
                    lines.append(rest[:cut] + HYPHEN)
                    rest = rest[cut:]
                current = rest
        if current:
            lines.append(current)
    return tuple(lines)


def wrap_label(text: str, max_width: float, size: float, *, widest: float = 160.0) -> list[str]:
    """Wrap an external label; widen it (up to ``widest``) rather than split a long word."""
    lines = wrap_text(text, max_width, size)
    if any(line.endswith(HYPHEN) for line in lines):
        longest = max(text_width(word, size) for word in text.split())
        if longest <= widest:
            lines = wrap_text(text, max(max_width, longest + 1), size)
    return lines


_VOWELS = frozenset("aeiouäöüyAEIOUÄÖÜY")
_NO_BREAK_BEFORE = ("ch", "ck", "ph", "th", "sh")


def _cut(word: str, max_width: float, size: float) -> int:
    """Where to split a word too long for a line: as late as fits, preferably before a syllable.

    German heuristic: a break before a consonant followed by a vowel (``Empfangs|be|schei|ni|gung``),
    or before „sch“ + vowel, never inside „ch“/„ck“/„ph“/„th“. Falls back to any character.
    """
    fit = 1
    while fit < len(word) and text_width(word[: fit + 1] + HYPHEN, size) <= max_width:
        fit += 1
    for i in range(min(fit, len(word) - 3), max(2, fit // 2) - 1, -1):
        if word[i - 1 : i + 1].lower() in _NO_BREAK_BEFORE or word[i - 1] in "-–/" or not word[i - 1].isalpha():
            continue
        head, rest = word[i], word[i + 1 : i + 4]
        if head.isalpha() and head not in _VOWELS and (rest[:1] in _VOWELS or (word[i : i + 3].lower() == "sch" and rest[2:3] in _VOWELS)):
            return i
    return fit


def _split_word(word: str) -> list[str]:
    return [p for p in re.split(r"(?<=[-–/])", word) if p]
