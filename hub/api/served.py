"""The app of each ``hub serve`` worker process: ``hub.api.served:app`` (uses ``$HUB_DATA``).

``hub serve`` has opened the data folder just before it started its workers (seeded when new, tags
lost in a crash restored, index and clone exports caught up, the site built when there was none for
its address), so a worker takes the folder as it is and answers at once; its follower's first step,
in the background, brings everything along if HEAD moved meanwhile. Other ASGI servers import
``hub.api.asgi:app``, which opens the folder itself first.
"""

from hub.api import serving_app
from hub.config import HubConfig
from hub.services import Services

app = serving_app(Services.attach(HubConfig()))
