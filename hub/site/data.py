"""What the static site shows, gathered from one catalogue commit.

Manifests are cached by the id of their ``hub.yaml`` blob, and maturity results by everything
they are computed from (in the build folder), so a rebuild after one publish parses one manifest
and evaluates one package, not ten thousand.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import pygit2

from hub import __version__
from hub.maturity import maturity_all, maturity_model
from hub.maturity.rules import current_confirmation, months_between
from hub.maturity.trust import trusted_hubs
from hub.model import Adoption, Confirmation, Manifest, Maturity, Publisher, Review, VersionInfo
from hub.store import Catalog
from hub.store.audit import AuditEntry, record_histories
from hub.store.catalog import iso
from hub.store.changes import changed_outside
from hub.store.manifests import manifest_of_blob
from hub.store.records import adoptions, reviews
from hub.store.snapshot import PACKAGES, CatalogSnapshot, changed_packages, step_hint


class ManifestCache:
    """hub.yaml blob id -> Manifest, persisted between builds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Manifest] = {}
        if path.is_file():
            try:
                self.entries = msgspec.json.decode(path.read_bytes(), type=dict[str, Manifest])
            except (msgspec.DecodeError, msgspec.ValidationError):
                self.entries = {}  # a stale or damaged cache only costs time
        self.dirty = False

    def get(self, catalog: Catalog, blob_id: pygit2.Oid) -> Manifest:
        key = str(blob_id)
        manifest = self.entries.get(key)
        if manifest is None:
            manifest = manifest_of_blob(catalog.repo, blob_id)  # shared with the catalogue's reads in this process
            self.entries[key] = manifest
            self.dirty = True
        return manifest

    def save(self, live: set[str]) -> None:
        if self.dirty or set(self.entries) - live:
            self.entries = {k: v for k, v in self.entries.items() if k in live}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(msgspec.json.encode(self.entries))


class MaturityCache:
    """A package's inputs (:func:`maturity_key`) -> its maturity, persisted between builds.

    Evaluating maturity reads the package's files' hints and its earlier versions' manifests; after
    one publish only that package's inputs changed, so only it is evaluated again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, Maturity] = {}
        if path.is_file():
            try:
                self.entries = msgspec.msgpack.decode(path.read_bytes(), type=dict[str, Maturity])
            except (msgspec.DecodeError, msgspec.ValidationError):
                self.entries = {}  # a stale or damaged cache only costs time

    def save(self, live: dict[str, Maturity]) -> None:
        """Keep exactly this build's results: the file does not grow with history."""
        if live.keys() != self.entries.keys():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(msgspec.msgpack.encode(live))
        self.entries = live


def maturity_key(
    tree: str,
    manifest: Manifest,
    versions: list[VersionInfo],
    package_adoptions: list[Adoption],
    package_reviews: list[Review],
    trusted: frozenset[str],
    publisher: Publisher | None,
    today: datetime,
) -> str:
    """Everything a package's maturity is computed from (:func:`hub.maturity.maturity_all`), apart from the commit's time.

    The clock enters one rule only, the months in production; so that number, not the day, is part of the key.
    """
    production = manifest.status.production
    parts = (
        __version__,
        _model_key(),
        tree,
        [v.commit for v in versions],  # the earlier versions' manifests give hints
        msgspec.to_builtins(package_adoptions),
        msgspec.to_builtins(package_reviews),
        sorted(trusted),
        msgspec.to_builtins(publisher),  # its number of inhabitants gives a hint
        months_between(production.since, today.date()) if production is not None else None,
    )
    return hashlib.sha1(msgspec.json.encode(parts)).hexdigest()


_model_keys: dict[int, str] = {}


def _model_key() -> str:
    model = maturity_model()
    if id(model) not in _model_keys:
        _model_keys[id(model)] = hashlib.sha1(msgspec.json.encode(model)).hexdigest()
    return _model_keys[id(model)]


@dataclass
class PackageInfo:
    id: str
    tree: str  # id of the package's tree at the commit: changes iff the package changed
    manifest: Manifest
    maturity: Maturity
    versions: list[VersionInfo] = field(default_factory=list)
    adoptions: list[Adoption] = field(default_factory=list)
    confirmed: dict[str, Confirmation] = field(default_factory=dict)  # adopter -> the confirmation its current status counts by
    audit: list[AuditEntry] = field(default_factory=list)  # who claimed, confirmed, reviewed: newest first

    @property
    def publisher(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]


