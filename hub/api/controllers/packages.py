"""Packages: search, read any version, files, README, history, diff; publish and validate archives."""

from __future__ import annotations

import asyncio
import mimetypes
from dataclasses import dataclass
from typing import Annotated, Literal

from anyio.to_thread import run_sync
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example, SecurityRequirement
from litestar.params import Body, PathParameter, QueryParameter
from litestar.response.base import ASGIResponse

from hub.api.auth import authorize, caller
from hub.api.cache import ResponseCache
from hub.api.problems import ok, problem_responses
from hub.api.replica import WRITES_NOTHING
from hub.api.writer import Writer
from hub.errors import BadRequest, InvalidPackage
from hub.index import SearchResult
from hub.model import Base, HistoryEntry, Manifest, PackageVersion, Problem, PublishResult, VersionDiff, VersionInfo
from hub.render.markdown import render_markdown
from hub.services import Services
from hub.tokens import TokenRecord
from hub.usecases.publish import publish as publish_package
from hub.validate import PackageFiles, ValidationResult
from hub.validate.archive import validate_archive_bounded

SECURITY: list[SecurityRequirement] = [{"bearer": []}]
# examples let a client (and schemathesis) reach real packages of the seed catalogue
Publisher = Annotated[str, PathParameter(description="Herausgeberkennung", examples=[Example(value="stadt-paderborn")])]
Slug = Annotated[str, PathParameter(description="Kurzname des Pakets", examples=[Example(value="gewerbeanmeldung")])]
Version = Annotated[str, PathParameter(description="Version (SemVer)", examples=[Example(value="2.0.0")])]
FilePath = Annotated[str, PathParameter(description="Pfad der Datei im Paket", examples=[Example(value="README.md")])]
CONTENT_TYPES = {
    ".bpmn": "application/xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
# package files are untrusted: nothing they contain may run on the hub's origin
FILE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox"}
# the README as HTML: rendered without raw HTML, and should anything slip through, nothing runs, loads or submits
README_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox",
}


@dataclass
class ArchiveUpload:
    """A zip or tar.gz archive of the package folder (or of its contents)."""

    archive: UploadFile


class ValidationReport(Base):
    valid: bool
    problems: list[Problem]
    id: str | None = None
    version: str | None = None


