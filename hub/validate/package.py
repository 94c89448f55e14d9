"""``validate_package``'s work: every check of a package, with the heavy libraries they need (lxml, jsonschema,
markdown-it, …). Imported on the first validation, not with ``hub.validate`` (see there)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import msgspec
from lxml import etree

from hub.model import Artefact, Manifest, Problem
from hub.validate.bpmn import inspect_bpmn
from hub.validate.configs import check_config
from hub.validate.files import PackageFiles
from hub.validate.forms import check_form
from hub.validate.hints import package_hints
from hub.validate.manifest import MANIFEST, check_manifest, parse_manifest
from hub.validate.markdown import check_all_markdown_links
from hub.validate.paths import safe_relpath
from hub.validate.result import ValidationResult
from hub.validate.yamlsafe import YamlDocument

README = "README.md"
EXTENSIONS = {
    "bpmn": (".bpmn", ".xml"),
    "json-schema": (".json",),
    "yaml": (".yaml", ".yml"),
    "json": (".json",),
    "markdown": (".md", ".markdown"),
    "pdf": (".pdf",),
}
# Parsed process models kept for the hints (instead of parsing them again), up to this much BPMN:
# every real package, while a package of many large models holds one tree at a time, as before.
MAX_KEPT_BPMN_BYTES = 8 * 1024 * 1024


def validate_package(package: PackageFiles, *, expected_id: str | None = None) -> ValidationResult:
    """Validate a package; ``expected_id`` is its id when its place in a catalogue is known.

    Every part is checked on its own: a broken manifest still lets the README, the changelog,
    the links and every well-formed artefact entry be checked, so one run reports everything.
    """
    files = package.files
    problems = list(package.problems)
    if not files and problems:
        return ValidationResult(None, problems)  # an unreadable archive: nothing else to look at
    unreadable = {p.file for p in package.problems}  # too large, a link …: already reported

    manifest: Manifest | None = None
    doc: YamlDocument | None = None
    data: dict[str, Any] = {}
    manifest_problems: list[Problem] = []
    if MANIFEST not in files:
        manifest_problems.append(
            Problem(code="manifest-missing", file=MANIFEST, message="Das Paket hat kein Manifest „hub.yaml“ in seinem Wurzelordner.")
        )
    else:
        doc, manifest_problems = parse_manifest(files[MANIFEST])
        if doc is not None:
            manifest, manifest_problems = check_manifest(doc, expected_id=expected_id, folder_name=package.folder_name)
            data = doc.data if isinstance(doc.data, dict) else {}
    problems.extend(manifest_problems)
    faulty = {p.pointer for p in manifest_problems if p.pointer}

    markdown_files = []
    if README in files:
        markdown_files.append(README)
    else:
        problems.append(
            Problem(
                code="readme-missing",
                file=README,
                message="Das Paket braucht eine README.md mit Problem, Lösung, Nachnutzung und Erfahrungen.",
            )
        )
    problems.extend(_check_changelog(data.get("changelog"), faulty, files, markdown_files))
    parsed: dict[str, etree._Element] = {}  # process models parsed by their check, for the hints
    problems.extend(_check_artefacts(_artefact_entries(data.get("artefacts"), faulty), files, unreadable, markdown_files, parsed))
    targets = files | dict.fromkeys(unreadable, b"")  # a link to a refused file is not broken as well
    problems.extend(check_all_markdown_links(list(dict.fromkeys(markdown_files)), files, targets))
    valid = not any(p.severity == "error" for p in problems)
    if manifest is not None:
        problems.extend(package_hints(manifest, files, parsed=parsed))
    problems = _with_manifest_lines(problems, doc)
    return ValidationResult(manifest if valid else None, problems)


def _with_manifest_lines(problems: list[Problem], doc: YamlDocument | None) -> list[Problem]:
    """Give every problem placed in hub.yaml by pointer its line too: editors and merge requests show lines."""
    if doc is None:
        return problems
    placed = []
    for problem in problems:
        if problem.file == MANIFEST and problem.line is None and problem.pointer:
            parts = [int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~") for p in problem.pointer.split("/")[1:]]
            placed.append(msgspec.structs.replace(problem, line=doc.line_of(parts)))
        else:
            placed.append(problem)
    return placed


def _has_problem(faulty: set[str], where: str) -> bool:
    return any(p == where or p.startswith(where + "/") for p in faulty)


def _artefact_entries(entries: Any, faulty: set[str]) -> Iterator[tuple[int, Artefact]]:
    """The artefact entries that are well-formed themselves, whatever else is wrong with the manifest."""
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        if isinstance(entry, dict) and not _has_problem(faulty, f"/artefacts/{index}"):
            try:
                yield index, msgspec.convert(entry, Artefact)
            except msgspec.ValidationError:
                continue  # cannot happen for an entry the schema accepted; reported there anyway


def _check_changelog(value: Any, faulty: set[str], files: dict[str, bytes], markdown_files: list[str]) -> list[Problem]:
    if not isinstance(value, str) or _has_problem(faulty, "/changelog"):
        return []
    changelog = safe_relpath(value)
    if changelog is None:
        return [
            Problem(
                code="file-unsafe-path",
                file=MANIFEST,
                pointer="/changelog",
                message=f"Der Pfad „{value}“ verlässt das Paket oder ist unzulässig.",
            )
        ]
    if changelog not in files:
        return [
            Problem(
                code="changelog-missing",
                file=MANIFEST,
                pointer="/changelog",
                message=f"Die Änderungshistorie „{changelog}“ gibt es im Paket nicht.",
            )
        ]
    if changelog.endswith((".md", ".markdown")):
        markdown_files.append(changelog)
    return []


def _check_artefacts(
    entries: Iterable[tuple[int, Artefact]],
    files: dict[str, bytes],
    unreadable: set[str],
    markdown_files: list[str],
    parsed: dict[str, etree._Element],
) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, artefact in entries:
        where = f"/artefacts/{index}"
        path = safe_relpath(artefact.path)
        if path is None:
            problems.append(
                Problem(
                    code="file-unsafe-path",
                    file=MANIFEST,
                    pointer=where + "/path",
                    message=f"Der Pfad „{artefact.path}“ ist absolut, enthält „..“ oder unzulässige Zeichen; Artefakte müssen im Paket liegen.",
                )
            )
            continue
        if path in seen:
            problems.append(
                Problem(
                    code="artefact-duplicate",
                    file=MANIFEST,
                    pointer=where + "/path",
                    message=f"„{path}“ ist bereits als Artefakt {seen[path] + 1} eingetragen.",
                )
            )
            continue
        seen[path] = index
        if path in unreadable:
            continue
        if path not in files:
            problems.append(
                Problem(
                    code="artefact-missing", file=MANIFEST, pointer=where + "/path", message=f"Die Datei „{path}“ gibt es im Paket nicht."
                )
            )
            continue
        if not path.lower().endswith(EXTENSIONS[artefact.format]):
            problems.append(
                Problem(
                    code="artefact-format-mismatch",
                    file=MANIFEST,
                    pointer=where + "/format",
                    message=f"„{path}“ ist als {artefact.format} angegeben, endet aber nicht auf {' oder '.join(EXTENSIONS[artefact.format])}.",
                )
            )
            continue
        data = files[path]
        if artefact.kind == "process-model":
            checked = inspect_bpmn(path, data)
            problems.extend(checked.problems)
            if checked.root is not None and sum(len(files[kept]) for kept in parsed) + len(data) <= MAX_KEPT_BPMN_BYTES:
                parsed[path] = checked.root
        elif artefact.kind == "form-schema":
            problems.extend(check_form(path, data))
        elif artefact.kind == "config":
            problems.extend(check_config(artefact, data, files, manifest_pointer=where))
        elif artefact.format == "pdf" and not data.startswith(b"%PDF-"):
            problems.append(
                Problem(
                    code="artefact-format-mismatch", file=path, message=f"„{path}“ ist als PDF angegeben, beginnt aber nicht mit „%PDF-“."
                )
            )
        elif artefact.format == "markdown":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(
                    Problem(
                        code="artefact-format-mismatch",
                        file=path,
                        message=f"„{path}“ ist als Markdown angegeben, ist aber kein UTF-8-Text (Byte {exc.start}).",
                    )
                )
            else:
                markdown_files.append(path)
    return problems