@dataclass
class Release:
    package: str
    name: str
    version: str
    time: str
    publisher: str
    first: bool


@dataclass
class SiteData:
    commit: str
    commit_time: str
    packages: dict[str, PackageInfo]
    publishers: dict[str, Publisher]
    reviews: list[Review]
    releases: list[Release]  # newest first
    trusted: frozenset[str] = frozenset()  # hubs trusted for reviews: their reviewers' confirmations count
    # the months from which packages are in production (None: not gathered yet); after publishes it may hold months no
    # package has any more, which only makes advance() read everything once more
    since: frozenset[str] | None = None


def gather(catalog: Catalog, cache: ManifestCache, *, ref: str | None = None, maturities: MaturityCache | None = None) -> SiteData:
    commit = catalog.resolve(ref)
    if commit is None:
        return SiteData(commit="", commit_time="", packages={}, publishers={}, reviews=[], releases=[])
    # a package folder without hub.yaml (a damaged catalogue) has nothing to show
    trees = {e.id: (str(e.tree), e.manifest) for e in CatalogSnapshot(catalog.repo, commit).packages.values() if e.manifest is not None}
    manifests = {pid: cache.get(catalog, blob) for pid, (_, blob) in trees.items()}
    cache.save({str(blob) for _, blob in trees.values()})
    by_package: dict[str, list[Adoption]] = defaultdict(list)
    for record in adoptions(catalog, ref=str(commit.id)):
        by_package[record.package].append(record)
    all_reviews = reviews(catalog, ref=str(commit.id))
    publishers = {p.id: p for p in catalog.publishers(str(commit.id))}
    trusted = trusted_hubs(catalog, ref=str(commit.id))
    audits = record_histories(catalog, ref=str(commit.id))
    head = catalog.head()
    later = None if head is None else later_commits(catalog.repo, commit.id, head.id)
    versions, releases = _versions_and_releases(catalog, commit, manifests, later=later)
    levels = _maturities(catalog, commit, trees, manifests, versions, by_package, all_reviews, trusted, publishers, maturities)
    packages = {
        pid: PackageInfo(
            id=pid,
            tree=tree,
            manifest=manifests[pid],
            maturity=levels[pid],
            versions=versions.get(pid, []),
            adoptions=by_package.get(pid, []),
            confirmed={a.adopter: c for a in by_package.get(pid, []) if (c := current_confirmation(a, trusted)) is not None},
            audit=audits.get(pid, []),
        )
        for pid, (tree, _) in sorted(trees.items())
    }
    return SiteData(
        commit=str(commit.id),
        commit_time=iso(commit.commit_time, commit.commit_time_offset),
        packages=packages,
        publishers=publishers,
        reviews=all_reviews,
        releases=releases,
        trusted=trusted,
    )


def _maturities(
    catalog: Catalog,
    commit: pygit2.Commit,
    trees: dict[str, tuple[str, pygit2.Oid]],
    manifests: dict[str, Manifest],
    versions: dict[str, list[VersionInfo]],
    by_package: dict[str, list[Adoption]],
    all_reviews: list[Review],
    trusted: frozenset[str],
    publishers: dict[str, Publisher],
    cache: MaturityCache | None,
) -> dict[str, Maturity]:
    """Every package's maturity at ``commit``: from the cache where its inputs are unchanged, evaluated otherwise."""
    if cache is None:
        return maturity_all(catalog, ref=str(commit.id), manifests=manifests)
    today = datetime.fromtimestamp(commit.commit_time, UTC)
    reviews_of: dict[str, list[Review]] = defaultdict(list)
    for review in all_reviews:
        reviews_of[review.package].append(review)
    keys = {
        pid: maturity_key(
            tree,
            manifests[pid],
            versions.get(pid, []),
            by_package.get(pid, []),
            reviews_of.get(pid, []),
            trusted,
            publishers.get(manifests[pid].publisher_id),
            today,
        )
        for pid, (tree, _) in trees.items()
    }
    missing = [pid for pid, key in keys.items() if key not in cache.entries]
    found = maturity_all(catalog, ref=str(commit.id), package_ids=missing, manifests=manifests) if missing else {}
    evaluated_at = iso(commit.commit_time, commit.commit_time_offset)
    levels = {
        pid: found[pid] if pid in found else msgspec.structs.replace(cache.entries[key], evaluated_at=evaluated_at)
        for pid, key in keys.items()
        if pid in found or key in cache.entries
    }
    cache.save({keys[pid]: m for pid, m in levels.items()})
    return levels


