"""The errors of adopting and updating a package; each a :class:`~hub.errors.HubError` with a German detail."""

from __future__ import annotations

from hub.errors import BadRequest, Conflict, HubError, NotFound


class TargetNotEmpty(BadRequest):
    """``hub adopt`` writes only into a new or empty folder."""

    code = "adopt-target-not-empty"
    title = "Zielordner nicht leer"


class BadSource(BadRequest):
    """``--from`` names neither a hub data directory nor a package repository."""

    code = "adopt-source-invalid"
    title = "Ungültige Quelle"


class NotAnAdoption(NotFound):
    """The folder is not a repository made by ``hub adopt`` (no ``[transferhub]`` section)."""

    code = "adopt-not-adopted"
    title = "Kein übernommenes Paket"


class UpstreamUnreachable(HubError):
    """The package repository upstream could not be read (network, missing files, not a repository)."""

    code = "upstream-unreachable"
    status = 502
    exit_code = 5
    title = "Hub nicht erreichbar"


class DirtyWorkTree(Conflict):
    """A merge needs a clean work tree and index; nothing was touched."""

    code = "worktree-dirty"
    title = "Nicht übernommene lokale Änderungen"


class MergeConflict(Conflict):
    """Local and upstream changes touch the same place; ``problems`` names every file. Nothing was touched."""

    code = "merge-conflict"
    title = "Konflikt beim Zusammenführen"
