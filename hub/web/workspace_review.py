"""What the reviewer's workspace pages show: the review queue, the review form and a package's review history.

Read-only: the review itself is written by ``hub.usecases.reviews`` (the same use case as API and
CLI). The queue and the form show exactly what the package page and ``/api/v1/.../maturity`` show:
``hub.maturity`` evaluates the criteria, ``counting_review`` picks the review that counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import semver

from hub.maturity import maturity, maturity_all, maturity_model
from hub.maturity.rules import counting_review
from hub.maturity.trust import trusted_hubs
from hub.model import Maturity, Review, ReviewEntry
from hub.services import Services
from hub.store.records import reviews
from hub.usecases.reviews import MIN_RATIONALE


@dataclass
class LastReview:
    """The review that counts for a package: the newest counting one over all its versions."""

    version: str
    entry: ReviewEntry


@dataclass
class QueueEntry:
    package: str
    name: str
    publisher: str
    version: str  # the current (latest) version
    computed_level: int
    computed_name: str
    last: LastReview | None
    reason: str


def _version_key(version: str) -> tuple[int, semver.Version | str]:
    try:
        return 1, semver.Version.parse(version)
    except ValueError:
        return 0, version


def last_reviews(services: Services, package_id: str | None = None, *, ref: str | None = None) -> dict[str, LastReview]:
    """Per package, the newest review that counts here (made here or at a hub trusted for reviews), over all versions."""
    trusted = trusted_hubs(services.catalog, ref=ref)
    found: dict[str, LastReview] = {}
    for record in reviews(services.catalog, package_id, ref=ref):
        entry = counting_review(record.reviews, trusted)
        if entry is None:
            continue
        known = found.get(record.package)
        if known is None or (entry.date, _version_key(record.version)) > (known.entry.date, _version_key(known.version)):
            found[record.package] = LastReview(version=record.version, entry=entry)
    return found


def queue_reason(current: Maturity, last: LastReview | None) -> str | None:
    """Why the package needs a review, in German; None when its last review was at its current computed level."""
    if last is None:
        return "noch nie begutachtet"
    reviewed_at = last.entry.computed_level
    if reviewed_at is None:
        return "bei der letzten Begutachtung wurde der berechnete Reifegrad nicht festgehalten"
    if reviewed_at == current.computed_level:
        return None
    direction = "gestiegen" if current.computed_level > reviewed_at else "gesunken"
    return f"berechneter Reifegrad seit der letzten Begutachtung (Version {last.version}) von {reviewed_at} auf {current.computed_level} {direction}"


def review_queue(services: Services) -> list[QueueEntry]:
    """Every package never reviewed at its current computed level, or whose computed level changed since its last review."""
    catalog = services.catalog
    head = catalog.head()
    if head is None:
        return []
    ref = str(head.id)  # one catalogue commit for levels, manifests and reviews, even while others write
    manifests = {m.id: m for m in catalog.manifests(ref)}
    last = last_reviews(services, ref=ref)
    entries = []
    for package_id, current in maturity_all(catalog, ref=ref, manifests=manifests).items():
        reason = queue_reason(current, last.get(package_id))
        if reason is None:
            continue
        manifest = manifests[package_id]
        entries.append(
            QueueEntry(
                package=package_id,
                name=manifest.name,
                publisher=manifest.publisher.name,
                version=current.version,
                computed_level=current.computed_level,
                computed_name=current.computed_name,
                last=last.get(package_id),
                reason=reason,
            )
        )
    return sorted(entries, key=lambda e: (e.last is not None, e.package))  # never reviewed first


@dataclass
class HistoryEntry:
    version: str
    entry: ReviewEntry
    counts: bool  # made here or at a trusted hub: it may set the level


def review_history(services: Services, package_id: str) -> list[HistoryEntry]:
    """Every review of every version of the package, newest first."""
    trusted = trusted_hubs(services.catalog)
    records: list[Review] = reviews(services.catalog, package_id)
    found = [
        HistoryEntry(version=r.version, entry=e, counts=e.origin is None or e.origin.hub in trusted) for r in records for e in r.reviews
    ]
    # the record keeps entries in the order written: within one day and version, the later one first
    ordered = list(enumerate(found))
    ordered.sort(key=lambda p: (p[1].entry.date, _version_key(p[1].version), p[0]), reverse=True)
    return [h for _, h in ordered]


@dataclass
class ReviewForm:
    """The form "Begutachten" for the latest version of one package."""

    package: str
    name: str
    publisher: str
    maturity: Maturity
    levels: list[tuple[int, str]]
    last: LastReview | None
    reason: str | None
    history: list[HistoryEntry]
    min_rationale: int = MIN_RATIONALE
    values: dict[str, str] = field(default_factory=dict)


def review_form(services: Services, package_id: str, values: dict[str, str] | None = None) -> ReviewForm:
    """Raises :class:`hub.errors.PackageNotFound` for an unknown package."""
    catalog = services.catalog
    manifest = catalog.get(package_id).manifest
    current = maturity(catalog, package_id)
    last = last_reviews(services, package_id).get(package_id)
    return ReviewForm(
        package=package_id,
        name=manifest.name,
        publisher=manifest.publisher.name,
        maturity=current,
        levels=[(level.level, level.name) for level in maturity_model().levels],
        last=last,
        reason=queue_reason(current, last),
        history=review_history(services, package_id),
        values={"level": str(current.computed_level), "rationale": "", **(values or {})},
    )


def flash(kind: str | None) -> str | None:
    """The message after a redirect (post/redirect/get), chosen by a fixed key, never text from the URL."""
    return {"begutachtet": "Die Begutachtung ist gespeichert."}.get(kind or "")
