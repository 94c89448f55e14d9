"""The Litestar application (``hub.api``): its controllers, the served site's routes and what a server starts with them."""

from __future__ import annotations

import logging
import threading
import time

from litestar import Controller, Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin
from litestar.types import ControllerRouterHandler, Guard

from hub import __version__
from hub.api.behind import BehindFirstAnswer
from hub.api.cache import ResponseCache
from hub.api.controllers.catalog import AdoptionController, HealthController, PublisherController, ReviewController, SchemaController
from hub.api.controllers.catalogue_git import catalogue_file
from hub.api.controllers.evidence import AuditController, ConfirmationController, OrganisationController
from hub.api.controllers.federation import FederationController
from hub.api.controllers.git import git_file
from hub.api.controllers.maturity import MaturityController, ReportController, ReportFiles
from hub.api.controllers.openapi import openapi_docs, openapi_docs_file, openapi_json
from hub.api.controllers.packages import PackageController
from hub.api.fast_reads import install as install_fast_reads
from hub.api.late_routes import WORKSPACE_PREFIXES, LateRoutes
from hub.api.problems import encoding_error_handler, http_error_handler, hub_error_handler, internal_error_handler
from hub.api.rawquery import percent_encode_raw_bytes
from hub.api.replica import replica_guard, workspace_replica_guard
from hub.api.writer import Writer
from hub.budget import warm_shared_pool
from hub.config import HubConfig
from hub.errors import HubError
from hub.services import Services
from hub.settings import environment
from hub.web.follow import INTERVAL, Follower
from hub.web.pages import site_routes
from hub.web.replica import Replica
from hub.web.site import SiteProcess, clone_base, served_commit, site_folder


def workspace_controllers() -> tuple[type[Controller], ...]:
    """The workspace's controllers, imported when they are registered (``hub.api.late_routes``), not with the app."""
    from hub.api.controllers.workspace import AdoptionWorkspaceController, SignInController, WorkspaceController
    from hub.api.controllers.workspace_admin import AdminWorkspaceController
    from hub.api.controllers.workspace_manifest import ManifestWorkspaceController
    from hub.api.controllers.workspace_operator import OperatorWorkspaceController
    from hub.api.controllers.workspace_password import PasswordResetController
    from hub.api.controllers.workspace_publish import MyPackagesController, PublishWorkspaceController
    from hub.api.controllers.workspace_review import ReviewWorkspaceController

    return (
        SignInController,
        PasswordResetController,
        WorkspaceController,
        AdoptionWorkspaceController,
        PublishWorkspaceController,
        MyPackagesController,
        ManifestWorkspaceController,
        ReviewWorkspaceController,
        AdminWorkspaceController,
        OperatorWorkspaceController,
    )


# API routes that few requests need, registered like the workspace's (``hub.api.late_routes``): with the first request under
# one of these paths, or behind the first answers. The API's description is among them, so that its request registers
# them all before it describes the routes; Litestar's own OpenAPI router (``/api/v1/_openapi``) as well.
LATE_API_PREFIXES = (
    "/api/v1/reports",
    "/api/v1/adoptions",
    "/api/v1/reviews",
    "/schemas/v1",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/api/v1/_openapi",
)


def late_api_handlers() -> tuple[ControllerRouterHandler, ...]:
    """The API's route handlers under ``LATE_API_PREFIXES`` (``tests/test_late_routes.py`` holds that none is elsewhere)."""
    return (
        ReportController,
        AdoptionController,
        ReviewController,
        SchemaController,
        ConfirmationController,
        openapi_json,
        openapi_docs,
        openapi_docs_file,
    )


def _guarded(controller: type[Controller], guard: Guard) -> type[Controller]:
    """``controller`` with ``guard`` before its own guards, kept out of the OpenAPI document.

    A subclass rather than a ``Router`` around the workspace's controllers: Litestar deep-copies a registered
    router with every handler in it, and that copy was a tenth of the app's construction on each start.
    """
    own = getattr(controller, "guards", None)  # Litestar's slot descriptor when the controller sets none
    return type(
        controller.__name__,
        (controller,),
        {"guards": [guard, *(own if isinstance(own, (list, tuple)) else ())], "include_in_schema": False},
    )


class HubApp(Litestar):
    """Litestar with only the plugin for the models the hub has: msgspec's.

    Litestar adds its plugins for pydantic and attrs models whenever those libraries are installed (other libraries
    here need them), importing both of its plugin modules and attrs with them: about a twentieth of a server's start,
    for models no handler of the hub takes or returns (``tests/test_start_imports.py`` holds that a start loads
    neither)."""

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        plugins.append(MsgspecDIPlugin())
        return plugins


def serving_app(services: Services) -> Litestar:
    """The app of a server process (``hub serve``'s workers, other ASGI servers): it follows HEAD and serves the site.

    ``HUB_LOG_FOLLOW=1`` logs each catch-up of the follower with its durations to stderr.
    """
    if environment().log_follow:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s: %(message)s")
    app = create_app(services, live=True)
    follower: Follower = app.state["follower"]
    late: LateRoutes = app.state["late_routes"]

    def warm_when_started() -> None:
        # the upload validation workers start in the background, not on the first upload's clock; after the follower's
        # first step, so that their interpreter's imports do not compete with the start for the CPU
        while follower.starting:
            time.sleep(0.2)
        late.serve_behind()  # the workspace's routes, unless a request under its paths registered them already
        late_api: LateRoutes = app.state["late_api_routes"]
        late_api.serve_behind()  # the same for the API's routes few requests need
        warm_shared_pool()
        writer: Writer | None = app.state["writer"]
        if writer is not None:
            writer.warm()

    threading.Thread(target=warm_when_started, name="hub-budget-warm-later", daemon=True).start()
    return app


