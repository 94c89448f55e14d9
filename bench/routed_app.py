"""``hub.api.asgi:app`` with every request routed by Litestar, the package reads too (without ``hub.api.fast_reads``).

bench/server.py serves it beside the real app, so that one run measures what answering the hot reads
before Litestar's routing gains.
"""

from hub.api.asgi import app
from hub.api.fast_reads import FastReads

# FastReads wraps Litestar's handler; until the first request, hub.api.behind may wrap FastReads in turn
outer = app.asgi_handler
if isinstance(outer, FastReads):
    app.asgi_handler = outer.app
else:
    assert isinstance(outer.app, FastReads), "no fast reads to take out"  # type: ignore[attr-defined]
    outer.app = outer.app.app  # type: ignore[attr-defined]
