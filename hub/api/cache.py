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
from hub.index.answers import StoredAnswerReader
from hub.store.catalog import BRANCH, Catalog, package_path
from hub.store.trees import commit_at

JSON = b"application/json"
NO_CACHE = (b"cache-control", b"no-cache")
# enough for the answers of every package of a large catalogue (a package's answer is a few KB); HUB_ANSWER_CACHE_MB
MAX_BYTES = 256 * 1024 * 1024
# what an answer is about: ("package",), ("versions",) or ("version", <version>)
Key = tuple[str, ...]


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
        self._stored = StoredAnswerReader(index.path) if index is not None else None
        self._trees: tuple[str, dict[str, str]] = ("", {})  # HEAD and the package folders' tree ids at it (see state)

    def state(self, package_id: str) -> tuple[str, str]:
        """(HEAD, what the package's answers depend on): the package folder's tree id, or HEAD for a package not on ``main``.

        HEAD is read at every call (a write by another process is seen at once); the folders' tree ids are kept per
        HEAD. Looking one up walks the ``packages`` tree and a publisher's, which grow with the catalogue and are
        larger than what libgit2 keeps parsed (4 KB a tree by default): at 50,000 packages that walk was half of a
        random read's CPU. Only folders that exist are kept, so the ids in URLs cannot grow the map past the catalogue.
        """
        repo = self.catalog.repo
        ref = repo.references.get(BRANCH)
        if ref is None:
            return "", "empty"
        head = str(ref.target)
        seen_head, trees = self._trees
        if seen_head != head:
            trees = {}
            self._trees = (head, trees)  # one assignment: a thread reading meanwhile has the old pair or the new
        tree = trees.get(package_id)
        if tree is not None:
            return head, tree
        try:
            tree = str(commit_at(repo, ref.target).tree[package_path(package_id)].id)
        except (KeyError, ValueError):
            return head, head
        trees[package_id] = tree
        return head, tree

    def __len__(self) -> int:
        return len(self._entries)

    def at_hand(self, scope: Scope, package_id: str, key: Key) -> tuple[Answer | None, str, str, bytes]:
        """The answer ``key`` about ``package_id`` when it needs no reading of the catalogue (a 304, in memory, or
        stored in the index), else None; with HEAD, the package's state and the answer's ETag. Never waits for a lock."""
        head, state = self.state(package_id)
        # stable across processes and restarts (Python's hash() of a str is not): the state and the key, hashed
        etag = b'"' + hashlib.sha256(state.encode() + b"\x00" + msgspec.json.encode(key)).hexdigest()[:32].encode() + b'"'
        if if_none_match(scope) == etag:
            return Answer(304, [(b"etag", etag)]), head, state, etag
        full_key = (state, key)
        with self._lock:
            body = self._entries.get(full_key)
            if body is not None:
                self._entries.move_to_end(full_key)
        if body is None:
            body = self.stored(package_id, state, key)
            if body is None:
                return None, head, state, etag
            self._remember(full_key, body)
        return ok(body, etag), head, state, etag

    async def json(self, request: Request, package_id: str, key: Key, produce: Callable[[str | None], Any]) -> ASGIResponse:
        """The answer ``key`` about ``package_id`` in its current state: at hand, else ``produce(head or None)`` (in a thread).

        An :class:`Answer` with its headers ready to send: building a full ``Response`` (or even
        Litestar's ``ASGIResponse`` headers) per request costs more than the rest of a cache hit.
        """
        answer, head, state, etag = self.at_hand(request.scope, package_id, key)
        if answer is not None:
            return answer
        body = self._encoder.encode(await run_sync(produce, head or None))
        self._remember((state, key), body)
        return ok(body, etag)

    def _remember(self, full_key: Hashable, body: bytes) -> None:
        with self._lock:
            if full_key not in self._entries and len(body) <= self.max_bytes:
                self._entries[full_key] = body
                self.size += len(body)
            while self.size > self.max_bytes and self._entries:
                self.size -= len(self._entries.popitem(last=False)[1])

    def stored(self, package_id: str, state: str, key: Key) -> bytes | None:
        """The index's stored answer ``key`` about the package when it holds for the folder ``state``; else None.

        On the event loop, not in a thread (an indexed SQLite read costs less than the hop to a thread), so it
        never waits for a lock (``StoredAnswerReader``): while the index is locked the answer is read from the catalogue.
        """
        if self._stored is None:
            return None
        if key == ("package",) or key == ("versions",):
            found = self._stored.lookup(package_id, key[0])
        elif len(key) == 2 and key[0] == "version":
            found = self._stored.lookup(package_id, "version", key[1])
        else:
            return None
        if found is None or found[0] != state:
            return None
        return found[1]


def ok(body: bytes, etag: bytes) -> Answer:
    """The 200 answer ``body`` with its headers, as every package read sends them."""
    return Answer(200, [(b"content-type", JSON), (b"content-length", b"%d" % len(body)), (b"etag", etag), NO_CACHE], body)
