"""The hub's data: msgspec Structs for manifests, catalogue records and problems.

Field names follow ``schemas/package.schema.json``; the schema is what validates
input, these Structs are what the rest of the code works with once it is valid.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import msgspec

# Identifiers: lower-case ASCII words joined by single hyphens, the one definition of what an id may be.
# They become git ref names, file names, URLs, XML and feed text, so nothing else is allowed.
# ``*_PATTERN`` is the text the JSON Schemas carry (ECMA-262 semantics, where ``$`` is the end of input;
# hub validators run schema patterns on RE2, which agrees). Python's ``re`` lets ``$`` match before a
# trailing line break, so ORG_ID and PACKAGE_ID (for msgspec, Litestar and ``re``) add ``(?!\n)``,
# which means the same in ECMA-262 and Python.
ORG_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
PACKAGE_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$"
ORG_ID = ORG_ID_PATTERN[:-1] + r"(?!\n)$"
PACKAGE_ID = PACKAGE_ID_PATTERN[:-1] + r"(?!\n)$"
_ORG_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PACKAGE_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*")


def is_org_id(value: object) -> bool:
    return isinstance(value, str) and _ORG_ID_RE.fullmatch(value) is not None


def is_package_id(value: object) -> bool:
    return isinstance(value, str) and _PACKAGE_ID_RE.fullmatch(value) is not None


# Text: what git (signatures), XML 1.0 (BPMN, Atom, DCAT), feeds and terminals all accept.
# No C0/C1 control character (a terminal obeys ESC and CSI; XML 1.0 forbids most of C0), no
# surrogate or non-character (not encodable or not XML); one-line fields (names, e-mails, titles)
# also no line or paragraph separator and no bidirectional override (text that reads differently
# from what it is), and names used in git signatures no angle brackets (git delimits the e-mail with them).
_MULTILINE_ALLOWED = frozenset("\t\n\r")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_LINE_BREAKS = frozenset("\u2028\u2029\x85")


def _unsafe_class(*, one_line: bool, signature: bool) -> re.Pattern[str]:
    """One character class for what :func:`unsafe_character` refuses: a C-speed search instead of a loop per character."""
    ranges = ["\x00-\x08", "\x0b\x0c", "\x0e-\x1f", "\x7f-\x9f", "\ud800-\udfff", "\ufdd0-\ufdef"]
    ranges += [re.escape(chr(plane << 16 | low)) for plane in range(17) for low in (0xFFFE, 0xFFFF)]
    if one_line:
        ranges += ["\t\n\r", *map(re.escape, sorted(_BIDI_CONTROLS | _LINE_BREAKS))]
    if signature:
        ranges.append("<>")
    return re.compile("[" + "".join(ranges) + "]")


_UNSAFE = {(o, s): _unsafe_class(one_line=o, signature=s) for o in (False, True) for s in (False, True)}


def unsafe_character(text: str, *, one_line: bool = False, signature: bool = False) -> str | None:
    """The first character of ``text`` that some consumer of catalogue text refuses, or None."""
    found = _UNSAFE[one_line, signature].search(text)
    return None if found is None else found.group()


class Base(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=False, kw_only=True):
    def to_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)


# Frozen records have a base of their own rather than ``Base, frozen=True``: type checkers treat a Struct
# like a dataclass, and a frozen dataclass may not inherit from a mutable one (msgspec issue 657). They
# do not infer frozenness from the base either, hence ``class X(FrozenBase, frozen=True)``.
class FrozenBase(msgspec.Struct, omit_defaults=True, forbid_unknown_fields=False, kw_only=True, frozen=True):
    def to_dict(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)


Severity = Literal["error", "hint"]
SEVERITY_LABELS: dict[str, str] = {"error": "Fehler", "hint": "Hinweis"}


class Problem(FrozenBase, frozen=True):
    """One finding of validation: where it is and what is wrong, in German.

    An ``error`` refuses the package; a ``hint`` (Hinweis) is a quality finding that
    never blocks publishing but counts against the maturity criterion "all artefacts valid".
    """

    code: str
    file: str
    message: str
    pointer: str | None = None
    line: int | None = None
    severity: Severity = "error"

    @property
    def is_hint(self) -> bool:
        return self.severity == "hint"

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def place(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer is not None:
            where += f" {self.pointer or '/'}"
        return where


class Localized(Base):
    de: str
    en: str | None = None


class PublisherRef(Base):
    id: str
    name: str
    url: str | None = None


class Contact(Base):
    name: str
    email: str
    role: str | None = None
    phone: str | None = None


class Classification(Base):
    themenfeld: str
    lebenslagen: list[str] = []
    leika: list[str] = []
    categories: list[str] = []


class Production(Base):
    since: str
    where: list[str] = []
    cases_per_year: int | None = None
    url: str | None = None


class Outcome(Base):
    indicator: str
    # float, not int | float: OpenAPI would render the union as oneOf, which every integer matches twice
    value: float | str
    unit: str | None = None
    before: float | str | None = None
    period: str | None = None
    source: str | None = None


class Status(Base):
    development: Literal["concept", "development", "beta", "stable", "obsolete"]
    production: Production | None = None
    outcomes: list[Outcome] = []


class Requirements(Base):
    software: list[str] = []
    platforms: list[str] = []
    roles: list[str] = []
    standards: list[str] = []


class Effort(Base):
    person_days: float | None = None
    duration_weeks: float | None = None
    costs_eur: float | None = None
    note: str | None = None


class EffortFigure(FrozenBase, frozen=True):
    """An effort in person-days and euros, with the period and the source of the figure."""

    person_days: float | None = None
    costs_eur: float | None = None
    period: str | None = None
    source: str | None = None
    note: str | None = None


class PackageEffort(FrozenBase, frozen=True):
    """The manifest's ``effort``: what building the solution cost, and what adopting it costs (the savings view)."""

    build: EffortFigure | None = None
    adopt: EffortFigure | None = None


