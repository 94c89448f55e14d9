"""What changed between two package versions, in the package's own terms.

Besides the files, each artefact named in ``hub.yaml`` is compared by meaning:

* **form schemas** are flattened to their fields: the JSON pointer of the field in the form's
  data (as the site's form preview names them, ``0`` for an array's entries) with type,
  required, title, enum and format. Local ``$ref``, ``allOf`` and conditional branches
  (``if``/``then``/``else``, ``oneOf``/``anyOf``, ``dependentSchemas``) are followed;
* **process models** (BPMN) are compared by flow node id: a node whose name differs is
  *renamed*, one whose element type differs (``task`` → ``userTask``) is *changed*;
* **configs** (YAML or JSON) are flattened to their keys; lists of scalars are one value,
  lists of objects that all carry a distinct ``id`` are keyed by it (``/arbeitsplaetze[id=platz-1]/…``),
  other lists by position.

A file that cannot be read on one side is reported in ``notes``, never as an exception:
the diff is for people deciding whether to take an update.
"""

from __future__ import annotations

from typing import Any

import pygit2
from lxml import etree
from pygit2.enums import DeltaStatus

from hub.adopt.model import ConfigDelta, FieldDelta, FieldInfo, FileDelta, NodeDelta, SemanticDiff
from hub.validate.bpmn import BPMN_NS, FLOW_NODES, parse_bpmn
from hub.validate.jsondoc import SyntaxProblem, load_document, load_json
from hub.validate.messages import pointer
from hub.validate.parsererrors import xml_message
from hub.validate.yamlsafe import YamlError, load_yaml

MAX_DEPTH = 32
_BRANCH_LISTS = ("oneOf", "anyOf")
_BRANCHES = ("then", "else")
FIELD_ATTRIBUTES = ("type", "required", "title", "enum", "format")


# -- forms ----------------------------------------------------------------------------------


