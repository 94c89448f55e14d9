"""``git clone <hub>/git/<publisher>/<slug>.git``: the per-package exports as static files.

git's dumb HTTP protocol needs nothing but GETs of files (``info/refs``,
``objects/info/packs``, packs). A query such as ``?service=git-upload-pack`` is
ignored: answering with the plain file tells git to fall back to the dumb protocol.
"""

from __future__ import annotations

import contextlib
from typing import Annotated

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from hub.errors import CatalogError, NotFound
from hub.services import Services
from hub.store.export import export_dir, export_package

TYPES = {"info/refs": "text/plain; charset=utf-8", "HEAD": "text/plain; charset=utf-8", "objects/info/packs": "text/plain; charset=utf-8"}


@get("/git/{publisher:str}/{repository:str}/{file_path:path}", include_in_schema=False, sync_to_thread=True)
def git_file(
    services: NamedDependency[Services],
    publisher: Annotated[str, PathParameter()],
    repository: Annotated[str, PathParameter()],
    file_path: Annotated[str, PathParameter()],
) -> Response[bytes]:
    root = services.config.git_path.resolve()
    relative = file_path.lstrip("/")
    # until the follower's first full export, an export made here on the spot is brought up to date with the first
    # file a clone or fetch asks for: a publish meanwhile exports nothing, and the clone would get the old versions
    if repository.endswith(".git") and (
        not (root / publisher / repository).is_dir() or (relative == "info/refs" and not services.exports_made())
    ):
        _export_now(services, f"{publisher}/{repository.removesuffix('.git')}")
    target = (root / publisher / repository / relative).resolve()
    # the resolved path must stay below the export root: no "..", no links out
    if not repository.endswith(".git") or root not in target.parents or not target.is_file():
        raise NotFound(f"„{publisher}/{repository}/{relative}“ gibt es unter /git nicht.")
    return Response(target.read_bytes(), media_type=TYPES.get(relative, "application/octet-stream"), headers={"Cache-Control": "no-cache"})


def _export_now(services: Services, package_id: str) -> None:
    """A package without an export yet, or one made here before a publish (a first start answers before the follower
    has exported every package): its export is written or updated now, from HEAD's tags, as the follower would (same
    bytes; the per-package lock keeps the two apart; an export that is current is left as it is)."""
    with contextlib.suppress(NotFound, CatalogError):  # no such package (or none with versions): the 404 after says so
        export_package(services.catalog, package_id, export_dir(services.config.git_path, package_id))
