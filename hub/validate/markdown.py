"""Markdown files: relative links must resolve to files inside the package."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination
from markdown_it.token import Token

from hub.model import Problem
from hub.validate.paths import resolve_link


@cache
def _parser() -> MarkdownIt:
    # blocks only: the inline parse runs below, on the blocks that can hold a link at all
    return MarkdownIt("commonmark", {"html": False}).disable(["inline", "text_join"])


def links(text: str) -> Iterator[tuple[str, int | None]]:
    """Every link and image target in ``text`` with the line of its block.

    The answer is markdown-it-py's (tests/test_validate_equivalence.py compares it with the full
    parse), for less work, in three steps:

    - a text without "<", "](" or "]:" has no autolink, inline link or reference definition and is
      not parsed at all (most changelogs);
    - the block parse runs only on the parts of the text that can hold a link (:func:`_chunks`);
    - a block's inline content is read by :func:`_simple_links` when every "[" in it opens a plain
      inline link, by markdown-it-py's inline parser (with the same references) otherwise. Parsing
      inline content was most of the cost (and 20-30 µs per character on runs of "[" or "![").
    """
    if "<" not in text and "](" not in text and "]:" not in text:
        return  # no autolink, inline link or reference definition anywhere: no parse needed
    md = _parser()
    env: dict[str, Any] = {}
    blocks: list[tuple[str, int | None]] = []
    for first_line, chunk in _chunks(text):
        for token in md.parse(chunk, env):  # every block parse first: references may be defined after their use
            if token.type == "inline":
                blocks.append((token.content, first_line + token.map[0] + 1 if token.map else None))
    for content, line in blocks:
        references = bool(env.get("references"))
        if "<" not in content and "](" not in content and not ("[" in content and references):
            continue
        found = None if references else _simple_links(content)
        if found is None:
            children: list[Token] = []
            md.inline.parse(content, md, env, children)
            found = [
                str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
                for child in children
                if child.type in ("link_open", "image")
            ]
        for target in found:
            yield target, line


# markdown-it-py's own normalisation (rules_core/normalize.py): the parts are cut from the text it parses
_NEWLINES = re.compile(r"\r\n?")
# a blank line (spaces and tabs only, as markdown-it-py's StateBlock counts them) before a line that
# starts in its first column: every block open there ends at it (see _chunks)
_PART_BREAK = re.compile(r"^[ \t]*\n(?=[^ \t\n])", re.MULTILINE)


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """(index of first line, part) for the parts of ``text`` that can hold a link or a reference definition.

    A part starts at a line that starts in its first column after a blank line. There, in
    CommonMark, every block that was open has ended: a paragraph, a reference definition, a
    blockquote end at a blank line; a list item and an indented code block at a non-blank line
    indented less than their content. A fenced code block alone runs on across blank lines to its
    closing fence, so a text with a fence ("```" or "~~~" anywhere) is parsed whole. Parsed apart,
    the parts give the same blocks with the same inline content (a list split there becomes two
    lists with the same items). References are shared through the environment of the parse, and a
    part without "[" or "<" holds neither a link nor a definition: it is not parsed.
    """
    text = _NEWLINES.sub("\n", text).replace("\0", "\ufffd")
    if "```" in text or "~~~" in text:
        yield 0, text
        return
    starts = [0, *(found.end() for found in _PART_BREAK.finditer(text)), len(text)]
    line = 0
    for start, end in itertools.pairwise(starts):
        part = text[start:end]
        if "[" in part or "<" in part:
            yield line, part
        line += part.count("\n")


_OPENER = re.compile(r"[`\[]")
_BACKTICKS = re.compile(r"`+")
# "[label](": a label that ends at the first "]" (nothing in it that a code span, an escape or an
# autolink could run past, no nested bracket), directly followed by "("
_PLAIN_LABEL = re.compile(r"\[[^\[\]\\`<]*\]\(")
# a destination that markdown-it-py's parseLinkDestination reads up to the ")" right after it and that
# normalizeLink gives back unchanged (characters mdurl neither encodes nor splits differently, a
# lower-case host) and validateLink accepts (no scheme but http and https): most links in READMEs;
# reading them here skips the two calls that were most of a package's link check
# (tests/test_validate_equivalence.py compares the answers)
_PLAIN_DESTINATION = re.compile(r"(?!//)(?=[^)])(?:https?://[a-z0-9.-]+(?=[/#)]))?[A-Za-z0-9._~/#-]*(?=\))")


def _simple_links(content: str) -> list[str] | None:
    """The link and image targets of inline ``content`` as markdown-it-py finds them, or None when it has to look.

    Answers only for content without "\\" and "<" (no escape, no autolink) in which every "[",
    outside code spans, opens a plain label directly followed by a destination that markdown-it-py's
    own ``parseLinkDestination`` reads up to a ")" (no title, no space) and that ``validateLink``
    accepts: then each is an inline link (or image, after "!") with exactly that target. Code spans
    are skipped by CommonMark's rule (a run of n backticks up to the next run of exactly n, else
    literal), as markdown-it-py's backtick rule does. Anything else (references, titles, nested
    brackets, a "[" that opens no link) gives None.
    """
    if "\\" in content or "<" in content:
        return None
    md = _parser()
    found: list[str] = []
    pos = 0
    while (hit := _OPENER.search(content, pos)) is not None:
        at = hit.start()
        if content[at] == "`":
            run = _BACKTICKS.match(content, at)
            assert run is not None
            pos = _code_span_end(content, run.end(), run.end() - at)
            continue
        label = _PLAIN_LABEL.match(content, at)
        if label is None:
            return None
        if plain := _PLAIN_DESTINATION.match(content, label.end()):
            found.append(plain.group())
            pos = plain.end() + 1
            continue
        destination = parseLinkDestination(content, label.end(), len(content))
        if not destination.ok or content[destination.pos : destination.pos + 1] != ")":
            return None
        target = md.normalizeLink(destination.str)
        if not md.validateLink(target):
            return None
        found.append(target)  # a link, or an image when "!" comes before: the same target either way
        pos = destination.pos + 1
    return found


def _code_span_end(content: str, after: int, length: int) -> int:
    """Where the code span opened by ``length`` backticks ending at ``after`` ends; ``after`` when none closes it."""
    for closer in _BACKTICKS.finditer(content, after):
        if closer.end() - closer.start() == length:
            return closer.end()
    return after


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
