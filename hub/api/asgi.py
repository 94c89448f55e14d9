"""ASGI entry point for servers that import an app by name: ``hub.api.asgi:app`` (uses ``$HUB_DATA``).

``hub serve`` runs it in each worker process: the app follows the catalogue's HEAD and serves the site.
``HUB_LOG_FOLLOW=1`` logs each catch-up of the follower with its durations to stderr.
"""

import logging

from hub.api import create_app
from hub.budget import warm_shared_pool
from hub.settings import environment

if environment().log_follow:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s: %(message)s")

app = create_app(live=True)
# the upload validation workers start in the background now, not on the first upload's clock
warm_shared_pool()
