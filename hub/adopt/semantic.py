"""What changed between two package versions, in the package's own terms.

Besides the files, each artefact named in ``hub.yaml`` is compared by meaning:

* **form schemas** are flattened to their fields (``hub.formschema``, the fields the site's
  form preview shows and validation checks): the JSON pointer of the field in the form's data
  (``0`` for an array's entries) with type, required, title, enum and format. Local ``$ref``,
  ``allOf`` and conditional branches (``if``/``then``/``else``, ``oneOf``/``anyOf``,
  ``dependentSchemas``) are followed;
* **process models** (BPMN) are compared by flow node id: a node whose name differs is
  *renamed*, one whose element type differs (``task`` → ``userTask``) is *changed*;
* **configs** (YAML or JSON) are flattened to their keys; lists of scalars are one value,
  lists of objects that all carry a distinct ``id`` are keyed by it (``/arbeitsplaetze[id=platz-1]/…``),
  other lists by position.

A file that cannot be read on one side is reported in ``notes``, never as an exception:
the diff is for people deciding whether to take an update.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

import msgspec
import pygit2
from cachetools import LRUCache
from lxml import etree
from pygit2.enums import DeltaStatus

from hub.adopt.model import ConfigDelta, FieldDelta, FieldInfo, FileDelta, NodeCategory, NodeDelta, SemanticDiff
from hub.formschema import FormSchema
from hub.store.manifests import manifest_of_blob
from hub.store.trees import blob_at
from hub.validate.bpmn import BPMN_NS, FLOW_NODES, parse_bpmn
from hub.validate.jsondoc import SyntaxProblem, load_document, load_json
from hub.validate.messages import pointer
from hub.validate.parsererrors import xml_message
from hub.validate.yamlsafe import YamlError, load_yaml

MAX_DEPTH = 32
FIELD_ATTRIBUTES = ("type", "required", "title", "enum", "format")
# Files read, by blob id and reading: a version's files are compared once with the version before and
# once with the one after (the site's comparison pages, a workspace's steps), and a git blob's id names
# its bytes, so each is parsed once while it is kept. What is kept is read only by the comparisons.
KEPT_READINGS = 512


# -- forms ----------------------------------------------------------------------------------


def form_fields(schema: Any) -> dict[str, FieldInfo]:
    """Every field of a form schema (``hub.formschema``, as the preview shows it): JSON pointer in the form's data → what it is."""
    fields: dict[str, FieldInfo] = {}
    if not isinstance(schema, dict):
        return fields
    for found in FormSchema(schema).fields():
        title = found.title
        fmt = found.format
        fields.setdefault(
            found.pointer,
            FieldInfo(
                type=found.type,
                required=found.required,
                title=str(title) if title is not None else None,
                enum=found.allowed,
                format=str(fmt) if fmt is not None else None,
            ),
        )
    return fields


def compare_forms(form: str, old: dict[str, FieldInfo], new: dict[str, FieldInfo]) -> list[FieldDelta]:
    deltas = []
    for path in _union(old, new):
        before, after = old.get(path), new.get(path)
        if before is None:
            deltas.append(FieldDelta(form=form, field=path, status="added", after=after))
        elif after is None:
            deltas.append(FieldDelta(form=form, field=path, status="removed", before=before))
        else:
            changes = [a for a in FIELD_ATTRIBUTES if getattr(before, a) != getattr(after, a)]
            if changes:
                deltas.append(FieldDelta(form=form, field=path, status="changed", before=before, after=after, changes=changes))
    return deltas


# -- processes ------------------------------------------------------------------------------


def flow_nodes(data: bytes) -> dict[str, tuple[str, str | None]]:
    """Every flow node of a BPMN model (all processes, sub-processes included): id → (element type, name)."""
    root = parse_bpmn(data)
    nodes: dict[str, tuple[str, str | None]] = {}
    for element in root.iter(*_FLOW_NODE_TAGS):  # in document order; lxml picks the tags in C
        node_id = element.get("id")
        if node_id:
            nodes.setdefault(node_id, (_FLOW_NODE_TAGS[str(element.tag)], element.get("name")))
    return nodes


_FLOW_NODE_TAGS = {f"{{{BPMN_NS}}}{name}": name for name in FLOW_NODES}  # qualified tag → element type


def category(kind: str) -> NodeCategory:
    if kind.endswith("Event"):
        return "event"
    if kind.endswith("Gateway"):
        return "gateway"
    return "task"


