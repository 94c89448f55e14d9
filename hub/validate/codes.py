"""Every problem code validation can report, with what it means (German).

The codes are stable identifiers: clients and docs depend on them. The test suite
holds one invalid package per code, and the docs list every code.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    # files and paths
    "file-unsafe-path": "Ein Pfad ist absolut, enthält „..“ oder andere unzulässige Teile und würde das Paket verlassen.",
    "file-symlink": "Das Paket enthält einen symbolischen Link; Links sind nicht erlaubt.",
    "file-special": "Das Paket enthält eine Sonderdatei (Gerät, FIFO, Socket); nur normale Dateien sind erlaubt.",
    "file-too-large": "Eine Datei überschreitet die zulässige Größe.",
    "archive-invalid": "Das hochgeladene Archiv ist kein lesbares ZIP- oder tar.gz-Archiv.",
    "archive-too-large": "Das Archiv würde entpackt zu groß oder hat zu viele Einträge.",
    # manifest
    "manifest-missing": "Das Paket hat kein Manifest „hub.yaml“.",
    "manifest-syntax": "„hub.yaml“ ist kein gültiges YAML.",
    "manifest-schema": "„hub.yaml“ verletzt das Paketschema.",
    "manifest-version-invalid": "Die Version ist keine gültige SemVer-Version.",
    "manifest-id-folder": "Die Kennung passt nicht zum Ordner des Pakets.",
    "manifest-publisher-mismatch": "Die Herausgeberkennung passt nicht zum ersten Teil der Paketkennung.",
    "manifest-license-unknown": "Die Lizenz ist keine bekannte SPDX-Kennung.",
    "changelog-missing": "Die angegebene Änderungshistorie fehlt im Paket.",
    # publisher records
    "publisher-syntax": "Ein Herausgeber-Eintrag ist kein gültiges YAML.",
    "publisher-schema": "Ein Herausgeber-Eintrag verletzt das Herausgeberschema.",
    "publisher-id-file": "Die Kennung eines Herausgebers passt nicht zu seinem Dateinamen.",
    # artefacts
    "artefact-missing": "Eine im Manifest genannte Datei fehlt im Paket.",
    "artefact-duplicate": "Derselbe Pfad ist mehrfach als Artefakt eingetragen.",
    "artefact-format-mismatch": "Inhalt oder Dateiendung passen nicht zum angegebenen Format.",
    # README and Markdown
    "readme-missing": "Das Paket hat keine README.md.",
    "markdown-link-broken": "Ein relativer Link in einer Markdown-Datei zeigt auf eine Datei, die es im Paket nicht gibt.",
    "markdown-link-outside": "Ein Link in einer Markdown-Datei zeigt aus dem Paket hinaus.",
    # BPMN process models
    "bpmn-too-large": "Das Prozessmodell überschreitet die zulässige Größe.",
    "bpmn-dtd-forbidden": "Das Prozessmodell enthält eine DTD oder Entitäten; beides ist aus Sicherheitsgründen verboten.",
    "bpmn-syntax": "Das Prozessmodell ist kein wohlgeformtes XML.",
    "bpmn-namespace": "Das Wurzelelement ist nicht „definitions“ im BPMN-2.0-Namensraum.",
    "bpmn-duplicate-id": "Eine Element-ID kommt im Prozessmodell mehrfach vor.",
    "bpmn-no-process": "Das Prozessmodell enthält keinen Prozess.",
    "bpmn-no-start-event": "Ein Prozess hat kein Startereignis.",
    "bpmn-no-end-event": "Ein Prozess hat kein Endereignis.",
    "bpmn-flow-ref": "Ein Fluss verweist auf ein Element, das es nicht gibt.",
    "bpmn-no-diagram": "Das Prozessmodell enthält keine Diagrammdaten (BPMN DI).",
    "bpmn-missing-shape": "Ein Element hat keine Form im Diagramm und kann nicht gezeichnet werden.",
    "bpmn-missing-edge": "Ein Fluss hat keine Kante im Diagramm und kann nicht gezeichnet werden.",
    "bpmn-shape-bounds": "Eine Form im Diagramm hat keine gültige Position und Größe (dc:Bounds).",
    "bpmn-edge-waypoints": "Eine Kante im Diagramm hat weniger als zwei Wegpunkte.",
    # form schemas
    "form-syntax": "Das Formularschema ist kein gültiges JSON.",
    "form-dialect": "Das Formularschema ist nicht als JSON Schema Draft 2020-12 ausgewiesen.",
    "form-metaschema": "Das Formularschema ist kein gültiges JSON Schema (Draft 2020-12).",
    "form-title-missing": "Ein Feld des Formulars hat keinen Titel (Beschriftung).",
    # configs
    "config-syntax": "Die Konfiguration ist kein gültiges YAML oder JSON.",
    "config-schema-unknown": "Das für die Konfiguration genannte Schema gibt es nicht.",
    "config-invalid": "Die Konfiguration verletzt ihr Schema.",
}
