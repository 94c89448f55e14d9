"""``hub upstream``: what changed in the hub since the adopted version, and a merge that keeps local changes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import msgspec
import pygit2
import semver
from pygit2.enums import CheckoutStrategy, RepositoryState, ResetMode

from hub.adopt.adopt import is_data_dir, refresh_export
from hub.adopt.errors import DirtyWorkTree, MergeConflict
from hub.adopt.model import MergeResult, SemanticDiff, UpstreamStatus
from hub.adopt.remote import advance_remote, configured
from hub.adopt.repo import (
    BRANCH,
    Recorded,
    current_branch,
    local_changes,
    newer_than,
    open_adopted,
    remote_url,
    upstream_versions,
    version_commit,
    write_recorded,
)
from hub.adopt.semantic import semantic_diff
from hub.adopt.transport import FetchReport, fetch, local_path
from hub.errors import BadRequest, Conflict, HubError, PackageNotFound
from hub.model import Adoption, Problem
from hub.store.catalog import Catalog
from hub.store.records import adoptions

MERGE_MESSAGE = "Übernahme von {package} {version} aus dem Hub"


def sync(repo: pygit2.Repository, recorded: Recorded) -> FetchReport:
    """Fetch the remote ``hub``; for a hub data directory, first bring the package's export up to date."""
    source = local_path(recorded.source)
    if source is not None and is_data_dir(source):
        refresh_export(Catalog.open(source / "catalog.git"), source, recorded.package)
    return fetch(repo, remote_url(repo))  # the remote as it is now: someone may have pointed it elsewhere


def _versions(repo: pygit2.Repository, recorded: Recorded) -> dict[str, pygit2.Commit]:
    versions = upstream_versions(repo)
    if not versions:
        raise PackageNotFound(f"Upstream sind keine Versionen von „{recorded.package}“ zu finden (keine Tags v<version>).")
    return versions


def upstream_status(repo_dir: str | os.PathLike[str] = ".", *, fetch_first: bool = True) -> UpstreamStatus:
    """Fetch ``hub`` and compare: newer upstream versions, the latest, local changes."""
    repo, recorded = open_adopted(repo_dir)
    report = sync(repo, recorded) if fetch_first else FetchReport("none")
    versions = _versions(repo, recorded)
    names = list(versions)
    changed = local_changes(repo)
    local_commits = 0
    if not repo.head_is_unborn:
        walker = repo.walk(repo.head.target)
        for commit in versions.values():
            walker.hide(commit.id)
        local_commits = sum(1 for _ in walker)
    newer = newer_than(names, recorded.version)
    return UpstreamStatus(
        path=str(Path(repo.workdir).resolve()),
        package=recorded.package,
        org=recorded.org,
        source=recorded.source,
        remote=remote_url(repo),
        adopted=recorded.version,
        latest=names[-1],
        newer=newer,
        up_to_date=not newer,
        dirty=bool(changed),
        changed=changed,
        local_commits=local_commits,
        branch=current_branch(repo),
        notes=report.notes,
    )


def upstream_diff(repo_dir: str | os.PathLike[str] = ".", version: str | None = None, *, fetch_first: bool = True) -> SemanticDiff:
    """What changed upstream between the adopted version and ``version`` (default: the latest upstream)."""
    repo, recorded = open_adopted(repo_dir)
    if fetch_first:
        sync(repo, recorded)
    versions = _versions(repo, recorded)
    target = version.removeprefix("v") if version else list(versions)[-1]
    new = version_commit(repo, versions, recorded.package, target)
    old = version_commit(repo, versions, recorded.package, recorded.version)
    return semantic_diff(repo, recorded.package, old, new, recorded.version, target)


Advancer = Callable[[Catalog, str, str, str], Adoption]


