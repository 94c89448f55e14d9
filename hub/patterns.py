"""Regular expressions from schemas, run on RE2: linear time in the input, whoever wrote the pattern.

JSON Schema patterns are ECMA-262 expressions applied with search semantics. Python's ``re``
backtracks (a package's ``(a+)+$`` freezes a process), lets ``$`` match before a trailing line
break and lets ``\\d`` match any Unicode digit. RE2 has none of these: ``$`` is the end of the
text, ``\\d`` is ``[0-9]``, and matching is linear. What RE2 cannot express (backreferences,
lookaround) is refused rather than run on a backtracking engine.
"""

from __future__ import annotations

from functools import lru_cache

import re2

MAX_PATTERN_LENGTH = 1000
# RE2 refuses a pattern whose compiled program needs more memory (e.g. "a{1000}{1000}")
MAX_PROGRAM_MEMORY = 8 << 20


class UnsupportedPattern(ValueError):
    """A pattern the hub does not run: too long, invalid, or not expressible in RE2."""


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # a refused package pattern is a problem for its author, not a log line
    options.max_mem = MAX_PROGRAM_MEMORY
    return options


@lru_cache(maxsize=2048)
def compile_pattern(pattern: str):
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsupportedPattern(f"länger als {MAX_PATTERN_LENGTH} Zeichen")
    try:
        return re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise UnsupportedPattern(reason) from None


# google-re2's ``search`` builds a Match with character offsets (a Python loop over the spans) that a
# yes-or-no question does not need; its compiled program answers that directly, on the same UTF-8
# bytes ``search`` would pass it (a lone surrogate raises UnicodeEncodeError in both)
_UNANCHORED = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
_NO_MATCH = getattr(re2, "_NULL_SPAN", None)


def pattern_search(pattern: str, text: str) -> bool:
    compiled = compile_pattern(pattern)
    program = getattr(compiled, "_regexp", None)
    if program is None or _UNANCHORED is None or _NO_MATCH is None:  # another google-re2 layout: its public search
        return compiled.search(text) is not None
    encoded = text.encode("utf-8")
    return program.Match(_UNANCHORED, encoded, 0, len(encoded))[0] != _NO_MATCH
