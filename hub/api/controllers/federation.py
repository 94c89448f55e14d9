"""API of federation: sources and harvest reports, feedback to publishers, publiccode.yml, DCAT-AP, Atom.

A thin Litestar controller over :mod:`hub.federation`; the only module of the
package that imports Litestar. Links and identifiers in the exports use
``$HUB_BASE_URL`` when set, else the address the request came to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated

from anyio import CapacityLimiter
from anyio.to_thread import run_sync
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.openapi.spec import SecurityRequirement
from litestar.params import PathParameter, QueryParameter

from hub.api.auth import authorize, caller
from hub.api.problems import problem_responses
from hub.api.replica import WRITES_NOTHING
from hub.budget import export_pool
from hub.errors import BadRequest, NotFound
from hub.federation.atom import MEDIA_TYPE as ATOM
from hub.federation.atom import atom_feed, feedback_feed
from hub.federation.model import DCAT_PAGE_SIZE, FORMATS, Format, HarvestReport, PublisherFeedback, Source, SourceStatus
from hub.federation.publiccode import export_publiccode, import_publiccode
from hub.federation.reports import publisher_feedback, read_report
from hub.federation.sources import get_source, load_sources
from hub.model import ORG_ID, Base, Problem
from hub.services import Services
from hub.settings import environment
from hub.store.catalog import BRANCH
from hub.usecases import harvest as harvesting
from hub.usecases import sources as source_list
from hub.validate.yamlsafe import load_yaml

SECURITY: list[SecurityRequirement] = [{"bearer": []}]
MAX_IMPORT_BYTES = 1024 * 1024
PublisherId = Annotated[str, PathParameter(description="Herausgeberkennung")]
SourceName = Annotated[str, PathParameter(description="Name der Quelle aus sources.yaml")]


class PubliccodeImport(Base):
    """A package skeleton made from a publiccode.yml, and what it still lacks."""

    id: str | None
    files: dict[str, str]
    problems: list[Problem]


def base_url(request: Request) -> str:
    return (environment().base_url or str(request.base_url)).rstrip("/")


# DCAT-AP pages waiting for the export worker hold no thread of the server process's pool meanwhile, past these two
_EXPORT_THREADS = CapacityLimiter(2)


async def _dcat(request: Request, services: Services, format: Format, page: int) -> Response:
    """A page of the DCAT-AP export, made in the export worker (``hub.budget.export_pool``): rdflib's half a second of
    CPU per page runs in a process apart, one page at a time, and the server process only waits on a pipe."""
    from hub.federation.dcat import dcat_page  # what the worker runs; rdflib is loaded there, not here

    base = base_url(request)
    name = "dcat.ttl" if format == "turtle" else "dcat.jsonld"
    etag, headers = _etag(request, services, f"dcat:{format}:{page}")
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    prefix = f"{base}/api/v1/export/{name}?page="  # base_url has no trailing slash
    path = str(services.catalog.path)
    content = await run_sync(lambda: export_pool().run(dcat_page, path, base, format, page, prefix), limiter=_EXPORT_THREADS)
    media_type = FORMATS[format] + ("; charset=utf-8" if format == "turtle" else "")
    return Response(content.encode("utf-8"), media_type=media_type, headers=headers)


# a page of the DCAT-AP export (DCAT_PAGE_SIZE packages): the whole catalogue in one answer cost rdflib
# about 5 ms of CPU per package, for any anonymous request
DcatPage = Annotated[
    int,
    QueryParameter(description=f"Seite (ab 1) zu je {DCAT_PAGE_SIZE} Paketen; hydra:nextPage nennt die nächste", ge=1, le=1_000_000),
]


def _etag(request: Request, services: Services, key: str) -> tuple[str, dict[str, str]]:
    """An export's ETag (the catalogue's HEAD, what is exported and for which address) and the headers that carry it."""
    ref = services.catalog.repo.references.get(BRANCH)
    digest = hashlib.sha256(f"{key}\x1f{base_url(request)}".encode()).hexdigest()[:12]
    etag = f'"{str(ref.target)[:16] if ref is not None else "leer"}-{digest}"'
    return etag, {"ETag": etag, "Cache-Control": "no-cache"}


def _conditional(request: Request, services: Services, key: str, media_type: str, produce: Callable[[], str | bytes]) -> Response:
    """Answer an export with an ETag of the catalogue's HEAD: unchanged catalogue, 304, nothing rebuilt."""
    etag, headers = _etag(request, services, key)
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    content = produce()
    return Response(content.encode("utf-8") if isinstance(content, str) else content, media_type=media_type, headers=headers)