def upstream_merge(
    repo_dir: str | os.PathLike[str] = ".", version: str | None = None, *, fetch_first: bool = True, advancer: Advancer | None = None
) -> MergeResult:
    """Merge upstream ``version`` (default: latest) into ``main``, keeping local changes.

    Three-way merge with the adopted version as base. Refuses a dirty work tree or index and
    any branch but ``main`` (nothing touched). On conflicts nothing is touched either and
    :class:`MergeConflict` lists the files. Otherwise: merge commit (parents: ``main``, the
    upstream version), then the work tree is checked out to it, then ``main`` moves and the
    adopted version in ``[transferhub]`` is updated; a failure on the way restores the old state.
    Then the adoption record follows: on a hub on the network through its API with the token in
    ``transferhub.token``, in a hub data directory through ``advancer``; a refusal there is a note,
    the merge stays.
    """
    repo, recorded = open_adopted(repo_dir)
    _require_clean(repo)
    if fetch_first:
        sync(repo, recorded)
    versions = _versions(repo, recorded)
    target = version.removeprefix("v") if version else list(versions)[-1]
    theirs = version_commit(repo, versions, recorded.package, target)
    adopted = version_commit(repo, versions, recorded.package, recorded.version)
    ours = repo.head.peel(pygit2.Commit)
    workdir = str(Path(repo.workdir).resolve())

    def result(merged: bool, commit: pygit2.Oid, message: str, upstream: tuple[str, ...] = (), local: tuple[str, ...] = ()) -> MergeResult:
        return MergeResult(
            path=workdir,
            package=recorded.package,
            from_version=recorded.version,
            to_version=target,
            merged=merged,
            commit=str(commit),
            previous=str(ours.id),
            upstream_files=list(upstream),
            local_files=list(local),
            message=message,
        )

    order = semver.Version.parse(target).compare(recorded.version)
    if order < 0:
        raise BadRequest(f"Version {target} ist älter als die übernommene Version {recorded.version}; zurück geht es nur mit git selbst.")
    if order == 0:
        return result(False, ours.id, f"{recorded.package} ist bereits auf Version {target}.")
    if ours.id == theirs.id or repo.descendant_of(ours.id, theirs.id):  # merged before, e.g. with git itself
        write_recorded(repo, _with_version(recorded, target))
        return _follow(
            repo,
            recorded,
            target,
            advancer,
            result(False, ours.id, f"main enthält {recorded.package} {target} bereits; die übernommene Version ist jetzt {target}."),
        )

    base = _base(repo, adopted, ours, theirs)
    upstream_files = _changed_paths(repo, base.tree, theirs.tree)
    local_files = _changed_paths(repo, base.tree, ours.tree)
    index = repo.merge_trees(base.tree, ours.tree, theirs.tree)
    if index.conflicts is not None:
        problems = [_conflict_problem(entries) for entries in index.conflicts]
        paths = ", ".join(p.file for p in problems)
        raise MergeConflict(
            f"{recorded.package} {target} lässt sich nicht automatisch übernehmen: lokale Änderungen und Änderungen im Hub "
            f"treffen in {len(problems)} Datei(en) aufeinander ({paths}). Nichts wurde verändert. Zum Lösen von Hand: „git merge v{target}“, "
            f"Konflikte bearbeiten, committen; danach vermerkt „hub upstream merge {target}“ die Version.",
            problems=problems,
        )
    tree = index.write_tree(repo)
    signature = _signature(repo, recorded.org)
    message = MERGE_MESSAGE.format(package=recorded.package, version=target) + f"\n\nHub-Upstream: {recorded.package}@{target}\n"
    commit = repo.create_commit(None, signature, signature, message, tree, [ours.id, theirs.id])
    moved = False
    try:
        repo.checkout_tree(repo[tree], strategy=CheckoutStrategy.SAFE)
        branch = repo.references[BRANCH]
        if branch.target != ours.id:
            raise Conflict("main hat sich während der Übernahme verändert; bitte noch einmal versuchen.")
        branch.set_target(commit, f"hub upstream merge: {recorded.package} {target}")
        moved = True
        write_recorded(repo, _with_version(recorded, target))
    except BaseException:
        _restore(repo, ours.id if moved else None, recorded)
        raise
    return _follow(
        repo,
        recorded,
        target,
        advancer,
        result(
            True,
            commit,
            f"{recorded.package} {target} übernommen; lokale Änderungen bleiben erhalten.",
            tuple(upstream_files),
            tuple(local_files),
        ),
    )


