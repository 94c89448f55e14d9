"""``<hub>/git/catalog.git``: the whole catalogue repository, read-only, over git's dumb HTTP protocol.

Read replicas (``hub serve --follow``) mirror it from here, and ``git clone <hub>/git/catalog.git``
works with git's own client. Reading is open to everyone (the catalogue is public), so no token.
The files the dumb protocol asks for are produced from the repository as it is now: ``info/refs``
(``main`` and every tag; what ``git update-server-info`` would write), ``HEAD``,
``objects/info/packs``, and the object files themselves. Nothing else of the repository folder
(config, hooks, reflogs, lock files) is reachable.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from typing import Annotated

import pygit2
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from hub.errors import NotFound
from hub.services import Services

TEXT = "text/plain"  # Litestar adds the charset
_OBJECT = re.compile(r"^objects/(?:[0-9a-f]{2}/[0-9a-f]{38}|pack/pack-[0-9a-f]{40}\.(?:pack|idx))$")
_SHOWN = ("refs/heads/", "refs/tags/")


_listing: dict[str, tuple[str | None, float, bytes]] = {}  # catalogue path -> (main, when, info/refs), per process
FRESH = 1.0  # seconds a listing is reused while main stays where it was


def cached_info_refs(repo: pygit2.Repository, key: str) -> bytes:
    """``info/refs``, listed again when ``main`` moved or the last listing is older than ``FRESH`` seconds.

    Listing every ref costs time in proportion to the tags (about 160 ms at 10,000 packages), and every
    replica asks each second. A tag is written a moment after ``main`` moves, so a listing may miss the
    newest one for up to ``FRESH`` seconds; a replica waits for it (``hub.usecases.replica``).
    """
    ref = repo.references.get("refs/heads/main")
    main = None if ref is None else str(ref.target)
    cached = _listing.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] == main and now - cached[1] < FRESH:
        return cached[2]
    body = info_refs(repo)
    _listing[key] = (main, now, body)
    return body


def info_refs(repo: pygit2.Repository) -> bytes:
    """``<oid>\\t<name>`` per branch and tag, sorted (peeled lines are optional in the dumb protocol and left out)."""
    lines = sorted(
        f"{ref.target}\t{ref.name}\n"
        for ref in repo.references.iterator()
        if ref.name.startswith(_SHOWN) and ref.type == pygit2.enums.ReferenceType.DIRECT
    )
    return "".join(lines).encode("ascii")


def packs(root: Path) -> bytes:
    """``objects/info/packs``: one ``P <name>`` line per pack, then an empty line."""
    folder = root / "objects" / "pack"
    names = sorted(p.name for p in folder.glob("pack-*.pack")) if folder.is_dir() else []
    return "".join(f"P {name}\n" for name in names).encode("ascii") + b"\n"


@get("/git/catalog.git/{file_path:path}", include_in_schema=False, sync_to_thread=True)
def catalogue_file(request: Request, services: NamedDependency[Services], file_path: Annotated[str, PathParameter()]) -> Response[bytes]:
    relative = file_path.lstrip("/")
    headers = {"Cache-Control": "no-cache"}
    repo = services.catalog.repo
    if relative == "info/refs":
        body = cached_info_refs(repo, str(services.config.catalog_path))
        etag = '"' + hashlib.sha256(body).hexdigest() + '"'
        headers["ETag"] = etag
        if etag in request.headers.get("if-none-match", ""):
            return Response(b"", status_code=304, headers=headers)
        return Response(body, media_type=TEXT, headers=headers)
    if relative == "HEAD":
        return Response(b"ref: refs/heads/main\n", media_type=TEXT, headers=headers)
    if relative == "objects/info/packs":
        return Response(packs(services.config.catalog_path), media_type=TEXT, headers=headers)
    if _OBJECT.match(relative):
        path = services.config.catalog_path / relative
        try:
            # objects never change once written (their name is their hash): a cache may keep them
            return Response(
                path.read_bytes(), media_type="application/octet-stream", headers={"Cache-Control": "public, max-age=31536000, immutable"}
            )
        except OSError:  # not there (packed or never written): a 404 like any other
            pass
    raise NotFound(f"„catalog.git/{relative}“ gibt es unter /git nicht.")
