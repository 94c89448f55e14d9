"""Federation data: sources, harvest reports and what publishers are told.

The reports are YAML files in the catalogue (``harvest/<source>.yaml``), so like
everything else they are versioned, and a publisher's feedback is read from them.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from hub.model import Base, FrozenBase, Problem

# the DCAT-AP export's formats and their media types (hub.federation.dcat; here, so that naming them loads no rdflib)
Format = Literal["turtle", "json-ld"]
FORMATS: dict[str, str] = {"turtle": "text/turtle", "json-ld": "application/ld+json"}
# datasets per page of the API's DCAT-AP export (hub.federation.dcat): about half a second of rdflib's CPU
DCAT_PAGE_SIZE = 100


class Source(Base):
    """One entry of ``sources.yaml``: a git repository the hub harvests packages from."""

    name: str
    url: str
    publisher: str | None = None
    branch: str | None = None
    folders: list[str] = msgspec.field(default_factory=lambda: ["**"])
    hub: bool = False
    publishers: list[str] = msgspec.field(default_factory=list)
    timeout_seconds: float | None = None
    trust: list[str] = msgspec.field(default_factory=list)  # a hub source: "reviews" lets its reviews and reviewer confirmations count here
    enabled: bool = True
    description: str | None = None


class Origin(FrozenBase, frozen=True):
    """Where a package version was found: source, repository, folder, commit."""

    source: str
    url: str
    path: str
    commit: str


class Accepted(FrozenBase, frozen=True):
    id: str
    version: str
    commit: str  # the catalogue commit that published it
    origin: Origin


class Unchanged(FrozenBase, frozen=True):
    id: str
    version: str
    origin: Origin


class Refused(Base):
    """A version (or a folder whose version could not be read) that did not enter the catalogue."""

    folder: str
    problems: list[Problem]
    since: str  # first harvest that refused it like this (carried over while it stays refused)
    id: str | None = None
    version: str | None = None
    origin: Origin | None = None


class Stopped(FrozenBase, frozen=True):
    """A published package whose newest version in the source is refused: it stopped validating."""

    id: str
    published: str
    refused: str | None


class CarriedRecord(FrozenBase, frozen=True):
    """An adoption or review record carried from another hub, or an adoption confirmed by an adopter's repository (provenance)."""

    kind: Literal["adoption", "review", "provenance"]
    path: str  # the record's file in the catalogue
    outcome: Literal["taken", "unchanged", "refused"]
    message: str | None = None  # German: why refused, or the evidence


HarvestStatus = Literal["ok", "unreachable"]


class HarvestReport(Base):
    """``harvest/<source>.yaml``: the result of the last harvest of one source."""

    source: str
    url: str
    time: str
    status: HarvestStatus
    hub: bool = False
    publisher: str | None = None
    branch: str | None = None
    commit: str | None = None  # the source's commit that was harvested
    reason: str | None = None  # why the source was unreachable
    since: str | None = None  # unreachable since (first failed harvest in a row)
    accepted: list[Accepted] = msgspec.field(default_factory=list)
    unchanged: list[Unchanged] = msgspec.field(default_factory=list)
    refused: list[Refused] = msgspec.field(default_factory=list)
    stopped: list[Stopped] = msgspec.field(default_factory=list)
    # adoptions and reviews carried from a hub source; provenance of an adopter's repository
    records: list[CarriedRecord] = msgspec.field(default_factory=list)


class SourceStatus(Base):
    """A configured source and the outcome of its last harvest."""

    source: Source
    report: HarvestReport | None = None


class FeedbackItem(Base):
    """One refused version, told to its publisher."""

    source: str
    time: str
    since: str
    folder: str
    problems: list[Problem]
    id: str | None = None
    version: str | None = None
    origin: Origin | None = None


class StoppedPackage(FrozenBase, frozen=True):
    source: str
    time: str
    id: str
    published: str
    refused: str | None


class SourceProblem(FrozenBase, frozen=True):
    """A source of the publisher that could not be read at the last harvest."""

    source: str
    url: str
    time: str
    since: str | None
    reason: str | None


class PublisherFeedback(Base):
    """What a publisher needs to know: refused versions, packages that stopped validating, unreachable sources."""

    publisher: str
    refused: list[FeedbackItem] = msgspec.field(default_factory=list)
    stopped: list[StoppedPackage] = msgspec.field(default_factory=list)
    unreachable: list[SourceProblem] = msgspec.field(default_factory=list)