def compare_processes(process: str, old: dict[str, tuple[str, str | None]], new: dict[str, tuple[str, str | None]]) -> list[NodeDelta]:
    deltas = []
    for node_id in _union(old, new):
        before, after = old.get(node_id), new.get(node_id)
        if before is None:
            assert after is not None  # node_id is in old or new
            deltas.append(NodeDelta(process=process, id=node_id, category=category(after[0]), status="added", kind=after[0], name=after[1]))
        elif after is None:
            deltas.append(
                NodeDelta(process=process, id=node_id, category=category(before[0]), status="removed", kind=before[0], name=before[1])
            )
        elif before[0] != after[0]:
            deltas.append(
                NodeDelta(
                    process=process,
                    id=node_id,
                    category=category(after[0]),
                    status="changed",
                    kind=after[0],
                    name=after[1],
                    old_kind=before[0],
                    old_name=before[1],
                )
            )
        elif before[1] != after[1]:
            deltas.append(
                NodeDelta(
                    process=process,
                    id=node_id,
                    category=category(after[0]),
                    status="renamed",
                    kind=after[0],
                    name=after[1],
                    old_name=before[1],
                )
            )
    return deltas


# -- configs --------------------------------------------------------------------------------


def config_keys(document: Any) -> dict[str, Any]:
    """Every leaf of a config: JSON-pointer-like key → value (lists of scalars are one value)."""
    keys: dict[str, Any] = {}

    def walk(node: Any, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            keys[path or "/"] = node
        elif isinstance(node, dict):
            if not node and path:
                keys[path] = {}
            for key, value in node.items():
                walk(value, f"{path}{pointer([str(key)])}", depth + 1)
        elif isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
            ids = [item.get("id") for item in node]
            if all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in ids) and len({str(i) for i in ids}) == len(ids):
                for item in node:
                    walk(item, f"{path}[id={item['id']}]", depth + 1)
            else:
                for index, item in enumerate(node):
                    walk(item, f"{path}/{index}", depth + 1)
        else:
            keys[path or "/"] = node

    walk(document, "", 0)
    return keys


def compare_configs(config: str, old: dict[str, Any], new: dict[str, Any]) -> list[ConfigDelta]:
    deltas = []
    for key in _union(old, new):
        if key not in old:
            deltas.append(ConfigDelta(config=config, key=key, status="added", after=new[key]))
        elif key not in new:
            deltas.append(ConfigDelta(config=config, key=key, status="removed", before=old[key]))
        elif old[key] != new[key] or type(old[key]) is not type(new[key]):
            deltas.append(ConfigDelta(config=config, key=key, status="changed", before=old[key], after=new[key]))
    return deltas


# -- two versions ---------------------------------------------------------------------------


class Treeish(Protocol):
    """What is compared: a commit of the package's repository, or anything holding a package folder as ``tree``."""

    @property
    def tree(self) -> pygit2.Tree: ...


def semantic_diff(repo: pygit2.Repository, package: str, old: Treeish, new: Treeish, from_version: str, to_version: str) -> SemanticDiff:
    """Files, form fields, process nodes and config keys that differ between two package commits."""
    notes: list[str] = []
    files = []
    for delta in old.tree.diff_to_tree(new.tree, interhunk_lines=0).deltas:  # what repo.diff does with two trees
        if delta.status == DeltaStatus.ADDED:
            files.append(FileDelta(path=delta.new_file.path, status="added"))
        elif delta.status == DeltaStatus.DELETED:
            files.append(FileDelta(path=delta.old_file.path, status="removed"))
        else:
            files.append(FileDelta(path=delta.new_file.path, status="changed"))
    files.sort(key=lambda f: f.path)
    changed = {f.path for f in files}

    old_artefacts = _artefacts(repo, old, from_version, notes)
    new_artefacts = _artefacts(repo, new, to_version, notes)
    forms: list[FieldDelta] = []
    processes: list[NodeDelta] = []
    configs: list[ConfigDelta] = []
    for path in _union(old_artefacts, new_artefacts):
        if path not in changed:
            continue  # same bytes on both sides
        kinds = {a[0] for a in (old_artefacts.get(path), new_artefacts.get(path)) if a}
        fmt = (new_artefacts.get(path) or old_artefacts[path])[1]
        if "form-schema" in kinds:
            before = _read(repo, old, path, from_version, notes, "form") if path in old_artefacts else {}
            after = _read(repo, new, path, to_version, notes, "form") if path in new_artefacts else {}
            if before is not None and after is not None:
                forms.extend(compare_forms(path, before, after))
        elif "process-model" in kinds:
            before = _read(repo, old, path, from_version, notes, "process") if path in old_artefacts else {}
            after = _read(repo, new, path, to_version, notes, "process") if path in new_artefacts else {}
            if before is not None and after is not None:
                processes.extend(compare_processes(path, before, after))
        elif "config" in kinds:
            reading = "config-json" if fmt == "json" else "config-yaml"
            before = _read(repo, old, path, from_version, notes, reading) if path in old_artefacts else {}
            after = _read(repo, new, path, to_version, notes, reading) if path in new_artefacts else {}
            if before is not None and after is not None:
                configs.extend(compare_configs(path, before, after))
    return SemanticDiff(
        package=package,
        from_version=from_version,
        to_version=to_version,
        files=files,
        form_fields=forms,
        process_nodes=processes,
        config_keys=configs,
        notes=notes,
    )


