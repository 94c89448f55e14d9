"""Encoded JSON answers cached per catalogue commit.

A package as read at commit C never changes, so the encoded answer keyed by
(HEAD, route, arguments) is valid until HEAD moves; the key changes then and the
old entries age out of the LRU. Reading HEAD is one small file read, so a
publish by another process (the CLI) is seen on the next request.
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

from hub.store.catalog import BRANCH, Catalog

JSON = "application/json"


class ResponseCache:
    def __init__(self, catalog: Catalog, maxsize: int = 4096) -> None:
        self.catalog = catalog
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._encoder = msgspec.json.Encoder()

    def head(self) -> str:
        ref = self.catalog.repo.references.get(BRANCH)
        return str(ref.target) if ref is not None else "empty"

    def clear(self) -> None:
        """Drop every answer (HEAD moved: they are keyed by an old commit)."""
        with self._lock:
            self._entries.clear()

    async def json(self, request: Request, key: Hashable, produce: Callable[[], Any]) -> ASGIResponse:
        """The cached answer for ``key`` at the current HEAD, produced (in a thread) on a miss.

        A bare ``ASGIResponse``: building a full ``Response`` per
        request costs more than the rest of a cache hit.
        """
        head = self.head()
        # stable across processes and restarts (Python's hash() of a str is not): the commit and the key, hashed
        etag = '"' + hashlib.sha256(head.encode() + b"\x00" + msgspec.json.encode(key)).hexdigest()[:32] + '"'
        if request.headers.get("if-none-match") == etag:
            return ASGIResponse(status_code=304, headers=[("etag", etag)])
        full_key = (head, key)
        with self._lock:
            body = self._entries.get(full_key)
            if body is not None:
                self._entries.move_to_end(full_key)
        if body is None:
            body = self._encoder.encode(await run_sync(produce))
            with self._lock:
                self._entries[full_key] = body
                if len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
        return ASGIResponse(body=body, media_type=JSON, headers=[("etag", etag), ("cache-control", "no-cache")])
