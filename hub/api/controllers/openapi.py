"""OpenAPI 3.1 at ``/api/v1/openapi.json`` and an interactive page at ``/api/v1/docs``.

Served by our own routes rather than Litestar's OpenAPI router: that router adds a
catch-all below its path which answers unknown ``/api/v1/…`` URLs with an HTML page
instead of problem details.

The page is Swagger UI from the npm package ``swagger-ui-dist`` (package.json, vendored by
``./dev`` into ``site/vendor/``) and served by the hub itself: the docs work on a network
without internet, nothing is loaded from a CDN. Swagger UI's online validator badge is off.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

from litestar import Litestar, Request, Response, get
from litestar.params import PathParameter

from hub.api.openapi_details import complete
from hub.errors import NotFound
from hub.resources import vendor_dir

SWAGGER = "swagger-ui-dist"
# the only files below /api/v1/docs/: what the page loads, nothing else of the vendor folder
DOCS_FILES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "init.js": "text/javascript; charset=utf-8",
}
DOCS_PAGE = """<!doctype html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Transferhub API</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
  <div id="api"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
  <noscript>Die interaktive Dokumentation braucht JavaScript; die Beschreibung selbst steht unter <a href="openapi.json">openapi.json</a>.</noscript>
</body>
</html>
"""
# a file of its own rather than an inline script, so a strict Content-Security-Policy can forbid inline scripts
DOCS_INIT = """window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#api", deepLinking: true, validatorUrl: null});\n"""


@cache
def _description(app: Litestar) -> dict[str, Any]:
    return complete(app.openapi_schema.to_schema())


@get("/api/v1/openapi.json", include_in_schema=False, sync_to_thread=False, media_type="application/vnd.oai.openapi+json")
def openapi_json(request: Request) -> Response[dict[str, Any]]:
    return Response(_description(request.app), media_type="application/vnd.oai.openapi+json")


@get("/api/v1/docs", include_in_schema=False, sync_to_thread=False, media_type="text/html")
def openapi_docs() -> Response[str]:
    return Response(DOCS_PAGE, media_type="text/html; charset=utf-8")


@get("/api/v1/docs/{name:str}", include_in_schema=False, sync_to_thread=False)
def openapi_docs_file(name: Annotated[str, PathParameter()]) -> Response[bytes]:
    media_type = DOCS_FILES.get(name)
    if media_type is None:
        raise NotFound(f"Die Datei „{name}“ gehört nicht zur API-Dokumentation.")
    if name == "init.js":
        body = DOCS_INIT.encode()
    else:
        path: Path = vendor_dir() / SWAGGER / name
        if not path.is_file():
            raise NotFound(f"Swagger UI ist nicht installiert ({path} fehlt); ./dev installiert es aus package.json.")
        body = path.read_bytes()
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})
