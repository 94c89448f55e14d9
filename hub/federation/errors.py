"""Errors of federation: the sources list, unknown sources and reports.

Subclasses of :class:`hub.errors.HubError`, so the API and the CLI translate them
like every other error (problem details, exit codes) without knowing them.
"""

from __future__ import annotations

from hub.errors import Conflict, HubError, NotFound


class SourcesInvalid(HubError):
    """``sources.yaml`` is not valid YAML or violates ``schemas/sources.schema.json``."""

    code = "sources-invalid"
    status = 422
    exit_code = 1
    title = "Quellenliste ist ungültig"


class HarvestRunning(Conflict):
    """A harvest of this data folder is under way (started in the workspace, by the API or by ``hub harvest``)."""

    code = "harvest-running"
    title = "Ernte läuft bereits"


class SourceNotFound(NotFound):
    """No source of this name is configured in ``sources.yaml``."""

    code = "source-not-found"
    title = "Quelle nicht gefunden"


class ReportNotFound(NotFound):
    """The source has not been harvested yet, so there is no report."""

    code = "harvest-report-not-found"
    title = "Kein Abruf-Bericht"


class PubliccodeInvalid(HubError):
    """A publiccode.yml that cannot be read at all (no YAML mapping)."""

    code = "publiccode-invalid"
    status = 422
    exit_code = 1
    title = "publiccode.yml ist ungültig"
