"""Vocabularies the exports map to: publiccode.yml categories and scopes, EU data themes, Themenfeld spellings.

Every mapping is a judgement, kept here in one place so it can be reviewed.
Values come from the standards' lists (publiccode.yml ``categories-list`` and
``scope-list`` of version 0.4; EU Publications Office ``data-theme`` authority table).
"""

from __future__ import annotations

THEMENFELDER = [
    "Arbeit & Ruhestand",
    "Bauen & Wohnen",
    "Bildung",
    "Ein- & Auswanderung",
    "Engagement & Hobby",
    "Familie & Kind",
    "Forschung & Förderung",
    "Gesundheit",
    "Mobilität & Reisen",
    "Querschnittsleistungen",
    "Recht & Ordnung",
    "Steuern & Zoll",
    "Umwelt",
    "Unternehmensführung & -entwicklung",
]

# publiccode.yml's German extension spells one Themenfeld differently (its docs write „Querschnitt“)
PUBLICCODE_THEMENFELD = {"Querschnittsleistungen": "Querschnitt"}
THEMENFELD_FROM_PUBLICCODE = {v: k for k, v in PUBLICCODE_THEMENFELD.items()}

# hub category -> publiccode.yml categories (controlled vocabulary of publiccode.yml 0.4)
PUBLICCODE_CATEGORIES: dict[str, list[str]] = {
    "buergerbuero": ["digital-citizenship", "customer-service-and-support"],
    "gewerbeamt": ["digital-citizenship"],
    "terminvergabe": ["appointment-scheduling"],
    "meldewesen": ["digital-citizenship"],
    "e-akte": ["document-management"],
    "e-payment": ["payment-gateway"],
    "e-signatur": ["e-signature"],
    "online-antrag": ["data-collection", "digital-citizenship"],
    "schnittstelle": ["application-development"],
    "fachverfahren": ["business-process-management"],
    "organisation": ["business-process-management"],
    "kommunikation": ["communications"],
    "ordnungsamt": ["digital-citizenship"],
    "steuern": ["taxes-management"],
    "soziales": ["digital-citizenship"],
    "mobilitaet": ["digital-citizenship"],
}
# the way back only where it is unambiguous
CATEGORY_FROM_PUBLICCODE: dict[str, str] = {
    "appointment-scheduling": "terminvergabe",
    "document-management": "e-akte",
    "payment-gateway": "e-payment",
    "mobile-payment": "e-payment",
    "e-signature": "e-signatur",
    "data-collection": "online-antrag",
    "business-process-management": "organisation",
    "workflow-management": "organisation",
    "communications": "kommunikation",
    "taxes-management": "steuern",
    "application-development": "schnittstelle",
}
PROCESS_CATEGORY = "workflow-management"  # every package with a process model describes a workflow
FALLBACK_CATEGORY = "digital-citizenship"

# Themenfeld -> publiccode.yml intendedAudience/scope (scope-list of publiccode.yml)
PUBLICCODE_SCOPES: dict[str, str] = {
    "Arbeit & Ruhestand": "employment",
    "Bauen & Wohnen": "infrastructures",
    "Bildung": "education",
    "Ein- & Auswanderung": "foreign-affairs",
    "Engagement & Hobby": "society",
    "Familie & Kind": "welfare",
    "Forschung & Förderung": "research",
    "Gesundheit": "healthcare",
    "Mobilität & Reisen": "transportation",
    "Querschnittsleistungen": "government",
    "Recht & Ordnung": "justice",
    "Steuern & Zoll": "finance-and-economic-development",
    "Umwelt": "environment",
    "Unternehmensführung & -entwicklung": "finance-and-economic-development",
}

EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
# Themenfeld -> EU data theme (DCAT-AP's mandatory vocabulary for dcat:theme)
EU_THEMES: dict[str, str] = {
    "Arbeit & Ruhestand": "SOCI",
    "Bauen & Wohnen": "REGI",
    "Bildung": "EDUC",
    "Ein- & Auswanderung": "SOCI",
    "Engagement & Hobby": "EDUC",  # „Education, culture and sport“
    "Familie & Kind": "SOCI",
    "Forschung & Förderung": "TECH",
    "Gesundheit": "HEAL",
    "Mobilität & Reisen": "TRAN",
    "Querschnittsleistungen": "GOVE",
    "Recht & Ordnung": "JUST",
    "Steuern & Zoll": "ECON",
    "Umwelt": "ENVI",
    "Unternehmensführung & -entwicklung": "ECON",
}

ARTEFACT_LABELS_DE = {
    "process-model": "Prozessmodell (BPMN 2.0)",
    "form-schema": "Formularschema (JSON Schema)",
    "config": "Konfiguration",
    "document": "Dokument",
}
ARTEFACT_LABELS_EN = {
    "process-model": "Process model (BPMN 2.0)",
    "form-schema": "Form schema (JSON Schema)",
    "config": "Configuration",
    "document": "Document",
}

# German labels of the EU data themes used above (the Publications Office's authority table)
EU_THEME_LABELS: dict[str, str] = {
    "ECON": "Wirtschaft und Finanzen",
    "EDUC": "Bildung, Kultur und Sport",
    "ENVI": "Umwelt",
    "GOVE": "Regierung und öffentlicher Sektor",
    "HEAL": "Gesundheit",
    "JUST": "Justiz, Rechtssystem und öffentliche Sicherheit",
    "REGI": "Regionen und Städte",
    "SOCI": "Bevölkerung und Gesellschaft",
    "TECH": "Wissenschaft und Technologie",
    "TRAN": "Verkehr",
}

# development status -> ADMS status (the ADMS status vocabulary: Completed, UnderDevelopment, Deprecated, Withdrawn)
ADMS_STATUS = "http://purl.org/adms/status/"
ADMS_STATUSES: dict[str, tuple[str, str]] = {
    "concept": ("UnderDevelopment", "In Entwicklung"),
    "development": ("UnderDevelopment", "In Entwicklung"),
    "beta": ("UnderDevelopment", "In Entwicklung"),
    "stable": ("Completed", "Abgeschlossen"),
    "obsolete": ("Deprecated", "Veraltet"),
}