def form_fields(schema: Any) -> dict[str, FieldInfo]:
    """Every field of a form schema: JSON pointer in the form's data → what it is."""
    fields: dict[str, FieldInfo] = {}
    if not isinstance(schema, dict):
        return fields

    def resolve(sub: Any, depth: int = 0) -> dict[str, Any]:
        """``sub`` with a local ``$ref`` and ``allOf`` folded in (siblings of ``$ref`` win, as in 2020-12)."""
        if not isinstance(sub, dict) or depth > MAX_DEPTH:
            return {}
        result = dict(sub)
        ref = result.pop("$ref", None)
        if isinstance(ref, str) and ref.startswith("#"):
            target = _resolve_pointer(schema, ref[1:])
            result = {**resolve(target, depth + 1), **result}
        for part in result.pop("allOf", None) or []:
            part = resolve(part, depth + 1)
            props = {**(part.get("properties") or {}), **(result.get("properties") or {})}
            required = list(dict.fromkeys([*(result.get("required") or []), *(part.get("required") or [])]))
            result = {**part, **result}
            if props:
                result["properties"] = props
            if required:
                result["required"] = required
        return result

    def info(sub: dict[str, Any], required: bool) -> FieldInfo:
        kind = sub.get("type")
        if isinstance(kind, list):
            kind = "|".join(str(k) for k in kind)
        enum = sub.get("enum")
        choices = sub.get("oneOf") or sub.get("anyOf")
        if enum is None and isinstance(choices, list) and choices and all(isinstance(c, dict) and "const" in c for c in choices):
            enum = [c["const"] for c in choices]
        if enum is None and "const" in sub:
            enum = [sub["const"]]
        items = resolve(sub.get("items"))
        if enum is None and kind == "array" and isinstance(items.get("enum"), list):
            enum = items["enum"]  # a group of checkboxes
        title = sub.get("title")
        fmt = sub.get("format")
        return FieldInfo(
            type=str(kind) if kind is not None else None,
            required=required,
            title=str(title) if title is not None else None,
            enum=list(enum) if isinstance(enum, list) else None,
            format=str(fmt) if fmt is not None else None,
        )

    def walk(sub: dict[str, Any], path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            return
        required = set(sub.get("required") or [])
        for name, prop in (sub.get("properties") or {}).items():
            prop = resolve(prop)
            where = f"{path}{pointer([name])}"
            if where not in fields:
                fields[where] = info(prop, name in required)
            descend(prop, where, depth + 1)
        branches = [sub.get(key) for key in _BRANCHES] + [b for key in _BRANCH_LISTS for b in (sub.get(key) or [])]
        branches += list((sub.get("dependentSchemas") or {}).values())
        for branch in branches:
            branch = resolve(branch)
            if branch.get("properties"):
                walk(branch, path, depth + 1)

    def descend(prop: dict[str, Any], where: str, depth: int) -> None:
        if prop.get("properties") or any(prop.get(k) for k in (*_BRANCHES, *_BRANCH_LISTS)):
            walk(prop, where, depth)
        items = resolve(prop.get("items"))
        if items:
            if items.get("properties"):
                walk(items, f"{where}/0", depth)

    walk(resolve(schema), "", 0)
    return fields


def _resolve_pointer(document: Any, ref: str) -> Any:
    node = document
    for raw in ref.split("/")[1:] if ref else []:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


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
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace == BPMN_NS and qname.localname in FLOW_NODES and element.get("id"):
            nodes.setdefault(element.get("id"), (qname.localname, element.get("name")))
    return nodes


def category(kind: str) -> str:
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


def semantic_diff(
    repo: pygit2.Repository, package: str, old: pygit2.Commit, new: pygit2.Commit, from_version: str, to_version: str
) -> SemanticDiff:
    """Files, form fields, process nodes and config keys that differ between two package commits."""
    notes: list[str] = []
    files = []
    for delta in repo.diff(old.tree, new.tree).deltas:
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
            before = _read(repo, old, path, from_version, notes, lambda d: form_fields(load_json(d))) if path in old_artefacts else {}
            after = _read(repo, new, path, to_version, notes, lambda d: form_fields(load_json(d))) if path in new_artefacts else {}
            if before is not None and after is not None:
                forms.extend(compare_forms(path, before, after))
        elif "process-model" in kinds:
            before = _read(repo, old, path, from_version, notes, flow_nodes) if path in old_artefacts else {}
            after = _read(repo, new, path, to_version, notes, flow_nodes) if path in new_artefacts else {}
            if before is not None and after is not None:
                processes.extend(compare_processes(path, before, after))
        elif "config" in kinds:
            parse = lambda d: config_keys(load_document(d, "json" if fmt == "json" else "yaml"))  # noqa: E731
            before = _read(repo, old, path, from_version, notes, parse) if path in old_artefacts else {}
            after = _read(repo, new, path, to_version, notes, parse) if path in new_artefacts else {}
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


def _artefacts(repo: pygit2.Repository, commit: pygit2.Commit, version: str, notes: list[str]) -> dict[str, tuple[str, str]]:
    """``hub.yaml``'s artefacts at ``commit``: path → (kind, format)."""
    try:
        data = load_yaml(repo[commit.tree["hub.yaml"].id].data).data
    except KeyError:
        notes.append(f"Version {version} hat kein hub.yaml; Formulare, Prozesse und Konfigurationen werden nicht verglichen.")
        return {}
    except YamlError as exc:
        notes.append(f"hub.yaml von Version {version} ist nicht lesbar: {exc}")
        return {}
    found = {}
    for artefact in (data.get("artefacts") if isinstance(data, dict) else None) or []:
        if (
            isinstance(artefact, dict)
            and isinstance(artefact.get("path"), str)
            and artefact.get("kind") in ("form-schema", "process-model", "config")
        ):
            found[artefact["path"]] = (artefact["kind"], str(artefact.get("format", "")))
    return found


def _read(repo: pygit2.Repository, commit: pygit2.Commit, path: str, version: str, notes: list[str], parse) -> Any:
    try:
        blob = repo[commit.tree[path].id]
    except KeyError:
        return {}  # listed but missing: nothing to compare on this side
    try:
        return parse(blob.data)
    except (SyntaxProblem, YamlError, etree.XMLSyntaxError, ValueError) as exc:
        reason = xml_message(exc) if isinstance(exc, etree.XMLSyntaxError) else str(exc)  # libxml2 speaks English
        notes.append(f"{path} (Version {version}) ist nicht lesbar und wird nicht verglichen: {reason}")
        return None


def _union(old: dict, new: dict) -> list:
    """Keys in the new document's order, then the removed ones in the old one's."""
    return list(dict.fromkeys([*new, *old]))
