"""ASGI entry point for servers that import an app by name: ``hub.api.asgi:app`` (uses ``$HUB_DATA``).

The data folder is opened first (seeded when new, tags lost in a crash restored, index and clone
exports caught up), then the app follows the catalogue's HEAD and serves the site. ``hub serve``
does that opening once itself and runs ``hub.api.served:app`` in its workers.
"""

from hub.api.app import serving_app
from hub.config import HubConfig
from hub.services import Services

app = serving_app(Services.open(HubConfig()))
