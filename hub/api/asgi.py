"""ASGI entry point for servers that import an app by name: ``hub.api.asgi:app`` (uses ``$HUB_DATA``)."""

from hub.api import create_app

app = create_app()
