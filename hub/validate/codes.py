"""Every problem code validation can report, with what it means (German).

The codes are stable identifiers: clients and docs depend on them. The test suite
holds one invalid package per code, and the docs list every code.
"""

from __future__ import annotations

# what validate_package can report about a package (tests/test_invalid_corpus.py: one case per code)
PACKAGE_CODES: dict[str, str] = {
    # files and paths
    "file-unsafe-path": "Ein Pfad ist absolut, enthält „..“ oder andere unzulässige Teile und würde das Paket verlassen.",
    "file-symlink": "Das Paket enthält einen symbolischen Link; Links sind nicht erlaubt.",
    "file-special": "Das Paket enthält eine Sonderdatei (Gerät, FIFO, Socket); nur normale Dateien sind erlaubt.",
    "file-too-large": "Eine Datei überschreitet die zulässige Größe.",
    "archive-invalid": "Das hochgeladene Archiv ist kein lesbares ZIP- oder tar.gz-Archiv.",
    "archive-encrypted": "Ein Eintrag des Archivs ist verschlüsselt; der Hub liest nur unverschlüsselte Archive.",
    "file-git-path": "Ein Pfad liegt in einem Ordner „.git“ (in jeder Schreibweise) oder heißt so; ein Git-Repository kann ihn nicht aufnehmen.",
    "archive-too-large": "Das Archiv würde entpackt zu groß oder hat zu viele Einträge.",
    # manifest
    "manifest-missing": "Das Paket hat kein Manifest „hub.yaml“.",
    "manifest-syntax": "„hub.yaml“ ist kein gültiges YAML.",
    "manifest-schema": "„hub.yaml“ verletzt das Paketschema.",
    "manifest-version-invalid": "Die Version ist keine gültige SemVer-Version.",
    "manifest-id-folder": "Die Kennung passt nicht zum Ordner des Pakets.",
    "manifest-publisher-mismatch": "Die Herausgeberkennung passt nicht zum ersten Teil der Paketkennung.",
    "manifest-license-unknown": "Die Lizenz ist keine bekannte SPDX-Kennung.",
    "text-unsafe-character": "Ein Text enthält ein Steuerzeichen, ein nicht kodierbares Zeichen oder (in Namen und E-Mail-Adressen) spitze Klammern, oder ein Name bzw. eine E-Mail-Adresse beginnt oder endet mit einem Zeichen, das Git dort entfernt (Leerzeichen, Komma, Doppelpunkt, Semikolon, Anführungszeichen, Apostroph oder Backslash).",
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
    # limits: the work one package may cause
    "document-too-large": "Ein YAML- oder JSON-Dokument hat mit allen Aliasen aufgelöst mehr als 200 000 Knoten oder enthält sich selbst.",
    "document-too-deep": "Ein YAML- oder JSON-Dokument ist tiefer als 64 Ebenen verschachtelt.",
    "schema-too-complex": "Ein Schema des Pakets verweist auf sich selbst oder auf nichts Bekanntes, oder es hat mit allen Verweisen aufgelöst mehr als 20 000 Teilschemata.",
    "schema-pattern-unsupported": "Ein regulärer Ausdruck in einem Schema des Pakets ist ungültig oder nicht in linearer Zeit prüfbar (RE2: keine Rückverweise, kein Lookaround).",
    "markdown-too-large": "Die Markdown-Dateien des Pakets sind zusammen größer als 256 KB, mehr prüft der Hub nicht auf Links.",
    "validation-budget-exceeded": "Entpacken und Prüfen des Pakets haben ihr Zeit- oder Speicherbudget überschritten.",
}

