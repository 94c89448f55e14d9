"""The Litestar application: thin controllers over the domain, errors as RFC 9457 problem details.

The app is built in ``hub.api.app``; importing this package loads nothing, so a process that needs one of its
modules (the writer's child process: a publish's route module and use case, ``hub.api.writer``) does not import
every controller, Litestar's app and the site's routes with it. ``hub.api.create_app`` and ``hub.api.serving_app``
still name the app's builders (loaded on first use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.api.app import create_app, serving_app, workspace_controllers

__all__ = ["create_app", "serving_app", "workspace_controllers"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from hub.api import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
