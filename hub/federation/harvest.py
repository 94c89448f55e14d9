"""Harvesting: fetch each source, validate its packages, publish what is new, report per source.

Git is the federation protocol. A source is a git repository of one publisher
(package folders below configured globs) or another hub's catalogue repository
(``hub: true``). Every new valid version becomes a commit authored by its publisher
with ``Hub-Source`` trailers; versions already published are „unchanged“; anything
else is refused with every problem and never enters. Whatever happens, each source
gets its report ``harvest/<source>.yaml`` as one more commit, and a source that is
gone, slow or broken changes nothing but that report.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import msgspec
import pygit2
import semver
from pygit2.enums import FileMode

from hub.budget import Pool
from hub.errors import Conflict
from hub.federation.errors import SourceNotFound
from hub.federation.evidence import adopted_package, carry_records, confirm_by_provenance
from hub.federation.fetch import DEFAULT_TIMEOUT, SourceUnreachable, describe, fetch
from hub.federation.model import Accepted, HarvestReport, Origin, Refused, Source, Stopped, Unchanged
from hub.federation.publiccode import PUBLICCODE_FILES, import_publiccode
from hub.federation.reports import read_report, write_report
from hub.federation.sources import load_sources
from hub.federation.text import slugify
from hub.model import Actor, Manifest, Problem, VersionInfo
from hub.store.catalog import TAG_PREFIX, Catalog, package_path
from hub.store.publish import commit_version
from hub.store.trees import blob_at, entry_name, subtree, tree_at
from hub.validate import PackageFiles
from hub.validate.archive import MAX_ENTRIES, MAX_UNPACKED_BYTES
from hub.validate.bounded import validate_bounded
from hub.validate.files import MAX_FILE_BYTES, too_large
from hub.validate.manifest import MANIFEST
from hub.validate.publisher import check_publisher
from hub.validate.yamlsafe import YamlError, load_yaml

Progress = Callable[[str], None]

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def default_cache_dir(catalog: Catalog) -> Path:
    """``<data>/sources``: next to ``<data>/catalog.git``."""
    return catalog.path.parent / "sources"


def harvest(
    catalog: Catalog,
    source_name: str | None = None,
    progress: Progress | None = None,
    *,
    cache_dir: str | Path | None = None,
    timeout: float | None = None,
    when: datetime | None = None,
    pool: Pool | None = None,
) -> list[HarvestReport]:
    """Harvest every enabled source (or only ``source_name``) and return their reports.

    ``timeout`` (seconds) bounds each fetch unless the source sets its own
    ``timeout_seconds``; ``progress`` receives German messages as the harvest goes.
    Each package is validated in a worker of ``pool`` (default: the process's shared
    budget pool), with the time and memory budget of an upload.
    """
    say = progress or (lambda message: None)
    sources = load_sources(catalog)
    if source_name is not None:
        chosen = [s for s in sources if s.name == source_name]
        if not chosen:
            raise SourceNotFound(f"Eine Quelle „{source_name}“ ist in „sources.yaml“ nicht eingetragen.")
    else:
        chosen = [s for s in sources if s.enabled]
        if not chosen:
            say("Keine aktiven Quellen eingetragen; es gibt nichts zu ernten.")
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir(catalog)
    reports = []
    for source in chosen:
        with _lock(source.name):
            reports.append(
                harvest_source(
                    catalog,
                    source,
                    say,
                    cache_dir=cache,
                    timeout=source.timeout_seconds or timeout or DEFAULT_TIMEOUT,
                    when=when,
                    pool=pool,
                )
            )
    return reports


def _lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


def _iso(when: datetime | None) -> str:
    return (when or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


# -- one source -------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A package folder found in a source, at one commit."""

    folder: str
    expected_id: str
    files: PackageFiles
    origin: Origin
    folder_version: str | None = None  # from a folder named <slug>@<version>
    publisher_record: bytes | None = None  # a hub source's publishers/<id>.yaml
    publiccode: bytes | None = None  # a folder with only a publiccode.yml
    raw: dict = field(default_factory=dict)  # the manifest as far as it can be read

    @property
    def raw_id(self) -> str | None:
        value = self.raw.get("id")
        return value if isinstance(value, str) else None

    @property
    def raw_version(self) -> str | None:
        value = self.raw.get("version")
        return value if isinstance(value, str) else self.folder_version


