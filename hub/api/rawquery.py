"""Raw UTF-8 in a query string (``?q=Bürgerbüro`` sent unencoded, as curl and some clients do) reads as
the same words as its percent-encoded form.

The ASGI server hands the query string over as the bytes it received; Litestar's parser would read
bytes above 0x7F one by one (``BÃ¼rgerbÃ¼ro``). This middleware percent-encodes exactly those bytes
first, as a browser does, so that every client's query means the same.
"""

from __future__ import annotations

import re

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Receive, Scope, Send

_RAW = re.compile(rb"[\x80-\xff]")


def percent_encode_raw_bytes(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:  # a str enum: the same test as == "http"
            query = scope.get("query_string", b"")
            if _RAW.search(query):
                encoded: HTTPScope = {**scope, "query_string": _RAW.sub(lambda m: b"%%%02X" % m[0][0], query)}
                scope = encoded
        await app(scope, receive, send)

    return middleware
