"""Opaque, stable cursors: the sort and the last item's sort key (base64url of JSON)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import msgspec

from hub.errors import BadRequest

# the types of each order's key (after the sort's name): it ends with the package id, except for
# relevance, whose key is the rank and the place in the tie order (both change with every sync anyway)
KEY_TYPES: dict[str, tuple[type, ...]] = {
    "relevance": (float, int),
    "name": (str, str),
    "updated": (int, str),
    "maturity": (int, int, int, str),
}


def encode_cursor(sort: str, key: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode([sort, *key])).decode().rstrip("=")


def _invalid(cursor: str) -> BadRequest:
    shown = cursor if len(cursor) <= 40 else cursor[:40] + "…"
    return BadRequest(
        f"Der Cursor „{shown}“ ist ungültig oder gehört zu einer anderen Sortierung; bitte die Suche ohne Cursor neu beginnen."
    )


def decode_cursor(cursor: str, sort: str) -> tuple[Any, ...]:
    """The sort key stored in ``cursor``; :class:`BadRequest` if it is not one of ours for ``sort``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = msgspec.json.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise _invalid(cursor) from None
    types = KEY_TYPES.get(sort)
    if not isinstance(data, list) or not data or data[0] != sort or types is None or len(data) != len(types) + 1:
        raise _invalid(cursor)
    key = []
    for stored, kind in zip(data[1:], types, strict=True):
        value = float(stored) if kind is float and isinstance(stored, int) and not isinstance(stored, bool) else stored
        if type(value) is not kind:
            raise _invalid(cursor)
        key.append(value)
    return tuple(key)
