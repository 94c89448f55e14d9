"""A server's publishes run in a writer process of their own, below the priority of the requests, in batches.

A publish through the API is CPU work in Python after its upload was validated (in a budget
worker, hub/budget.py): the commit, the hints, the search index's update. In a thread of the
process that answers the reads it held that process's GIL, so every read waited behind the
publishes; with eight publishers, behind eight threads taking turns. Here the work runs in one
child process that keeps its own opened data folder (catalogue, index) from one publish to the
next, at a lower priority (``NICENESS``), so the kernel runs the reads first; the request waits
on a future, not in a thread, and the event loop stays free.

Publishes that arrive while the child is busy wait in a queue, and the child takes every one
waiting as one batch (``hub.usecases.publish_batch``): each still its own publish, all or nothing,
authorised by the same check, committed as its own organisation with its own tag, answered with
its own result or problem; the batch shares the search index's update after its last commit (one
instead of one per publish) and the follower's catch-up and site build after it (``busy``: the
follower waits for the batch's end, hub.web.follow). One process takes the publishes in turn, as
the catalogue's commit lock would make them take turns anyway. Every answer comes once the search
index has its commit, and every process over the data folder sees the new HEAD at once (answers
are keyed by the catalogue's state, hub/api/cache.py). A child that died (killed, out of memory)
fails the batch in flight and is started again for the next one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from hub.api.auth import authorize
from hub.child import ServicesChild
from hub.config import HubConfig
from hub.errors import HubError, ShuttingDown
from hub.model import Manifest, PublishResult
from hub.services import Services
from hub.tokens import TokenRecord
from hub.usecases.publish_batch import Publication, publish_each
from hub.validate import PackageFiles, ValidationResult

# below the server process (the reads): on a busy machine the kernel answers requests first
NICENESS = 5
# publishes taken into one batch at most: the first answer of a batch waits for the batch's last commit
MOST = 16

Waiting = tuple[TokenRecord, PackageFiles, ValidationResult]
log = logging.getLogger("hub.writer")


class Writer(ServicesChild):
    """``publish(token, package, checked)`` publishes in the writer process; ``run(fn, *args)`` calls ``fn(services, *args)`` there."""

    niceness = NICENESS
    # only a server (its follower brings the clone exports along after every new HEAD) has a writer process
    followed = True

    def __init__(self, config: HubConfig) -> None:
        super().__init__(config)
        self._waiting: list[tuple[Waiting, Future[PublishResult]]] = []
        self._turn = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closing = False
        self._writing = False

    @property
    def busy(self) -> bool:
        """Publishes are being written or wait to be: their commits' catch-up is best made once, after the batch."""
        return self._writing or bool(self._waiting)

    @staticmethod
    def preload() -> None:
        # what a publish runs (the use case and the checks), imported when the child starts, not on the first publish's clock
        from hub.usecases import publish_batch  # noqa: F401

    def warm(self) -> None:
        """Start the child and open its data folder ahead of the first publish."""
        self.run(_nothing)

    def publish(self, token: TokenRecord, package: PackageFiles, checked: ValidationResult) -> Future[PublishResult]:
        """Queue one publish of a validated package; the future holds its result or the ``HubError`` that refused it.

        A future cancelled before its batch was taken (the client went away) is dropped; once taken, the publish runs.
        """
        future: Future[PublishResult] = Future()
        with self._turn:
            if self._closing:
                raise ShuttingDown("Der Server wird beendet; es wurde nichts veröffentlicht. Bitte später noch einmal senden.")
            self._waiting.append(((token, package, checked), future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._write, name="hub-writer", daemon=True)
                self._thread.start()
            self._turn.notify()
        return future

    def _write(self) -> None:
        while True:
            with self._turn:
                while not self._waiting and not self._closing:
                    self._turn.wait()
                if not self._waiting:
                    return
                taken, self._waiting = self._waiting[:MOST], self._waiting[MOST:]
                self._writing = True
            batch = [(item, future) for item, future in taken if future.set_running_or_notify_cancel()]
            try:
                if batch:
                    self._answer(batch)
            finally:
                with self._turn:
                    self._writing = False

    def _answer(self, batch: list[tuple[Waiting, Future[PublishResult]]]) -> None:
        started = time.perf_counter()
        try:
            outcomes = self.run(_publish_batch, [item for item, _ in batch])
            log.info("wrote a batch of %d publishes in %.3f s", len(batch), time.perf_counter() - started)
        except BaseException as error:  # noqa: BLE001 - the child died or could not start: every publish of the batch learns it
            for _, future in batch:
                future.set_exception(error)
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    def close(self) -> None:
        with self._turn:
            self._closing = True
            self._turn.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=60)  # the publishes already queued are written and answered first
        super().close()


def _nothing(services: Services) -> None:
    return None


def _publish_batch(services: Services, batch: list[Waiting]) -> list[PublishResult | HubError]:
    """In the child: every publish of the batch, each all or nothing with its own result or error, in order."""
    outcomes: list[PublishResult | HubError | None] = []
    publications = []
    for token, package, checked in batch:
        try:
            actor = services.actor(token)  # the token's organisation as the commit's author (refused when unknown)
        except HubError as refused:
            outcomes.append(refused)
            continue
        outcomes.append(None)
        publications.append(Publication(package, actor=actor, check=_may_publish(token), validated=checked))
    published = iter(publish_each(services, publications) if publications else [])
    return [outcome if outcome is not None else next(published) for outcome in outcomes]


def _may_publish(token: TokenRecord) -> Callable[[Manifest], None]:
    """A token publishes only for its own organisation (the rule of every API publish)."""

    def check(manifest: Manifest) -> None:
        authorize(token, "publisher", org=manifest.publisher_id)

    return check
