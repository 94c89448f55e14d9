"""Readable, stable URL parts from German names: ``Steuern & Zoll`` → ``steuern-zoll``.

A URL is transliterated, not search-folded: ``ä`` → ``ae``, ``ö`` → ``oe``, ``ü`` → ``ue``,
``ß`` → ``ss`` (as German spells without umlauts), other accents dropped, everything else
between words becomes one hyphen. The search normaliser must not be used here: it folds
``ue`` → ``u`` and so spelled ``Steuern`` as ``steurn``.
"""

from __future__ import annotations

import re
import unicodedata

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """The URL slug of ``text``: lower-case ASCII letters and digits joined by single hyphens."""
    text = unicodedata.normalize("NFC", text).lower().translate(_GERMAN)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_SLUG.sub("-", text).strip("-")
