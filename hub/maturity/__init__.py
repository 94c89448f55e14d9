"""Maturity (Reifegrad): every criterion of ``schemas/maturity.json`` evaluated for a package version.

The level shown is the last review's level where that version was reviewed,
otherwise the computed one, marked as unreviewed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime

import pygit2

from hub.maturity import queue
from hub.maturity.model import MaturityModel, maturity_model
from hub.maturity.rules import RULES, Subject, counting_review
from hub.maturity.trust import trusted_hubs
from hub.model import CriterionResult, Manifest, Maturity, MaturityState
from hub.store import Catalog
from hub.store.catalog import iso, package_path
from hub.store.hints import populations, version_hints
from hub.store.records import adoptions, reviews
from hub.store.trees import commit_at, subtree, tree_files

FEW = 16  # up to this many packages, maturity_all reads only their own records and publishers

__all__ = ["MaturityModel", "evaluate", "index_levels", "maturity", "maturity_all", "maturity_model"]


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
    ids = package_ids if package_ids is not None else (list(manifests) if manifests is not None else catalog.package_ids(ref))
    # a few packages (the index after a publish) read only their own records and publishers: that work must not grow
    # with the catalogue; many read everything once
    few = len(ids) <= FEW
    by_package_adoptions = defaultdict(list)
    for record in [a for pid in ids for a in adoptions(catalog, pid, ref=ref)] if few else adoptions(catalog, ref=ref):
        by_package_adoptions[record.package].append(record)
    trusted = trusted_hubs(catalog, ref=ref)
    latest_review = {
        (r.package, r.version): counting_review(r.reviews, trusted)
        for r in ([r for pid in ids for r in reviews(catalog, pid, ref=ref)] if few else reviews(catalog, ref=ref))
    }
    results = {}
    all_versions = catalog.all_versions(ids[0] if len(ids) == 1 else None)  # one pass over the tags
    sizes = None if few else populations(catalog, ref)
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
            today=_today(commit),
            adoptions=by_package_adoptions.get(package_id, []),
            review=latest_review.get((package_id, manifest.version)),
            hints=version_hints(catalog, package_id, commit, manifest, versions=all_versions.get(package_id, []), sizes=sizes),
            trusted=trusted,
        )
        results[package_id] = _result(subject, commit)
    return results


def index_levels(
    catalog: Catalog, commit: pygit2.Commit, package_ids: list[str], manifests: Mapping[str, Manifest] | None = None
) -> dict[str, MaturityState]:
    """The search index's maturity provider: the shown level of each package at ``commit``, and whether it
    waits for a review (the reviewer's queue, ``hub.maturity.queue``).

    ``manifests``: those the index has decoded already (each hub.yaml is parsed once per sync, not twice)."""
    ref = str(commit.id)
    current = maturity_all(catalog, ref=ref, package_ids=package_ids, manifests=manifests)
    records = reviews(catalog, package_ids[0] if len(package_ids) == 1 else None, ref=ref)
    last = queue.last_reviews((r for r in records if r.package in current), trusted_hubs(catalog, ref=ref))
    return {pid: queue.state(m, last.get(pid)) for pid, m in current.items()}
