"""Markdown to HTML with markdown-it-py; raw HTML in the source is escaped, never passed through."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    # commonmark with html off: "<script>" in a README becomes text. Tables and
    # strikethrough are what package READMEs use; links keep markdown-it's URL check,
    # which refuses javascript:, vbscript: and data: (except images).
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> str:
    return _renderer().render(text)