@dataclass
class Valid:
    manifest: Manifest
    candidate: Candidate

    @property
    def key(self) -> semver.Version:
        return semver.Version.parse(self.manifest.version)


def harvest_source(
    catalog: Catalog,
    source: Source,
    say: Progress,
    *,
    cache_dir: Path,
    timeout: float,
    when: datetime | None = None,
    pool: Pool | None = None,
) -> HarvestReport:
    now = _iso(when)
    previous = read_report(catalog, source.name)
    common = HarvestReport(
        source=source.name, url=source.url, time=now, status="ok", hub=source.hub, publisher=source.publisher, branch=source.branch
    )
    say(f"Quelle „{source.name}“: hole {describe(source)} …")
    try:
        fetched = fetch(source, cache_dir, timeout=timeout)
    except SourceUnreachable as exc:
        since = previous.since if previous is not None and previous.status == "unreachable" and previous.since else now
        report = msgspec.structs.replace(common, status="unreachable", reason=str(exc), since=since)
        say(f"Quelle „{source.name}“ nicht erreichbar: {exc} Der Katalog bleibt unverändert.")
        write_report(catalog, report, when=when)
        return report

    repo = pygit2.Repository(str(fetched.path))
    commit = repo[pygit2.Oid(hex=fetched.commit)].peel(pygit2.Commit)
    candidates = list(_hub_candidates(repo, source, commit) if source.hub else _source_candidates(repo, source, commit))
    adopted = None if source.hub else adopted_package(catalog, repo, commit, source)
    if adopted is not None:  # an adopter's repository: its copy of the package is evidence, not a package of its own
        candidates = [c for c in candidates if not (c.folder == "" and c.raw_id == adopted)]
    say(f"Quelle „{source.name}“: Stand {fetched.commit[:12]}, {len(candidates)} Paketversion(en) gefunden")

    run = _Run(
        report=msgspec.structs.replace(common, commit=fetched.commit),
        now=now,
        say=say,
        known_since={_refusal_key(r): r.since for r in (previous.refused if previous is not None else [])},
    )
    valid: list[Valid] = []
    for candidate in candidates:
        manifest, problems = _check(candidate, source, pool)
        if manifest is not None:
            valid.append(Valid(manifest, candidate))
        else:
            run.refuse(candidate, problems)

    published = catalog.all_versions()
    for group in _by_package(valid, run):
        for item in group:
            _take(catalog, item, run, published, when)

    report = run.report
    report.stopped = _stopped(run, valid, catalog.all_versions())
    if source.hub:
        report.records = carry_records(catalog, repo, commit, source, when=when)
    elif adopted is not None:
        report.records = [confirm_by_provenance(catalog, repo, commit, source, adopted, when=when)]
    for carried in report.records:
        mark = {"taken": "✓", "unchanged": "=", "refused": "✗"}[carried.outcome]
        say(f"  {mark} {carried.path}" + (f": {carried.message}" if carried.message else ""))
    write_report(catalog, report, when=when)
    say(
        f"Quelle „{source.name}“ fertig: {len(report.accepted)} übernommen, {len(report.unchanged)} unverändert, {len(report.refused)} abgelehnt"
    )
    return report


def _refusal_key(refused: Refused) -> tuple:
    return (refused.folder, refused.id, refused.version, tuple((p.code, p.file, p.pointer, p.line) for p in refused.problems))