# what the other checks report in the same list format: harvest, sources list, publiccode.yml import, merges
WORKFLOW_CODES: dict[str, str] = {
    # harvesting a source (hub harvest)
    "harvest-manifest-missing": "Ein Paketordner der Quelle hat kein Manifest „hub.yaml“.",
    "harvest-publisher-mismatch": "Das Paket nennt einen anderen Herausgeber als den, für den die Quelle eingetragen ist.",
    "harvest-version-folder": "Die Version im Manifest passt nicht zum Versionsordner der Quelle.",
    "harvest-version-duplicate": "Dieselbe Version liegt in der Quelle mehrfach vor.",
    "harvest-version-modified": "Eine bereits veröffentlichte Version wurde in der Quelle nachträglich verändert; Versionen sind unveränderlich.",
    "harvest-version-not-newer": "Die Version der Quelle ist nicht höher als die zuletzt veröffentlichte.",
    # the sources list (sources.yaml)
    "sources-syntax": "Die Quellenliste „sources.yaml“ ist kein gültiges YAML.",
    "sources-schema": "Die Quellenliste verletzt ihr Schema.",
    "sources-duplicate-name": "Zwei Quellen tragen denselben Namen.",
    # importing publiccode.yml (hub publiccode import)
    "publiccode-syntax": "publiccode.yml ist kein gültiges YAML oder enthält kein Objekt.",
    "publiccode-name": "publiccode.yml nennt keinen Namen.",
    "publiccode-publisher": "Der Herausgeber lässt sich aus publiccode.yml nicht bestimmen.",
    "publiccode-version": "Die Version aus publiccode.yml ist keine gültige SemVer-Version.",
    "publiccode-description": "Kurz- oder Langbeschreibung fehlen oder sind zu kurz.",
    "publiccode-license": "Die Lizenz fehlt oder ist keine bekannte SPDX-Kennung.",
    "publiccode-status": "Der Entwicklungsstand fehlt oder ist unbekannt.",
    "publiccode-production": "Ein Nachweis des Produktivbetriebs (seit wann, wo, Fallzahlen) fehlt.",
    "publiccode-process-model": "Das Paket enthält noch kein Artefakt (Prozessmodell, Formular oder Konfiguration).",
    "publiccode-readme": "Die README.md ist nur ein Gerüst und muss ausgefüllt werden.",
    "publiccode-contact-email": "Einer Ansprechperson fehlt die E-Mail-Adresse.",
    "publiccode-contacts": "Es gibt keine Ansprechperson mit E-Mail-Adresse.",
    "publiccode-themenfeld": "Das OZG-Themenfeld fehlt oder ist nicht eindeutig.",
    "publiccode-leika": "Ein LeiKa-Schlüssel hat nicht die Form von 14 Ziffern und wurde nicht übernommen.",
    "publiccode-incomplete": "Das aus publiccode.yml erzeugte Gerüst ist noch kein gültiges Paket; die Meldung nennt, was fehlt.",
    # updating an adopted package (hub upstream merge)
    "worktree-dirty": "Im übernommenen Repository gibt es nicht committete Änderungen; zusammengeführt wird nur ein sauberer Stand.",
    "merge-conflict": "Lokale und neue Änderungen betreffen dieselbe Stelle einer Datei.",
    # API requests refused before anything happens (hub/api/requesterrors.py)
    "request-body-syntax": "Der Rumpf einer API-Anfrage ist kein lesbares JSON (mit Zeile und Spalte) oder kein gültiges multipart/form-data.",
    "request-body-invalid": "Ein Feld im Rumpf einer API-Anfrage fehlt, ist nicht vorgesehen oder verletzt seine Regel (Art, Wertebereich, Länge, Muster, erlaubte Werte).",
    "invalid-parameter": "Ein Parameter der Adresse einer API-Anfrage (Abfrage oder Pfad) verletzt seine Regel.",
    # adoptions, confirmations, reviews and tokens (docs/nachnutzung-und-reifegrad.md)
    "organisation-exists": "Unter dieser Kennung ist schon eine Organisation registriert; eine neue braucht eine eigene Kennung (die bestehende wird über „Bearbeiten“ geändert).",
    "organisation-unknown": "Die Organisation ist im Katalog nicht registriert; nur registrierte Organisationen erfassen Nachnutzungen, bestätigen, begutachten oder erhalten Tokens.",
    "date-in-future": "Das Datum einer Nachnutzung, Bestätigung oder Begutachtung liegt in der Zukunft.",
    "date-before-release": "Das Datum einer Nachnutzung liegt vor der Veröffentlichung der nachgenutzten Version.",
    "date-out-of-order": "Ein neuer Stand ist früher datiert als der vorige.",
    "adoption-status-backward": "Der Stand einer Nachnutzung geht zurück (erlaubt ist nur geplant → Pilot → Produktion → beendet).",
    "version-not-found": "Die genannte Version des Pakets gibt es nicht.",
    "confirmation-refused": "Die Bestätigung ist nicht zulässig (nur Herausgeber oder begutachtende Stelle, nie die nachnutzende Organisation selbst).",
}

CODES: dict[str, str] = {**PACKAGE_CODES, **WORKFLOW_CODES}
"""The registry: every problem code, unique across both groups (tests/test_errors.py), each in docs/problem-codes.md."""
