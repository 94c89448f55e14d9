"""Publishers, adoption records, reviews, JSON Schemas and health."""

from __future__ import annotations

import datetime
import os
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.openapi.spec import SecurityRequirement
from litestar.params import FromPath, JSONBody, QueryParameter

from hub.api.auth import authorize, caller
from hub.api.problems import problem_responses
from hub.errors import NotFound
from hub.model import PACKAGE_ID, Adoption, AdoptionStatus, Base, Publisher, Review
from hub.schemas import SCHEMA_BASE, published_documents
from hub.services import Services
from hub.store.records import adoptions, reviews
from hub.usecases import adoptions as adopting
from hub.usecases import reviews as reviewing
from hub.web.replica import ReplicaHealth
from hub.web.replica import health as replica_health

SECURITY: list[SecurityRequirement] = [{"bearer": []}]


class Health(Base):
    status: str
    commit: str | None
    packages: int
    index_commit: str | None
    site_commit: str | None = None  # the commit the served site shows (hub serve only; None: no pages yet, the site answers 503)
    starting: bool = False  # hub serve only: the process answers, its follower's first step and the site's warm-up still run
    process: int | None = None  # the server process that answered (hub serve --workers N runs several)
    replica: ReplicaHealth | None = None  # set on a read replica (hub serve --follow): its primary and the last sync


class PublisherController(Controller):
    path = "/api/v1/publishers"
    tags = ("Herausgeber",)

    @get("/", summary="Alle Herausgeber", sync_to_thread=True)
    def list_publishers(self, services: NamedDependency[Services]) -> list[Publisher]:
        return services.catalog.publishers()

    @get("/{publisher_id:str}", summary="Ein Herausgeber", sync_to_thread=True, responses=problem_responses(404))
    def get_publisher(self, services: NamedDependency[Services], publisher_id: FromPath[str]) -> Publisher:
        publisher = services.catalog.publisher(publisher_id)
        if publisher is None:
            raise NotFound(f"Den Herausgeber „{publisher_id}“ gibt es im Katalog nicht.")
        return publisher


class NewAdoption(Base):
    package: Annotated[str, msgspec.Meta(pattern=PACKAGE_ID)]
    version: str
    status: AdoptionStatus = "planned"
    date: datetime.date | None = None
    note: str | None = None


class AdoptionUpdate(Base):
    status: AdoptionStatus | None = None  # None: same status, e.g. only a newer version after „hub upstream merge“
    version: str | None = None
    date: datetime.date | None = None
    note: str | None = None


class AdoptionController(Controller):
    path = "/api/v1/adoptions"
    tags = ("Nachnutzung",)

    @get("/", summary="Nachnutzungen, optional eines Pakets", sync_to_thread=True, responses=problem_responses(400))
    def list_adoptions(
        self,
        services: NamedDependency[Services],
        package: Annotated[str | None, QueryParameter(description="Paketkennung", pattern=PACKAGE_ID)] = None,
    ) -> list[Adoption]:
        return adoptions(services.catalog, package)

    @post(
        "/",
        summary="Nachnutzung erfassen (Token der nachnutzenden Organisation); gilt als angegeben, bis sie bestätigt ist",
        security=SECURITY,
        status_code=201,
        sync_to_thread=True,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    def create(self, request: Request, services: NamedDependency[Services], data: JSONBody[NewAdoption]) -> Adoption:
        token = caller(request, services)
        authorize(token, "adopter")
        return adopting.record(services, services.actor(token), data.package, data.version, data.status, on=data.date, text=data.note)

    @patch(
        "/{adopter:str}/{publisher:str}/{slug:str}",
        summary="Stand oder Version einer Nachnutzung fortschreiben",
        security=SECURITY,
        sync_to_thread=True,
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    def advance(
        self,
        request: Request,
        services: NamedDependency[Services],
        adopter: FromPath[str],
        publisher: FromPath[str],
        slug: FromPath[str],
        data: JSONBody[AdoptionUpdate],
    ) -> Adoption:
        token = caller(request, services)
        authorize(token, "adopter", org=adopter)
        actor = services.actor(token)
        if actor.id != adopter:  # an admin acting for the adopter
            actor = type(actor)(id=adopter, name=actor.name, email=actor.email)
        return adopting.advance(services, actor, f"{publisher}/{slug}", data.status, version=data.version, on=data.date, text=data.note)


class NewReview(Base):
    package: Annotated[str, msgspec.Meta(pattern=PACKAGE_ID)]
    version: str
    level: Annotated[int, msgspec.Meta(ge=0, le=4)]
    rationale: Annotated[str, msgspec.Meta(min_length=20, max_length=10000)]


class ReviewController(Controller):
    path = "/api/v1/reviews"
    tags = ("Begutachtung",)

    @get("/", summary="Begutachtungen, optional eines Pakets", sync_to_thread=True, responses=problem_responses(400))
    def list_reviews(
        self,
        services: NamedDependency[Services],
        package: Annotated[str | None, QueryParameter(description="Paketkennung", pattern=PACKAGE_ID)] = None,
    ) -> list[Review]:
        return reviews(services.catalog, package)

    @post(
        "/",
        summary="Reifegrad einer Version begutachten (Token eines Ministeriums)",
        security=SECURITY,
        status_code=201,
        sync_to_thread=True,
        responses=problem_responses(400, 401, 403, 404, 422),
    )
    def create(self, request: Request, services: NamedDependency[Services], data: JSONBody[NewReview]) -> Review:
        token = caller(request, services)
        authorize(token, "reviewer")
        return reviewing.review(services, services.actor(token), data.package, data.version, data.level, data.rationale)


class SchemaController(Controller):
    """The JSON Schemas, served at the URL path of their ``$id`` so that editors can fetch them."""

    path = "/schemas/v1"
    tags = ("Schemas",)

    @get("/", summary="Alle Schemas mit ihren $id", sync_to_thread=False)
    def index(self) -> list[str]:
        return sorted(published_documents())

    @get(
        "/{schema_path:path}",
        summary="Ein JSON Schema",
        sync_to_thread=False,
        media_type="application/schema+json",
        responses=problem_responses(404),
    )
    def schema(self, schema_path: FromPath[str]) -> Response[dict[str, Any]]:
        schema = published_documents().get(SCHEMA_BASE + schema_path.lstrip("/"))
        if schema is None:
            raise NotFound(f"Ein Schema „{schema_path.lstrip('/')}“ gibt es nicht.")
        # the maturity model is data, not a schema: plain JSON
        media_type = "application/schema+json" if "$schema" in schema else "application/json"
        return Response(schema, media_type=media_type)


class HealthController(Controller):
    path = "/api/v1/health"
    tags = ("Betrieb",)

    @get("/", summary="Zustand des Hubs", sync_to_thread=True)
    def health(self, request: Request, services: NamedDependency[Services]) -> Health:
        head = services.catalog.head()
        follower = request.app.state.get("follower")
        return Health(
            status="ok",
            commit=str(head.id) if head else None,
            packages=0 if head is None else services.catalog.package_count(head),
            index_commit=services.index.commit,
            site_commit=follower.site_commit if follower is not None else None,
            starting=follower is not None and follower.site is not None and follower.starting,
            process=os.getpid(),
            replica=replica_health(services),
        )
