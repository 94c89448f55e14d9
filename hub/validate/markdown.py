"""Markdown files: relative links must resolve to files inside the package."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hub.model import Problem
from hub.validate.paths import resolve_link


@cache
def _parser() -> MarkdownIt:
    # blocks only: the inline parse runs below, on the blocks that can hold a link at all
    return MarkdownIt("commonmark", {"html": False}).disable(["inline", "text_join"])


def links(text: str) -> Iterator[tuple[str, int | None]]:
    """Every link and image target in ``text`` with the line of its block.

    Parsing a block's inline content is most of the cost (and 20-30 µs per character on runs of
    "[" or "!["), so it is skipped for blocks that cannot hold a link: an inline link or image needs
    "](", a reference link a "[" and a reference definition ("[label]:") somewhere in the text, an
    autolink a "<" (raw HTML is off); a text with none of them is not parsed at all. The blocks
    that are parsed are parsed exactly as markdown-it-py's own inline rule does, with the same
    references.
    """
    if "<" not in text and "](" not in text and "]:" not in text:
        return  # no autolink, inline link or reference definition anywhere: no parse needed (most changelogs)
    md = _parser()
    env: dict[str, Any] = {}
    for token in md.parse(text, env):
        if token.type != "inline":
            continue
        content = token.content
        if "<" not in content and "](" not in content and not ("[" in content and env.get("references")):
            continue
        children: list[Token] = []
        md.inline.parse(content, md, env, children)
        line = token.map[0] + 1 if token.map else None
        for child in children:
            if child.type == "link_open":
                yield str(child.attrs.get("href", "")), line
            elif child.type == "image":
                yield str(child.attrs.get("src", "")), line


def check_markdown_links(path: str, data: bytes, files: dict[str, bytes]) -> list[Problem]:
    text = data.decode("utf-8", errors="replace")
    folders = {f.rsplit("/", 1)[0] for f in files if "/" in f}
    problems: list[Problem] = []
    for target, line in links(text):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # external link, mail address or in-page anchor
        resolved = resolve_link(path, unquote(parts.path))
        if resolved is None:
            problems.append(
                Problem(
                    code="markdown-link-outside",
                    file=path,
                    line=line,
                    message=f"Der Link „{target}“ führt aus dem Paket hinaus; Links dürfen nur auf Dateien im Paket zeigen.",
                )
            )
        elif resolved not in files and resolved.rstrip("/") not in folders and resolved != "":
            problems.append(
                Problem(
                    code="markdown-link-broken",
                    file=path,
                    line=line,
                    message=f"Der Link „{target}“ zeigt auf „{resolved}“; diese Datei gibt es im Paket nicht.",
                )
            )
    return problems


# Parsing Markdown costs up to ~25 µs of CPU per character on hostile input (long runs of "![" or "["),
# ten times a normal text's cost, so link checking gets a byte budget per package: about three seconds
# of CPU at worst, milliseconds for real packages (the seed catalogue's largest has 7 KB of Markdown).
MAX_MARKDOWN_BYTES = 256 * 1024


def check_all_markdown_links(
    paths: list[str], files: dict[str, bytes], targets: dict[str, bytes], *, budget: int = MAX_MARKDOWN_BYTES
) -> list[Problem]:
    """Links of every Markdown file in ``paths``, or one problem when together they are past the budget."""
    total = sum(len(files[path]) for path in paths)
    if total > budget:
        largest = max(paths, key=lambda path: len(files[path]))
        return [
            Problem(
                code="markdown-too-large",
                file=largest,
                message=f"Die Markdown-Dateien des Pakets sind zusammen {total // 1024} KB groß; geprüft werden höchstens {budget // 1024} KB. Lange Dokumente bitte als PDF beilegen.",
            )
        ]
    problems: list[Problem] = []
    for path in paths:
        problems.extend(check_markdown_links(path, files[path], targets))
    return problems
