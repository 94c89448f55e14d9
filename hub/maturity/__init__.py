"""Maturity (Reifegrad): every criterion of ``schemas/maturity.json`` evaluated for a package version.

The level shown is the last review's level where that version was reviewed,
otherwise the computed one, marked as unreviewed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import NamedTuple

import pygit2

from hub.maturity import queue
from hub.maturity.model import MaturityModel, maturity_model
from hub.maturity.rules import READS_HINTS, RULES, Subject, counting_review
from hub.maturity.trust import trusted_hubs
from hub.model import Adoption, CriterionResult, Manifest, Maturity, MaturityState, Problem, Review
from hub.store import Catalog
from hub.store.catalog import iso, package_path
from hub.store.hints import populations, version_hints
from hub.store.records import adoptions, reviews
from hub.store.trees import commit_at, subtree, tree_files

FEW = 128  # up to this many packages, maturity_all reads only their own records and publishers

__all__ = ["MaturityModel", "computed_level", "evaluate", "index_levels", "maturity", "maturity_all", "maturity_model"]


def evaluate(subject: Subject, model: MaturityModel | None = None) -> tuple[int, list[CriterionResult]]:
    """The computed level and every criterion's result."""
    model = model or maturity_model()
    results: list[CriterionResult] = []
    computed = -1
    reached = True
    for level in model.levels:
        level_met = True
        for criterion in level.criteria:
            met, evidence = RULES[criterion.rule](subject, criterion.params)
            results.append(CriterionResult(id=criterion.id, level=level.level, label=criterion.label, met=met, evidence=evidence))
            level_met = level_met and met
        reached = reached and level_met
        if reached:
            computed = level.level
    return max(computed, 0), results


def _result(subject: Subject, commit: pygit2.Commit) -> Maturity:
    model = maturity_model()
    computed, criteria = evaluate(subject, model)
    review = subject.review
    level = review.level if review is not None else computed
    return Maturity(
        package=subject.manifest.id,
        version=subject.manifest.version,
        computed_level=computed,
        computed_name=model.name(computed),
        level=level,
        name=model.name(level),
        reviewed=review is not None,
        review=review,
        criteria=criteria,
        evaluated_at=iso(commit.commit_time, commit.commit_time_offset),
        hints=subject.hints,
    )


def _today(commit: pygit2.Commit):
    return datetime.fromtimestamp(commit.commit_time, UTC).date()


def maturity(catalog: Catalog, package_id: str, version: str | None = None, *, ref: str | None = None) -> Maturity:
    """Maturity of one package version (default: the latest) as of catalogue ``ref`` (default HEAD)."""
    commit = catalog.resolve(ref)
    package = catalog.get(package_id, version, ref=ref if version is None else None)
    assert commit is not None  # get() has refused an empty catalogue
    version_reviews = [r for r in reviews(catalog, package_id, ref=ref) if r.version == package.manifest.version]
    trusted = trusted_hubs(catalog, ref=ref)
    subject = Subject(
        manifest=package.manifest,
        files={f.path for f in package.files},
        today=_today(commit),
        adoptions=adoptions(catalog, package_id, ref=ref),
        review=counting_review(version_reviews[0].reviews, trusted) if version_reviews else None,
        hints=version_hints(catalog, package_id, commit_at(catalog.repo, package.commit), package.manifest),
        trusted=trusted,
    )
    return _result(subject, commit)


def maturity_all(
    catalog: Catalog, *, ref: str | None = None, package_ids: list[str] | None = None, manifests: Mapping[str, Manifest] | None = None
) -> dict[str, Maturity]:
    """Maturity of the latest version of every package (or of ``package_ids``) at ``ref``.

    ``manifests`` may hand in already decoded manifests (the site builder caches them).
    """
    commit = catalog.resolve(ref)
    if commit is None:
        return {}
    results = {}
    for package_id, subject, hints in _subjects(catalog, commit, ref, package_ids, manifests):
        subject.hints = hints()
        results[package_id] = _result(subject, commit)
    return results


class _Records(NamedTuple):
    adoptions: list[Adoption]
    reviews: list[Review]
    sizes: dict[str, int | None]


_last_records: tuple[tuple[str, str], _Records] | None = None


def _every_record(catalog: Catalog, commit: pygit2.Commit) -> _Records:
    """Every adoption and review and every publisher's size at ``commit``, read once per commit: the search index
    asks for the levels of a rebuild's packages a chunk at a time (a commit names one state, so what was read holds)."""
    global _last_records  # noqa: PLW0603 - one commit's records, kept for the next chunk
    key = (str(catalog.path), str(commit.id))
    last = _last_records
    if last is not None and last[0] == key:
        return last[1]
    ref = str(commit.id)
    found = _Records(adoptions(catalog, ref=ref), reviews(catalog, ref=ref), populations(catalog, ref))
    _last_records = (key, found)
    return found


