"""Blank lines and indentation out of the site's HTML, where a browser shows them as one space anyway.

The templates are indented for their readers; in the pages that is a few hundred bytes each, on every
page of every package. HTML collapses a run of white space to one space (``white-space: normal``), so a run
that holds a line break becomes that one line break: the same rendering, and the page still reads line by
line. Inside ``pre``, ``textarea``, ``script`` and ``style`` every character counts, so they are left alone;
the site's CSS keeps white space (``pre-wrap``) only in ``pre``.
"""

from __future__ import annotations

import re

_KEPT = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
_RUN = re.compile(r"[ \t\r\n\f]*\n[ \t\r\n\f]*")


def squeeze(html: str) -> str:
    """``html`` with every run of white space that holds a line break made one line break, outside the elements above."""
    parts = _KEPT.split(html)
    # split gives: text, kept element, its tag name, text, …
    out = []
    for index in range(0, len(parts), 3):
        out.append(_RUN.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)
