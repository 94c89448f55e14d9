"""The reviewer's queue, decided per package when the search index syncs (``index_levels``), so a page of it is a query.

A package waits for a review when no counting review (made here or at a hub trusted for reviews)
exists for any of its versions, or when the computed level recorded with its newest counting
review differs from its computed level now (an older record without that level waits too).
"""

from __future__ import annotations

from collections.abc import Iterable

import semver

from hub.maturity.rules import counting_review
from hub.model import MaturityState, Review, ReviewEntry


class LastReview:
    """The review that counts for a package: the newest counting one over all its versions."""

    __slots__ = ("entry", "version")

    def __init__(self, version: str, entry: ReviewEntry) -> None:
        self.version = version
        self.entry = entry


def version_key(version: str) -> tuple[int, semver.Version | str]:
    try:
        return 1, semver.Version.parse(version)
    except ValueError:
        return 0, version


def last_reviews(records: Iterable[Review], trusted: frozenset[str]) -> dict[str, LastReview]:
    """Per package, the newest review that counts here, over all its versions (by date, then version)."""
    found: dict[str, LastReview] = {}
    for record in records:
        entry = counting_review(record.reviews, trusted)
        if entry is None:
            continue
        known = found.get(record.package)
        if known is None or (entry.date, version_key(record.version)) > (known.entry.date, version_key(known.version)):
            found[record.package] = LastReview(record.version, entry)
    return found


def queue_reason(computed_level: int, last_version: str | None, last_computed: int | None) -> str | None:
    """Why the package needs a review, in German; None when its last review was at its current computed level."""
    if last_version is None:
        return "noch nie begutachtet"
    if last_computed is None:
        return "bei der letzten Begutachtung wurde der berechnete Reifegrad nicht festgehalten"
    if last_computed == computed_level:
        return None
    direction = "gestiegen" if computed_level > last_computed else "gesunken"
    return (
        f"berechneter Reifegrad seit der letzten Begutachtung (Version {last_version}) von {last_computed} auf {computed_level} {direction}"
    )


def state(level: int, computed_level: int, last: LastReview | None) -> MaturityState:
    """What the index keeps of a package's maturity: the level shown (``level``: the review's where its latest version
    was reviewed, else ``computed_level``), and whether and why it waits for a review."""
    last_computed = last.entry.computed_level if last else None
    return MaturityState(
        level=level,
        computed_level=computed_level,
        reviewed_version=last.version if last else None,
        reviewed_date=last.entry.date if last else None,
        reviewed_level=last.entry.level if last else None,
        reviewed_computed=last_computed,
        queued=queue_reason(computed_level, last.version if last else None, last_computed) is not None,
    )
