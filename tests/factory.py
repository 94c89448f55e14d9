"""Small builders for packages and catalogues in temporary folders (like datasette's fixtures)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from hub.store import Catalog, publish
from hub.validate import PackageFiles

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  id="Definitions_1" targetNamespace="https://transferhub.de/test">
  <bpmn:process id="Process_1" name="Testprozess" isExecutable="false">
    <bpmn:startEvent id="Start_1" name="Antrag eingegangen">
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Task_1" name="Antrag prüfen">
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End_1" name="Bescheid versandt">
      <bpmn:incoming>Flow_2</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_1" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_1" targetRef="End_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="Process_1">
      <bpmndi:BPMNShape id="Start_1_di" bpmnElement="Start_1">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_1_di" bpmnElement="Task_1">
        <dc:Bounds x="240" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_1_di" bpmnElement="End_1">
        <dc:Bounds x="392" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120" />
        <di:waypoint x="240" y="120" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="340" y="120" />
        <di:waypoint x="392" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Testantrag",
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"title": "Name", "type": "string"},
        "anschrift": {
            "title": "Anschrift",
            "type": "object",
            "properties": {"ort": {"title": "Ort", "type": "string"}},
        },
    },
}

CONFIG_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["dauer_minuten"],
    "properties": {"dauer_minuten": {"type": "integer", "minimum": 5}},
    "additionalProperties": False,
}

README = """# Testpaket

## Problem
Ein Antrag dauerte zu lange.

## Lösung
Siehe [Prozess](prozess/ablauf.bpmn) und [Formular](formulare/antrag.schema.json).

## Nachnutzung
Konfiguration anpassen.

## Erfahrungen
Gut.
"""


def manifest(package_id: str = "stadt-test/testpaket", version: str = "1.0.0", **overrides: Any) -> dict[str, Any]:
    publisher = package_id.split("/")[0]
    data: dict[str, Any] = {
        "id": package_id,
        "name": "Testpaket für Anträge",
        "version": version,
        "release_date": "2024-01-15",
        "summary": {"de": "Ein Paket, das in Tests gebaut wird."},
        "description": {"de": "Dieses Paket entsteht in den Tests und ist vollständig gültig."},
        "keywords": ["Test", "Antrag"],
        "publisher": {"id": publisher, "name": f"Stadt {publisher.title()}"},
        "contacts": [{"name": "Digitalisierungsteam", "email": "digital@test.example"}],
        "license": "EUPL-1.2",
        "classification": {"themenfeld": "Querschnittsleistungen", "categories": ["online-antrag"]},
        "status": {"development": "stable", "production": {"since": "2021-03", "cases_per_year": 1200}},
        "artefacts": [
            {"path": "prozess/ablauf.bpmn", "kind": "process-model", "format": "bpmn", "title": "Ablauf"},
            {"path": "formulare/antrag.schema.json", "kind": "form-schema", "format": "json-schema", "title": "Antrag"},
            {
                "path": "konfiguration/termine.yaml",
                "kind": "config",
                "format": "yaml",
                "title": "Termine",
                "schema": "schemas/termine.schema.json",
            },
        ],
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def package_files(
    package_id: str = "stadt-test/testpaket",
    version: str = "1.0.0",
    *,
    files: Mapping[str, bytes | str | None] | None = None,
    **overrides: Any,
) -> dict[str, bytes]:
    """The files of a valid package; ``files`` adds, replaces (or with None removes) files."""
    content: dict[str, bytes | str] = {
        "hub.yaml": yaml.safe_dump(manifest(package_id, version, **overrides), allow_unicode=True, sort_keys=False),
        "README.md": README,
        "prozess/ablauf.bpmn": BPMN,
        "formulare/antrag.schema.json": json.dumps(FORM, ensure_ascii=False, indent=2),
        "konfiguration/termine.yaml": "dauer_minuten: 15\n",
        "schemas/termine.schema.json": json.dumps(CONFIG_SCHEMA),
    }
    for path, data in (files or {}).items():
        if data is None:
            content.pop(path, None)
        else:
            content[path] = data
    return {p: d.encode() if isinstance(d, str) else d for p, d in content.items()}


def make_package(root: Path, package_id: str = "stadt-test/testpaket", version: str = "1.0.0", **kwargs: Any) -> Path:
    """Write a valid package folder named after its slug below ``root``; return the folder."""
    folder = root / package_id.split("/")[1]
    write_files(folder, package_files(package_id, version, **kwargs))
    return folder


def write_files(folder: Path, files: Mapping[str, bytes]) -> None:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def make_catalog(tmp_path: Path, packages: Iterable[tuple[str, str] | dict[str, Any]] = ()) -> Catalog:
    """A real catalogue repository in ``tmp_path`` with the given (id, version) packages published."""
    catalog = Catalog.create(tmp_path / "catalog.git")
    for spec in packages:
        kwargs = dict(spec) if isinstance(spec, dict) else {"package_id": spec[0], "version": spec[1]}
        files = package_files(**copy.deepcopy(kwargs))
        publish(catalog, PackageFiles(files, folder_name=kwargs.get("package_id", "stadt-test/testpaket").split("/")[1]))
    register_test_organisations(catalog)
    return catalog


def archive(
    files: Mapping[str, bytes], fmt: str = "zip", *, folder: str | None = None, extra: Callable[[Any], None] | None = None
) -> bytes:
    """A zip or tar.gz of ``files`` (below ``folder`` if given); ``extra`` may add raw entries."""
    import io
    import tarfile
    import zipfile

    buffer = io.BytesIO()
    prefix = f"{folder}/" if folder else ""
    if fmt == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path, data in files.items():
                zf.writestr(prefix + path, data)
            if extra:
                extra(zf)
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
            for path, data in files.items():
                info = tarfile.TarInfo(prefix + path)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            if extra:
                extra(tf)
    return buffer.getvalue()


def make_services(tmp_path: Path, packages: Iterable[tuple[str, str] | dict[str, Any]] = (), **config: Any):
    """Services (catalogue, index, tokens) over a real catalogue built in ``tmp_path``."""
    from hub.config import HubConfig
    from hub.services import Services

    make_catalog(tmp_path, packages)
    return Services.open(HubConfig(data_dir=tmp_path, seed=False, **config))


# organisations the tests act as; a test catalogue registers them, as an admin would (hub organisation add)
TEST_ORGANISATIONS = {
    "stadt-soest": ("Stadt Soest", "stadt"),
    "stadt-aachen": ("Stadt Aachen", "stadt"),
    "stadt-andere": ("Stadt Andere", "stadt"),
    "stadt-anders": ("Stadt Anders", "stadt"),
    "ministerium-nrw": ("Ministerium NRW", "land"),
    "ministerium": ("Ministerium", "land"),
}


def register(catalog: Catalog, org: str, name: str | None = None, kind: str = "stadt", **extra: Any) -> None:
    """Register ``org`` in the catalogue's organisation registry (one commit)."""
    from hub.store.organisations import register_organisation

    record = {"id": org, "name": name or org.replace("-", " ").title(), "type": kind, **extra}
    register_organisation(catalog, yaml.safe_dump(record, allow_unicode=True).encode())


def register_test_organisations(catalog: Catalog) -> None:
    for org, (name, kind) in TEST_ORGANISATIONS.items():
        if catalog.publisher(org) is None:
            register(catalog, org, name, kind)
