"""A read replica follows its primary's catalogue (``hub serve --follow <primary>``): the one write a replica makes.

The primary serves its catalogue repository read-only over git's dumb HTTP protocol at
``<primary>/git/catalog.git`` (``hub.api.controllers.catalogue_git``). One ``sync`` reads the
primary's ``info/refs``; when ``main`` or a tag differs from the replica's, it

1. writes every object the new refs reach that the replica lacks straight into the catalogue, fetched
   loose over one kept-alive connection and checked against its id (unreferenced until step 3, so
   harmless if the sync stops here); when the primary has packed some, ``hub.adopt.transport``'s
   walker, which reads packs, fetches them into a temporary repository and they are copied over,
2. checks, before any ref changes, that the primary's ``main`` continues the replica's (a
   fast-forward), that no tag the replica has points elsewhere, and that every new publish commit's
   tag is there (the primary moves ``main`` a moment before the tag),
3. moves the refs: new tags first, then ``main`` by compare-and-swap. A reader keys everything off
   ``main``, so it sees the old catalogue or the new one with all its tags, never half of it.

Then index and clone exports catch up (``Services.catch_up``); the served site follows through
``hub.web.follow``. A refusal moves no ref and raises :class:`ReplicaDiverged`; the replica keeps
serving what it has.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pygit2
from pygit2.enums import ObjectType

from hub.adopt.errors import UpstreamUnreachable
from hub.adopt.transport import MAX_DOWNLOAD, dumb_mirror, parse_info_refs
from hub.adopt.transport import _inflate_loose as inflate_loose  # the same check of a loose object against its id
from hub.errors import Conflict
from hub.services import Services
from hub.store import repair_tags
from hub.store.catalog import BRANCH, TAG_PREFIX, parse_trailers, tag_name

log = logging.getLogger("hub.replica")

CATALOGUE = "/git/catalog.git"  # where a hub serves its catalogue repository
TIMEOUT = 10.0  # a primary that hangs must not hold the replica's sync for long
TAG_PATIENCE = 5.0  # how long a publish commit may wait for its tag on the primary before main moves without it
USER_AGENT = "transferhub-replica/1"
_waiting_since: dict[str, float] = {}  # primary main commit -> when a missing tag first held it back


class ReplicaDiverged(Conflict):
    """The primary's catalogue does not continue the replica's (not a fast-forward): nothing is taken over."""

    code = "replica-diverged"
    title = "Primär-Hub nicht fortgesetzt"


@dataclass(frozen=True)
class SyncOutcome:
    state: str  # "current": nothing new; "advanced": main and/or tags moved; "waiting": a tag is still missing on the primary
    commit: str | None  # the replica's main after the sync
    tags: int = 0  # tags created or moved
    etag: str | None = None  # of the primary's info/refs, for the next conditional request


def catalogue_url(primary: str) -> str:
    return primary.rstrip("/") + CATALOGUE


def read_refs(primary: str, etag: str | None = None) -> tuple[dict[str, str] | None, str | None]:
    """The primary's branches and tags (None when unchanged since ``etag``) and the answer's ETag."""
    url = catalogue_url(primary) + "/info/refs"
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=TIMEOUT) as response:
            body = response.read()
            return parse_info_refs(body, url.removesuffix("/info/refs")), response.headers.get("ETag")
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None, etag
        raise UpstreamUnreachable(f"Der Primär-Hub antwortet auf „{url}“ mit HTTP {exc.code} ({exc.reason}).") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise UpstreamUnreachable(f"Der Primär-Hub „{primary}“ ist nicht erreichbar: {reason}.") from None


def sync(services: Services, primary: str, *, etag: str | None = None) -> SyncOutcome:
    """Bring the replica's catalogue to the primary's (see the module text); :class:`ReplicaDiverged` when it cannot be."""
    repo = services.catalog.repo
    local_main = _target(repo, BRANCH)
    advertised, etag = read_refs(primary, etag)
    if advertised is None:
        return SyncOutcome("current", local_main, etag=etag)
    remote_main = advertised.get(BRANCH)
    if remote_main is None:
        raise UpstreamUnreachable(f"Der Primär-Hub „{primary}“ bietet keinen Katalog an (kein Zweig main).")
    changed = {name: oid for name, oid in advertised.items() if name.startswith(TAG_PREFIX) and _target(repo, name) != oid}
    if remote_main != local_main:
        changed[BRANCH] = remote_main
    if not changed:
        return SyncOutcome("current", local_main, etag=etag)

    url = catalogue_url(primary)
    # objects first: unreferenced until the refs move below, so a refusal leaves the catalogue's refs as they were
    if not _fetch_loose(repo, url, changed.values()):
        with dumb_mirror(repo, url, changed) as folder:  # the primary has packed some: the walker that reads packs
            _copy_objects(pygit2.Repository(str(folder)), repo, changed.values())
    _check_fast_forward(repo, primary, local_main, remote_main)
    moved_tags = _check_tags(repo, primary, changed)
    missing = _missing_tags(repo, local_main, remote_main, advertised)
    if missing and not _patience_over(remote_main):
        log.info("Primär-Hub: Stand %s wartet noch auf das Tag %s", remote_main[:12], missing[0])
        return SyncOutcome("waiting", local_main, etag=None)  # no ETag: ask again in full next time
    if missing:
        log.warning(
            "Primär-Hub %s: Stand %s ohne das Tag %s übernommen (es fehlt dort seit %.0f s)",
            primary,
            remote_main[:12],
            missing[0],
            TAG_PATIENCE,
        )
    for name in moved_tags:
        repo.references.create(name, changed[name], force=True)
    if remote_main != local_main:
        if local_main is None:
            repo.references.create(BRANCH, remote_main)
        else:
            # compare-and-swap: refused if main moved since it was read (nothing else writes a replica's catalogue)
            repo.references[BRANCH].set_target(remote_main, f"replica: fast-forward from {primary}")
    _waiting_since.clear()  # whatever waited is in now
    if missing:
        # tag them here as the primary does after a crash (its repair_tags): the version is served and exported now, and the
        # primary's own tag object replaces this one when it arrives (same commit, _check_tags)
        repair_tags(services.catalog)
    try:
        services.catch_up()
    except Exception:  # the follower repeats it when it sees main move
        log.warning("Index und Klon-Exporte nach dem Abgleich nicht nachgezogen; das nächste Nachziehen holt es nach", exc_info=True)
    return SyncOutcome("advanced", remote_main, tags=len(moved_tags), etag=etag)


def _target(repo: pygit2.Repository, name: str) -> str | None:
    ref = repo.references.get(name)
    return None if ref is None else str(ref.target)


def _check_fast_forward(repo: pygit2.Repository, primary: str, local: str | None, remote: str) -> None:
    if local is None or local == remote:
        return
    if not repo.descendant_of(remote, local):
        raise ReplicaDiverged(
            f"Der Katalog des Primär-Hubs {primary} setzt den dieses Replikats nicht fort (main {local[:12]} → {remote[:12]} ist "
            f"kein Vorspulen). Nichts wurde übernommen; das Replikat liefert weiter den Stand {local[:12]} aus."
        )


def _check_tags(repo: pygit2.Repository, primary: str, changed: dict[str, str]) -> list[str]:
    """The tags to create or move; a tag the replica has on another commit is a divergence."""
    tags = []
    for name, oid in changed.items():
        if not name.startswith(TAG_PREFIX):
            continue
        own = _target(repo, name)
        if own is not None and _commit_of(repo, own) != _commit_of(repo, oid):
            raise ReplicaDiverged(
                f"Das Tag „{name.removeprefix(TAG_PREFIX)}“ zeigt beim Primär-Hub {primary} auf einen anderen Stand als in diesem "
                "Replikat. Nichts wurde übernommen."
            )
        tags.append(name)  # new, or the same commit under another tag object (one the replica repaired itself)
    return sorted(tags)


def _commit_of(repo: pygit2.Repository, oid: str) -> str:
    return str(repo[oid].peel(pygit2.Commit).id)


def _missing_tags(repo: pygit2.Repository, local: str | None, remote: str, advertised: dict[str, str]) -> list[str]:
    """Tags of the publish commits between the replica's main and the primary's that the primary does not list yet."""
    walker = repo.walk(remote)
    if local is not None:
        walker.hide(local)
    missing = []
    for commit in walker:
        trailers = parse_trailers(commit.message)
        if trailers.get("Hub-Action") == "publish" and "Hub-Package" in trailers and "Hub-Version" in trailers:
            name = TAG_PREFIX + tag_name(trailers["Hub-Package"], trailers["Hub-Version"])
            if name not in advertised:
                missing.append(name.removeprefix(TAG_PREFIX))
    return missing


def _patience_over(commit: str) -> bool:
    first = _waiting_since.setdefault(commit, time.monotonic())
    return time.monotonic() - first > TAG_PATIENCE


class _LooseObjects:
    """Loose objects of the primary's catalogue over one kept-alive HTTP connection (a request per object)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.url = url
        self.path = parts.path.rstrip("/")
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.connection = kind(parts.hostname or "", parts.port, timeout=TIMEOUT)

    def get(self, oid: str) -> bytes | None:
        """The compressed object, or None when the primary has no loose file for it (it may be in a pack)."""
        for attempt in (1, 2):  # the server may close a kept-alive connection between two requests: once more on a fresh one
            try:
                self.connection.request("GET", f"{self.path}/objects/{oid[:2]}/{oid[2:]}", headers={"User-Agent": USER_AGENT})
                response = self.connection.getresponse()
                body = response.read(MAX_DOWNLOAD + 1)
            except (http.client.HTTPException, OSError) as exc:
                self.connection.close()
                if attempt == 2:
                    raise UpstreamUnreachable(f"Der Primär-Hub „{self.url}“ ist nicht erreichbar: {exc}.") from None
                continue
            if response.status == 404:
                return None
            if response.status != 200 or len(body) > MAX_DOWNLOAD:
                raise UpstreamUnreachable(f"Der Primär-Hub antwortet auf das Objekt {oid} mit HTTP {response.status}.")
            return body
        return None

    def close(self) -> None:
        self.connection.close()


