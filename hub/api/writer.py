"""A server's publishes run in a writer process of their own, below the priority of the requests.

A publish through the API is CPU work in Python after its upload was validated (in a budget
worker, hub/budget.py): the commit, the hints, the search index's update. In a thread of the
process that answers the reads it held that process's GIL, so every read waited behind the
publishes; with eight publishers, behind eight threads taking turns. Here the work runs in one
child process that keeps its own opened data folder (catalogue, index) from one publish to the
next, at a lower priority (``NICENESS``), so the kernel runs the reads first; the thread that
asked waits on a pipe without holding the GIL.

Nothing about a write changes: the same use case (``hub.usecases.publish``) runs, all or nothing,
authorised by the same check, committed as the acting organisation; its answer comes once the
search index has the commit, and every process over the data folder sees the new HEAD at once
(answers are keyed by the catalogue's state, hub/api/cache.py). One process takes the publishes
in turn, as the catalogue's commit lock would make them take turns anyway. A child that died
(killed, out of memory) is started again for the next publish.
"""

from __future__ import annotations

from hub.child import ServicesChild
from hub.services import Services

# below the server process (the reads): on a busy machine the kernel answers requests first
NICENESS = 5


class Writer(ServicesChild):
    """``run(fn, *args)`` calls ``fn(services, *args)`` in the writer process, ``services`` its opened data folder."""

    niceness = NICENESS
    # only a server (its follower brings the clone exports along after every new HEAD) has a writer process
    followed = True

    @staticmethod
    def preload() -> None:
        # what a publish runs (the route's module and the use case), imported when the child starts, not on the first publish's clock
        from hub.api.controllers import packages  # noqa: F401

    def warm(self) -> None:
        """Start the child and open its data folder ahead of the first publish."""
        self.run(_nothing)


def _nothing(services: Services) -> None:
    return None