def _follow(repo: pygit2.Repository, recorded: Recorded, version: str, advancer: Advancer | None, merged: MergeResult) -> MergeResult:
    """The adoption record on the hub now names ``version`` (where one is kept); why not, as a note."""
    api, token = configured(repo)
    try:
        if api and token:
            adoption = advance_remote(api, token, recorded.org, recorded.package, version)
            return msgspec.structs.replace(merged, adoption=adoption)
        source = local_path(recorded.source)
        if advancer is not None and source is not None and is_data_dir(source):
            catalog = Catalog.open(source / "catalog.git")
            if any(a.adopter == recorded.org for a in adoptions(catalog, recorded.package)):
                return msgspec.structs.replace(merged, adoption=advancer(catalog, recorded.package, recorded.org, version))
    except HubError as exc:
        return msgspec.structs.replace(merged, notes=[f"Der Nachnutzungsnachweis im Hub nennt weiter die vorige Version: {exc.detail}"])
    return merged


def _base(repo: pygit2.Repository, adopted: pygit2.Commit, ours: pygit2.Commit, theirs: pygit2.Commit) -> pygit2.Commit:
    """The merge base: the adopted version's commit, or a later upstream version already merged into main by hand."""
    common = repo.merge_base(ours.id, theirs.id)
    if common is not None and (common == adopted.id or repo.descendant_of(common, adopted.id)):
        return repo[common].peel(pygit2.Commit)
    return adopted


def _require_clean(repo: pygit2.Repository) -> None:
    if current_branch(repo) != BRANCH:
        raise BadRequest("Übernommen wird in den Zweig main; bitte zuerst „git switch main“.")
    if repo.state() != RepositoryState.NONE:
        raise DirtyWorkTree(
            "Im Repository läuft noch ein anderer Vorgang (Merge, Rebase, Cherry-Pick); bitte zuerst abschließen oder abbrechen."
        )
    changed = local_changes(repo)
    if changed:
        shown = ", ".join(changed[:10]) + (f" und {len(changed) - 10} weitere" if len(changed) > 10 else "")
        raise DirtyWorkTree(
            f"Es gibt nicht committete lokale Änderungen ({shown}); bitte zuerst committen oder verwerfen. Nichts wurde verändert.",
            problems=[Problem(code="worktree-dirty", file=path, message="nicht committete Änderung") for path in changed],
        )


def _restore(repo: pygit2.Repository, old: pygit2.Oid | None, recorded: Recorded) -> None:
    """Back to the state before the merge: ``main`` back to ``old`` if it was moved, index and work tree at HEAD,
    the recorded version as it was. Files the checkout created are removed (the work tree had no untracked files)."""
    try:
        if old is not None:
            repo.references[BRANCH].set_target(old, "hub upstream merge: zurückgesetzt")
        head = repo.head.peel(pygit2.Commit)
        repo.reset(head.id, ResetMode.HARD)
        repo.checkout_tree(head.tree, strategy=CheckoutStrategy.FORCE | CheckoutStrategy.REMOVE_UNTRACKED)
    finally:
        write_recorded(repo, recorded)


def _with_version(recorded: Recorded, version: str) -> Recorded:
    return Recorded(package=recorded.package, version=version, source=recorded.source, org=recorded.org)


def _signature(repo: pygit2.Repository, org: str) -> pygit2.Signature:
    try:
        return repo.default_signature
    except (KeyError, pygit2.GitError):
        return pygit2.Signature(org, f"{org}@transferhub.invalid")


def _changed_paths(repo: pygit2.Repository, old: pygit2.Tree, new: pygit2.Tree) -> list[str]:
    deltas = old.diff_to_tree(new, interhunk_lines=0).deltas  # what repo.diff does with two trees
    return sorted({d.new_file.path for d in deltas} | {d.old_file.path for d in deltas})


def _conflict_problem(entries: tuple) -> Problem:
    ancestor, ours, theirs = entries
    path = next(e.path for e in (ours, theirs, ancestor) if e is not None)
    if ancestor is None:
        message = "lokal und im Hub neu angelegt, mit verschiedenem Inhalt"
    elif ours is None:
        message = "lokal gelöscht, im Hub geändert"
    elif theirs is None:
        message = "im Hub gelöscht, lokal geändert"
    else:
        message = "lokal und im Hub an derselben Stelle geändert"
    return Problem(code="merge-conflict", file=path, message=message)