def _subjects(
    catalog: Catalog,
    commit: pygit2.Commit,
    ref: str | None,
    package_ids: list[str] | None,
    manifests: Mapping[str, Manifest] | None,
    records: list[Review] | None = None,
) -> Iterator[tuple[str, Subject, Callable[[], list[Problem]]]]:
    """Each package's subject at ``commit`` (without its hints) and how to get its hints: the dearest part (its
    process models parsed, its earlier versions' manifests read), which a caller that needs only the level asks
    for only when the level depends on it. ``records``: the reviews at ``commit`` of these packages (or every review), when the caller has read them."""
    ids = package_ids if package_ids is not None else (list(manifests) if manifests is not None else catalog.package_ids(ref))
    # a few packages (the index after a publish) read only their own records and publishers: that work must not grow
    # with the catalogue; many read everything once
    few = len(ids) <= FEW
    every = None if few else _every_record(catalog, commit)
    by_package_adoptions = defaultdict(list)
    for record in [a for pid in ids for a in adoptions(catalog, pid, ref=ref)] if every is None else every.adoptions:
        by_package_adoptions[record.package].append(record)
    trusted = trusted_hubs(catalog, ref=ref)
    if records is None:
        records = [r for pid in ids for r in reviews(catalog, pid, ref=ref)] if every is None else every.reviews
    latest_review = {(r.package, r.version): counting_review(r.reviews, trusted) for r in records}
    all_versions = catalog.versions_of(ids) if few else catalog.all_versions()
    sizes = None if every is None else every.sizes
    today = _today(commit)
    for package_id in ids:
        tree = subtree(catalog.repo, commit.tree, package_path(package_id))
        if tree is None:
            continue
        manifest = (
            manifests[package_id] if manifests is not None and package_id in manifests else catalog._manifest_at(commit.tree, package_id)
        )
        subject = Subject(
            manifest=manifest,
            files=set(tree_files(catalog.repo, tree)),
            today=today,
            adoptions=by_package_adoptions.get(package_id, []),
            review=latest_review.get((package_id, manifest.version)),
            trusted=trusted,
        )

        def hints(package_id: str = package_id, manifest: Manifest = manifest) -> list[Problem]:
            return version_hints(catalog, package_id, commit, manifest, versions=all_versions.get(package_id, []), sizes=sizes)

        yield package_id, subject, hints


def computed_level(subject: Subject, hints: Callable[[], list[Problem]], model: MaturityModel | None = None) -> int:
    """The computed level alone, as :func:`evaluate` gives it: levels in order until one is not met. The criteria
    that read the quality hints come last in their level, and the hints are asked for only when that level's other
    criteria are met (most packages stop below that level, and their process models are never parsed)."""
    model = model or maturity_model()
    computed = -1
    asked = False
    for level in model.levels:
        criteria = sorted(level.criteria, key=lambda c: c.rule in READS_HINTS)
        met = True
        for criterion in criteria:
            if criterion.rule in READS_HINTS and not asked:
                subject.hints, asked = hints(), True
            if not RULES[criterion.rule](subject, criterion.params)[0]:
                met = False
                break
        if not met:
            break
        computed = level.level
    return max(computed, 0)


def index_levels(
    catalog: Catalog, commit: pygit2.Commit, package_ids: list[str], manifests: Mapping[str, Manifest] | None = None
) -> dict[str, MaturityState]:
    """The search index's maturity provider: the shown level of each package at ``commit``, and whether it
    waits for a review (the reviewer's queue, ``hub.maturity.queue``).

    ``manifests``: those the index has decoded already (each hub.yaml is parsed once per sync, not twice)."""
    ref = str(commit.id)
    many = len(package_ids) > FEW
    # a few packages (a batch of publishes) read their own reviews: every review in the catalogue is many times more
    records = _every_record(catalog, commit).reviews if many else [r for pid in package_ids for r in reviews(catalog, pid, ref=ref)]
    levels: dict[str, tuple[int, int]] = {}
    for package_id, subject, hints in _subjects(catalog, commit, ref, package_ids, manifests, records):
        computed = computed_level(subject, hints)
        levels[package_id] = (subject.review.level if subject.review is not None else computed, computed)
    last = queue.last_reviews((r for r in records if r.package in levels), trusted_hubs(catalog, ref=ref))
    return {pid: queue.state(level, computed, last.get(pid)) for pid, (level, computed) in levels.items()}
