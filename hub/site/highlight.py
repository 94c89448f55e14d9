"""Highlighted configurations and patches with a span only where colour helps reading.

Pygments' ``HtmlFormatter`` wraps every token in a span: each colon, each run of blanks, each
plain value. For a configuration that is four to five times the file's bytes, on every package
page. This formatter colours keys, comments, quoted strings, numbers, constants and the lines of a
patch (the classes of ``assets/pygments.css``) and writes everything else as plain escaped text.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from pygments.formatter import Formatter
from pygments.token import STANDARD_TYPES, Comment, Generic, Keyword, Name, Number, String, _TokenType

KEPT = (Name.Tag, Comment, String, Number, Keyword.Constant, Generic)


def _css_class(ttype: _TokenType) -> str:
    """Pygments' class of a token type: its own short name, else its parent's with the rest of the type appended."""
    suffix = ""
    current: _TokenType | None = ttype
    while current is not None and current not in STANDARD_TYPES:
        suffix = "-" + current[-1] + suffix
        current = current.parent
    return STANDARD_TYPES[current] + suffix if current is not None else ""


def _kept(ttype: _TokenType) -> bool:
    return any(ttype[: len(kept)] == kept for kept in KEPT)  # the type or a subtype of one of them


_CLASSES: dict[_TokenType, str | None] = {}  # token type -> its class, or None when it is written plain (a few dozen types)


def _class_of(ttype: _TokenType) -> str | None:
    if ttype not in _CLASSES:
        _CLASSES[ttype] = _css_class(ttype) if _kept(ttype) else None
    return _CLASSES[ttype]


class LeanHtmlFormatter(Formatter):
    name = "Lean HTML"

    def format(self, tokensource: Iterable[tuple[_TokenType, str]], outfile: Any) -> None:
        # a run of tokens of one class is escaped and written at once (a token's class is looked up once per type)
        outfile.write('<div class="highlight"><pre><span></span>')
        run_class: str | None = None
        run: list[str] = []
        for ttype, value in tokensource:
            css = _class_of(ttype)
            if css != run_class and run:
                text = escape("".join(run), quote=False)
                outfile.write(f'<span class="{run_class}">{text}</span>' if run_class else text)
                run = []
            run_class = css
            run.append(value)
        if run:
            text = escape("".join(run), quote=False)
            outfile.write(f'<span class="{run_class}">{text}</span>' if run_class else text)
        outfile.write("</pre></div>\n")