def create_app(
    services: Services | None = None, *, config: HubConfig | None = None, live: bool = False, interval: float = INTERVAL
) -> Litestar:
    """The API over ``services`` (opened from ``config`` when not given).

    ``live`` (``hub serve``): the process follows the catalogue's HEAD (``hub.web.follow``) and
    serves the site at ``/``, rebuilt at each new HEAD.
    """
    services = services or Services.open(config or HubConfig())

    cache = ResponseCache(services.catalog, services.index, environment().answer_cache_bytes)
    # the served site is rebuilt in a child process: a build must not hold this process's GIL against its requests
    builder = SiteProcess(services.config) if live else None
    # hub serve's publishes run in a process of their own, below the reads' priority, in batches (hub.api.writer)
    writer = Writer(services.config) if live and services.primary is None else None
    follower = Follower(
        services,
        writing=(lambda: writer.busy) if writer is not None else None,
        site=(lambda commit: builder.build(commit, clone_base())) if builder is not None else None,
        interval=interval,
        warm=builder.warm if builder is not None else None,
        shown=lambda: served_commit(site_folder(services), clone_base()),
        catch_up=builder.catch_up if builder is not None else None,
    )
    site = site_routes(site_folder(services), lambda: follower.site_commit) if live else []
    # a read replica (hub serve --follow) pulls its primary's catalogue; the follower takes it from there
    replica = Replica(services, services.primary, environment().replica_interval) if live and services.primary else None
    late = LateRoutes(WORKSPACE_PREFIXES)  # put in front of the app's router below when live
    late_api = LateRoutes(LATE_API_PREFIXES)  # the same for the API's routes that few requests need
    # the follower (and what waits for its first step) starts behind the first answer (hub.api.behind); the pages the
    # data folder holds for this address are served until then
    behind = BehindFirstAnswer([follower.start])
    if live:
        follower.site_commit = served_commit(site_folder(services), clone_base())
    starting = [late.started, late_api.started, behind.started, *([replica.start] if replica else [])] if live else []
    stopping = (
        [
            behind.stop,
            *([replica.stop] if replica else []),
            follower.stop,
            *([builder.close] if builder else []),
            *([writer.close] if writer else []),
        ]
        if live
        else []
    )

    def provide_services() -> Services:
        return services

    def provide_cache() -> ResponseCache:
        return cache

    # a running hub answers the ministry's reports from its served site's dashboard files (hub.api.controllers.maturity)
    reports = ReportFiles(site_folder(services) / "dashboard") if live else None

    def provide_reports() -> ReportFiles | None:
        return reports

    app = HubApp(
        route_handlers=[
            PackageController,
            MaturityController,
            PublisherController,
            HealthController,
            FederationController,
            OrganisationController,
            AuditController,
            catalogue_file,
            git_file,
            *site,
            *([] if live else late_api_handlers()),
        ],
        on_startup=starting,
        on_shutdown=stopping,
        guards=[replica_guard(services)],
        state=State(
            {
                "follower": follower,
                "services": services,
                "late_routes": late,
                "late_api_routes": late_api,
                "writer": writer,
                "behind": behind,
            }
        ),
        dependencies={
            "services": Provide(provide_services, sync_to_thread=False),
            "cache": Provide(provide_cache, sync_to_thread=False),
            "reports": Provide(provide_reports, sync_to_thread=False),
        },
        exception_handlers={
            HubError: hub_error_handler,
            HTTPException: http_error_handler,
            UnicodeDecodeError: encoding_error_handler,
            Exception: internal_error_handler,
        },
        request_max_body_size=services.config.max_upload_bytes,
        middleware=[percent_encode_raw_bytes],
        openapi_config=OpenAPIConfig(
            title="Transferhub API",
            version=__version__,
            description="Bewährte kommunale Lösungspakete finden, veröffentlichen, nachnutzen und begutachten. "
            "Fehler kommen als RFC 9457 Problem Details (application/problem+json) mit deutschem Titel und Text.",
            # Litestar's own OpenAPI router lives out of the way; openapi_json and openapi_docs serve the spec. One render
            # plugin: without any, Litestar adds all six of its documentation pages there (Swagger, ReDoc, …), a dozen
            # route handlers built at each start that nobody asks for
            path="/api/v1/_openapi",
            render_plugins=[JsonRenderPlugin()],
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer", description="Token aus „hub token create“")}
            ),
            tags=[
                Tag(name=name)
                for name in (
                    "Pakete",
                    "Reifegrad",
                    "Berichte",
                    "Herausgeber",
                    "Nachnutzung",
                    "Begutachtung",
                    "Föderation",
                    "Schemas",
                    "Betrieb",
                )
            ],
        ),
        debug=False,
    )
    if live:
        # the workspace (sign-in, the adopter's pages) belongs to the served site, registered after the start
        # (hub.api.late_routes); on a read replica each of its pages and forms answers a German page that leads to
        # the primary's workspace
        guard = workspace_replica_guard(services)

        def register_workspace() -> None:
            for controller in workspace_controllers():
                app.register(_guarded(controller, guard))

        late.install(app, register_workspace)

        def register_api() -> None:
            for handler in late_api_handlers():
                app.register(handler)

        late_api.install(app, register_api)
    # the hot package reads are answered before Litestar's routing when their answer is at hand (hub.api.fast_reads)
    install_fast_reads(app, cache)
    if live:
        behind.install(app)  # in front of everything: any first request counts
    return app
