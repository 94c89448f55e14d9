"""``hub.api.asgi:app`` with every request routed by Litestar, the package reads too (without ``hub.api.fast_reads``).

bench/server.py serves it beside the real app, so that one run measures what answering the hot reads
before Litestar's routing gains.
"""

from hub.api.asgi import app
from hub.api.fast_reads import FastReads

assert isinstance(app.asgi_handler, FastReads)
app.asgi_handler = app.asgi_handler.app