def _versions_and_releases(
    catalog: Catalog, commit: pygit2.Commit, manifests: dict[str, Manifest], *, later: set[str] | None
) -> tuple[dict[str, list[VersionInfo]], list[Release]]:
    """Versions per package, and every release newest first.

    Building an older commit counts only the tags in its history. ``later``: the commits of ``main`` after
    ``commit`` (:func:`later_commits`; empty at the head), whose tags are left out; None for a commit further back
    or off ``main``, whose versions are each checked by a graph walk (at 1,000 packages that took seconds: the
    served site's first build in a new process, at a commit main had already moved past, did it for every version).
    """
    repo = catalog.repo
    found: dict[str, list[VersionInfo]] = {}
    for package_id, infos in catalog.all_versions().items():
        if package_id not in manifests:
            continue
        found[package_id] = (
            [v for v in infos if v.commit not in later]
            if later is not None
            else [v for v in infos if v.commit == str(commit.id) or repo.descendant_of(commit.id, pygit2.Oid(hex=v.commit))]
        )
    return found, sorted_releases([r for pid, infos in found.items() for r in _releases(pid, manifests[pid], infos)])


def _releases(package_id: str, manifest: Manifest, infos: list[VersionInfo]) -> list[Release]:
    return [
        Release(
            package=package_id,
            name=manifest.name,
            version=v.version,
            time=v.published_at,
            publisher=v.published_by,
            first=i == len(infos) - 1,
        )
        for i, v in enumerate(infos)
    ]


def sorted_releases(releases: list[Release]) -> list[Release]:
    """Newest first; releases of the same time by package id, then highest version first (as listed).

    A total order, so a build that replaced one package's releases lists them as a fresh build does.
    """
    releases.sort(key=lambda r: r.package)  # stable: each package's releases stay highest first
    releases.sort(key=lambda r: r.time, reverse=True)  # stable with reverse too
    return releases


class _ReleaseOrder:
    """:func:`sorted_releases`' order as a key for :mod:`bisect`: newest first, then by package id."""

    __slots__ = ("package", "time")

    def __init__(self, release: Release) -> None:
        self.time, self.package = release.time, release.package

    def __lt__(self, other: _ReleaseOrder) -> bool:
        return self.time > other.time or (self.time == other.time and self.package < other.package)


def _remove(releases: list[Release], release: Release) -> bool:
    """Take ``release`` out of ``releases`` (in :func:`sorted_releases`' order) where that order puts it; False if not there."""
    place = bisect.bisect_left(releases, _ReleaseOrder(release), key=_ReleaseOrder)
    while place < len(releases) and (releases[place].time, releases[place].package) == (release.time, release.package):
        if releases[place] == release:
            del releases[place]
            return True
        place += 1
    return False


LATER_COMMITS = 1000  # how far main may have moved past the commit a kept build advances to (one commit per publish)


def later_commits(repo: pygit2.Repository, commit: pygit2.Oid, head: pygit2.Oid) -> set[str] | None:
    """The commits of ``head``'s history after ``commit`` (none if it is the head); None if ``commit`` is not among
    ``head``'s last :data:`LATER_COMMITS` ancestors (a walk bounded by that many commits, not by the history's length)."""
    if commit == head:
        return set()
    walker = repo.walk(head, pygit2.enums.SortMode.NONE)
    walker.hide(commit)
    later: set[str] = set()
    reaches = False
    for found in walker:
        later.add(str(found.id))
        reaches = reaches or commit in found.parent_ids
        if len(later) > LATER_COMMITS:
            return None
    return later if reaches else None


