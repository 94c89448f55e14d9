"""Results of adopting a package and of looking upstream: msgspec Structs, ready for ``--json``."""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from hub.model import Adoption, FrozenBase

Change = Literal["added", "removed", "changed"]


class AdoptResult(FrozenBase, frozen=True):
    """What ``hub adopt`` created."""

    package: str
    version: str  # the adopted version: ``main`` and the work tree are at it
    latest: str  # the newest version upstream
    versions: list[str]  # every upstream version, oldest first
    path: str  # the new repository's work tree
    commit: str  # the commit of the adopted version (``main``)
    source: str  # as given (data directory, URL or path)
    remote: str  # the URL of the remote ``hub``
    org: str
    notes: list[str]  # German remarks, e.g. a local tag that differs from upstream's
    adoption: Adoption | None = None  # the record written with ``record=True``


class UpstreamStatus(FrozenBase, frozen=True):
    """Where an adopted repository stands compared with its package upstream."""

    path: str
    package: str
    org: str
    source: str
    remote: str
    adopted: str  # the version recorded at adoption or at the last merge
    latest: str
    newer: list[str]  # upstream versions newer than ``adopted``, oldest first
    up_to_date: bool  # no newer version upstream
    dirty: bool  # uncommitted changes in the work tree or index (untracked files count)
    changed: list[str]  # the paths of those changes
    local_commits: int  # commits on the current branch that came from no upstream version
    branch: str | None  # the checked-out branch (None: detached HEAD)
    notes: list[str]  # German remarks, e.g. a local tag that differs from upstream's


class FileDelta(FrozenBase, frozen=True):
    path: str
    status: Change


class FieldInfo(FrozenBase, frozen=True):
    """A form field as far as an adopter's form service cares."""

    required: bool
    type: str | None = None  # JSON Schema type; several joined with "|"
    title: str | None = None
    enum: list[Any] | None = None
    format: str | None = None


class FieldDelta(FrozenBase, frozen=True):
    """One form field (a JSON pointer into the form's data; ``0`` stands for an array's entries)."""

    form: str  # the form-schema file
    field: str
    status: Change
    before: FieldInfo | None = None
    after: FieldInfo | None = None
    changes: list[str] = msgspec.field(default_factory=list)  # with status "changed": which of type, required, title, enum, format


NodeCategory = Literal["task", "event", "gateway"]


class NodeDelta(FrozenBase, frozen=True):
    """One flow node of a process model (task, event, gateway), matched by its BPMN id."""

    process: str  # the BPMN file
    id: str
    category: NodeCategory
    status: Literal["added", "removed", "renamed", "changed"]  # renamed: only the name differs
    kind: str  # element type after the change (before, for removed nodes), e.g. userTask
    name: str | None = None  # name after the change (before, for removed nodes)
    old_name: str | None = None  # renamed/changed: the name before
    old_kind: str | None = None  # changed: the element type before


class ConfigDelta(FrozenBase, frozen=True):
    """One configuration key (JSON pointer; list entries with an ``id`` appear as ``[id=…]``)."""

    config: str  # the config file
    key: str
    status: Change
    before: Any = None
    after: Any = None


class SemanticDiff(FrozenBase, frozen=True):
    """What changed upstream between two versions, in the terms of the package's artefacts."""

    package: str
    from_version: str
    to_version: str
    files: list[FileDelta]
    form_fields: list[FieldDelta]
    process_nodes: list[NodeDelta]
    config_keys: list[ConfigDelta]
    notes: list[str]  # artefacts that could not be read, in German

    @property
    def empty(self) -> bool:
        return not (self.files or self.form_fields or self.process_nodes or self.config_keys)


class MergeResult(FrozenBase, frozen=True):
    """What ``hub upstream merge`` did."""

    path: str
    package: str
    from_version: str
    to_version: str
    merged: bool  # a merge commit was made
    commit: str  # HEAD afterwards
    previous: str  # HEAD before
    upstream_files: list[str]  # files upstream changed between the two versions (empty without a merge)
    local_files: list[str]  # files changed locally since the adopted version, kept (empty without a merge)
    message: str  # German one-line summary
    adoption: Adoption | None = None  # the adoption record on the hub, now naming ``to_version``
    notes: list[str] = msgspec.field(default_factory=list)  # German remarks, e.g. why the record on the hub was not updated
