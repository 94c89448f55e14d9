"""Fetching a source into its cache ``<data>/sources/<name>.git`` (bare), in-process with pygit2, bounded in time.

libgit2 has no overall deadline for a fetch, only socket timeouts; so the fetch runs
in a daemon thread that is given up after the deadline (the socket timeouts make the
abandoned thread end soon after). The cache is an ordinary bare repository: the
first fetch gets everything, later ones only what is new.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pygit2

from hub.federation.model import Source

HEAD_REF = "refs/hub/source"  # the harvested commit of a source
PREVIOUS_REF = "refs/hub/previous"  # the commit of the last fetch: keeps later fetches incremental
DEFAULT_TIMEOUT = 60.0


class SourceUnreachable(Exception):
    """The source could not be fetched (gone, slow, not a repository, branch missing); the message is German."""


@dataclass(frozen=True)
class Fetched:
    path: Path  # the cache repository
    commit: str


def local_path(url: str) -> Path | None:
    """The folder of a local source (absolute path or ``file://``), None for network URLs."""
    if url.startswith("file://"):
        return Path(unquote(urlparse(url).path))
    if url.startswith("/"):
        return Path(url)
    return None


def cache_path(cache_dir: Path, source: Source) -> Path:
    return cache_dir / f"{source.name}.git"


def fetch(source: Source, cache_dir: Path, *, timeout: float = DEFAULT_TIMEOUT) -> Fetched:
    """Fetch ``source`` into its cache; raise :class:`SourceUnreachable` within about ``timeout`` seconds."""
    local = local_path(source.url)
    if local is not None and not local.exists():
        raise SourceUnreachable(f"Den Ordner „{local}“ gibt es nicht (mehr).")
    path = cache_path(cache_dir, source)
    # socket timeouts so that an abandoned fetch thread does not hang on forever (process-wide setting of libgit2)
    millis = max(1, int(timeout * 1000))
    pygit2.settings.server_connect_timeout = millis
    pygit2.settings.server_timeout = millis
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            outcome["commit"] = _fetch(source, path)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread, which raises it
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"hub-fetch-{source.name}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise SourceUnreachable(f"Zeitüberschreitung: keine vollständige Antwort innerhalb von {timeout:g} Sekunden.")
    error = outcome.get("error")
    if isinstance(error, SourceUnreachable):
        raise error
    if isinstance(error, (pygit2.GitError, OSError, ValueError, KeyError)):
        raise SourceUnreachable(f"Abholen fehlgeschlagen: {error}") from None
    if isinstance(error, BaseException):
        raise error
    return Fetched(path=path, commit=str(outcome["commit"]))


def _fetch(source: Source, path: Path) -> str:
    if (path / "HEAD").exists():
        repo = pygit2.Repository(str(path))
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        repo = pygit2.init_repository(str(path), bare=True)
    ref = repo.references.get(HEAD_REF)
    if ref is not None:
        repo.references.create(PREVIOUS_REF, ref.target, force=True)
        ref.delete()  # a branch that vanished from the source must not look fetched
    wanted = f"refs/heads/{source.branch}" if source.branch else "HEAD"
    refspecs = [f"+{wanted}:{HEAD_REF}"]
    if source.hub:
        refspecs.append("+refs/tags/*:refs/tags/*")  # another hub keeps every version as a tag
    remote = repo.remotes.create_anonymous(source.url)
    remote.fetch(refspecs, message=f"hub: Quelle {source.name}")
    ref = repo.references.get(HEAD_REF)
    if ref is None:
        what = f"den Zweig „{source.branch}“" if source.branch else "keinen Standardzweig (HEAD)"
        raise SourceUnreachable(f"Das Repository hat {what}.")
    commit = repo[ref.target].peel(pygit2.Commit)
    repo.references.create(PREVIOUS_REF, commit.id, force=True)
    return str(commit.id)


def describe(source: Source) -> str:
    return source.url + (f" (Zweig {source.branch})" if source.branch else "")