def advance(catalog: Catalog, previous: SiteData, *, ref: str | None = None) -> tuple[SiteData, set[str]] | None:
    """``previous`` brought to ``ref`` by reading only the packages whose folders changed, with their ids.

    None when that is not enough: a change outside ``packages/`` (records, publishers, sources: catalogue-wide
    inputs), a commit that is not ``main``'s head or one of its last ``LATER_COMMITS`` ancestors (versions are
    then filtered by history), or the clock moving
    some package's months in production (its maturity changes without a change to its folder). The result is
    what :func:`gather` gives at ``ref``: unchanged packages keep their data as it was (their maturity's evaluation
    time too, which no page shows: moving it to the new commit's touched every package, work that grows with the
    catalogue).
    """
    commit = catalog.resolve(ref)
    head = catalog.head()
    if commit is None or not previous.commit or head is None:
        return None
    if str(commit.id) == previous.commit:
        return previous, set()
    repo = catalog.repo
    # under steady publishing main has moved on by the time a build reads it: the versions published after the commit
    # are left out (before, any commit but the head was read in full, filtering every version by a graph walk)
    later = later_commits(repo, commit.id, head.id)
    if later is None:
        return None
    try:
        before = repo[pygit2.Oid(hex=previous.commit)].peel(pygit2.Commit)
    except (KeyError, ValueError):
        return None
    # the packages' folders compared level by level (libgit2's diff of the two trees read every publisher's folder:
    # 40 ms at 10,000 packages); files directly in packages/ are no packages (hub.store.snapshot), as for gather
    if changed_outside(repo, before.tree, commit.tree, PACKAGES):
        return None
    changed = set(changed_packages(repo, before.tree, commit.tree, hint=step_hint(before, commit)))
    days = [datetime.fromtimestamp(c.commit_time, UTC).date() for c in (before, commit)]
    since = previous.since
    if since is None:
        since = frozenset(
            i.manifest.status.production.since for i in previous.packages.values() if i.manifest.status.production is not None
        )
    if any(months_between(s, days[0]) != months_between(s, days[1]) for s in since):
        return None
    snapshot = CatalogSnapshot(repo, commit)
    entries = {pid: snapshot.package(pid) for pid in changed}
    evaluated_at = iso(commit.commit_time, commit.commit_time_offset)
    packages = dict(previous.packages)  # a copy in C: the changed ones are replaced in place, so the order stays
    present = {pid: e for pid, e in entries.items() if e is not None and e.manifest is not None}
    for pid in changed:
        # a package that appeared or went: its records (adoptions, reviews and their history) are read in full
        if (pid in present) != (pid in previous.packages) and (
            adoptions(catalog, pid, ref=str(commit.id)) or reviews(catalog, pid, ref=str(commit.id))
        ):
            return None
    manifests = {pid: manifest_of_blob(repo, e.manifest) for pid, e in present.items() if e.manifest is not None}
    versions = {pid: [v for v in catalog.all_versions(pid).get(pid, []) if v.commit not in later] for pid in present}
    levels = maturity_all(catalog, ref=str(commit.id), package_ids=sorted(present), manifests=manifests) if present else {}
    by_package: dict[str, list[Adoption]] = defaultdict(list)
    confirmed: dict[str, dict[str, Confirmation]] = {}
    audits: dict[str, list[AuditEntry]] = {}
    for info in previous.packages.values():  # records are outside packages/: unchanged
        if info.id in present:
            by_package[info.id], confirmed[info.id], audits[info.id] = info.adoptions, info.confirmed, info.audit
    for pid in changed - set(present):
        packages.pop(pid, None)
    for pid, entry in present.items():
        packages[pid] = PackageInfo(
            id=pid,
            tree=str(entry.tree),
            manifest=manifests[pid],
            maturity=levels[pid],
            versions=versions[pid],
            adoptions=by_package.get(pid, []),
            confirmed=confirmed.get(pid, {}),
            audit=audits.get(pid, []),
        )
    releases = list(previous.releases)  # in order (a copy in C); the changed packages' releases are found by bisect
    for pid in changed & previous.packages.keys():
        for release in _releases(pid, previous.packages[pid].manifest, previous.packages[pid].versions):
            if not _remove(releases, release):  # not where the order puts it: every release is looked at
                releases = [r for r in releases if r.package not in changed]
    for pid in sorted(present):  # each in its place, as sorted_releases orders them (not a sort of every release)
        for release in _releases(pid, manifests[pid], versions[pid]):
            bisect.insort_right(releases, release, key=_ReleaseOrder)
    data = SiteData(
        commit=str(commit.id),
        commit_time=evaluated_at,
        packages=packages if present.keys() <= previous.packages.keys() else dict(sorted(packages.items())),
        publishers=previous.publishers,
        reviews=previous.reviews,
        releases=releases,
        trusted=previous.trusted,
        since=since | {m.status.production.since for m in manifests.values() if m.status.production is not None},
    )
    return data, changed
