"""German text analysis and matching: ONE definition for the API and the static site.

Everything here is implemented twice, line for line: in Python (this module, used by the
API's index, :mod:`hub.index.index`) and in JavaScript (``site/assets/search.js``, the static
site's search). Both get the same hits in the same order for the same query; a test runs a
corpus of German queries through both. Change one, change the other.

Analysis of indexed text and of queries (:func:`analyze`):

1. lower case (``str.lower`` / ``toLowerCase``), canonical decomposition (NFD), combining
   accents U+0300–U+036F removed, ``ß`` → ``ss`` (so ``ä`` → ``a``, ``é`` → ``e``);
2. words: runs of ``[0-9a-z]``, Latin-1/Latin Extended letters, Greek and Cyrillic (``WORD``);
3. umlauts typed as two letters: ``ae``/``oe``/``ue`` → ``a``/``o``/``u`` unless the letter
   before is a vowel or ``q`` (``Buerger`` → ``burger``, but ``Steuer``, ``Bauer``, ``Quelle`` stay);
4. German and English function words dropped (a query of only such words keeps them);
5. stemming: CISTEM (Weissweiler & Fraser 2017, case-insensitive, without its ``ge-`` rule, with
   Snowball's ``-nis``/``-nisse`` rule so „Zeugnisse“ finds „Zeugnis“), small enough to implement identically in both languages: ``Anmeldungen``/``Anmeldung`` →
   ``anmeldung``, ``Anträge``/``Antrag`` → ``antrag``, ``Steuern``/``Steuer`` → ``steu``.

Matching (:func:`match_quality`): a query term ``t`` matches an indexed term ``v`` as

- **exact** (``v == t``), quality 4;
- **prefix** (``v`` starts with ``t``, ``t`` of 2+ letters), quality 3: the head of a compound,
  „Gewerbe“ finds „Gewerbeanmeldung“;
- **part** (``t`` of 4+ letters occurs in ``v`` after its first 3 letters), quality 2: a later part
  of a compound, „Anmeldung“ and „anmelden“ find „Gewerbeanmeldung“, „Steuer“ finds „Hundesteuer“;
- **typo** (only for query words of 5+ letters without digits), quality 1: ``v`` (or a prefix of
  ``v`` as long as ``t`` ± 1) is one wrong, missing, extra or swapped letter away from ``t``:
  „Hundsteuer“ finds „Hundesteuer“, „Gewerbeanmledung“ finds „Gewerbeanmeldung“.

Scoring (:func:`rank_key`): a package matches when every query term matches one of its terms. A
term's points are the best ``field weight × quality`` over its matches (name 10, keywords 6,
summary 3, classification/publisher/ids 2, description and artefacts 1), counting typo matches
only when nothing else matched; the package's points are the sum. Order: fewer typo-only terms
first (so typo hits come after every exact hit), then more points, then the tie order (maturity
highest first, unknown last, newest first, id), the API's ``maturity`` sort.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 1000
MAX_QUERY_TERMS = 16

FIELDS = ("name", "keywords", "summary", "extra", "body")
WEIGHTS = {"name": 10, "keywords": 6, "summary": 3, "extra": 2, "body": 1}
# bit of each field in a posting's field mask
FIELD_BITS = {field: 1 << i for i, field in enumerate(FIELDS)}
EXACT, PREFIX, PART, TYPO = 4, 3, 2, 1
TYPO_MIN_WORD = 5  # letters a query word needs before one typo is tolerated
PREFIX_MIN = 2
PART_MIN = 4
PART_MIN_HEAD = 3
TYPO_KEY = 1_000_000  # rank key: typo-only terms weigh more than any sum of points

_MARKS = re.compile("[\u0300-\u036f]")
WORD = "[0-9a-z\u00df-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff]+"
_WORD = re.compile(WORD)
UMLAUT_SPELLING = "(?<![aeiouyq])([aou])e"
_UMLAUT_SPELLING = re.compile(UMLAUT_SPELLING)
_DIGIT = re.compile("[0-9]")
_DOUBLE = re.compile(r"(.)\1")
_DOUBLED = re.compile(r"(.)\*")


def _fold_word(word: str) -> str:
    return _UMLAUT_SPELLING.sub(r"\1", word)


STOPWORDS = frozenset(
    _fold_word(w)
    for w in _WORD.findall(
        _MARKS.sub(
            "",
            unicodedata.normalize(
                "NFD",
                """
            aber als am an auch auf aus bei beim bin bis bist da dadurch daher damit dann das dass dein deine dem den der des
            dessen deshalb die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es
            euer eure für gegen hat hatte hatten hier hin hinter ich ihr ihre im in ist ja jede jedem jeden jeder jedes
            kann kein keine mit muss nach nicht noch nun nur ob oder ohne sehr sein seine sich sie sind so soll sollen
            sowie über um und uns unser unter vom von vor war waren was weil welche welcher wenn wer wie wir wird wo
            zu zum zur zwischen
            a an and are as at be by for from in into is it of on or that the this to with
            """,
            ),
        )
    )
)


def fold(text: str) -> str:
    """Lower case without accents, ``ß`` → ``ss`` (step 1 of the analysis); also the name sort key."""
    return _MARKS.sub("", unicodedata.normalize("NFD", text.lower())).replace("ß", "ss")


def words(text: str) -> list[str]:
    """The folded words of ``text`` (steps 1–3)."""
    return [_fold_word(w) for w in _WORD.findall(fold(text))]


def stem(word: str) -> str:
    """CISTEM without the ``ge-`` rule: strip ``em``/``er``/``nd`` (long words) and ``e``/``s``/``n``."""
    if len(word) < 4 or _DIGIT.search(word):
        return word
    w = word.replace("sch", "$").replace("ei", "%").replace("ie", "&")
    w = _DOUBLE.sub(r"\1*", w)
    while len(w) > 3:
        if w.endswith("nis"):  # „Zeugnis“ keeps its s, as „Zeugnisse“ keeps „zeugnis“ below
            break
        if len(w) > 5 and w[-2:] in ("em", "er", "nd"):
            w = w[:-2]
        elif w[-1] in "esn":
            w = w[:-1]
        else:
            break
    w = _DOUBLED.sub(r"\1\1", w)
    if w.endswith("niss"):
        w = w[:-1]
    return w.replace("&", "ie").replace("%", "ei").replace("$", "sch")


def analyze(text: str) -> list[str]:
    """The index terms of ``text`` in order (function words dropped)."""
    return [t for w in _WORD.findall(fold(text)) if (t := _term(w))]


@lru_cache(maxsize=1 << 16)
def _term(word: str) -> str:
    """The index term of one folded word, "" for a function word: steps 3 to 5. Words repeat across a catalogue's
    texts, so an index build analyses each once (a bounded cache: 65,536 words)."""
    w = _fold_word(word)
    return "" if w in STOPWORDS else stem(w)


def query_terms(query: str) -> list[tuple[str, bool]]:
    """The distinct terms of a query, each with whether a typo is tolerated; function words only
    when there is nothing else."""
    found = words(query[:MAX_QUERY_CHARS])
    kept = [w for w in found if w not in STOPWORDS] or found
    terms: dict[str, bool] = {}
    for w in kept:
        t = stem(w)
        typo = len(w) >= TYPO_MIN_WORD and not _DIGIT.search(w)
        terms[t] = terms.get(t, False) or typo
    return list(terms.items())[:MAX_QUERY_TERMS]


def one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter wrong, missing, extra, or two neighbours swapped."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a == b:
        return False
    i = 0
    while i < la and i < lb and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la < lb:
        return a[i:] == b[i + 1 :]
    return a[i + 1 :] == b[i:]


def match_quality(t: str, v: str, typo: bool) -> int:
    """How the query term ``t`` matches the indexed term ``v``: EXACT, PREFIX, PART, TYPO or 0."""
    if v == t:
        return EXACT
    n = len(t)
    if n < PREFIX_MIN:
        return 0
    if v.startswith(t):
        return PREFIX
    if n >= PART_MIN and v.find(t, PART_MIN_HEAD) != -1:
        return PART
    if typo and n >= 4:
        if one_edit(t, v):
            return TYPO
        if n >= TYPO_MIN_WORD and len(v) > n and (one_edit(t, v[:n]) or one_edit(t, v[: n + 1]) or one_edit(t, v[: n - 1])):
            return TYPO
    return 0


def mask_points() -> list[int]:
    """The weight of the best field in each field mask (index: the mask)."""
    return [max((WEIGHTS[f] for f, bit in FIELD_BITS.items() if mask & bit), default=0) for mask in range(1 << len(FIELDS))]


MASK_POINTS = mask_points()


def rank_key(typos: int, points: int) -> int:
    """Smaller is better: typo-only terms first, then points."""
    return typos * TYPO_KEY - points