def _artefacts(repo: pygit2.Repository, commit: Treeish, version: str, notes: list[str]) -> dict[str, tuple[str, str]]:
    """``hub.yaml``'s artefacts at ``commit``: path → (kind, format)."""
    try:
        entry = commit.tree["hub.yaml"]
    except KeyError:
        notes.append(f"Version {version} hat kein hub.yaml; Formulare, Prozesse und Konfigurationen werden nicht verglichen.")
        return {}
    try:
        # a sound manifest as the catalogue decoded it already (hub.store.manifests, by blob id): its artefacts are
        # the raw document's, so the YAML is not read again; any other hub.yaml is read as it stands below
        manifest = manifest_of_blob(repo, entry.id)
    except (YamlError, msgspec.ValidationError):
        pass
    else:
        return {a.path: (a.kind, a.format) for a in manifest.artefacts if a.kind in ("form-schema", "process-model", "config")}
    found = _reading(repo, entry.id, "artefacts", _listed_artefacts)
    if isinstance(found, _Unreadable):
        notes.append(f"hub.yaml von Version {version} ist nicht lesbar: {found.reason}")
        return {}
    return found


def _listed_artefacts(data: bytes) -> dict[str, tuple[str, str]]:
    try:
        manifest = load_yaml(data).data
    except YamlError as exc:
        raise _Unreadable(str(exc)) from None
    found = {}
    for artefact in (manifest.get("artefacts") if isinstance(manifest, dict) else None) or []:
        if (
            isinstance(artefact, dict)
            and isinstance(artefact.get("path"), str)
            and artefact.get("kind") in ("form-schema", "process-model", "config")
        ):
            found[artefact["path"]] = (artefact["kind"], str(artefact.get("format", "")))
    return found


def _read(repo: pygit2.Repository, commit: Treeish, path: str, version: str, notes: list[str], reading: str) -> Any:
    """The file at ``path`` read as ``reading`` (a key of :data:`READINGS`), or None (and a note) when it cannot be read."""
    try:
        oid = commit.tree[path].id
    except KeyError:
        return {}  # listed but missing: nothing to compare on this side
    found = _reading(repo, oid, reading, READINGS[reading])
    if isinstance(found, _Unreadable):
        notes.append(f"{path} (Version {version}) ist nicht lesbar und wird nicht verglichen: {found.reason}")
        return None
    return found


class _Unreadable(Exception):
    """A file a reading cannot read, with the reason the notes give (kept like a reading)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _checked(parse: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    def read(data: bytes) -> Any:
        try:
            return parse(data)
        except (SyntaxProblem, YamlError, etree.XMLSyntaxError, ValueError) as exc:
            raise _Unreadable(xml_message(exc) if isinstance(exc, etree.XMLSyntaxError) else str(exc)) from None  # libxml2 speaks English

    return read


READINGS: dict[str, Callable[[bytes], Any]] = {
    "form": _checked(lambda d: form_fields(load_json(d))),
    "process": _checked(flow_nodes),
    "config-json": _checked(lambda d: config_keys(load_document(d, "json"))),
    "config-yaml": _checked(lambda d: config_keys(load_document(d, "yaml"))),
}
_kept: LRUCache[tuple[str, str], Any] = LRUCache(maxsize=KEPT_READINGS)
_kept_lock = threading.Lock()  # a read of an LRUCache reorders it too


def _reading(repo: pygit2.Repository, oid: pygit2.Oid, reading: str, read: Callable[[bytes], Any]) -> Any:
    """``read`` of the blob ``oid`` (what it raised as :class:`_Unreadable`), from the kept readings when there."""
    key = (str(oid), reading)
    with _kept_lock:
        if key in _kept:
            return _kept[key]
    try:
        found = read(blob_at(repo, oid).data)
    except _Unreadable as exc:
        found = exc
    with _kept_lock:
        _kept[key] = found
    return found


def _union(old: dict, new: dict) -> list:
    """Keys in the new document's order, then the removed ones in the old one's."""
    return list(dict.fromkeys([*new, *old]))
