"""Publishing: validate, build the tree in memory, commit, move ``main`` by compare-and-swap, tag.

The branch is the truth. A publish that loses the race to another writer rebuilds
its commit on the new head, checks again that its version is still new, and
retries; nothing is ever written over.

Branch and tag move together or not at all, by design rather than by a reference
transaction (libgit2's transactions do not roll back a ref written before a later one
fails, so they would not make two refs atomic either). Everything that can fail happens
before the branch moves: the tag name is checked, the paths are checked, and the tag
*object* is written. Moving ``main`` is the one commit point. What follows — pointing
``refs/tags/…`` at the prepared tag object — cannot make the publish fail: if it does not
happen (a crash, a full disk), the version is published all the same, still immutable (its
manifest is on ``main``), and :func:`repair_tags` (run whenever a hub opens the catalogue)
derives the tag from the commit's trailers.

Every new object of a publish (blobs, trees, commit, tag object) is built in memory
(:mod:`hub.store.batch`) and written as one pack, synced, before ``main`` moves: a crash
never leaves a ref naming a missing object, and a refused publish writes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime

import msgspec
import pygit2
import semver
from pygit2.enums import FileMode, ObjectType

from hub.errors import BadRequest, InvalidPackage, VersionExists, VersionNotNewer
from hub.model import Actor, Manifest, Problem, Publisher, PublishResult, is_package_id, unsafe_character
from hub.settings import environment
from hub.store.batch import ObjectBatch, consolidate
from hub.store.catalog import COMMITTER, TAG_PREFIX, Catalog, package_path, tag_name
from hub.store.commit import clear_stale_lock, commit_change, signature
from hub.store.hints import publish_hints, remember_files_hints
from hub.store.manifests import manifest_of_blob, remember
from hub.store.trees import commit_at, entry_id
from hub.store.versions import first_parents, production_trailer, published
from hub.validate import PackageFiles, ValidationResult, validate_package
from hub.validate.files import git_path
from hub.validate.hints import started
from hub.validate.paths import git_refuses

log = logging.getLogger(__name__)


def actor_for(manifest: Manifest) -> Actor:
    return Actor(id=manifest.publisher.id, name=manifest.publisher.name, email=manifest.contacts[0].email)


def publish(
    catalog: Catalog,
    package: PackageFiles,
    *,
    actor: Actor | None = None,
    when: datetime | None = None,
    expected_id: str | None = None,
    check: Callable[[Manifest], None] | None = None,
    person: str | None = None,
    validated: ValidationResult | None = None,
) -> PublishResult:
    """Publish one package version; raise :class:`InvalidPackage` or a Conflict, changing nothing.

    ``check`` sees the valid manifest before anything is written and may raise
    (the API uses it to let a token publish only under its own organisation).
    ``person``: who acted for the organisation (a workspace account), named in the commit message (``Hub-Person``).
    ``validated``: what :func:`validate_package` found for exactly these files (the API validates an upload in a
    budget worker and hands the result on, so the bytes are not validated twice and not in the publishing thread).
    """
    if person is not None and unsafe_character(person, one_line=True):
        raise BadRequest("Die handelnde Person ist keine einzeilige Angabe.")
    result = validated if validated is not None and expected_id is None else validate_package(package, expected_id=expected_id)
    if not result.ok:
        raise InvalidPackage(
            f"Das Paket ist ungültig: {len(result.problems)} Problem(e) gefunden; nichts wurde veröffentlicht.",
            problems=result.problems,
        )
    manifest = result.manifest
    assert manifest is not None
    if check is not None:
        check(manifest)
    hints = [p for p in result.problems if p.is_hint] + publish_hints(catalog, manifest)
    published = commit_version(
        catalog, manifest, package.files, actor=actor or actor_for(manifest), when=when, trailers={"Hub-Person": person} if person else None
    )
    folder = entry_id(catalog.repo, commit_at(catalog.repo, published.commit).tree_id, package_path(manifest.id))
    if folder is not None:  # the maturity of the new version reads its files' hints next: they are what validation found
        remember_files_hints(folder, result.problems)
    return msgspec.structs.replace(published, hints=hints) if hints else published


def commit_version(
    catalog: Catalog,
    manifest: Manifest,
    files: Mapping[str, bytes],
    *,
    actor: Actor,
    when: datetime | None = None,
    subject: str | None = None,
    trailers: Mapping[str, str] | None = None,
    publisher_record: bytes | None = None,
) -> PublishResult:
    """Commit a version already known to be valid: the one place where versions enter ``main``.

    ``subject`` and ``trailers`` extend the commit message (harvesting names its
    source); ``publisher_record`` is the publisher's ``publishers/<id>.yaml`` to use
    when the catalogue has none yet, instead of one made from the manifest.
    """
    repo = catalog.repo
    head = catalog.head()
    tag = tag_name(manifest.id, manifest.version)
    # refuse before writing a single object, so a refused publish leaves no trace
    _check_writable(manifest, files, tag)
    _check_new_version(catalog, head.tree if head is not None else None, manifest)
    # the package's objects are built (hashed and compressed) in memory before the commit turn; inside it only the
    # root trees, the commit and the tag object are added, and the whole batch is written as one synced pack
    batch = ObjectBatch(repo)
    previous = entry_id(repo, head.tree_id, package_path(manifest.id)) if head is not None else None
    if previous is not None:
        batch.know(previous)  # the files this version did not change are in the catalogue already
    package_tree = batch.files(files)
    remember(batch.blob(files["hub.yaml"]), manifest)  # the index and maturity read it next: not parsed again
    author = signature(actor.name, actor.email, when)
    committer = signature(*COMMITTER, when)
    extra = "".join(f"{key}: {value}\n" for key, value in (trailers or {}).items())
    message = (
        f"{subject or f'{manifest.id} {manifest.version} veröffentlicht'}\n\n"
        f"{manifest.name}: {manifest.summary.de}\n\n"
        f"Hub-Action: publish\nHub-Package: {manifest.id}\nHub-Version: {manifest.version}\nHub-Actor: {actor.id}\n"
        f"{production_trailer(started(manifest).since)}{extra}"
    )
    record = batch.blob(publisher_record) if publisher_record is not None else None

    def change(root: pygit2.Tree | None) -> pygit2.Oid:
        _check_new_version(catalog, root, manifest)
        changes: dict[str, tuple[pygit2.Oid | None, int]] = {package_path(manifest.id): (package_tree, FileMode.TREE)}
        publisher = f"publishers/{manifest.publisher.id}.yaml"
        if root is None or publisher not in root:  # register an unknown publisher, so every package has its organisation
            changes[publisher] = (record if record is not None else batch.blob(_publisher_record(manifest)), FileMode.BLOB)
        return batch.replace(root, changes)

    prepared: dict[pygit2.Oid, pygit2.Oid] = {}

    def prepare(commit: pygit2.Oid) -> None:
        prepared[commit] = batch.tag(tag, commit, author, f"{manifest.name} {manifest.version}\n")

    commit = commit_change(catalog, change, author=author, committer=committer, message=message, prepare=prepare, batch=batch)
    # main has moved: the version is published, whatever happens to the tag reference now
    try:
        _point_tag(repo, tag, prepared[commit])
    except Exception:
        log.warning("Tag %s nicht gesetzt; repair_tags stellt ihn aus dem Commit %s wieder her", tag, commit, exc_info=True)
    try:  # keeps the number of packs small; the version is published whatever happens here
        consolidate(repo, durable=environment().fsync)
    except Exception:
        log.warning("Packs des Katalogs nicht zusammengelegt; das nächste Veröffentlichen versucht es wieder", exc_info=True)
    return PublishResult(id=manifest.id, version=manifest.version, commit=str(commit), tag=tag)


def _check_writable(manifest: Manifest, files: Mapping[str, bytes], tag: str) -> None:
    """What git would refuse later (a ref name, a path) is refused now, before any object exists."""
    problems = []
    if not is_package_id(manifest.id) or not pygit2.reference_is_valid_name(TAG_PREFIX + tag):
        problems.append(
            Problem(
                code="manifest-schema",
                file="hub.yaml",
                pointer="/id",
                message=f"Die Kennung „{manifest.id}“ ergibt keinen gültigen Git-Tag.",
            )
        )
    problems += [git_path(path) for path in files if git_refuses(path)]
    if problems:
        raise InvalidPackage(
            f"Das Paket ist ungültig: {len(problems)} Problem(e) gefunden; nichts wurde veröffentlicht.", problems=problems
        )


def _point_tag(repo: pygit2.Repository, tag: str, target: pygit2.Oid) -> None:
    for _ in range(50):
        try:
            repo.references.create(TAG_PREFIX + tag, target, force=False)
            return
        except pygit2.AlreadyExistsError:
            return  # restored by repair_tags meanwhile: same commit, nothing to do
        except (pygit2.GitError, OSError) as exc:
            if "lock" not in str(exc):
                raise
            clear_stale_lock(repo, TAG_PREFIX + tag)
            time.sleep(0.05)


def _check_new_version(catalog: Catalog, root: pygit2.Tree | None, manifest: Manifest) -> None:
    if catalog.repo.references.get(TAG_PREFIX + tag_name(manifest.id, manifest.version)) is not None:
        raise VersionExists(
            f"{manifest.id} {manifest.version} ist bereits veröffentlicht; veröffentlichte Versionen sind unveränderlich. Bitte die Versionsnummer erhöhen."
        )
    if root is None:
        return
    manifest_id = entry_id(catalog.repo, root.id, f"{package_path(manifest.id)}/hub.yaml")
    if manifest_id is None:
        return
    current = manifest_of_blob(catalog.repo, manifest_id).version
    order = semver.Version.parse(manifest.version).compare(current)
    if order == 0:
        raise VersionExists(
            f"{manifest.id} {manifest.version} ist bereits veröffentlicht; veröffentlichte Versionen sind unveränderlich. Bitte die Versionsnummer erhöhen."
        )
    if order < 0:
        raise VersionNotNewer(
            f"Die neueste Version von {manifest.id} ist {current}; eine neue Version muss höher sein als {current}, nicht {manifest.version}."
        )


def _publisher_record(manifest: Manifest) -> bytes:
    """The record of a publisher the catalogue does not know yet, made from the manifest."""
    publisher = Publisher(id=manifest.publisher.id, name=manifest.publisher.name, type="sonstige", url=manifest.publisher.url)
    return msgspec.yaml.encode(publisher)


def _create_tag(repo: pygit2.Repository, tag: str, commit: pygit2.Oid, tagger: pygit2.Signature, message: str) -> None:
    for _ in range(50):
        try:
            repo.create_tag(tag, commit, ObjectType.COMMIT, tagger, message)
            return
        except pygit2.AlreadyExistsError:
            return  # restored by repair_tags meanwhile: same commit, nothing to do
        except (pygit2.GitError, OSError) as exc:
            if "exists" in str(exc) and "lock" not in str(exc):
                return
            if "lock" not in str(exc):
                raise
            clear_stale_lock(repo, TAG_PREFIX + tag)
            time.sleep(0.05)
    # the version is published (main moved); a missing tag is restored by repair_tags


def repair_tags(catalog: Catalog) -> list[str]:
    """Tag every publish commit on ``main`` whose tag is missing (after a crash); return the new tags.

    Walks back from HEAD only to the commit up to which an earlier run found every publish tagged (kept
    in the version store, hub.store.version_store), so a start does not read the whole history: a publish
    that moved ``main`` and died before its tag is always newer than that commit.
    """
    repo = catalog.repo
    head = catalog.head()
    if head is None:
        return []
    tagged = catalog.version_store.tagged()
    created = []
    complete = True
    for commit in first_parents(head):
        if str(commit.id) == tagged:
            break
        found = published(commit)
        if found is None:
            continue
        tag = tag_name(*found)
        if repo.references.get(TAG_PREFIX + tag) is None:
            _create_tag(repo, tag, commit.id, commit.author, f"{found[0]} {found[1]}\n")
            created.append(tag)
            complete = complete and repo.references.get(TAG_PREFIX + tag) is not None
    if complete and tagged != str(head.id):  # a tag that could not be written is tried again next time
        catalog.version_store.record_tagged(str(head.id))
    return created
