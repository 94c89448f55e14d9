"""What the index answers: msgspec Structs, ready for the API to encode as they are."""

from __future__ import annotations

from typing import Literal

import msgspec


class SearchHit(msgspec.Struct, kw_only=True, omit_defaults=False):
    """One package in a result list: what a result card shows."""

    id: str
    name: str
    version: str
    summary: str
    publisher: str
    publisher_name: str
    themenfeld: str
    license: str
    status: str
    artefact_kinds: list[str] = []
    keywords: list[str] = []
    maturity_level: int | None = None
    updated: str | None = None
    score: float | None = None
    """Relevance points (higher is better; see :mod:`hub.index.text`; typo-only hits come after the others whatever
    their points); None when the search had no text."""


class FacetValue(msgspec.Struct, kw_only=True):
    value: str
    count: int
    label: str | None = None
    selected: bool = False


class SearchResult(msgspec.Struct, kw_only=True):
    items: list[SearchHit]
    total: int
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None = None
    sort: str = "relevance"
    """The order actually applied: a search without text sorted by relevance is sorted by maturity."""
    commit: str | None = None
    """The catalogue commit the index reflected for this answer."""


class QueueRow(msgspec.Struct, frozen=True):
    """One package of the reviewer's queue (:meth:`hub.index.Index.review_queue`)."""

    id: str
    name: str
    publisher_name: str
    version: str
    computed_level: int
    reviewed_version: str | None
    reviewed_date: str | None
    reviewed_level: int | None
    reviewed_computed: int | None


class SyncReport(msgspec.Struct, kw_only=True):
    """What :meth:`hub.index.Index.sync` did."""

    action: Literal["reused", "updated", "rebuilt"]
    commit: str | None
    previous: str | None = None
    indexed: list[str] = []
    removed: list[str] = []
    skipped: list[str] = []
    """Packages whose manifest could not be read; they are left out of the index."""
    reason: str | None = None
    """Why the index was rebuilt (German)."""
    maturity_error: str | None = None
    """The maturity provider failed: the index followed the catalogue, the levels stayed as they were."""
    seconds: float = 0.0

    @property
    def packages(self) -> int:
        """How many packages were (re)indexed or removed."""
        return len(self.indexed) + len(self.removed)
