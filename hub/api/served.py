"""The app of each ``hub serve`` worker process: ``hub.api.served:app`` (uses ``$HUB_DATA``).

``hub serve`` has attached to the data folder just before it started its workers (seeded when new;
on a first start also tags and index built), so a worker takes the folder as it is and answers at
once. Its follower, in the background, restores tags a crashed writer left out and brings index,
exports and site to HEAD (``hub.web.follow``; on a first start the site, then every package's export). Other ASGI servers import
``hub.api.asgi:app``, which opens the folder completely before answering.
"""

import gc

# the worker's imports and its app (Litestar's route handlers, their signature models) are objects that live as long as
# the process: no collection while they are made, and none walks them afterwards (gc.freeze)
gc.disable()

from hub.api.app import serving_app  # noqa: E402
from hub.config import HubConfig  # noqa: E402
from hub.services import Services  # noqa: E402

app = serving_app(Services.attach(HubConfig()))
gc.freeze()
gc.enable()