def content_type(path: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return (
        CONTENT_TYPES.get(suffix)
        or (mimetypes.guess_type(path)[0] if suffix not in (".html", ".htm", ".js") else None)
        or "application/octet-stream"
    )


class PackageController(Controller):
    path = "/api/v1/packages"
    tags = ("Pakete",)

    @get("/", summary="Pakete suchen und filtern", sync_to_thread=True, responses=problem_responses(400))
    def search(
        self,
        services: NamedDependency[Services],
        q: Annotated[
            str | None, QueryParameter(description="Suchbegriffe (Deutsch, Wortstamm und Umlaute werden berücksichtigt)", max_length=500)
        ] = None,
        themenfeld: Annotated[list[str] | None, QueryParameter(description="OZG-Themenfeld (mehrfach: oder)")] = None,
        leika: Annotated[list[str] | None, QueryParameter(description="LeiKa-Schlüssel")] = None,
        publisher: Annotated[list[str] | None, QueryParameter(description="Herausgeberkennung")] = None,
        license: Annotated[list[str] | None, QueryParameter(description="SPDX-Lizenzkennung")] = None,
        status: Annotated[list[str] | None, QueryParameter(description="Entwicklungsstand")] = None,
        artefact_kind: Annotated[list[str] | None, QueryParameter(description="Art eines enthaltenen Artefakts")] = None,
        maturity_level: Annotated[list[str] | None, QueryParameter(description="Reifegrad 0–4")] = None,
        sort: Annotated[Literal["relevance", "name", "updated", "maturity"], QueryParameter(description="Sortierung")] = "relevance",
        cursor: Annotated[str | None, QueryParameter(description="Fortsetzungsmarke aus next_cursor", max_length=500)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100, description="Treffer pro Seite")] = 20,
    ) -> SearchResult:
        filters = {
            name: values
            for name, values in {
                "themenfeld": themenfeld,
                "leika": leika,
                "publisher": publisher,
                "license": license,
                "status": status,
                "artefact_kind": artefact_kind,
                "maturity_level": maturity_level,
            }.items()
            if values
        }
        return services.index.search(q, filters=filters, sort=sort, cursor=cursor, limit=limit)

    # Package reads answer from the cache: the encoded JSON about a package stays valid until that
    # package is published again (see hub/api/cache.py). The annotations keep the schema.
    # The cache is their only dependency: Litestar resolves two or more in a task group,
    # which costs more than the cached answer itself.
    @get("/{publisher:str}/{slug:str}", summary="Neueste Version eines Pakets", responses=ok(PackageVersion) | problem_responses(404))
    async def latest(self, request: Request, cache: NamedDependency[ResponseCache], publisher: Publisher, slug: Slug) -> ASGIResponse:
        package_id = f"{publisher}/{slug}"
        return await cache.json(request, package_id, ("package",), lambda head: cache.catalog.get(package_id, ref=head))

    @get(
        "/{publisher:str}/{slug:str}/versions",
        summary="Veröffentlichte Versionen, höchste zuerst",
        responses=ok(list[VersionInfo]) | problem_responses(404),
    )
    async def versions(self, request: Request, cache: NamedDependency[ResponseCache], publisher: Publisher, slug: Slug) -> ASGIResponse:
        package_id = f"{publisher}/{slug}"
        return await cache.json(request, package_id, ("versions",), lambda head: cache.catalog.versions(package_id))

    @get(
        "/{publisher:str}/{slug:str}/versions/{version:str}",
        summary="Eine bestimmte Version",
        responses=ok(PackageVersion) | problem_responses(404),
    )
    async def version(
        self, request: Request, cache: NamedDependency[ResponseCache], publisher: Publisher, slug: Slug, version: Version
    ) -> ASGIResponse:
        package_id = f"{publisher}/{slug}"
        return await cache.json(request, package_id, ("version", version), lambda head: cache.catalog.get(package_id, version))

    @get(
        "/{publisher:str}/{slug:str}/history",
        summary="Commits, die das Paket verändert haben",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def history(self, services: NamedDependency[Services], publisher: Publisher, slug: Slug) -> list[HistoryEntry]:
        return services.catalog.history(f"{publisher}/{slug}")

    @get(
        "/{publisher:str}/{slug:str}/diff",
        summary="Unterschiede zwischen zwei Versionen",
        sync_to_thread=True,
        responses=problem_responses(400, 404),
    )
    def diff(
        self,
        services: NamedDependency[Services],
        publisher: Publisher,
        slug: Slug,
        from_version: Annotated[str, QueryParameter(name="from", description="ältere Version")],
        to_version: Annotated[str, QueryParameter(name="to", description="neuere Version")],
    ) -> VersionDiff:
        return services.catalog.diff(f"{publisher}/{slug}", from_version, to_version)

    @get(
        "/{publisher:str}/{slug:str}/files/{file_path:path}",
        summary="Eine Datei des Pakets, unverändert",
        sync_to_thread=True,
        media_type="*/*",
        responses=problem_responses(400, 404),
    )
    def file(
        self,
        services: NamedDependency[Services],
        publisher: Publisher,
        slug: Slug,
        file_path: FilePath,
        version: Annotated[str | None, QueryParameter(description="Version (Standard: neueste)")] = None,
    ) -> Response[bytes]:
        path = file_path.lstrip("/")
        data = services.catalog.read_file(f"{publisher}/{slug}", path, version)
        return Response(data, media_type=content_type(path), headers=FILE_HEADERS)

    @get(
        "/{publisher:str}/{slug:str}/readme",
        summary="README als HTML (ohne eingebettetes HTML)",
        sync_to_thread=True,
        media_type="text/html",
        responses=problem_responses(400, 404),
    )
    def readme(
        self,
        services: NamedDependency[Services],
        publisher: Publisher,
        slug: Slug,
        version: Annotated[str | None, QueryParameter(description="Version (Standard: neueste)")] = None,
    ) -> Response[str]:
        text = services.catalog.read_file(f"{publisher}/{slug}", "README.md", version).decode("utf-8", errors="replace")
        return Response(render_markdown(text), media_type="text/html; charset=utf-8", headers=README_HEADERS)

    @post(
        "/",
        summary="Eine Paketversion veröffentlichen (Archiv-Upload)",
        security=SECURITY,
        status_code=201,
        responses=problem_responses(400, 401, 403, 409, 413, 422),
    )
    async def publish(
        self,
        request: Request,
        services: NamedDependency[Services],
        data: Annotated[
            ArchiveUpload, Body(media_type=RequestEncodingType.MULTI_PART, description="Feld „archive“: ZIP oder tar.gz des Paketordners")
        ],
    ) -> PublishResult:
        token = caller(request, services)
        authorize(token, "publisher")
        # unpacking and validating untrusted bytes: in a budget worker, never on the event loop
        package, checked = await run_sync(validate_archive_bounded, await read_upload(data.archive))
        if not checked.ok:
            raise InvalidPackage(
                f"Das Paket ist ungültig: {len(checked.problems)} Problem(e) gefunden; nichts wurde veröffentlicht.",
                problems=checked.problems,
            )
        # in hub serve, in the writer process (below the reads' priority, off this process's GIL); else in a thread
        writer: Writer | None = request.app.state.get("writer")
        if writer is not None:
            # queued for the writer's next batch: awaited on the event loop, no thread held while it waits
            return await asyncio.wrap_future(writer.publish(token, package, checked))
        return await run_sync(_publish, services, token, package, checked)

    @post(
        "/validate",
        summary="Prüflauf: alle Probleme eines Archivs, ohne etwas zu schreiben",
        status_code=200,
        opt={WRITES_NOTHING: True},
        responses=problem_responses(400, 413),
    )
    async def validate(
        self,
        request: Request,
        data: Annotated[
            ArchiveUpload, Body(media_type=RequestEncodingType.MULTI_PART, description="Feld „archive“: ZIP oder tar.gz des Paketordners")
        ],
    ) -> ValidationReport:
        # no token needed here: the work runs in a budget worker (time and memory bounded), not on the event loop
        _, result = await run_sync(validate_archive_bounded, await read_upload(data.archive))
        manifest = result.manifest
        return ValidationReport(
            valid=result.ok, problems=result.problems, id=manifest.id if manifest else None, version=manifest.version if manifest else None
        )


async def read_upload(upload: object) -> bytes:
    # a multipart part without a filename arrives as text, not as a file
    if not isinstance(upload, UploadFile):
        raise BadRequest("Das Feld „archive“ muss eine hochgeladene Datei sein (ZIP oder tar.gz des Paketordners).")
    return await upload.read()


def _publish(services: Services, token: TokenRecord, package: PackageFiles, checked: ValidationResult) -> PublishResult:
    def may_publish(manifest: Manifest) -> None:
        authorize(token, "publisher", org=manifest.publisher_id)

    # validated once, in the budget worker: the publishing thread does not repeat it
    return publish_package(services, package, actor=services.actor(token), check=may_publish, validated=checked)
