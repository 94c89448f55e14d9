"""The BPMN element kinds the renderer tells apart, and the German names shown for them."""

from __future__ import annotations

TASKS = frozenset({"task", "userTask", "serviceTask", "sendTask", "receiveTask", "manualTask", "businessRuleTask", "scriptTask"})
SUBPROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
ACTIVITIES = TASKS | SUBPROCESSES | {"callActivity"}
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"})
DATA = frozenset({"dataObjectReference", "dataObject", "dataInput", "dataOutput", "dataStoreReference"})
EDGES = frozenset({"sequenceFlow", "messageFlow", "association", "dataInputAssociation", "dataOutputAssociation"})

TYPE_NAMES = {
    "task": "Aufgabe",
    "userTask": "Benutzeraufgabe",
    "serviceTask": "Serviceaufgabe",
    "sendTask": "Sendeaufgabe",
    "receiveTask": "Empfangsaufgabe",
    "manualTask": "Manuelle Aufgabe",
    "businessRuleTask": "Geschäftsregelaufgabe",
    "scriptTask": "Skriptaufgabe",
    "callActivity": "Aufrufaktivität",
    "subProcess": "Teilprozess",
    "transaction": "Transaktion",
    "adHocSubProcess": "Ad-hoc-Teilprozess",
    "startEvent": "Startereignis",
    "endEvent": "Endereignis",
    "intermediateCatchEvent": "Zwischenereignis (eintretend)",
    "intermediateThrowEvent": "Zwischenereignis (auslösend)",
    "boundaryEvent": "Angeheftetes Ereignis",
    "exclusiveGateway": "Exklusives Gateway",
    "inclusiveGateway": "Inklusives Gateway",
    "parallelGateway": "Paralleles Gateway",
    "eventBasedGateway": "Ereignisbasiertes Gateway",
    "complexGateway": "Komplexes Gateway",
    "participant": "Pool",
    "lane": "Bahn",
    "dataObjectReference": "Datenobjekt",
    "dataObject": "Datenobjekt",
    "dataInput": "Dateneingabe",
    "dataOutput": "Datenausgabe",
    "dataStoreReference": "Datenspeicher",
    "textAnnotation": "Anmerkung",
    "group": "Gruppe",
    "sequenceFlow": "Sequenzfluss",
    "messageFlow": "Nachrichtenfluss",
    "association": "Assoziation",
    "dataInputAssociation": "Datenassoziation",
    "dataOutputAssociation": "Datenassoziation",
}
EVENT_KINDS = {
    "messageEventDefinition": ("message", "Nachricht"),
    "timerEventDefinition": ("timer", "Zeit"),
    "signalEventDefinition": ("signal", "Signal"),
    "errorEventDefinition": ("error", "Fehler"),
    "escalationEventDefinition": ("escalation", "Eskalation"),
    "conditionalEventDefinition": ("conditional", "Bedingung"),
    "linkEventDefinition": ("link", "Link"),
    "terminateEventDefinition": ("terminate", "Terminierung"),
    "compensateEventDefinition": ("compensate", "Kompensation"),
    "cancelEventDefinition": ("cancel", "Abbruch"),
}
