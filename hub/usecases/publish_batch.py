"""Publishing several versions that arrived together: each its own publish, one index update for all of them.

A server's writer process (``hub.api.writer``) takes every publish waiting for it as one batch.
Each publish stays what :func:`hub.usecases.publish.publish` makes of it: validated, authorised by
its own ``check``, committed as its own organisation with its own tag, all or nothing; a refused one
is answered with its own problem and leaves the others and the catalogue as they were. What the
batch shares is what follows the commits: the search index is brought to HEAD once, after the
last of them, instead of once per publish (the index update per publish was a third of the writer's
time), and every answer waits for that one update, so a search right after any answer finds it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hub.errors import HubError
from hub.model import Actor, Manifest, PublishResult
from hub.services import Services
from hub.store import publish as store_publish
from hub.usecases.publish import after_commits
from hub.validate import PackageFiles, ValidationResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Publication:
    """One publish of a batch, with what :func:`hub.usecases.publish.publish` takes for it."""

    package: PackageFiles
    actor: Actor | None = None
    check: Callable[[Manifest], None] | None = None
    validated: ValidationResult | None = None


def publish_each(services: Services, publications: Sequence[Publication]) -> list[PublishResult | HubError]:
    """Publish each of ``publications`` in turn, each all or nothing; then bring the index to HEAD once.

    Returns, in the same order, each publish's result or the error that refused it (nothing of that one
    was written). No failure of one publish touches another's commit, and none after the commits (the
    index update) turns a published version into a failure: the next catch-up brings the index along.
    """
    services.writable()
    outcomes: list[PublishResult | HubError] = []
    for publication in publications:
        try:
            outcomes.append(
                store_publish(
                    services.catalog, publication.package, actor=publication.actor, check=publication.check, validated=publication.validated
                )
            )
        except HubError as refused:
            outcomes.append(refused)
        except Exception:  # a bug or the disk, not the package: this publish fails, the batch's others stand
            log.exception("Veröffentlichen im Stapel fehlgeschlagen")
            # HubError itself is the internal error (500): answered as such, the batch's others with their own results
            outcomes.append(HubError("Die Veröffentlichung ist fehlgeschlagen; es wurde nichts veröffentlicht."))
    published = [outcome for outcome in outcomes if isinstance(outcome, PublishResult)]
    if published:
        after_commits(services, ", ".join(f"{result.id} {result.version}" for result in published))
    return outcomes
