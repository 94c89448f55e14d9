"""Confirming adoptions, registering organisations, and the audit history of a package's records."""

from __future__ import annotations

import datetime
from typing import Literal

from litestar import Controller, Request, get, post, put
from litestar.concurrency import sync_to_thread
from litestar.di import NamedDependency
from litestar.openapi.spec import SecurityRequirement
from litestar.params import FromPath, JSONBody

from hub.api.auth import authorize, caller
from hub.api.controllers.packages import Publisher as PublisherPath
from hub.api.controllers.packages import Slug
from hub.api.problems import problem_responses
from hub.errors import PayloadTooLarge
from hub.model import Adoption, Base, Publisher
from hub.services import Services
from hub.store.audit import AuditEntry, record_history
from hub.usecases import adoptions, organisations

SECURITY: list[SecurityRequirement] = [{"bearer": []}]
MAX_RECORD_BYTES = 64 * 1024


class NewConfirmation(Base):
    date: datetime.date | None = None
    note: str | None = None


class ConfirmationController(Controller):
    path = "/api/v1/adoptions"
    tags = ("Nachnutzung",)

    @post(
        "/{adopter:str}/{publisher:str}/{slug:str}/confirmations",
        status_code=201,
        sync_to_thread=True,
        security=SECURITY,
        summary="Nachnutzung bestätigen: als Herausgeber des Pakets (Token publisher) oder begutachtende Stelle (Token reviewer)",
        responses=problem_responses(400, 401, 403, 404, 409, 422),
    )
    def confirm(
        self,
        request: Request,
        services: NamedDependency[Services],
        adopter: FromPath[str],
        publisher: FromPath[str],
        slug: FromPath[str],
        data: JSONBody[NewConfirmation],
    ) -> Adoption:
        token = caller(request, services)
        authorize(token, "publisher", "reviewer")
        own = token.role == "publisher" or (token.role == "admin" and token.org == publisher)
        kind: Literal["publisher", "reviewer"] = "publisher" if own else "reviewer"
        return adoptions.confirm(services, services.actor(token), f"{publisher}/{slug}", adopter, kind, on=data.date, text=data.note)


class OrganisationController(Controller):
    path = "/api/v1/publishers"
    tags = ("Herausgeber",)

    @put(
        "/{org:str}",
        summary="Organisation registrieren oder ändern (Token admin); Inhalt: YAML oder JSON nach publisher.schema.json",
        security=SECURITY,
        responses=problem_responses(400, 401, 403, 413, 422),
    )
    async def register(self, request: Request, services: NamedDependency[Services], org: FromPath[str]) -> Publisher:
        token = caller(request, services)
        authorize(token, "admin")
        data = await request.body()
        if len(data) > MAX_RECORD_BYTES:
            raise PayloadTooLarge(f"Ein Organisationseintrag darf höchstens {MAX_RECORD_BYTES // 1024} KB groß sein.")
        return await sync_to_thread(organisations.register, services, data, actor=services.actor(token), expected_id=org)


class AuditController(Controller):
    path = "/api/v1/packages"
    tags = ("Reifegrad",)

    @get(
        "/{publisher:str}/{slug:str}/audit",
        summary="Verlauf aller Nachnutzungen und Begutachtungen des Pakets (wer angab, wer bestätigte, wann), aus Git",
        sync_to_thread=True,
        responses=problem_responses(404),
    )
    def audit(self, services: NamedDependency[Services], publisher: PublisherPath, slug: Slug) -> list[AuditEntry]:
        package_id = f"{publisher}/{slug}"
        services.catalog.versions(package_id)  # 404 for an unknown package
        return record_history(services.catalog, package_id)