def _fetch_loose(repo: pygit2.Repository, url: str, tips: Iterable[str]) -> bool:
    """Write every object the tips reach that ``repo`` lacks, fetched as loose objects straight into ``repo`` (each checked
    against its id); False as soon as one is not loose on the primary (the caller then takes the walker that reads packs)."""
    loose = _LooseObjects(url)

    def load(oid: str) -> tuple[int, bytes] | None:
        compressed = loose.get(oid)
        return None if compressed is None else inflate_loose(compressed, oid, url)

    try:
        return _write_reachable(repo, tips, load)
    finally:
        loose.close()


def _copy_objects(mirror: pygit2.Repository, repo: pygit2.Repository, tips: Iterable[str]) -> None:
    """Write every object the tips reach that ``repo`` lacks, read from the mirror (hashed again on writing)."""
    _write_reachable(repo, tips, mirror.odb.read)


def _write_reachable(repo: pygit2.Repository, tips: Iterable[str], load: Callable[[str], tuple[int, bytes] | None]) -> bool:
    """Write every object the tips reach that ``repo`` lacks, each only after everything it reaches.

    So a sync that stops half-way (an object only in a pack, the primary gone, a crash) leaves git's rule
    intact: whoever has an object has all it reaches. Every walk here and in ``hub.adopt.transport`` stops
    at an object the catalogue has, relying on exactly that. False when ``load`` cannot provide an object.
    """
    own = repo.odb
    written: set[str] = set()
    stack: list[tuple[str, tuple[int, bytes] | None]] = [(tip, None) for tip in tips]
    while stack:
        oid, loaded = stack.pop()
        if loaded is not None:  # everything it reaches is written: now the object itself
            if str(own.write(*loaded)) != oid:
                raise UpstreamUnreachable(f"Das Objekt {oid} aus dem Katalog des Primär-Hubs ist beschädigt.")
            written.add(oid)
            continue
        if oid in written or own.exists(oid):
            continue
        found = load(oid)
        if found is None:
            return False
        stack.append((oid, found))
        stack.extend((child, None) for child in _children(*found))
    return True


def _children(kind: int, data: bytes) -> list[str]:
    """The ids a raw object names: a commit's tree and parents, a tree's entries (not submodule commits), a tag's target."""
    if kind == ObjectType.TREE:
        ids, i = [], 0
        while i < len(data):
            space = data.index(b" ", i)
            nul = data.index(b"\0", space)
            if data[i:space] != b"160000":
                ids.append(data[nul + 1 : nul + 21].hex())
            i = nul + 21
        return ids
    if kind in (ObjectType.COMMIT, ObjectType.TAG):
        header = data.split(b"\n\n", 1)[0].decode("ascii", "replace").splitlines()
        names = ("tree", "parent") if kind == ObjectType.COMMIT else ("object",)
        return [value for key, _, value in (line.partition(" ") for line in header) if key in names]
    return []
