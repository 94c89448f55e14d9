"""OpenAPI 3.1 at ``/api/v1/openapi.json`` and an interactive page at ``/api/v1/docs``.

Served by our own two routes rather than Litestar's OpenAPI router: that router adds
a catch-all below its path which answers unknown ``/api/v1/…`` URLs with an HTML
page instead of problem details.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

SWAGGER_VERSION = "5.18.2"
DOCS_PAGE = """<!doctype html>
<html lang="de">
<head>
  <meta charset="utf-8">
  <title>Transferhub API</title>
  <link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@{v}/swagger-ui.css">
</head>
<body>
  <div id="api"></div>
  <script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@{v}/swagger-ui-bundle.js" crossorigin></script>
  <script>window.ui = SwaggerUIBundle({{url: "openapi.json", dom_id: "#api", deepLinking: true}});</script>
  <noscript>Die interaktive Dokumentation braucht JavaScript; die Beschreibung selbst steht unter <a href="openapi.json">openapi.json</a>.</noscript>
</body>
</html>
"""


@get("/api/v1/openapi.json", include_in_schema=False, sync_to_thread=False, media_type="application/vnd.oai.openapi+json")
def openapi_json(request: Request) -> Response[dict[str, Any]]:
    return Response(request.app.openapi_schema.to_schema(), media_type="application/vnd.oai.openapi+json")


@get("/api/v1/docs", include_in_schema=False, sync_to_thread=False, media_type="text/html")
def openapi_docs() -> Response[str]:
    return Response(DOCS_PAGE.format(v=SWAGGER_VERSION), media_type="text/html; charset=utf-8")
