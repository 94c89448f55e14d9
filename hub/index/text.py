"""German-aware text analysis, applied identically to indexed text and to queries.

One pipeline, in Python, in front of SQLite's FTS5 (whose own tokenizer then only
splits on the spaces we leave):

1. NFC, ``casefold`` (``ß`` → ``ss``), split into words of letters and digits;
2. drop German and English function words (a query of only such words keeps them);
3. the Snowball "german" stemmer (PyStemmer), so „Anmeldungen“ and „Anmeldung“ both become
   ``anmeld``. The stemmer also reads ``ue``/``oe``/``ae`` as umlauts, so „Buergerbuero“,
   „Bürgerbüro“ and „Burgerburo“ all become ``burgerburo``;
4. fold what diacritics remain (``é`` → ``e``).

Compounds: every query term is a *prefix* query on stems („Gewerbe“ → ``gewerb*`` finds
``gewerbeanmeld``), and the words of the short, telling fields (name, keywords, summary,
classification) also give their *tails* to a low-weight ``parts`` column, so that
„Anmeldung“ finds „Gewerbeanmeldung“ as well (``anmeld*`` matches the tail ``anmeld``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

import Stemmer

MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 16
# tails of compounds: the head keeps at least 3 letters (Amt-, Bau-), the tail at least 4
PART_MIN_WORD = 8
PART_MIN_HEAD = 3
PART_MIN_TAIL = 4

_WORD = re.compile(r"[^\W_]+")

STOPWORDS = frozenset(
    """
    aber als am an auch auf aus bei beim bin bis bist da dadurch daher damit dann das dass dein deine dem den der des
    dessen deshalb die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es
    euer eure fur für gegen hat hatte hatten hier hin hinter ich ihr ihre im in ist ja jede jedem jeden jeder jedes
    kann kein keine mit muss nach nicht noch nun nur ob oder ohne sehr sein seine sich sie sind so soll sollen
    sowie uber über um und uns unser unter vom von vor war waren was weil welche welcher wenn wer wie wir wird wo
    zu zum zur zwischen
    a an and are as at be by for from in into is it of on or that the this to with
    """.split()
)

_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe: one per thread
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("german")
    return stemmer


def strip_marks(text: str) -> str:
    """Remove combining marks after decomposition: ``é`` → ``e``, ``ä`` → ``a``."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case- and diacritic-folded text, for sorting and comparing names."""
    return strip_marks(unicodedata.normalize("NFC", text).casefold())


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def analyze(text: str, *, stopwords: bool = True) -> list[str]:
    """The index terms of ``text`` in order: stemmed, folded, function words dropped."""
    found = words(text)
    if stopwords:
        found = [w for w in found if w not in STOPWORDS]
    if not found:
        return []
    return [strip_marks(s) for s in _stemmer().stemWords(found)]


def compound_parts(terms: Iterable[str]) -> list[str]:
    """The tails of long terms: ``gewerbeanmeld`` → ``erbeanmeld`` … ``anmeld``, ``nmeld``, ``meld``."""
    parts: dict[str, None] = {}
    for term in terms:
        if len(term) >= PART_MIN_WORD and not term.isdigit():
            for start in range(PART_MIN_HEAD, len(term) - PART_MIN_TAIL + 1):
                parts[term[start:]] = None
    return list(parts)


def query_terms(query: str) -> list[str]:
    """The distinct terms of a user's query; function words only when there is nothing else."""
    query = query[:MAX_QUERY_CHARS]
    terms = analyze(query) or analyze(query, stopwords=False)
    return list(dict.fromkeys(terms))[:MAX_QUERY_TERMS]


def match_expression(terms: list[str]) -> str | None:
    """An FTS5 MATCH expression that is valid whatever the user typed.

    Terms consist of letters and digits only (see :func:`analyze`) and are quoted, so no
    quote, operator, column filter, ``NEAR`` or ``*`` of the input reaches FTS5's parser.
    All terms must match (AND); each as a prefix, except single characters.
    """
    if not terms:
        return None
    return " AND ".join(_term_expression(t) for t in terms)


def _term_expression(term: str) -> str:
    if len(term) == 1:
        return f'"{term}"'
    if len(term) >= 4 and term[-1] == "s" and term[-2] in "aeiouy":
        # the stemmer keeps the plural -s after a vowel („Büros“, „Kitas“): also look for the word without it
        return f'("{term}"* OR "{term[:-1]}"*)'
    return f'"{term}"*'