@dataclass
class _Run:
    """One harvest of one source while it is built: the report and what the refusals need."""

    report: HarvestReport
    now: str
    say: Progress
    known_since: dict[tuple, str]
    # (id the folder would have in the catalogue, version) of every refusal: for „stopped validating“
    refused_at: list[tuple[str, str | None]] = field(default_factory=list)

    def refuse(self, candidate: Candidate, problems: list[Problem]) -> None:
        refused = Refused(
            folder=candidate.folder or ".",
            problems=problems,
            since=self.now,
            id=candidate.raw_id or candidate.expected_id,
            version=candidate.raw_version,
            origin=candidate.origin,
        )
        refused.since = self.known_since.get(_refusal_key(refused), self.now)
        self.report.refused.append(refused)
        self.refused_at.append((candidate.expected_id, candidate.raw_version))
        what = f"{refused.id} {refused.version}" if refused.version else (refused.id or refused.folder)
        self.say(f"  ✗ {what} abgelehnt ({refused.folder}): {len(problems)} Problem(e)")
        for problem in problems:
            self.say(f"      {problem.place()}: [{problem.code}] {problem.message}")


# -- finding packages -------------------------------------------------------------------------


def _glob(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip("/")
    if pattern in ("", "."):
        return re.compile(r"\A\Z")
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += r"(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += r".*"
            i += 2
        elif pattern[i] == "*":
            out += r"[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += r"[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(rf"\A{out}\Z")


def _folders(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str = "") -> Iterator[tuple[str, pygit2.Tree, str]]:
    """Package folders below ``tree``: (path, tree, "hub" | "publiccode"); hidden folders skipped, packages not entered."""
    names = {entry_name(entry): entry for entry in tree}
    manifest = names.get(MANIFEST)
    if manifest is not None and manifest.type_str == "blob":
        yield prefix, tree, "hub"
        return
    found = False
    for entry in tree:
        name = entry_name(entry)
        if entry.type_str == "tree" and not name.startswith("."):
            for item in _folders(repo, tree_at(repo, entry.id), f"{prefix}{name}/"):
                found = True
                yield item
    if not found and any(name in names and names[name].type_str == "blob" for name in PUBLICCODE_FILES):
        yield prefix, tree, "publiccode"


def _load_files(repo: pygit2.Repository, tree: pygit2.Tree, folder_name: str) -> PackageFiles:
    """The files of a package folder in a source, with the limits of an uploaded archive."""
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    total = 0

    def walk(node: pygit2.Tree, prefix: str) -> None:
        nonlocal total
        for entry in node:
            if problems and problems[-1].code == "archive-too-large":
                return
            path = prefix + entry_name(entry)
            if len(files) >= MAX_ENTRIES:
                problems.append(
                    Problem(code="archive-too-large", file=folder_name, message=f"Der Paketordner enthält mehr als {MAX_ENTRIES} Dateien.")
                )
                return
            if entry.filemode == FileMode.TREE:
                walk(tree_at(repo, entry.id), path + "/")
            elif entry.filemode == FileMode.LINK:
                problems.append(
                    Problem(
                        code="file-symlink",
                        file=path,
                        message=f"„{path}“ ist ein symbolischer Link; Pakete dürfen nur normale Dateien enthalten.",
                    )
                )
            elif entry.filemode == FileMode.COMMIT:
                problems.append(
                    Problem(
                        code="file-special",
                        file=path,
                        message=f"„{path}“ ist ein Git-Submodul, keine Datei; Pakete dürfen nur normale Dateien enthalten.",
                    )
                )
            else:
                blob = blob_at(repo, entry.id)
                total += blob.size
                if total > MAX_UNPACKED_BYTES:
                    problems.append(
                        Problem(
                            code="archive-too-large",
                            file=folder_name,
                            message=f"Der Paketordner ist größer als {MAX_UNPACKED_BYTES // 1048576} MB.",
                        )
                    )
                    return
                if blob.size > MAX_FILE_BYTES:
                    problems.append(too_large(path, blob.size, MAX_FILE_BYTES))
                else:
                    files[path] = blob.data

    walk(tree, "")
    return PackageFiles(files=files, folder_name=folder_name, problems=problems)


def _raw_manifest(files: PackageFiles) -> dict:
    try:
        data = load_yaml(files.files[MANIFEST]).data
    except (KeyError, YamlError):
        return {}
    return data if isinstance(data, dict) else {}


def _repository_slug(url: str) -> str:
    """The slug of a package at a repository's root: the repository's name, as ``git clone`` would name its folder."""
    path = urlparse(url).path if "://" in url else url
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return slugify(name.removesuffix(".git")) or "paket"


def _source_candidates(repo: pygit2.Repository, source: Source, commit: pygit2.Commit) -> Iterator[Candidate]:
    patterns = [_glob(p) for p in source.folders]
    for path, tree, kind in _folders(repo, commit.tree):
        folder = path.rstrip("/")
        if not any(p.match(folder) for p in patterns):
            continue
        name = folder.rsplit("/", 1)[-1] if folder else _repository_slug(source.url)
        slug, _, folder_version = name.partition("@")
        origin = Origin(source=source.name, url=source.url, path=folder or ".", commit=str(commit.id))
        files = _load_files(repo, tree, name)
        candidate = Candidate(
            folder=folder, expected_id=f"{source.publisher}/{slug}", files=files, origin=origin, folder_version=folder_version or None
        )
        if kind == "publiccode":
            candidate.publiccode = next(files.files[n] for n in PUBLICCODE_FILES if n in files.files)
        else:
            candidate.raw = _raw_manifest(files)
        yield candidate


def _hub_candidates(repo: pygit2.Repository, source: Source, commit: pygit2.Commit) -> Iterator[Candidate]:
    """Every version of every package of another hub's catalogue: its tags, and HEAD where untagged."""
    packages = subtree(repo, commit.tree, "packages")
    if packages is None:
        return
    tags: dict[str, dict[str, pygit2.Commit]] = {}
    for name in repo.references:
        if name.startswith(TAG_PREFIX):
            package_id, sep, version = name[len(TAG_PREFIX) :].rpartition("/v")
            if sep and package_id.count("/") == 1 and semver.Version.is_valid(version):
                tags.setdefault(package_id, {})[version] = repo[repo.references[name].target].peel(pygit2.Commit)
    for publisher in sorted(packages, key=entry_name):
        if publisher.type_str != "tree" or (source.publishers and publisher.name not in source.publishers):
            continue
        record = None
        with contextlib.suppress(KeyError):
            record = blob_at(repo, commit.tree[f"publishers/{publisher.name}.yaml"].id).data
        for slug in sorted(tree_at(repo, publisher.id), key=entry_name):
            if slug.type_str != "tree":
                continue
            package_id = f"{publisher.name}/{slug.name}"
            folder = package_path(package_id)
            versions = dict(tags.get(package_id, {}))
            head_files = _load_files(repo, tree_at(repo, slug.id), entry_name(slug))
            head_version = _raw_manifest(head_files).get("version")
            if not isinstance(head_version, str) or head_version not in versions:
                candidate = Candidate(
                    folder=folder,
                    expected_id=package_id,
                    files=head_files,
                    origin=Origin(source=source.name, url=source.url, path=folder, commit=str(commit.id)),
                    publisher_record=record,
                )
                candidate.raw = _raw_manifest(head_files)
                yield candidate
            for version, tagged in sorted(versions.items(), key=lambda item: semver.Version.parse(item[0])):
                tree = subtree(repo, tagged.tree, folder)
                if tree is None:
                    continue
                files = _load_files(repo, tree, entry_name(slug))
                candidate = Candidate(
                    folder=folder,
                    expected_id=package_id,
                    files=files,
                    folder_version=version,
                    origin=Origin(source=source.name, url=source.url, path=folder, commit=str(tagged.id)),
                    publisher_record=record,
                )
                candidate.raw = _raw_manifest(files)
                yield candidate


# -- checking ---------------------------------------------------------------------------------


def _check(candidate: Candidate, source: Source, pool: Pool | None) -> tuple[Manifest | None, list[Problem]]:
    if candidate.publiccode is not None:
        _, problems = import_publiccode(candidate.publiccode, publisher_id=None if source.hub else source.publisher)
        missing = Problem(
            code="harvest-manifest-missing",
            file=MANIFEST,
            message="Der Ordner hat nur eine publiccode.yml und kein Manifest „hub.yaml“. Mit „hub publiccode import“ entsteht ein Gerüst; "
            "die folgenden Punkte fehlen einem Lösungspaket noch.",
        )
        return None, [missing, *problems]
    # a source's files are as untrusted as an upload: validated in a budget worker (hub/validate/bounded.py)
    result = validate_bounded(candidate.files, expected_id=candidate.expected_id, pool=pool)
    problems = list(result.problems)
    raw = candidate.raw
    owner = candidate.expected_id.split("/", 1)[0]
    raw_publisher = raw.get("publisher", {}).get("id") if isinstance(raw.get("publisher"), dict) else None
    raw_owner = candidate.raw_id.split("/", 1)[0] if candidate.raw_id and "/" in candidate.raw_id else None
    if not source.hub and ((raw_owner is not None and raw_owner != owner) or (isinstance(raw_publisher, str) and raw_publisher != owner)):
        other = raw_owner if raw_owner not in (None, owner) else raw_publisher
        problems.append(
            Problem(
                code="harvest-publisher-mismatch",
                file=MANIFEST,
                pointer="/publisher/id",
                message=f"Die Quelle „{source.name}“ gehört dem Herausgeber „{owner}“; ein Paket von „{other}“ wird aus ihr nicht übernommen.",
            )
        )
    version = raw.get("version")
    if candidate.folder_version is not None and isinstance(version, str) and version != candidate.folder_version:
        what = "Tag" if source.hub else "Ordnername"
        problems.append(
            Problem(
                code="harvest-version-folder",
                file=MANIFEST,
                pointer="/version",
                message=f"Der {what} nennt die Version {candidate.folder_version}, das Manifest aber {version}.",
            )
        )
    if any(not p.is_hint for p in problems):
        return None, problems
    return result.manifest, []


def _digest(files: dict[str, bytes]) -> dict[str, str]:
    return {path: str(pygit2.hash(data)) for path, data in files.items()}


def _by_package(valid: list[Valid], run: _Run) -> list[list[Valid]]:
    """Valid versions per package in ascending order; one version found twice with different content is refused."""
    groups: dict[str, dict[str, list[Valid]]] = {}
    for item in valid:
        groups.setdefault(item.manifest.id, {}).setdefault(item.manifest.version, []).append(item)
    ordered = []
    for package_id in sorted(groups):
        versions = []
        for version, items in sorted(groups[package_id].items(), key=lambda kv: semver.Version.parse(kv[0])):
            if len({tuple(sorted(_digest(i.candidate.files.files).items())) for i in items}) > 1:
                folders = ", ".join(i.candidate.folder or "." for i in items)
                for item in items:
                    run.refuse(
                        item.candidate,
                        [
                            Problem(
                                code="harvest-version-duplicate",
                                file=MANIFEST,
                                pointer="/version",
                                message=f"{package_id} {version} liegt mehrfach mit verschiedenem Inhalt in der Quelle ({folders}); unklar, welche gilt.",
                            )
                        ],
                    )
            else:
                versions.append(items[0])
        ordered.append(versions)
    return ordered


# -- publishing -------------------------------------------------------------------------------


def _take(catalog: Catalog, item: Valid, run: _Run, published: dict[str, list[VersionInfo]], when: datetime | None) -> None:
    manifest, candidate, report, say = item.manifest, item.candidate, run.report, run.say
    versions = published.get(manifest.id, [])
    if any(v.version == manifest.version for v in versions):
        ours = {f.path: f.oid for f in catalog.get(manifest.id, manifest.version).files}
        if ours == _digest(candidate.files.files):
            report.unchanged.append(Unchanged(id=manifest.id, version=manifest.version, origin=candidate.origin))
            say(f"  = {manifest.id} {manifest.version} unverändert")
        else:
            run.refuse(
                candidate,
                [
                    Problem(
                        code="harvest-version-modified",
                        file=MANIFEST,
                        pointer="/version",
                        message=f"{manifest.id} {manifest.version} ist bereits mit anderem Inhalt veröffentlicht; veröffentlichte Versionen sind "
                        "unveränderlich. Bitte die Versionsnummer erhöhen.",
                    )
                ],
            )
        return
    latest = versions[0].version if versions else None
    if latest is not None and item.key.compare(latest) < 0:
        run.refuse(
            candidate,
            [
                Problem(
                    code="harvest-version-not-newer",
                    file=MANIFEST,
                    pointer="/version",
                    message=f"Die neueste veröffentlichte Version von {manifest.id} ist {latest}; {manifest.version} ist älter und wird nicht "
                    "mehr übernommen. Eine neue Version muss höher sein.",
                )
            ],
        )
        return
    try:
        commit = publish_harvested(
            catalog,
            manifest,
            candidate.files.files,
            actor=_actor(catalog, manifest),
            origin=candidate.origin,
            publisher_record=candidate.publisher_record,
            when=when,
        )
    except Conflict as exc:  # lost a race against another publish of the same package
        run.refuse(candidate, [Problem(code="harvest-version-not-newer", file=MANIFEST, pointer="/version", message=exc.detail)])
        return
    report.accepted.append(Accepted(id=manifest.id, version=manifest.version, commit=commit, origin=candidate.origin))
    published[manifest.id] = [
        VersionInfo(version=manifest.version, commit=commit, published_at=run.now, published_by=manifest.publisher.name),
        *versions,
    ]
    say(f"  ✓ {manifest.id} {manifest.version} übernommen")


def _actor(catalog: Catalog, manifest: Manifest) -> Actor:
    """The package's publisher as commit author: its catalogue record where there is one, else the manifest."""
    record = catalog.publisher(manifest.publisher.id)
    name = record.name if record is not None else manifest.publisher.name
    email = record.contacts[0].email if record is not None and record.contacts else manifest.contacts[0].email
    return Actor(id=manifest.publisher.id, name=name, email=email)


def publish_harvested(
    catalog: Catalog,
    manifest: Manifest,
    files: dict[str, bytes],
    *,
    actor: Actor,
    origin: Origin,
    publisher_record: bytes | None = None,
    when: datetime | None = None,
) -> str:
    """Publish an already validated version like :func:`hub.store.publish`, with the source in the trailers.

    The same checks at commit time (version new and higher, by compare-and-swap),
    the same tag, and ``Hub-Action: publish`` so ``repair_tags`` knows the commit;
    ``Hub-Source*`` trailers say where the version came from.
    """
    record = publisher_record
    if record is not None and check_publisher("publisher.yaml", record, expected_id=manifest.publisher.id)[0] is None:
        record = None  # an invalid record from the other hub: the hub makes one from the manifest instead
    result = commit_version(
        catalog,
        manifest,
        files,
        actor=actor,
        when=when,
        subject=f"{manifest.id} {manifest.version} aus Quelle „{origin.source}“ übernommen",
        trailers={
            "Hub-Source": origin.source,
            "Hub-Source-Url": origin.url,
            "Hub-Source-Path": origin.path,
            "Hub-Source-Commit": origin.commit,
        },
        publisher_record=record,
    )
    return result.commit


# -- packages that stopped validating ---------------------------------------------------------


def _stopped(run: _Run, valid: list[Valid], published: dict[str, list[VersionInfo]]) -> list[Stopped]:
    """Published packages whose newest version in the source is refused (a folder counts under the id it would have)."""
    refused_versions: dict[str, list[str | None]] = {}
    for package_id, version in run.refused_at:
        refused_versions.setdefault(package_id, []).append(version)
    taken = {(a.id, a.version) for a in run.report.accepted} | {(u.id, u.version) for u in run.report.unchanged}
    good: dict[str, list[str]] = {}
    for item in valid:
        if (item.manifest.id, item.manifest.version) in taken:
            good.setdefault(item.manifest.id, []).append(item.manifest.version)
    stopped = []
    for package_id, versions in sorted(refused_versions.items()):
        if package_id not in published:
            continue
        unknown = [v for v in versions if v is None or not semver.Version.is_valid(v)]
        newest_good = max(good.get(package_id, []), key=semver.Version.parse, default=None)
        if unknown:
            newest_refused = unknown[0]
        else:  # every refused version is a valid one: stopped only if the newest is above the newest good one
            newest = max((v for v in versions if v is not None), key=semver.Version.parse)
            if newest_good is not None and semver.Version.parse(newest).compare(newest_good) <= 0:
                continue
            newest_refused = newest
        stopped.append(Stopped(id=package_id, published=published[package_id][0].version, refused=newest_refused))
    return stopped
