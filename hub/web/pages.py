"""``GET /…``: the served site's files from ``<data>/site``, with types, ETags and a CSP; nothing outside the folder.

Package files (``pakete/<publisher>/<slug>/dateien/…``) are data of their publishers:
they go out as plain text or as their inert type, in a sandbox, never as something a
browser would run on the hub's origin.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from anyio.to_thread import run_sync
from litestar import Request, get
from litestar.response.base import ASGIResponse

from hub.errors import NotFound

# Litestar adds "; charset=utf-8" to text/* itself
TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".atom": "application/atom+xml; charset=utf-8",
    ".csv": "text/csv",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
    ".map": "application/json",
}
# what a package file may be sent as; everything else is plain text
PACKAGE_FILE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".json": "application/json",
}
# the pages load scripts and styles only from the hub itself; inline SVG diagrams carry style attributes
# ('unsafe-hashes' admits exactly the search form's onsubmit="return false", nothing else inline)
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-hashes' 'sha256-GZIcz60Uwd6wT3vaYke/atSr53TehbYAPepOa3d03Vw='; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def is_package_file(rel: PurePosixPath) -> bool:
    parts = rel.parts
    return len(parts) > 4 and parts[0] == "pakete" and parts[3] == "dateien"


def locate(root: Path, path: str) -> tuple[Path | None, PurePosixPath]:
    """The file for a request path below ``root``; (None, rel) if there is none. Hidden and parent segments never match."""
    rel = PurePosixPath(path.lstrip("/"))
    if any(part in ("..", ".") or part.startswith(".") or "\\" in part or "\x00" in part for part in rel.parts):
        return None, rel
    target = root / rel
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return None, rel
    if resolved != root and root not in resolved.parents:
        return None, rel
    return (resolved if resolved.is_file() else None), rel


# a person who opens the hub during its first start sees this page; browsers ignore Retry-After, so the page reloads
# itself (no script: a meta refresh) until the pages are there
BUILDING = (
    '<!doctype html>\n<html lang="de"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Einen Moment – Transferhub</title></head>'
    "<body><main><h1>Einen Moment bitte</h1><p>Die Website wird gerade gebaut; bitte gleich noch einmal laden. "
    "Diese Seite lädt sich in zwei Sekunden von selbst neu.</p></main></body></html>\n"
)


def building() -> ASGIResponse:
    return ASGIResponse(body=BUILDING, status_code=503, media_type="text/html; charset=utf-8", headers=[("retry-after", "2")])


def etag(commit: str | None, rel: str) -> str:
    # stable across processes and restarts: the commit the site shows and the path, hashed
    return '"' + hashlib.sha256(f"{commit}\x00{rel}".encode()).hexdigest()[:32] + '"'


def serve(request: Request, root: Path, commit: str | None, path: str) -> ASGIResponse:
    root = root.resolve()
    if path.startswith(("api/", "schemas/", "git/")) or path in ("api", "schemas", "git"):
        raise NotFound(f"„/{path}“ gibt es nicht.")
    if commit is None:  # no pages for this hub's address yet: this process's follower is building them
        return building()
    file, rel = locate(root, path)
    if file is None and (root / rel).is_dir() and rel.parts and not path.endswith("/"):
        # relative links in the pages need the trailing slash
        return ASGIResponse(status_code=301, headers=[("location", f"/{rel.as_posix()}/")])
    if file is None and (path == "" or path.endswith("/")):
        file, rel = locate(root, (path + "index.html"))
        rel = PurePosixPath(rel)
    if file is None:
        if not (root / "index.html").is_file():
            return building()
        raise NotFound(f"Die Seite „/{path}“ gibt es nicht.")
    tag = etag(commit, rel.as_posix())
    suffix = file.suffix.lower()
    if is_package_file(rel):
        media_type = PACKAGE_FILE_TYPES.get(suffix, "text/plain")
        headers = [("content-security-policy", FILE_CSP)]
    else:
        media_type = TYPES.get(suffix, "application/octet-stream")
        headers = [("content-security-policy", PAGE_CSP)] if suffix == ".html" else []
    headers += [("etag", tag), ("cache-control", "no-cache"), ("x-content-type-options", "nosniff"), ("referrer-policy", "same-origin")]
    if request.headers.get("if-none-match") == tag:
        return ASGIResponse(status_code=304, headers=[("etag", tag)])
    return ASGIResponse(body=file.read_bytes(), media_type=media_type, headers=headers)


def site_routes(root: Path, commit) -> list:
    """The handler for ``/`` and every path the API does not claim; ``commit()`` is the commit the site shows."""

    @get(["/", "/{path:path}"], include_in_schema=False)
    async def site_page(request: Request) -> ASGIResponse:
        # the raw path: Litestar's path parameter drops a trailing slash, which the pages' relative links need
        raw = request.scope.get("raw_path")
        full = unquote(raw.decode("latin-1"), encoding="utf-8", errors="replace") if raw else request.scope["path"]
        return await run_sync(serve, request, root, commit(), full.lstrip("/"))

    return [site_page]
