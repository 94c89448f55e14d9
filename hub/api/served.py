"""The app of each ``hub serve`` worker process: ``hub.api.served:app`` (uses ``$HUB_DATA``).

``hub serve`` has attached to the data folder just before it started its workers (seeded when new;
on a first start also tags and index built), so a worker takes the folder as it is and answers at
once. Its follower, in the background, restores tags a crashed writer left out and brings index,
exports and site to HEAD (``hub.web.follow``; on a first start the site, then every package's export). Other ASGI servers import
``hub.api.asgi:app``, which opens the folder completely before answering.
"""

from hub.api import serving_app
from hub.config import HubConfig
from hub.services import Services

app = serving_app(Services.attach(HubConfig()))
