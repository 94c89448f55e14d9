"""Markdown to HTML with markdown-it-py; raw HTML in the source is escaped, never passed through."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@cache
def _renderer() -> MarkdownIt:
    # commonmark with html off: "<script>" in a README becomes text. Tables and
    # strikethrough are what package READMEs use; links keep markdown-it's URL check,
    # which refuses javascript:, vbscript: and data: (except images). Imported here: a server's start does not load it.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])


def render_markdown(text: str, *, link: Callable[[str], str | None] | None = None) -> str:
    """HTML for ``text``; ``link`` may rewrite each link or image target (None keeps it)."""
    md = _renderer()
    tokens = md.parse(text)
    if link is not None:
        for token in tokens:
            for child in token.children or []:
                attr = "href" if child.type == "link_open" else "src" if child.type == "image" else None
                target = child.attrs.get(attr) if attr else None
                if attr and isinstance(target, str):
                    new = link(target)
                    if new is not None:
                        child.attrs[attr] = new
    return md.renderer.render(tokens, md.options, {})
