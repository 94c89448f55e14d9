"""What the reviewer's workspace pages show: the review queue, the review form and a package's review history.

Read-only: the review itself is written by ``hub.usecases.reviews`` (the same use case as API and
CLI). The queue and the form show exactly what the package page and ``/api/v1/.../maturity`` show:
``hub.maturity`` evaluates the criteria, ``counting_review`` picks the review that counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.maturity import maturity, maturity_model, queue
from hub.maturity.queue import LastReview, version_key
from hub.maturity.trust import trusted_hubs
from hub.model import Maturity, Review, ReviewEntry
from hub.services import Services
from hub.store.records import reviews
from hub.usecases.reviews import MIN_RATIONALE

PER_PAGE = 50  # packages per page of the queue


@dataclass
class QueueEntry:
    package: str
    name: str
    publisher: str
    version: str  # the current (latest) version
    computed_level: int
    computed_name: str
    reviewed_version: str | None  # the newest counting review over all versions
    reviewed_date: str | None
    reviewed_level: int | None
    reason: str


@dataclass
class QueuePage:
    entries: list[QueueEntry]
    total: int  # packages waiting, on all pages
    page: int
    pages: int


def last_reviews(services: Services, package_id: str | None = None, *, ref: str | None = None) -> dict[str, LastReview]:
    """Per package, the newest review that counts here (made here or at a hub trusted for reviews), over all versions."""
    return queue.last_reviews(reviews(services.catalog, package_id, ref=ref), trusted_hubs(services.catalog, ref=ref))


def review_queue(services: Services, page: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the packages never reviewed at their current computed level, or whose computed level changed since.

    Read from the search index, where each package's state is decided when a commit touches it
    (``hub.maturity.index_levels``): a page costs an index range, not an evaluation of the catalogue.
    """
    total, rows = services.index.review_queue(offset=(page - 1) * per_page, limit=per_page)
    model = maturity_model()
    entries = [
        QueueEntry(
            package=row.id,
            name=row.name,
            publisher=row.publisher_name,
            version=row.version,
            computed_level=row.computed_level,
            computed_name=model.name(row.computed_level),
            reviewed_version=row.reviewed_version,
            reviewed_date=row.reviewed_date,
            reviewed_level=row.reviewed_level,
            reason=queue.queue_reason(row.computed_level, row.reviewed_version, row.reviewed_computed) or "",
        )
        for row in rows
    ]
    return QueuePage(entries=entries, total=total, page=page, pages=max(1, -(-total // per_page)))


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
    ordered.sort(key=lambda p: (p[1].entry.date, version_key(p[1].version), p[0]), reverse=True)
    return [h for _, h in ordered]


@dataclass
class ReviewForm:
    """The form "Begutachten" for one version of a package (the latest unless another is chosen)."""

    package: str
    name: str
    publisher: str
    maturity: Maturity
    versions: list[str]  # every published version, newest first
    levels: list[tuple[int, str]]
    last: LastReview | None
    reason: str | None
    history: list[HistoryEntry]
    min_rationale: int = MIN_RATIONALE
    values: dict[str, str] = field(default_factory=dict)


def review_form(services: Services, package_id: str, values: dict[str, str] | None = None, version: str | None = None) -> ReviewForm:
    """The form for ``version`` (default: the latest). Raises :class:`hub.errors.NotFound` for an unknown package or version.

    A review belongs to one version (``reviews/<id>/<version>.yaml``), and the use case takes any
    published one: a reviewer may review an older version too, e.g. the one most adopters run.
    """
    catalog = services.catalog
    manifest = catalog.get(package_id).manifest
    latest = maturity(catalog, package_id)
    current = latest if version in (None, latest.version) else maturity(catalog, package_id, version)
    last = last_reviews(services, package_id).get(package_id)
    return ReviewForm(
        package=package_id,
        name=manifest.name,
        publisher=manifest.publisher.name,
        maturity=current,
        versions=[v.version for v in catalog.versions(package_id)],
        levels=[(level.level, level.name) for level in maturity_model().levels],
        last=last,
        reason=queue.queue_reason(latest.computed_level, last.version if last else None, last.entry.computed_level if last else None),
        history=review_history(services, package_id),
        values={"level": str(current.computed_level), "rationale": "", **(values or {})},
    )


def flash(kind: str | None) -> str | None:
    """The message after a redirect (post/redirect/get), chosen by a fixed key, never text from the URL."""
    return {"begutachtet": "Die Begutachtung ist gespeichert."}.get(kind or "")