class FederationController(Controller):
    path = "/api/v1"
    tags = ("Föderation",)

    # -- sources and harvest --------------------------------------------------------------

    @get("/sources", summary="Eingetragene Quellen mit dem Ergebnis der letzten Ernte", sync_to_thread=True)
    def sources(self, services: NamedDependency[Services]) -> list[SourceStatus]:
        return [SourceStatus(source=s, report=read_report(services.catalog, s.name)) for s in load_sources(services.catalog)]

    @put(
        "/sources",
        summary="Quellenliste ersetzen (YAML oder JSON nach sources.schema.json)",
        security=SECURITY,
        responses=problem_responses(400, 401, 403, 413, 422),
    )
    async def replace_sources(self, request: Request, services: NamedDependency[Services]) -> list[Source]:
        token = caller(request, services)
        authorize(token, "admin")
        body = await request.body()
        return await run_sync(lambda: source_list.replace(services, body, actor=services.actor(token)))

    @get(
        "/sources/{name:str}",
        summary="Eine Quelle und der Bericht ihrer letzten Ernte",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def source(self, services: NamedDependency[Services], name: SourceName) -> SourceStatus:
        return SourceStatus(source=get_source(services.catalog, name), report=read_report(services.catalog, name))

    @post(
        "/harvest",
        summary="Quellen jetzt ernten (alle aktiven oder eine); antwortet mit den Berichten (409, solange eine andere Ernte läuft)",
        security=SECURITY,
        status_code=200,
        sync_to_thread=True,
        responses=problem_responses(400, 401, 403, 404, 409),
    )
    def run_harvest(
        self,
        request: Request,
        services: NamedDependency[Services],
        source: Annotated[str | None, QueryParameter(description="nur diese Quelle", pattern=ORG_ID)] = None,
    ) -> list[HarvestReport]:
        authorize(caller(request, services), "admin")
        return harvesting.harvest(services, source)

    # -- telling publishers ---------------------------------------------------------------

    def _feedback(self, services: Services, publisher_id: str) -> PublisherFeedback:
        catalog = services.catalog
        if catalog.publisher(publisher_id) is None and not any(s.publisher == publisher_id for s in load_sources(catalog)):
            raise NotFound(f"Den Herausgeber „{publisher_id}“ gibt es im Katalog nicht.")
        return publisher_feedback(catalog, publisher_id)

    @get(
        "/publishers/{publisher_id:str}/feedback",
        summary="Rückmeldungen an einen Herausgeber: abgelehnte Versionen, nicht mehr gültige Pakete, unerreichbare Quellen",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def feedback(self, services: NamedDependency[Services], publisher_id: PublisherId) -> PublisherFeedback:
        return self._feedback(services, publisher_id)

    @get(
        "/publishers/{publisher_id:str}/feedback.atom",
        summary="Rückmeldungen an einen Herausgeber als Atom-Feed",
        sync_to_thread=True,
        media_type=ATOM,
        responses=problem_responses(404),
    )
    def feedback_atom(self, request: Request, services: NamedDependency[Services], publisher_id: PublisherId) -> Response:
        feedback = self._feedback(services, publisher_id)
        return _conditional(
            request,
            services,
            f"feedback:{publisher_id}",
            ATOM,
            lambda: feedback_feed(services.catalog, base_url(request), publisher_id, feedback=feedback, self_url=str(request.url)),
        )

    # -- standards ------------------------------------------------------------------------

    @get(
        "/packages/{publisher:str}/{slug:str}/publiccode.yml",
        summary="publiccode.yml eines Pakets (publiccode.yml 0.4, mit de.leika)",
        sync_to_thread=True,
        media_type="application/yaml",
        responses=problem_responses(404),
    )
    def publiccode(
        self,
        request: Request,
        services: NamedDependency[Services],
        publisher: Annotated[str, PathParameter(description="Herausgeberkennung")],
        slug: Annotated[str, PathParameter(description="Kurzname des Pakets")],
        version: Annotated[str | None, QueryParameter(description="Version (Standard: neueste)")] = None,
    ) -> Response:
        package_id = f"{publisher}/{slug}"
        return _conditional(
            request,
            services,
            f"publiccode:{package_id}@{version}",
            "application/yaml; charset=utf-8",
            lambda: export_publiccode(services.catalog, package_id, version=version, base_url=base_url(request)),
        )

    @post(
        "/publiccode/import",
        summary="Paketgerüst aus einer publiccode.yml (Rumpf: die Datei) mit allem, was noch fehlt",
        status_code=200,
        opt={WRITES_NOTHING: True},
        responses=problem_responses(400, 413),
    )
    async def publiccode_import(
        self,
        request: Request,
        publisher: Annotated[str | None, QueryParameter(description="Kennung des Herausgebers", pattern=ORG_ID)] = None,
    ) -> PubliccodeImport:
        body = await request.body()
        if not body.strip():
            raise BadRequest("Der Rumpf der Anfrage ist leer; erwartet wird der Inhalt einer publiccode.yml.")
        if len(body) > MAX_IMPORT_BYTES:
            raise BadRequest("Die publiccode.yml ist größer als 1 MB.")
        skeleton, problems = await run_sync(lambda: import_publiccode(body, publisher_id=publisher))
        files = {path: data.decode("utf-8", "replace") for path, data in skeleton.files.items()}
        manifest = load_yaml(skeleton.files["hub.yaml"]).data if "hub.yaml" in skeleton.files else None
        return PubliccodeImport(id=manifest.get("id") if isinstance(manifest, dict) else None, files=files, problems=problems)

    @get(
        "/export/dcat.ttl",
        summary="Der Katalog als DCAT-AP (Turtle), seitenweise",
        media_type="text/turtle",
        responses=problem_responses(400, 404),
    )
    async def dcat_turtle(self, request: Request, services: NamedDependency[Services], page: DcatPage = 1) -> Response:
        return await _dcat(request, services, "turtle", page)

    @get(
        "/export/dcat.jsonld",
        summary="Der Katalog als DCAT-AP (JSON-LD), seitenweise",
        media_type="application/ld+json",
        responses=problem_responses(400, 404),
    )
    async def dcat_jsonld(self, request: Request, services: NamedDependency[Services], page: DcatPage = 1) -> Response:
        return await _dcat(request, services, "json-ld", page)

    @get(
        "/feeds/packages.atom",
        summary="Atom-Feed neuer Pakete und Versionen, neueste zuerst",
        sync_to_thread=True,
        media_type=ATOM,
        responses=problem_responses(400),
    )
    def packages_feed(
        self,
        request: Request,
        services: NamedDependency[Services],
        publisher: Annotated[str | None, QueryParameter(description="nur Pakete dieses Herausgebers", pattern=ORG_ID)] = None,
        limit: Annotated[int, QueryParameter(description="höchstens so viele Einträge", ge=1, le=500)] = 50,
    ) -> Response:
        return _conditional(
            request,
            services,
            f"atom:{publisher}:{limit}",
            ATOM,
            lambda: atom_feed(services.catalog, base_url(request), publisher, limit=limit, self_url=str(request.url)),
        )
