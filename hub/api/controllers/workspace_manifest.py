"""The manifest editor (``/arbeitsbereich/manifest/…``): a form generated from the package schema, checked live and on submit.

"Manifest bearbeiten" starts from the latest version's ``hub.yaml`` and files of one of the
organisation's packages, "Neues Paket" from the scaffold of ``hub new``. The form is one
multipart form: the manifest's fields and file inputs for the package's own files (an archive,
several files, or a folder), with a checkbox per file to remove it. Submitting checks the version
the form describes (:mod:`hub.usecases.manifests`: the form's manifest with the files, the
upload's validation and bounds plus the version rules) and shows every problem next to its
field and inside its file; a clean version goes through the upload's dry run, and the publish
button publishes exactly those bytes (``/arbeitsbereich/veroeffentlichen/<id>``, the same use
case as the API and the CLI). The uploaded files are kept for the session between submits (the
form names them by a random id). The live check (``…/pruefen``) answers the same check as JSON
for the page's script; without JavaScript, submitting does it all.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import semver
from anyio.to_thread import run_sync
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath

from hub.api.controllers.workspace import HANDLERS, Form, _context, _signed_in, field, org_name, page, requires
from hub.errors import BadRequest, PackageNotFound
from hub.model import Problem, is_package_id
from hub.services import Services
from hub.usecases import manifests
from hub.validate.skeleton import manifest_text
from hub.web.manifest_form import MANIFEST, build_form, form_pointer, manifest_from_form, package_form_schema
from hub.web.workspace import HEADERS, render
from hub.web.workspace_publish import dry_run_view, own_files

CHECK = "/arbeitsbereich/manifest/pruefen"


def _package(value: str) -> str | None:
    """The package a form edits (``None``: a new one); an id that cannot be one is an unknown package."""
    if not value:
        return None
    if not is_package_id(value):
        raise PackageNotFound(f"Das Paket „{value}“ gibt es im Katalog nicht.")
    return value


async def _posted(request: Request) -> dict[str, Any]:
    """The submitted form, multipart (with files, as the page sends it) or url-encoded; a repeated name as a list.

    Litestar's form parser bounds it: the app's body size limit and its number of parts."""
    try:
        form = await request.form()
    except UnicodeDecodeError:
        raise BadRequest("Ein Textfeld des Formulars ist nicht UTF-8-kodiert. Es wurde nichts geändert.") from None
    return {name: values[0] if len(values) == 1 else values for name, values in form.dict().items()}


def _next_version(version: Any) -> Any:
    """The form proposes the next patch version: a published version never changes."""
    return str(semver.Version.parse(version).bump_patch()) if isinstance(version, str) and semver.Version.is_valid(version) else version


class ManifestWorkspaceController(Controller):
    path = "/arbeitsbereich/manifest"
    include_in_schema = False
    guards = (requires("publisher"),)
    exception_handlers = HANDLERS  # type: ignore[assignment]

    def _page(
        self,
        services: Services,
        request: Request,
        package_id: str | None,
        data: dict[str, Any],
        *,
        problems: list[Problem] | None = None,
        run: Any = None,
        checked: manifests.ManifestCheck | None = None,
        status: int = 200,
    ) -> Response:
        form = build_form(package_form_schema(), data, problems)
        _, account = _signed_in(request)
        files = checked.files if checked is not None else manifests.starting_files(services, account.org, package_id, data)
        if package_id is not None:
            title, action = f"Manifest bearbeiten: {package_id}", f"/arbeitsbereich/manifest/{package_id}"
        else:
            title, action = "Neues Paket", "/arbeitsbereich/manifest/neu"
        if run is not None:
            view = dry_run_view(run.package, run.result.problems)
        elif checked is not None:
            view = dry_run_view(checked.package, checked.problems)
        else:
            view = None
        html = render(
            "manifest.html",
            title=title,
            form=form,
            package_id=package_id,
            action=action,
            check_url=CHECK,
            checked=checked is not None,
            check=checked,
            files=files,
            run=run,
            view=view,
            **_context(services, request),
        )
        return page(html, status)

    @get("/neu", sync_to_thread=True)
    def new(self, request: Request, services: NamedDependency[Services]) -> Response:
        _, account = _signed_in(request)
        data = manifests.new_manifest(account.org, org_name(services, account.org), account.email)
        return self._page(services, request, None, data)

    @get("/{publisher:str}/{slug:str}", sync_to_thread=True)
    def edit(self, request: Request, services: NamedDependency[Services], publisher: FromPath[str], slug: FromPath[str]) -> Response:
        _, account = _signed_in(request)
        package_id = _package(f"{publisher}/{slug}")
        assert package_id is not None
        data = manifests.current_manifest(services, account.org, package_id)
        data["version"] = _next_version(data.get("version"))
        if "release_date" in data:
            data["release_date"] = date.today().isoformat()
        return self._page(services, request, package_id, data)

    @post("/neu", status_code=200)
    async def submit_new(self, request: Request, services: NamedDependency[Services]) -> Response:
        form = await _posted(request)
        return await run_sync(self._submit, request, services, None, form)

    @post("/{publisher:str}/{slug:str}", status_code=200)
    async def submit_edit(
        self, request: Request, services: NamedDependency[Services], publisher: FromPath[str], slug: FromPath[str]
    ) -> Response:
        form = await _posted(request)
        return await run_sync(self._submit, request, services, _package(f"{publisher}/{slug}"), form)

    def _submit(self, request: Request, services: Services, package_id: str | None, form: dict[str, Any]) -> Response:
        session, account = _signed_in(request)
        session.check_csrf(field(form, "csrf"))
        data, _ = manifest_from_form(package_form_schema(), form)
        if field(form, "herunterladen"):
            # the form's manifest as a file, to go into the person's own package folder and from there through the upload
            return Response(
                manifest_text(data).encode("utf-8"),
                media_type="application/yaml; charset=utf-8",
                headers={**HEADERS, "content-disposition": 'attachment; filename="hub.yaml"'},
            )
        own = own_files(form)
        if field(form, "uebernehmen"):
            # the values of the uploaded hub.yaml into the form, which from now on is the manifest; the file itself is no longer needed
            uploaded = manifests.uploaded_manifest(services, session, own.draft)
            if uploaded is not None:
                data = uploaded
                own = replace(own, removed=own.removed | {MANIFEST})
        # the files' bytes: the request body is bounded by the app; unpacking and validating them happens in a budget worker
        checked, run = manifests.dry_run(services, session, account.org, package_id, data, own)
        if run is None:
            return self._page(services, request, package_id, data, problems=checked.problems, checked=checked, status=422)
        problems = checked.problems if run.result.ok else run.result.problems
        return self._page(services, request, package_id, data, problems=problems, run=run, checked=checked)

    @post("/pruefen", sync_to_thread=True, status_code=200)
    def check(self, request: Request, services: NamedDependency[Services], data: Form) -> Response:
        """The live check: the submit's check, as JSON, each problem at its pointer in the form as it is on the page."""
        session, account = _signed_in(request)
        session.check_csrf(field(data, "csrf"))
        manifest, moves = manifest_from_form(package_form_schema(), data)
        checked = manifests.check(services, account.org, _package(field(data, "paket")), manifest, own_files(data), session)
        problems = [
            {
                "code": p.code,
                "severity": p.severity,
                "file": p.file,
                "line": p.line,
                "pointer": form_pointer(p.pointer, moves) if p.pointer is not None and p.file == MANIFEST else p.pointer,
                "message": p.message,
            }
            for p in checked.problems
        ]
        return Response(
            {"ok": checked.ok, "problems": problems}, media_type=MediaType.JSON, headers={"cache-control": "no-store", **HEADERS}
        )
