"""German text for people: what ``hub adopt`` and ``hub upstream`` show without ``--json``."""

from __future__ import annotations

import json
from typing import Any

from hub.adopt.model import AdoptResult, FieldInfo, MergeResult, SemanticDiff, UpstreamStatus

MARKS = {"added": "+", "removed": "-", "changed": "~", "renamed": ">"}
_ATTRIBUTE_NAMES = {"type": "Typ", "required": "Pflichtfeld", "title": "Titel", "enum": "Auswahlwerte", "format": "Format"}
_CATEGORY = {"task": "Aufgabe", "event": "Ereignis", "gateway": "Verzweigung"}


def _value(value: Any, limit: int = 80) -> str:
    if isinstance(value, str):
        text = f"„{value}“"
    elif isinstance(value, bool):
        text = "ja" if value else "nein"
    elif value is None:
        text = "leer"
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _attribute(info: FieldInfo, name: str) -> str:
    value = getattr(info, name)
    if name == "required":
        return "ja" if value else "nein"
    if value is None:
        return "–"
    if name == "enum":
        return ", ".join(_value(v) for v in value)
    return _value(value) if name == "title" else str(value)


def _field(info: FieldInfo) -> str:
    parts = [info.type or "ohne Typ", "Pflicht" if info.required else "optional"]
    if info.format:
        parts.append(f"Format {info.format}")
    if info.enum is not None:
        parts.append("Werte: " + ", ".join(_value(v) for v in info.enum))
    title = f" {_value(info.title)}" if info.title else ""
    return f"{title} ({'; '.join(parts)})"


def render_adopt(result: AdoptResult) -> str:
    lines = [f"{result.package} {result.version} übernommen nach {result.path} (für {result.org})."]
    if result.version != result.latest:
        lines.append(f"  Neueste Version im Hub: {result.latest}; „hub upstream diff“ zeigt, was sich geändert hat.")
    lines.append(f"  Versionen: {', '.join(result.versions)}; Zweig main auf {result.commit[:12]}, Remote „hub“: {result.remote}")
    if result.adoption is not None:
        lines.append(f"  Nachnutzung im Katalog erfasst: {result.adoption.status} seit {result.adoption.history[-1].date}.")
    lines.extend(f"  Hinweis: {note}" for note in result.notes)
    return "\n".join(lines) + "\n"


def render_status(status: UpstreamStatus) -> str:
    lines = [f"{status.package}: übernommen ist Version {status.adopted}, neueste im Hub: {status.latest}."]
    if status.newer:
        lines.append(
            f"  Neuere Versionen: {', '.join(status.newer)} – ansehen mit „hub upstream diff“, übernehmen mit „hub upstream merge“."
        )
    else:
        lines.append("  Auf dem neuesten Stand.")
    if status.branch is None:
        lines.append("  Achtung: kein Zweig ausgecheckt (losgelöster HEAD).")
    elif status.branch != "refs/heads/main":
        lines.append(f"  Achtung: ausgecheckt ist {status.branch.removeprefix('refs/heads/')}, übernommen wird in main.")
    if status.local_commits:
        lines.append(f"  Lokale Commits seit der Übernahme: {status.local_commits}.")
    if status.dirty:
        lines.append(f"  Nicht committete lokale Änderungen ({len(status.changed)}):")
        lines.extend(f"    {path}" for path in status.changed)
    else:
        lines.append("  Keine nicht committeten Änderungen.")
    lines.extend(f"  Hinweis: {note}" for note in status.notes)
    return "\n".join(lines) + "\n"


def render_diff(diff: SemanticDiff) -> str:
    lines = [f"{diff.package}: Änderungen im Hub von Version {diff.from_version} nach {diff.to_version}"]
    if diff.empty:
        lines.append("  Keine Unterschiede.")
    if diff.files:
        lines.append(f"Dateien ({len(diff.files)}):")
        lines.extend(f"  {MARKS[f.status]} {f.path}" for f in diff.files)
    for form in dict.fromkeys(f.form for f in diff.form_fields):
        lines.append(f"Formularfelder in {form}:")
        for f in (f for f in diff.form_fields if f.form == form):
            if f.status == "added" and f.after is not None:
                lines.append(f"  + {f.field}{_field(f.after)}")
            elif f.status == "removed" and f.before is not None:
                lines.append(f"  - {f.field}{_field(f.before)}")
            elif f.before is not None and f.after is not None:
                what = "; ".join(f"{_ATTRIBUTE_NAMES[a]} {_attribute(f.before, a)} → {_attribute(f.after, a)}" for a in f.changes)
                lines.append(f"  ~ {f.field}: {what}")
    for process in dict.fromkeys(n.process for n in diff.process_nodes):
        lines.append(f"Prozess {process}:")
        for n in (n for n in diff.process_nodes if n.process == process):
            label = f"{_CATEGORY[n.category]} {n.id} ({n.kind})"
            if n.status == "added":
                lines.append(f"  + {label} {_value(n.name)} neu")
            elif n.status == "removed":
                lines.append(f"  - {label} {_value(n.name)} entfernt")
            elif n.status == "renamed":
                lines.append(f"  > {label} umbenannt: {_value(n.old_name)} → {_value(n.name)}")
            else:
                lines.append(
                    f"  ~ {_CATEGORY[n.category]} {n.id}: Typ {n.old_kind} → {n.kind}"
                    + (f", Name {_value(n.old_name)} → {_value(n.name)}" if n.old_name != n.name else "")
                )
    for config in dict.fromkeys(c.config for c in diff.config_keys):
        lines.append(f"Konfiguration {config}:")
        for c in (c for c in diff.config_keys if c.config == config):
            if c.status == "added":
                lines.append(f"  + {c.key} = {_value(c.after)}")
            elif c.status == "removed":
                lines.append(f"  - {c.key} (war {_value(c.before)})")
            else:
                lines.append(f"  ~ {c.key}: {_value(c.before)} → {_value(c.after)}")
    lines.extend(f"Hinweis: {note}" for note in diff.notes)
    return "\n".join(lines) + "\n"


def render_merge(result: MergeResult) -> str:
    lines = [result.message]
    if result.merged:
        lines.append(f"  Merge-Commit {result.commit[:12]} (vorher {result.previous[:12]}); übernommene Version jetzt {result.to_version}.")
        if result.upstream_files:
            lines.append(f"  Aus dem Hub ({len(result.upstream_files)}): {', '.join(result.upstream_files)}")
        if result.local_files:
            lines.append(f"  Lokal geändert und behalten ({len(result.local_files)}): {', '.join(result.local_files)}")
    if result.adoption is not None:
        lines.append(f"  Nachnutzungsnachweis im Hub fortgeschrieben: Version {result.adoption.version} ({result.adoption.status}).")
    lines.extend(f"  Hinweis: {note}" for note in result.notes)
    return "\n".join(lines) + "\n"
