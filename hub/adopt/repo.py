"""The adopter's repository: what ``hub adopt`` records in it, and the upstream versions it knows."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pygit2
import semver
from pygit2.enums import FileStatus

from hub.adopt.errors import NotAnAdoption
from hub.adopt.transport import REMOTE, UPSTREAM_TAGS
from hub.errors import VersionNotFound
from hub.store.trees import blob_at
from hub.validate.yamlsafe import YamlError, load_yaml

SECTION = "transferhub"
BRANCH = "refs/heads/main"


@dataclass(frozen=True)
class Recorded:
    """The ``[transferhub]`` section of ``.git/config``."""

    package: str
    version: str
    source: str
    org: str


def open_adopted(repo_dir: str | os.PathLike[str]) -> tuple[pygit2.Repository, Recorded]:
    """The repository containing ``repo_dir`` and its ``[transferhub]`` record; :class:`NotAnAdoption` if it has none."""
    folder = Path(repo_dir)
    found = pygit2.discover_repository(str(folder)) if folder.is_dir() else None
    if found is None:
        raise NotAnAdoption(f"„{folder}“ ist kein Git-Repository; ein übernommenes Paket legt „hub adopt“ an.")
    repo = pygit2.Repository(found)
    if repo.is_bare:
        raise NotAnAdoption(
            f"„{folder}“ ist ein Repository ohne Arbeitsverzeichnis („bare“); „hub upstream“ arbeitet in einem übernommenen Paket."
        )
    values: dict[str, str] = {}
    for key in ("package", "version", "source", "org"):
        try:
            value = repo.config[f"{SECTION}.{key}"]
            if value is None:  # a key without "=" (git's valueless flag) says no more than a missing one
                raise KeyError(key)
            values[key] = value
        except KeyError:
            raise NotAnAdoption(
                f"Im Repository „{repo.workdir}“ fehlt der Eintrag „{SECTION}.{key}“; es wurde nicht mit „hub adopt“ angelegt."
            ) from None
    if REMOTE not in repo.remotes.names():
        raise NotAnAdoption(f"Im Repository „{repo.workdir}“ fehlt das Remote „{REMOTE}“, das auf das Paket im Hub zeigt.")
    return repo, Recorded(**values)


def remote_url(repo: pygit2.Repository) -> str:
    """The address of the remote ``hub`` (:func:`open_adopted` has checked it exists)."""
    url = repo.remotes[REMOTE].url
    if url is None:
        raise NotAnAdoption(f"Im Repository „{repo.workdir}“ hat das Remote „{REMOTE}“ keine Adresse.")
    return url


def write_recorded(repo: pygit2.Repository, recorded: Recorded) -> None:
    for key in ("package", "version", "source", "org"):
        repo.config[f"{SECTION}.{key}"] = getattr(recorded, key)


def upstream_versions(repo: pygit2.Repository) -> dict[str, pygit2.Commit]:
    """Upstream versions (tags ``v<semver>``) → their commits, oldest first."""
    found: dict[str, pygit2.Commit] = {}
    for ref in repo.references:
        if not ref.startswith(UPSTREAM_TAGS + "v"):
            continue
        version = ref.removeprefix(UPSTREAM_TAGS + "v")
        if not semver.Version.is_valid(version):
            continue
        try:
            found[version] = repo.references[ref].peel(pygit2.Commit)
        except (pygit2.GitError, ValueError, KeyError):
            continue
    return {v: found[v] for v in sorted(found, key=semver.Version.parse)}


def newer_than(versions: list[str], version: str) -> list[str]:
    base = semver.Version.parse(version)
    return [v for v in versions if semver.Version.parse(v) > base]


def version_commit(repo: pygit2.Repository, versions: dict[str, pygit2.Commit], package: str, version: str) -> pygit2.Commit:
    commit = versions.get(version.removeprefix("v"))
    if commit is None:
        known = ", ".join(versions) or "keine"
        raise VersionNotFound(f"Das Paket „{package}“ hat upstream keine Version „{version}“ (bekannt: {known}).")
    return commit


def manifest_id(repo: pygit2.Repository, commit: pygit2.Commit) -> tuple[str | None, str | None]:
    """``id`` and ``version`` of the ``hub.yaml`` at ``commit`` (None where there is none)."""
    try:
        data = load_yaml(blob_at(repo, commit.tree["hub.yaml"].id).data).data
    except (KeyError, YamlError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    return (str(data["id"]) if "id" in data else None), (str(data["version"]) if "version" in data else None)


def local_changes(repo: pygit2.Repository) -> list[str]:
    """Paths with uncommitted changes in index or work tree, untracked files included, ignored ones not."""
    return sorted(path for path, flags in repo.status(untracked_files="all", ignored=False).items() if flags != FileStatus.IGNORED)


def current_branch(repo: pygit2.Repository) -> str | None:
    if repo.head_is_detached or repo.head_is_unborn:
        return None
    return repo.head.name