class Step(Base):
    title: str
    description: str | None = None


class AdoptionGuide(Base):
    """The manifest's ``adoption`` block: what another organisation needs to take the package over."""

    requirements: Requirements | None = None
    effort: Effort | None = None
    steps: list[Step] = []


ArtefactKind = Literal["process-model", "form-schema", "config", "document"]
ArtefactFormat = Literal["bpmn", "json-schema", "yaml", "json", "markdown", "pdf"]


class Artefact(Base):
    path: str
    kind: ArtefactKind
    format: ArtefactFormat
    title: str | None = None
    description: str | None = None
    schema: str | None = None


class Manifest(Base):
    """A package's ``hub.yaml``."""

    id: str
    name: str
    version: str
    summary: Localized
    description: Localized
    publisher: PublisherRef
    contacts: list[Contact]
    license: str
    classification: Classification
    status: Status
    artefacts: list[Artefact]
    release_date: str | None = None
    keywords: list[str] = []
    url: str | None = None
    adoption: AdoptionGuide | None = None
    effort: PackageEffort | None = None
    changelog: str | None = None

    @property
    def publisher_id(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def slug(self) -> str:
        return self.id.split("/", 1)[1]


class Coordinates(FrozenBase, frozen=True):
    """WGS84 position of an organisation's town hall or seat (for maps)."""

    lat: float
    lon: float


class Publisher(Base):
    """An organisation in ``publishers/<id>.yaml``: publishers and adopting organisations alike.

    Only registered organisations publish, adopt, confirm, review or hold tokens.
    """

    id: str
    name: str
    type: str
    state: str | None = None
    region: str | None = None
    url: str | None = None
    description: str | None = None
    contacts: list[Contact] = []
    ags: str | None = None  # Amtlicher Gemeindeschlüssel (or Kreis/Regierungsbezirk/Land key), only where verified
    kreisfrei: bool | None = None
    kreis: str | None = None  # the Kreis a kreisangehörige Gemeinde belongs to
    coordinates: Coordinates | None = None


Organisation = Publisher


class FileEntry(FrozenBase, frozen=True):
    path: str
    size: int
    oid: str


class PackageVersion(Base):
    """One published version of a package as read from the catalogue."""

    manifest: Manifest
    commit: str
    published_at: str
    published_by: str
    files: list[FileEntry] = []


class VersionInfo(FrozenBase, frozen=True):
    version: str
    commit: str
    published_at: str
    published_by: str


class HistoryEntry(FrozenBase, frozen=True):
    commit: str
    time: str
    author: str
    email: str
    summary: str
    version: str | None = None


FileChangeStatus = Literal["added", "removed", "modified", "renamed"]


class FileChange(FrozenBase, frozen=True):
    path: str
    status: FileChangeStatus
    additions: int = 0
    deletions: int = 0
    old_path: str | None = None


class VersionDiff(Base):
    id: str
    from_version: str
    to_version: str
    files: list[FileChange]
    patch: str


class PublishResult(FrozenBase, frozen=True):
    id: str
    version: str
    commit: str
    tag: str
    hints: list[Problem] = []  # quality hints (Hinweise): published anyway, shown to the publisher


class Actor(FrozenBase, frozen=True):
    """Who acts on the catalogue: becomes the author of the commit."""

    id: str
    name: str
    email: str


AdoptionStatus = Literal["planned", "pilot", "production", "ended"]
ConfirmationKind = Literal["publisher", "reviewer", "provenance"]


class RecordOrigin(FrozenBase, frozen=True):
    """Where a harvested adoption, confirmation or review was made: the other hub (source), its commit, the acting organisation."""

    hub: str
    url: str
    commit: str
    organisation: str | None = None


class Confirmation(FrozenBase, frozen=True):
    """Someone other than the adopter confirmed an adoption: its publisher, a reviewer, or the hub from the adopter's repository."""

    kind: ConfirmationKind
    by: str
    date: str
    status: AdoptionStatus
    version: str
    by_name: str | None = None
    evidence: str | None = None
    note: str | None = None
    origin: RecordOrigin | None = None


class AdoptionEvent(FrozenBase, frozen=True):
    status: AdoptionStatus
    date: str
    version: str | None = None
    note: str | None = None


class Adoption(Base):
    """``adoptions/<publisher>/<slug>/<adopter>.yaml``: one organisation's use of a package."""

    package: str
    adopter: str
    version: str
    status: AdoptionStatus
    history: list[AdoptionEvent]
    adopter_name: str | None = None
    note: str | None = None
    confirmations: list[Confirmation] = []
    origin: RecordOrigin | None = None
    effort: EffortFigure | None = None  # what the adopter really spent (the savings view)


class ReviewEntry(FrozenBase, frozen=True):
    reviewer: str
    date: str
    level: int
    rationale: str
    reviewer_name: str | None = None
    computed_level: int | None = None
    origin: RecordOrigin | None = None


class Review(Base):
    """``reviews/<publisher>/<slug>/<version>.yaml``: every review of one version; the last one counts."""

    package: str
    version: str
    reviews: list[ReviewEntry]


class CriterionResult(FrozenBase, frozen=True):
    """One criterion of the maturity model, evaluated for one package version."""

    id: str
    level: int
    label: str
    met: bool
    evidence: str


class MaturityState(FrozenBase, frozen=True):
    """What the search index keeps of a package's maturity (``hub.maturity.index_levels``): the level shown,
    the computed level, the newest counting review over all versions, and whether it waits for a review."""

    level: int
    computed_level: int
    queued: bool
    reviewed_version: str | None = None
    reviewed_date: str | None = None
    reviewed_level: int | None = None
    reviewed_computed: int | None = None


class Maturity(Base):
    """The maturity of one package version: computed, reviewed, and the level shown."""

    package: str
    version: str
    computed_level: int
    computed_name: str
    level: int
    name: str
    reviewed: bool
    criteria: list[CriterionResult]
    evaluated_at: str
    review: ReviewEntry | None = None
    hints: list[Problem] = []  # quality hints of this version; any of them fails "all artefacts valid"
