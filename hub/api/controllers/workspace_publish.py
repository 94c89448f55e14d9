"""The publisher's workspace pages: upload an archive, see its dry run, publish it when clean; "Meine Pakete".

The same rules as the API's archive upload: the app's body size limit, unpacking and
validation in a budget worker (never on the event loop), and a person publishes only for
their own organisation (the token rule). The bytes a dry run checked are kept server-side
for the session (``hub.sessions``); the publish button names them by a random id, and
publishing commits exactly those bytes, never a second upload.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio.to_thread import run_sync
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from hub.api.controllers.workspace import HANDLERS, Form, _context, _signed_in, field, page, requires
from hub.errors import BadRequest
from hub.services import Services
from hub.usecases import manifests
from hub.usecases import publish as publishing
from hub.web.workspace import render
from hub.web.workspace_publish import dry_run_view, my_feedback, my_packages, zip_folder

Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
NOTICES = {"veroeffentlicht": "Die neue Version ist veröffentlicht."}  # fixed texts chosen by a key, never text from the URL


class PublishWorkspaceController(Controller):
    """Upload, dry run and publish (``/arbeitsbereich/veroeffentlichen``)."""

    path = "/arbeitsbereich/veroeffentlichen"
    include_in_schema = False
    guards = (requires("publisher"),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/", sync_to_thread=True)
    def form(self, request: Request, services: NamedDependency[Services]) -> Response:
        return page(render("veroeffentlichen.html", title="Paket veröffentlichen", **_context(services, request)))

    @post("/", status_code=200)
    async def dry_run(self, request: Request, services: NamedDependency[Services], data: Upload) -> Response:
        session, account = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        upload = data.get("archive")
        chosen = data.get("folder")
        folder = [f for f in (chosen if isinstance(chosen, list) else [chosen]) if isinstance(f, UploadFile) and f.filename]
        if isinstance(upload, UploadFile) and upload.filename:
            filename, archive = upload.filename, await upload.read()
        elif folder:
            # a folder chosen in the browser arrives as one part per file, named by its path in the folder
            parts = [(f.filename, await f.read()) for f in folder]
            filename = parts[0][0].split("/", 1)[0] + "/"
            archive = await run_sync(zip_folder, parts)
        else:
            raise BadRequest(
                "Bitte ein ZIP- oder tar.gz-Archiv des Paketordners oder den Paketordner selbst wählen. Es wurde nichts geändert."
            )
        # unpacking and validating untrusted bytes: in a budget worker, waited on from a thread
        checked = await run_sync(publishing.dry_run, services, session, account.org, archive)
        view = await run_sync(dry_run_view, checked.package, checked.result.problems)
        manifest = checked.result.manifest
        html = render(
            "veroeffentlichen-pruefung.html",
            title="Prüflauf: " + (f"{manifest.name} {manifest.version}" if manifest else filename),
            filename=filename,
            manifest=manifest,
            run=checked,
            view=view,
            errors=sum(1 for p in checked.result.problems if not p.is_hint),
            **_context(services, request),
        )
        return page(html)

    @post("/{upload:str}", sync_to_thread=True, status_code=303)
    def publish(self, request: Request, services: NamedDependency[Services], upload: FromPath[str], data: Form) -> Response:
        session, account = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        # a refusal (another organisation, an upload gone or already published) becomes the German problem page
        result = publishing.publish_upload(services, session, account.org, account.email, upload)
        if field(data, "entwurf"):
            manifests.forget_files(services, session, field(data, "entwurf"))  # the manifest form's files: published now
        anchor = result.id.replace("/", "--")
        return Redirect(f"/arbeitsbereich/pakete/?hinweis=veroeffentlicht#{anchor}", status_code=303)


class MyPackagesController(Controller):
    """ "Meine Pakete": the organisation's packages, versions, computed maturity and who adopted them."""

    path = "/arbeitsbereich/pakete"
    include_in_schema = False
    guards = (requires("publisher"),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    @get("/", sync_to_thread=True)
    def mine(self, request: Request, services: NamedDependency[Services], hinweis: FromQuery[str | None] = None) -> Response:
        _, account = _signed_in(request)
        items = my_packages(services, account.org)
        notice = NOTICES.get(hinweis or "")
        feedback = my_feedback(services, account.org)
        html = render(
            "meine-pakete.html", title="Meine Pakete", items=items, feedback=feedback, notice=notice, **_context(services, request)
        )
        return page(html)
