"""Encoded JSON answers about one package, cached per state of that package.

A package's answers (latest version, versions, one version) follow from its folder on
``main`` (``packages/<publisher>/<slug>``) and its tags, which only a publish of that package
changes, and every publish changes the folder (its ``hub.yaml`` names the version). So an
answer keyed by (the folder's tree id at HEAD, route, arguments) stays valid while other
packages are published: a publish costs the cache only the answers about the package it
changed, whose key changes; the old entries age out of the LRU. Reading HEAD and the
folder's tree id per request is one small file read and two lookups in libgit2's object
cache, so a publish by another process (the CLI) is seen on the next request.

Behind the in-memory cache stands the search index, which stores the latest answers of every
package when it takes the package in (``hub.index.answers``), keyed by the same tree id: a
package not asked for yet in this process is one SQLite lookup, not a read of the catalogue.
When the index is behind (a commit it has not synced yet) the tree ids differ and the answer is
read from the catalogue, so a write is seen at once either way.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import msgspec
from anyio.to_thread import run_sync
from litestar import Request
from litestar.response.base import ASGIResponse
from litestar.types import Scope

from hub.index import Index
from hub.store.catalog import BRANCH, Catalog, package_path
from hub.store.trees import commit_at

JSON = b"application/json"
NO_CACHE = (b"cache-control", b"no-cache")
# enough for the answers of every package of a large catalogue (a package's answer is a few KB); HUB_ANSWER_CACHE_MB
MAX_BYTES = 256 * 1024 * 1024


class Answer(ASGIResponse):
    """An encoded answer with its headers as ASGI sends them.

    Litestar's ``ASGIResponse`` builds a header structure per response and encodes it again when it
    sends; for a cached answer that was a good part of the request's cost.
    """

    __slots__ = ("_raw_headers",)

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> None:
        # every attribute ASGIResponse's sending reads, set directly
        self.status_code = status
        self.body = body
        self.content_length = len(body)
        self.background = None
        self.encoding = "utf-8"
        self.is_head_response = False
        self._encoded_cookies = ()
        self._raw_headers = headers

    def encode_headers(self) -> list[tuple[bytes, bytes]]:
        return self._raw_headers


def if_none_match(scope: Scope) -> bytes | None:
    """The request's ``If-None-Match``, read from the raw ASGI headers (ASGI servers send header names in lower case)."""
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return value
    return None


class ResponseCache:
    def __init__(self, catalog: Catalog, index: Index | None = None, max_bytes: int = MAX_BYTES) -> None:
        self.catalog = catalog
        self.index = index
        self.max_bytes = max_bytes
        self.size = 0  # bytes of the bodies held
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._encoder = msgspec.json.Encoder()

    def state(self, package_id: str) -> tuple[str, str]:
        """(HEAD, what the package's answers depend on): the package folder's tree id, or HEAD for a package not on ``main``."""
        repo = self.catalog.repo
        ref = repo.references.get(BRANCH)
        if ref is None:
            return "", "empty"
        head = str(ref.target)
        try:
            return head, str(commit_at(repo, ref.target).tree[package_path(package_id)].id)
        except (KeyError, ValueError):
            return head, head

    def __len__(self) -> int:
        return len(self._entries)

    async def json(self, request: Request, package_id: str, key: Hashable, produce: Callable[[str | None], Any]) -> ASGIResponse:
        """The cached answer ``key`` about ``package_id`` in its current state, else ``produce(head or None)`` (in a thread).

        An :class:`Answer` with its headers ready to send: building a full ``Response`` (or even
        Litestar's ``ASGIResponse`` headers) per request costs more than the rest of a cache hit.
        """
        head, state = self.state(package_id)
        # stable across processes and restarts (Python's hash() of a str is not): the state and the key, hashed
        etag = b'"' + hashlib.sha256(state.encode() + b"\x00" + msgspec.json.encode(key)).hexdigest()[:32].encode() + b'"'
        if if_none_match(request.scope) == etag:
            return Answer(304, [(b"etag", etag)])
        full_key = (state, key)
        with self._lock:
            body = self._entries.get(full_key)
            if body is not None:
                self._entries.move_to_end(full_key)
        if body is None:
            body = self.stored(package_id, state, key)
            if body is None:
                body = self._encoder.encode(await run_sync(produce, head or None))
            with self._lock:
                if full_key not in self._entries and len(body) <= self.max_bytes:
                    self._entries[full_key] = body
                    self.size += len(body)
                while self.size > self.max_bytes and self._entries:
                    self.size -= len(self._entries.popitem(last=False)[1])
        return Answer(200, [(b"content-type", JSON), (b"content-length", b"%d" % len(body)), (b"etag", etag), NO_CACHE], body)

    def stored(self, package_id: str, state: str, key: Hashable) -> bytes | None:
        """The index's stored answer ``key`` about the package when it holds for the folder ``state``; else None.

        On the event loop, not in a thread: an indexed SQLite read costs less than the hop to a thread.
        """
        if self.index is None or not isinstance(key, tuple) or not key:
            return None
        answers = self.index.answers(package_id)
        if answers is None or answers.tree != state:
            return None
        if key == ("package",):
            return answers.package
        if key == ("versions",):
            return answers.versions
        if key == ("version", answers.version) and answers.version_is_package:
            return answers.package
        return None
