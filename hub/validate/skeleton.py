"""A new package skeleton (``hub new``): valid as it stands, with every place to fill in marked.

The skeleton is what a municipality starts from: ``hub.yaml`` with the schema hint that YAML
editors (VS Code, IntelliJ) follow to validate and complete with the schema's German
descriptions, a README with the four sections every package tells, a BPMN model with diagram
interchange that any modeler opens, and a GitLab CI file that validates every merge request and
shows the problems in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from hub.model import ORG_ID
from hub.schemas import PACKAGE_SCHEMA_ID, all_schemas

SLUG = ORG_ID  # a slug follows the same rule as an organisation id
DEFAULT_LICENSE = "EUPL-1.2"
PLACEHOLDER_EMAIL = "bitte-eintragen@example.org"
CI_FILE = ".gitlab-ci.yml"
REPORT_FILE = "gl-code-quality-report.json"


def themenfelder() -> list[str]:
    """The 14 OZG Themenfelder, as the package schema lists them."""
    return list(all_schemas()[PACKAGE_SCHEMA_ID]["properties"]["classification"]["properties"]["themenfeld"]["enum"])


@dataclass
class NewPackage:
    publisher: str
    slug: str
    name: str
    themenfeld: str
    license: str = DEFAULT_LICENSE
    publisher_name: str | None = None
    email: str = PLACEHOLDER_EMAIL

    @property
    def id(self) -> str:
        return f"{self.publisher}/{self.slug}"

    def errors(self) -> list[str]:
        """What is wrong with the answers, as German sentences (empty when a skeleton can be made)."""
        found = []
        if not re.fullmatch(ORG_ID, self.publisher):
            found.append(
                f"Die Herausgeberkennung „{self.publisher}“ darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche enthalten, z. B. stadt-paderborn."
            )
        if not re.fullmatch(SLUG, self.slug):
            found.append(
                f"Der Kurzname „{self.slug}“ darf nur Kleinbuchstaben, Ziffern und einzelne Bindestriche enthalten, z. B. gewerbeanmeldung."
            )
        if not 3 <= len(self.name.strip()) <= 120:
            found.append("Der Name braucht 3 bis 120 Zeichen.")
        if self.themenfeld not in themenfelder():
            found.append(f"„{self.themenfeld}“ ist kein OZG-Themenfeld. Möglich: " + ", ".join(themenfelder()) + ".")
        if "@" not in self.email:
            found.append(f"„{self.email}“ ist keine E-Mail-Adresse.")
        return found


def default_publisher_name(publisher: str) -> str:
    """``stadt-paderborn`` → ``Stadt Paderborn``: a start the publisher corrects if needed."""
    return " ".join(part.capitalize() for part in publisher.split("-"))


def skeleton(answers: NewPackage) -> dict[str, bytes]:
    """The files of the new package (relative path → bytes)."""
    return {
        "hub.yaml": _manifest(answers).encode("utf-8"),
        "README.md": _readme(answers).encode("utf-8"),
        "prozess/ablauf.bpmn": _bpmn(answers).encode("utf-8"),
        CI_FILE: _ci(answers).encode("utf-8"),
    }


def _manifest(a: NewPackage) -> str:
    data = {
        "id": a.id,
        "name": a.name.strip(),
        "version": "0.1.0",
        "summary": {"de": f"{a.name.strip()}: bitte in einem Satz beschreiben, was die Lösung leistet."},
        "description": {
            "de": "Bitte ausführlich beschreiben: welches Problem die Lösung löst, wie sie funktioniert und für wen sie gedacht ist."
        },
        "keywords": [],
        "publisher": {"id": a.publisher, "name": a.publisher_name or default_publisher_name(a.publisher)},
        "contacts": [{"name": "Ansprechperson (bitte eintragen)", "email": a.email}],
        "license": a.license,
        "classification": {"themenfeld": a.themenfeld, "categories": []},
        "status": {"development": "concept"},
        "artefacts": [
            {"path": "prozess/ablauf.bpmn", "kind": "process-model", "format": "bpmn", "title": "Ablauf des Verfahrens"},
        ],
    }
    return manifest_text(data)


def manifest_text(data: dict[str, Any]) -> str:
    """A manifest as ``hub.yaml``: the schema hint for YAML editors, then the fields in the order given.

    Also what the workspace's manifest form writes: a string that would read as another type
    (``1.0``, ``2024-05-01``, ``ja``) is quoted by the dumper, so it stays a string.
    """
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return (
        f"# yaml-language-server: $schema={PACKAGE_SCHEMA_ID}\n"
        "# Manifest des Lösungspakets. Felder und erlaubte Werte: docs/package-format.md im Transferhub,\n"
        "# Prüfen: hub validate . (oder im Merge Request durch .gitlab-ci.yml).\n"
        f"{body}"
    )


def _readme(a: NewPackage) -> str:
    return f"""# {a.name.strip()}

Kurz: was diese Lösung leistet und wem sie nützt.

## Problem

Was lief vorher schlecht? Für wen (Bürgerinnen und Bürger, Unternehmen, Verwaltung)? Wie viele
Fälle im Jahr?

## Lösung

Wie funktioniert die Lösung? Welche Software, welche Schritte? Der Ablauf steht im
[Prozessmodell](prozess/ablauf.bpmn).

## Nachnutzung

Was braucht eine andere Kommune, um die Lösung zu übernehmen: Voraussetzungen, Aufwand, Schritte,
Ansprechpersonen.

## Erfahrungen

Was hat sich bewährt, was würden Sie heute anders machen? Welche Zahlen belegen die Wirkung?
"""


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _bpmn(a: NewPackage) -> str:
    name = _xml(a.name.strip())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  id="Definitions_1" targetNamespace="https://transferhub.de/pakete/{a.id}"
  exporter="Transferhub (hub new)" exporterVersion="1">
  <bpmn:process id="Process_1" name="{name}" isExecutable="false">
    <bpmn:startEvent id="StartEvent_1" name="Antrag eingegangen">
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Task_1" name="Antrag prüfen">
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" name="Bescheid versandt">
      <bpmn:incoming>Flow_2</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_1" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_1" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="152" y="102" width="36" height="36" />
        <bpmndi:BPMNLabel>
          <dc:Bounds x="127" y="145" width="86" height="27" />
        </bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_1_di" bpmnElement="Task_1">
        <dc:Bounds x="240" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="392" y="102" width="36" height="36" />
        <bpmndi:BPMNLabel>
          <dc:Bounds x="367" y="145" width="86" height="27" />
        </bpmndi:BPMNLabel>
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


def _ci(a: NewPackage) -> str:
    return f"""# Prüft das Lösungspaket in jedem Merge Request mit „hub validate“ (Transferhub) und zeigt jedes
# Problem im Merge Request an (GitLab Code Quality). Der Job schlägt fehl, solange das Paket ungültig ist.
# „--id“ prüft die Kennung, statt sie mit dem Ordnernamen (hier: dem Namen des Repositorys) abzugleichen.
transferhub-validate:
  stage: test
  image: python:3.11-slim
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  variables:
    # aus PyPI oder einem internen Spiegel (PIP_INDEX_URL als CI/CD-Variable setzen)
    TRANSFERHUB: "transferhub"
  script:
    - pip install --quiet "$TRANSFERHUB"
    - hub validate --id {a.id} --format gitlab . > {REPORT_FILE} || true
    - hub validate --id {a.id} .
  artifacts:
    when: always
    reports:
      codequality: {REPORT_FILE}
"""
