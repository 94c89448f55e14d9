"""ASGI entry point for servers that import an app by name: ``hub.api.asgi:app`` (uses ``$HUB_DATA``)."""

from hub.api import create_app
from hub.budget import warm_shared_pool

app = create_app()
# the upload validation workers start in the background now, not on the first upload's clock
warm_shared_pool()
