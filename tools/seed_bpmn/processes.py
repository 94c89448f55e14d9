"""The seed catalogue's processes, modelled as a process modeller at a Kommune expects them.

External parties (applicants, other authorities) are collapsed pools with message flows;
every activity names its legal basis (Handlungsgrundlage) in its documentation; local
processes name the LeiKa service whose FIM Stammprozess they refine (no Stammprozess ids:
none is verified in the shared domain facts); deadlines in working days are computed by the
specialist procedure's working-time calendar instead of being coded as calendar days.
Run ``python -m tools.seed_bpmn`` to rewrite every BPMN of the seed catalogue.
"""

from __future__ import annotations

from tools.seed_bpmn.layout import Process

NS = "https://transferhub.de/bpmn/"
GEWO14 = "Rechtsgrundlage: § 14 Abs. 1 GewO (Anzeigepflicht)"
GEWANZV = "Rechtsgrundlage: § 14 Abs. 4 GewO i. V. m. § 1 GewAnzV (Vordrucke)"
RECEIPT = "Rechtsgrundlage: § 15 Abs. 1 GewO – die Empfangsbescheinigung ist innerhalb von drei Tagen zu erteilen."
DISPATCH = (
    "Rechtsgrundlage: § 3 GewAnzV – Empfänger nach § 3 Abs. 1 (u. a. Statistisches Landesamt, IHK/HWK, Finanzamt, Bundesagentur für Arbeit, "
    "Immissionsschutz, Lebensmittelüberwachung; Registergericht nur bei Abmeldungen); Übermittlung nach § 3 Abs. 4 nur über Verwaltungsnetze "
    "oder verschlüsselt, adressiert über das DVDV, im Standard XGewerbeanzeige."
)
FIT = "Technische Zustellung: FIT-Connect (Submission API); keine eigene Rechtsgrundlage."
WORKING_DAYS = (
    "Frist in Arbeitstagen: das Fachverfahren berechnet den Zeitpunkt nach dem Arbeitszeitkalender der Verwaltung "
    "(Wochenenden und Feiertage zählen nicht); deshalb keine ISO-Dauer in Kalendertagen."
)


def lokal(leika: str, service: str, extra: str = "") -> str:
    return (
        f"Lokalprozess zur LeiKa-Leistung {leika} „{service}“. Er verfeinert den FIM-Stammprozess zu dieser Leistung "
        f"(im FIM-Prozesskatalog über den Leistungsschlüssel auffindbar) um die örtliche Organisation.{(' ' + extra) if extra else ''}"
    )


def gewerbeanmeldung(version: str) -> Process:
    v11 = version >= "1.1.0"
    v2 = version >= "2.0.0"
    p = Process(
        "Gewerbeanmeldung",
        "Gewerbeanmeldung (GewA 1)",
        "Stadt Paderborn – Gewerbeamt",
        NS + "stadt-paderborn/gewerbeanmeldung",
        doc=lokal("99050012104000", "Gewerbe anmelden", "Datenfelder nach Anlage 1 GewAnzV (FIM-Stammdatenschema S05000001294)."),
    )
    p.lane("Lane_Amt", "Sachbearbeitung Gewerbeamt").lane("Lane_System", "Fachverfahren Gewerbe")
    p.external("Gewerbetreibende", "Gewerbetreibende (Antragstellende)", "top")
    p.external("Empfaenger", "Empfangsberechtigte Stellen nach § 3 GewAnzV", "bottom", DISPATCH)
    start_doc = GEWO14 + (
        "; Eingang über das Serviceportal, zugestellt über FIT-Connect." if v2 else "; Eingang über den Formularserver des Serviceportals."
    )
    p.add("Start", "startEvent", "Gewerbeanmeldung eingegangen", "Lane_System", 0, message=True, doc=start_doc)
    p.add(
        "Uebernehmen",
        "serviceTask",
        "Antrag über FIT-Connect empfangen" if v2 else "Antrag aus dem Formularserver übernehmen",
        "Lane_System",
        1,
        doc=FIT if v2 else "Übernahme aus dem Formularserver; keine eigene Rechtsgrundlage.",
    )
    p.add("Plausibilitaet", "serviceTask", "Vollständigkeit und Plausibilität prüfen", "Lane_System", 2, doc=GEWANZV)
    col = 3
    if v2:
        p.add("GwErlaubnis", "exclusiveGateway", "Erlaubnispflichtige Tätigkeit?", "Lane_Amt", 3)
        p.add(
            "ErlaubnisPruefen",
            "userTask",
            "Erlaubnis oder Eintragung prüfen",
            "Lane_Amt",
            4,
            row=1,
            doc="Rechtsgrundlage: § 15 Abs. 2 GewO (Fortsetzung ohne erforderliche Zulassung kann verhindert werden); Erlaubnistatbestände u. a. §§ 30 ff. GewO.",
        )
        p.add("GwErlaubnisJoin", "exclusiveGateway", "", "Lane_Amt", 5)
        col = 6
    p.add("GwPruefJoin", "exclusiveGateway", "", "Lane_Amt", col)
    p.add(
        "Pruefen",
        "userTask",
        "Anzeige fachlich prüfen" if v2 else "Anzeige prüfen",
        "Lane_Amt",
        col + 1,
        doc=GEWO14 + "; Prüfung der Angaben nach Anlage 1 GewAnzV.",
    )
    p.add("GwVollstaendig", "exclusiveGateway", "Angaben vollständig?", "Lane_Amt", col + 2)
    p.add(
        "Nachfordern",
        "sendTask",
        "Fehlende Angaben nachfordern",
        "Lane_Amt",
        col + 3,
        row=1,
        doc="Rechtsgrundlage: § 24 VwVfG NRW (Untersuchungsgrundsatz), § 26 VwVfG NRW (Mitwirkung).",
    )
    p.add("Ergaenzt", "intermediateCatchEvent", "Ergänzung eingegangen", "Lane_Amt", col + 4, row=1, message=True)
    p.add("GwSplit", "parallelGateway", "", "Lane_Amt", col + 5)
    p.add(
        "Bescheinigung",
        "sendTask" if v11 else "manualTask",
        "Empfangsbescheinigung elektronisch zustellen" if v11 else "Empfangsbescheinigung drucken und versenden",
        "Lane_Amt",
        col + 6,
        doc=RECEIPT,
    )
    p.add("Versand", "sendTask", "XGewerbeanzeige an die Empfänger senden", "Lane_System", col + 6, doc=DISPATCH)
    p.add("GwJoin", "parallelGateway", "", "Lane_System", col + 7)
    p.add("Ende", "endEvent", "Gewerbe angemeldet", "Lane_System", col + 8)
    p.chain("Start", "Uebernehmen", "Plausibilitaet")
    if v2:
        p.seq("Plausibilitaet", "GwErlaubnis").seq("GwErlaubnis", "ErlaubnisPruefen", "ja").seq("GwErlaubnis", "GwErlaubnisJoin", "nein")
        p.seq("ErlaubnisPruefen", "GwErlaubnisJoin").seq("GwErlaubnisJoin", "GwPruefJoin")
    else:
        p.seq("Plausibilitaet", "GwPruefJoin")
    p.chain("GwPruefJoin", "Pruefen", "GwVollstaendig")
    p.seq("GwVollstaendig", "Nachfordern", "nein").chain("Nachfordern", "Ergaenzt", "GwPruefJoin")
    p.seq("GwVollstaendig", "GwSplit", "ja").seq("GwSplit", "Bescheinigung").seq("GwSplit", "Versand")
    p.chain("Bescheinigung", "GwJoin").chain("Versand", "GwJoin", "Ende")
    p.msg("Gewerbetreibende", "Start", "GewA 1 (online)").msg("Nachfordern", "Gewerbetreibende", "Nachforderung").msg(
        "Gewerbetreibende", "Ergaenzt", "Ergänzung"
    )
    if v11:
        p.msg("Bescheinigung", "Gewerbetreibende", "Empfangsbescheinigung")
    p.msg("Versand", "Empfaenger", "XGewerbeanzeige (OSCI, DVDV)")
    return p


def _gewerbe_bielefeld(kind: str, version: str) -> Process:
    abmeldung = kind == "abmeldung"
    key = "Gewerbeabmeldung" if abmeldung else "Gewerbeummeldung"
    anlage = "Anlage 3" if abmeldung else "Anlage 2"
    p = Process(
        key,
        f"{key} ({'GewA 3' if abmeldung else 'GewA 2'})",
        "Stadt Bielefeld – Gewerbemeldestelle",
        NS + f"stadt-bielefeld/{key.lower()}",
        doc=(
            f"Lokalprozess zur {key}. Für diese Leistung ist kein LeiKa-Schlüssel belegt; Datenfelder nach {anlage} GewAnzV "
            "(FIM-Stammdatenschema S05000001294)."
        ),
    )
    p.lane("Lane_Amt", "Sachbearbeitung Gewerbemeldestelle").lane("Lane_System", "Fachverfahren Gewerbe")
    p.external("Gewerbetreibende", "Gewerbetreibende (Anzeigende)", "top")
    dispatch = DISPATCH + (" Bei Abmeldungen erhält auch das Registergericht die Daten (§ 3 Abs. 1 Nr. 8 GewAnzV)." if abmeldung else "")
    p.external("Empfaenger", "Empfangsberechtigte Stellen nach § 3 GewAnzV", "bottom", dispatch)
    p.add(
        "Start",
        "startEvent",
        f"{key} eingegangen",
        "Lane_System",
        0,
        message=True,
        doc=f"Rechtsgrundlage: § 14 Abs. 1 Satz 2 Nr. {'3' if abmeldung else '1 und 2'} GewO; {FIT}",
    )
    if abmeldung:
        p.add(
            "Zuordnen",
            "serviceTask",
            "Gewerbeanmeldung zuordnen",
            "Lane_System",
            1,
            doc="Abgleich mit dem Gewerberegister; keine eigene Rechtsgrundlage.",
        )
        p.add(
            "Pruefen",
            "userTask",
            "Abmeldung prüfen",
            "Lane_Amt",
            2,
            doc="Rechtsgrundlage: § 14 Abs. 1 GewO; Angaben nach Anlage 3 GewAnzV.",
        )
        p.add("GwZukunft", "exclusiveGateway", "Aufgabe liegt in der Zukunft?", "Lane_Amt", 3)
        p.add(
            "Warten",
            "intermediateCatchEvent",
            "Datum der Aufgabe erreicht",
            "Lane_Amt",
            4,
            row=1,
            timer=("timeDate", ""),
            doc="Zeitpunkt ist das angegebene Datum der Betriebsaufgabe (Anlage 3 Nr. 20).",
        )
        p.add("GwWartenJoin", "exclusiveGateway", "", "Lane_Amt", 5)
        p.add("GwSplit", "parallelGateway", "", "Lane_Amt", 6)
        p.add("Bescheinigung", "sendTask", "Empfangsbescheinigung zustellen", "Lane_Amt", 7, doc=RECEIPT)
        p.add("Versand", "sendTask", "XGewerbeanzeige an die Empfänger senden", "Lane_System", 7, doc=dispatch)
        p.add(
            "Kennzeichnen",
            "serviceTask",
            "Gewerbe als abgemeldet kennzeichnen",
            "Lane_System",
            7,
            row=1,
            doc="Rechtsgrundlage: § 14 Abs. 1 GewO (Gewerberegister).",
        )
        p.add("GwJoin", "parallelGateway", "", "Lane_System", 8)
        p.add("Ende", "endEvent", "Gewerbe abgemeldet", "Lane_System", 9)
        p.chain("Start", "Zuordnen", "Pruefen", "GwZukunft")
        p.seq("GwZukunft", "Warten", "ja").seq("GwZukunft", "GwWartenJoin", "nein").chain("Warten", "GwWartenJoin", "GwSplit")
        for t in ("Bescheinigung", "Versand", "Kennzeichnen"):
            p.seq("GwSplit", t).seq(t, "GwJoin")
        p.seq("GwJoin", "Ende")
    else:
        p.add(
            "Zuordnen",
            "serviceTask",
            "Bestehende Gewerbeanmeldung zuordnen",
            "Lane_System",
            1,
            doc="Abgleich mit dem Gewerberegister; keine eigene Rechtsgrundlage.",
        )
        p.add("GwGefunden", "exclusiveGateway", "Anmeldung gefunden?", "Lane_System", 2)
        p.add(
            "Manuell", "userTask", "Gewerbeanmeldung manuell zuordnen", "Lane_Amt", 3, doc="Keine eigene Rechtsgrundlage (Registerpflege)."
        )
        p.add("GwZuordnungJoin", "exclusiveGateway", "", "Lane_System", 4)
        p.add(
            "Pruefen",
            "userTask",
            "Ummeldung prüfen",
            "Lane_Amt",
            5,
            doc="Rechtsgrundlage: § 14 Abs. 1 Satz 2 GewO – Verlegung des Betriebs, Wechsel oder Ausdehnung des Gegenstandes; Angaben nach Anlage 2 GewAnzV.",
        )
        p.add("GwBezirk", "exclusiveGateway", "Verlegung in einen anderen Meldebezirk?", "Lane_Amt", 6)
        p.add(
            "Hinweis",
            "sendTask",
            "Auf Abmeldung und Neuanmeldung hinweisen",
            "Lane_Amt",
            7,
            row=1,
            doc="Rechtsgrundlage: § 14 Abs. 1 GewO – bei Verlegung in einen anderen Bezirk Abmeldung hier, Anmeldung bei der neuen Behörde.",
        )
        p.add("Verwiesen", "endEvent", "An die zuständige Stelle verwiesen", "Lane_Amt", 8, row=1)
        p.add("GwSplit", "parallelGateway", "", "Lane_Amt", 7)
        p.add("Bescheinigung", "sendTask", "Empfangsbescheinigung zustellen", "Lane_Amt", 8, doc=RECEIPT)
        p.add("Versand", "sendTask", "XGewerbeanzeige an die Empfänger senden", "Lane_System", 8, doc=dispatch)
        p.add("GwJoin", "parallelGateway", "", "Lane_System", 9)
        p.add("Ende", "endEvent", "Gewerbe umgemeldet", "Lane_System", 10)
        p.chain("Start", "Zuordnen", "GwGefunden")
        p.seq("GwGefunden", "Manuell", "nein").seq("GwGefunden", "GwZuordnungJoin", "ja").chain(
            "Manuell", "GwZuordnungJoin", "Pruefen", "GwBezirk"
        )
        p.seq("GwBezirk", "Hinweis", "ja").chain("Hinweis", "Verwiesen").seq("GwBezirk", "GwSplit", "nein")
        p.seq("GwSplit", "Bescheinigung").seq("GwSplit", "Versand").chain("Bescheinigung", "GwJoin").chain("Versand", "GwJoin", "Ende")
        p.msg("Hinweis", "Gewerbetreibende", "Hinweis zur Zuständigkeit")
    p.msg("Gewerbetreibende", "Start", "GewA 3 (online)" if abmeldung else "GewA 2 (online)")
    p.msg("Bescheinigung", "Gewerbetreibende", "Empfangsbescheinigung").msg("Versand", "Empfaenger", "XGewerbeanzeige (OSCI, DVDV)")
    return p


def gewerbeabmeldung(version: str) -> Process:
    return _gewerbe_bielefeld("abmeldung", version)


def gewerbeummeldung(version: str) -> Process:
    return _gewerbe_bielefeld("ummeldung", version)


def terminvergabe(version: str) -> Process:
    v11, v2 = version >= "1.1.0", version >= "2.0.0"
    p = Process(
        "Terminvergabe",
        "Online-Terminvergabe Bürgerbüro",
        "Stadt Paderborn – Bürgerbüro",
        NS + "stadt-paderborn/online-terminvergabe",
        doc=(
            "Querschnittsprozess ohne eigene Verwaltungsleistung, daher ohne FIM-Stammprozess. Handlungsgrundlage: Organisationsentscheidung der Stadt; "
            "Verarbeitung der Kontaktdaten nach Art. 6 Abs. 1 lit. e DSGVO."
        ),
    )
    p.lane("Lane_System", "Terminsystem").lane("Lane_Buero", "Bürgerbüro")
    p.external("Buerger", "Bürgerinnen und Bürger", "top")
    p.add(
        "Start",
        "startEvent",
        "Terminwunsch eingegangen",
        "Lane_System",
        0,
        message=True,
        doc="Buchung über das Serviceportal (Dienstleistung, Zeitfenster, Kontaktdaten).",
    )
    p.add(
        "Reservieren",
        "serviceTask",
        "Termin reservieren",
        "Lane_System",
        1,
        doc="Handlungsgrundlage: Organisationsentscheidung; keine Rechtsvorschrift.",
    )
    col = 2
    if v2:
        p.add(
            "Link",
            "sendTask",
            "Bestätigungslink versenden",
            "Lane_System",
            2,
            doc="Double-Opt-in gegen Scheinbuchungen; Art. 6 Abs. 1 lit. e DSGVO.",
        )
        p.add(
            "Bestaetigt",
            "receiveTask",
            "Bestätigung empfangen",
            "Lane_System",
            3,
            doc="Keine Rechtsvorschrift; die Reservierung gilt 30 Minuten.",
        )
        p.add(
            "Verfallen30",
            "boundaryEvent",
            "30 Minuten ohne Bestätigung",
            "Lane_System",
            3,
            attached="Bestaetigt",
            timer=("timeDuration", "PT30M"),
        )
        p.add(
            "Freigeben",
            "serviceTask",
            "Reservierung freigeben",
            "Lane_System",
            4,
            row=1,
            doc="Keine Rechtsvorschrift; das Zeitfenster wird wieder buchbar.",
        )
        p.add("NichtBestaetigt", "endEvent", "Termin nicht bestätigt", "Lane_System", 5, row=1)
        col = 4
    p.add(
        "Bestaetigung",
        "sendTask",
        "Terminbestätigung mit Absagelink versenden" if v2 else "Terminbestätigung versenden",
        "Lane_System",
        col,
        doc="Art. 6 Abs. 1 lit. e DSGVO; Hinweis auf mitzubringende Unterlagen.",
    )
    if v11:
        p.add(
            "Vorher",
            "intermediateCatchEvent",
            "24 Stunden vor dem Termin",
            "Lane_System",
            col + 1,
            timer=("timeDate", ""),
            doc="Zeitpunkt: Terminbeginn minus 24 Stunden (aus der Buchung).",
        )
        p.add(
            "Erinnern",
            "sendTask",
            "Terminerinnerung versenden",
            "Lane_System",
            col + 2,
            doc="Nur mit Einwilligung in die Erinnerung (Art. 6 Abs. 1 lit. a DSGVO).",
        )
        col += 2
    p.add(
        "Terminbeginn",
        "intermediateCatchEvent",
        "Terminbeginn erreicht",
        "Lane_Buero",
        col + 1,
        timer=("timeDate", ""),
        doc="Zeitpunkt aus der Buchung.",
    )
    p.add(
        "Aufrufen",
        "userTask",
        "Bürgerin oder Bürger am Wartebereich aufrufen" if v2 else "Bürgerin oder Bürger aufrufen",
        "Lane_Buero",
        col + 2,
        doc="Aufruf über das Wartemanagement.",
    )
    p.add(
        "Bearbeiten",
        "manualTask",
        "Anliegen bearbeiten",
        "Lane_Buero",
        col + 4,
        doc="Rechtsgrundlage: die der jeweiligen Leistung (z. B. PAuswG, BMG).",
    )
    p.add("Wahrgenommen", "endEvent", "Termin wahrgenommen", "Lane_Buero", col + 5)
    p.add(
        "Markieren",
        "serviceTask",
        "Termin als nicht wahrgenommen markieren",
        "Lane_System",
        col + 4,
        row=1,
        doc="Statistik für die Terminplanung; keine Sanktion.",
    )
    p.add("Verfallen", "endEvent", "Termin verfallen", "Lane_System", col + 5, row=1)
    p.chain("Start", "Reservieren")
    if v2:
        p.chain("Reservieren", "Link", "Bestaetigt", "Bestaetigung").chain("Verfallen30", "Freigeben", "NichtBestaetigt")
        p.msg("Link", "Buerger", "Bestätigungslink").msg("Buerger", "Bestaetigt", "Bestätigung")
    else:
        p.seq("Reservieren", "Bestaetigung")
    if v11:
        p.chain("Bestaetigung", "Vorher", "Erinnern", "Terminbeginn")
        p.msg("Erinnern", "Buerger", "Erinnerung")
    else:
        p.seq("Bestaetigung", "Terminbeginn")
    # whether someone came is the clerk's decision (after the Karenz of the configuration), not a timer on the clerk's task
    p.add("GwErschienen", "exclusiveGateway", "Erschienen?", "Lane_Buero", col + 3)
    p.chain("Terminbeginn", "Aufrufen", "GwErschienen").seq("GwErschienen", "Bearbeiten", "ja").seq("GwErschienen", "Markieren", "nein")
    p.seq("Bearbeiten", "Wahrgenommen").seq("Markieren", "Verfallen")
    p.msg("Buerger", "Start", "Terminwunsch").msg("Bestaetigung", "Buerger", "Terminbestätigung")
    return p


def personalausweis(version: str) -> Process:
    p = Process(
        "Personalausweis",
        "Personalausweis beantragen",
        "Stadt Paderborn – Bürgerbüro (Personalausweisbehörde)",
        NS + "stadt-paderborn/personalausweis-beantragen",
        doc=lokal("99008001012000", "Personalausweis beantragen", "Stand 2019: Fingerabdrücke nur auf Antrag der antragstellenden Person."),
    )
    p.lane("Lane_Buero", "Bürgerbüro").lane("Lane_System", "Fachverfahren Pass- und Ausweiswesen")
    p.external("Antragsteller", "Antragstellende Person", "top")
    p.external("Bundesdruckerei", "Bundesdruckerei (Ausweishersteller)", "bottom")
    p.add(
        "Start",
        "startEvent",
        "Vorerfassung und Termin eingegangen",
        "Lane_System",
        0,
        message=True,
        doc="Online-Vorerfassung; Rechtsgrundlage der Antragstellung: § 9 PAuswG.",
    )
    p.add(
        "Vorsprache",
        "intermediateCatchEvent",
        "Persönliche Vorsprache",
        "Lane_Buero",
        1,
        message=True,
        doc="Rechtsgrundlage: § 9 Abs. 1 PAuswG (persönliches Erscheinen).",
    )
    p.add("Pruefen", "userTask", "Identität und vorerfasste Daten prüfen", "Lane_Buero", 2, doc="Rechtsgrundlage: § 9 Abs. 1 und 3 PAuswG.")
    p.add("GwUnterlagen", "exclusiveGateway", "Unterlagen vollständig?", "Lane_Buero", 3)
    p.add(
        "NeuerTermin",
        "sendTask",
        "Fehlende Unterlagen nennen und neuen Termin anbieten",
        "Lane_Buero",
        4,
        row=1,
        doc="Rechtsgrundlage: § 9 PAuswG; § 25 VwVfG NRW (Beratung).",
    )
    p.add("OhneAntrag", "endEvent", "Vorsprache ohne Antrag beendet", "Lane_Buero", 5, row=1)
    p.add(
        "Lichtbild",
        "userTask",
        "Lichtbild prüfen und Unterschrift erfassen",
        "Lane_Buero",
        4,
        doc="Rechtsgrundlage: § 5 PAuswG (Lichtbild, Unterschrift).",
    )
    p.add("GwFinger", "exclusiveGateway", "Fingerabdrücke beantragt?", "Lane_Buero", 5)
    p.add(
        "Finger",
        "manualTask",
        "Fingerabdrücke erfassen",
        "Lane_Buero",
        6,
        row=1,
        doc="2019 nur auf Antrag der antragstellenden Person (§ 5 Abs. 9 PAuswG in der damals geltenden Fassung).",
    )
    p.add("GwFingerJoin", "exclusiveGateway", "", "Lane_Buero", 7)
    p.add("Gebuehr", "userTask", "Gebühr kassieren", "Lane_Buero", 8, doc="Rechtsgrundlage: Personalausweisgebührenverordnung (PAuswGebV).")
    p.add(
        "Bestellen",
        "sendTask",
        "Antragsdaten an die Bundesdruckerei senden",
        "Lane_System",
        9,
        doc="Rechtsgrundlage: § 9 PAuswG i. V. m. der Personalausweisverordnung (PAuswV).",
    )
    p.add(
        "Lieferung",
        "receiveTask",
        "Lieferung des Ausweises erfassen",
        "Lane_System",
        10,
        doc="Keine eigene Rechtsgrundlage (Bestandsführung).",
    )
    p.add(
        "Benachrichtigen",
        "sendTask",
        "Abholbenachrichtigung versenden",
        "Lane_System",
        11,
        doc="Mit Einwilligung per E-Mail oder SMS (Art. 6 Abs. 1 lit. a DSGVO), sonst Aushang der Abholnummern.",
    )
    p.add("Abholung", "intermediateCatchEvent", "Antragstellende Person zur Abholung erschienen", "Lane_Buero", 12, message=True)
    p.add(
        "Aushaendigen",
        "manualTask",
        "Ausweis aushändigen",
        "Lane_Buero",
        13,
        doc="Rechtsgrundlage: § 9 PAuswG; Übergabe des PIN-Briefs nach PAuswV.",
    )
    p.add("Ende", "endEvent", "Ausweis ausgehändigt", "Lane_Buero", 14)
    p.chain("Start", "Vorsprache", "Pruefen", "GwUnterlagen")
    p.seq("GwUnterlagen", "NeuerTermin", "nein").seq("NeuerTermin", "OhneAntrag").seq("GwUnterlagen", "Lichtbild", "ja")
    p.chain("Lichtbild", "GwFinger").seq("GwFinger", "Finger", "ja").seq("GwFinger", "GwFingerJoin", "nein").seq("Finger", "GwFingerJoin")
    p.chain("GwFingerJoin", "Gebuehr", "Bestellen", "Lieferung", "Benachrichtigen", "Abholung", "Aushaendigen", "Ende")
    p.msg("Antragsteller", "Start", "Vorerfassung, Termin").msg("Antragsteller", "Vorsprache").msg(
        "NeuerTermin", "Antragsteller", "Liste fehlender Unterlagen"
    )
    p.msg("Bestellen", "Bundesdruckerei", "Antragsdaten").msg("Bundesdruckerei", "Lieferung", "Ausweis").msg(
        "Benachrichtigen", "Antragsteller", "Abholbenachrichtigung"
    )
    p.msg("Antragsteller", "Abholung")
    return p


def wohnsitzanmeldung(version: str) -> Process:
    p = Process(
        "Wohnsitzanmeldung",
        "Elektronische Wohnsitzanmeldung (eWA)",
        "Stadt Paderborn – Meldebehörde",
        NS + "stadt-paderborn/wohnsitzanmeldung",
        doc=(
            "Nachnutzung des EfA-Dienstes „elektronische Wohnsitzanmeldung“ (eWA, Hamburg und BMI, seit September 2022): Registerdaten werden abgerufen, "
            "die Bestätigung kommt mit Zugangscode per Post, der Chip des Ausweises wird aktualisiert. Für die Wohnsitzanmeldung ist kein LeiKa-Schlüssel belegt. "
            "Rechtsgrundlagen: §§ 17, 23a BMG."
        ),
    )
    p.lane("Lane_System", "Fachverfahren Meldewesen").lane("Lane_Amt", "Sachbearbeitung Bürgerbüro")
    p.external("Meldepflichtige", "Meldepflichtige Person", "top")
    p.external(
        "EWA", "EfA-Dienst eWA", "top", "Online-Dienst nach dem Einer-für-Alle-Prinzip; übermittelt die Anmeldung im Standard XMeld."
    )
    p.external("Wegzug", "Meldebehörde des bisherigen Wohnorts", "bottom")
    p.add(
        "Start",
        "startEvent",
        "Anmeldung über eWA eingegangen",
        "Lane_System",
        0,
        message=True,
        doc="Rechtsgrundlage: § 17 Abs. 1, § 23a BMG (elektronische Anmeldung).",
    )
    p.add(
        "Pruefen",
        "serviceTask",
        "Automatische Prüfungen durchführen",
        "Lane_System",
        1,
        doc="Rechtsgrundlage: § 23a BMG; Abgleich mit den abgerufenen Registerdaten.",
    )
    p.add("GwBestanden", "exclusiveGateway", "Prüfungen bestanden?", "Lane_System", 2)
    p.add("Klaeren", "userTask", "Abweichung klären", "Lane_Amt", 3, doc="Rechtsgrundlage: § 6 BMG (Berichtigung und Ergänzung).")
    p.add("GwKlaerung", "exclusiveGateway", "Klärung online möglich?", "Lane_Amt", 4)
    p.add(
        "Termin",
        "sendTask",
        "Termin im Bürgerbüro anbieten",
        "Lane_Amt",
        5,
        row=1,
        doc="Rechtsgrundlage: § 23 BMG (Anmeldung bei der Meldebehörde).",
    )
    p.add("Verwiesen", "endEvent", "An das Bürgerbüro verwiesen", "Lane_Amt", 6, row=1)
    p.add("GwJoin1", "exclusiveGateway", "", "Lane_System", 5)
    p.add("Buchen", "serviceTask", "Anmeldung im Melderegister buchen", "Lane_System", 6, doc="Rechtsgrundlage: § 17 Abs. 1 BMG.")
    p.add("GwSplit", "parallelGateway", "", "Lane_System", 7)
    p.add(
        "Rueckmeldung",
        "sendTask",
        "Rückmeldung an die bisherige Meldebehörde senden",
        "Lane_System",
        8,
        row=1,
        doc="Rechtsgrundlage: § 33 BMG (Datenübermittlung, XMeld).",
    )
    p.add(
        "Bestaetigung",
        "sendTask",
        "Meldebestätigung und Zugangscode per Post versenden",
        "Lane_System",
        8,
        doc="Rechtsgrundlage: § 24 Abs. 2 BMG (Meldebestätigung), § 23a BMG.",
    )
    p.add("GwJoin2", "parallelGateway", "", "Lane_System", 9)
    p.add("Ende", "endEvent", "Wohnsitz angemeldet", "Lane_System", 10)
    p.chain("Start", "Pruefen", "GwBestanden")
    p.seq("GwBestanden", "Klaeren", "nein").chain("Klaeren", "GwKlaerung").seq("GwKlaerung", "Termin", "nein").seq("Termin", "Verwiesen")
    p.seq("GwKlaerung", "GwJoin1", "ja").seq("GwBestanden", "GwJoin1", "ja").chain("GwJoin1", "Buchen", "GwSplit")
    p.seq("GwSplit", "Rueckmeldung").seq("GwSplit", "Bestaetigung").chain("Rueckmeldung", "GwJoin2").chain(
        "Bestaetigung", "GwJoin2", "Ende"
    )
    p.msg("EWA", "Start", "Anmeldung (XMeld)").msg("Termin", "Meldepflichtige", "Terminangebot").msg(
        "Bestaetigung", "Meldepflichtige", "Meldebestätigung, Zugangscode"
    )
    p.msg("Rueckmeldung", "Wegzug", "Rückmeldung (XMeld)")
    return p


def epayment(version: str) -> Process:
    p = Process(
        "EPayment",
        "E-Payment für Online-Dienste",
        "Stadt Paderborn – Online-Dienst mit Zahlung",
        NS + "stadt-paderborn/e-payment",
        doc="Querschnittsprozess (Unterprozess jedes gebührenpflichtigen Online-Dienstes) ohne eigene Verwaltungsleistung, daher ohne FIM-Stammprozess.",
    )
    p.lane("Lane_Dienst", "Online-Dienst").lane("Lane_Kasse", "Stadtkasse")
    p.external("Antragsteller", "Antragstellende", "top")
    p.external("Plattform", "E-Payment-Plattform (Zahlungsdienstleister)", "bottom")
    p.add("Start", "startEvent", "Gebührenpflichtiger Antrag abgeschickt", "Lane_Dienst", 0, message=True)
    p.add(
        "Ermitteln",
        "businessRuleTask",
        "Gebühr ermitteln",
        "Lane_Dienst",
        1,
        doc="Rechtsgrundlage: Gebührentarif der jeweiligen Leistung (Satzung oder Gebührenordnung).",
    )
    p.add(
        "Anlegen",
        "sendTask",
        "Zahlvorgang auf der Plattform anlegen",
        "Lane_Dienst",
        2,
        doc="Keine eigene Rechtsgrundlage (technische Schnittstelle).",
    )
    p.add(
        "Status",
        "receiveTask",
        "Zahlungsstatus empfangen",
        "Lane_Dienst",
        3,
        doc="Rückmeldung der Plattform nach der Zahlung durch die antragstellende Person.",
    )
    p.add("Frist", "boundaryEvent", "30 Minuten ohne Zahlung", "Lane_Dienst", 3, attached="Status", timer=("timeDuration", "PT30M"))
    p.add("Abbrechen", "serviceTask", "Zahlvorgang abbrechen", "Lane_Dienst", 4, row=1)
    p.add("Abgebrochen", "endEvent", "Zahlung abgebrochen", "Lane_Dienst", 5, row=1)
    p.add("GwErfolg", "exclusiveGateway", "Zahlung erfolgreich?", "Lane_Dienst", 4)
    p.add("OhneZahlung", "endEvent", "Antrag ohne Zahlung beendet", "Lane_Dienst", 5, row=2)
    p.add("GwSplit", "parallelGateway", "", "Lane_Dienst", 5)
    p.add("Fachverfahren", "serviceTask", "Kassenzeichen an das Fachverfahren übergeben", "Lane_Dienst", 6)
    p.add(
        "Kasse",
        "serviceTask",
        "Zahlung an das Kassenverfahren übergeben",
        "Lane_Kasse",
        6,
        doc="Handlungsgrundlage: KomHVO NRW (Finanzbuchhaltung) und Dienstanweisung der Stadtkasse.",
    )
    p.add("GwJoin", "parallelGateway", "", "Lane_Dienst", 7)
    p.add("Ende", "endEvent", "Zahlung verbucht", "Lane_Dienst", 8)
    p.chain("Start", "Ermitteln", "Anlegen", "Status", "GwErfolg").chain("Frist", "Abbrechen", "Abgebrochen")
    p.seq("GwErfolg", "OhneZahlung", "nein").seq("GwErfolg", "GwSplit", "ja").seq("GwSplit", "Fachverfahren").seq("GwSplit", "Kasse")
    p.chain("Fachverfahren", "GwJoin").chain("Kasse", "GwJoin", "Ende")
    p.msg("Antragsteller", "Start", "Antrag").msg("Anlegen", "Plattform", "Zahlvorgang").msg("Plattform", "Status", "Zahlungsstatus")
    return p


def hundesteuer(version: str) -> Process:
    v11 = version >= "1.1.0"
    p = Process(
        "Hundesteuer",
        "Hundesteuer anmelden",
        "Stadt Delbrück – Steueramt",
        NS + "stadt-delbrueck/hundesteuer-anmeldung",
        doc=lokal(
            "99102013104000", "Hundesteuer Anmeldung", "Datenfelder nach dem FIM-Stammdatenschema S05000039 „Anmeldung zur Hundesteuer“."
        ),
    )
    p.lane("Lane_Amt", "Sachbearbeitung Steueramt").lane("Lane_System", "Steuerverfahren")
    p.external("Halter", "Hundehalterin oder Hundehalter", "top")
    satzung = "Rechtsgrundlage: Hundesteuersatzung der Stadt Delbrück auf Grundlage von § 2 KAG NRW."
    p.add("Start", "startEvent", "Anmeldung eingegangen", "Lane_System", 0, message=True, doc=satzung + " Anmeldepflicht nach der Satzung.")
    p.add(
        "Uebernehmen",
        "serviceTask",
        "Antrag in das Steuerverfahren übernehmen",
        "Lane_System",
        1,
        doc="Keine eigene Rechtsgrundlage (technische Übernahme).",
    )
    col = 2
    if v11:
        p.add("GwErm", "exclusiveGateway", "Ermäßigung beantragt?", "Lane_Amt", 2)
        p.add("ErmPruefen", "userTask", "Ermäßigung prüfen", "Lane_Amt", 3, row=1, doc=satzung + " Ermäßigungstatbestände der Satzung.")
        p.add("GwErmJoin", "exclusiveGateway", "", "Lane_Amt", 4)
        col = 5
    p.add("Pruefen", "userTask", "Angaben prüfen", "Lane_Amt", col, doc=satzung)
    p.add("GwGefaehrlich", "exclusiveGateway", "Gefährlicher Hund?", "Lane_Amt", col + 1)
    p.add(
        "Nachweise",
        "sendTask",
        "Nachweise nach dem Landeshundegesetz anfordern",
        "Lane_Amt",
        col + 2,
        row=1,
        doc="Rechtsgrundlage: Landeshundegesetz NRW (LHundG NRW).",
    )
    p.add("Eingang", "intermediateCatchEvent", "Nachweise eingegangen", "Lane_Amt", col + 3, row=1, message=True)
    p.add("GwJoin", "exclusiveGateway", "", "Lane_Amt", col + 4)
    p.add(
        "Bescheid",
        "serviceTask",
        "Steuerbescheid erstellen",
        "Lane_System",
        col + 5,
        doc=satzung + " Festsetzung nach § 12 KAG NRW i. V. m. der Abgabenordnung.",
    )
    p.add(
        "Versenden",
        "sendTask",
        "Steuerbescheid und Hundesteuermarke versenden" if v11 else "Steuerbescheid versenden",
        "Lane_System",
        col + 6,
        doc="Bekanntgabe nach § 12 KAG NRW i. V. m. § 122 AO.",
    )
    p.add("Ende", "endEvent", "Hund angemeldet", "Lane_System", col + 7)
    p.chain("Start", "Uebernehmen")
    if v11:
        p.seq("Uebernehmen", "GwErm").seq("GwErm", "ErmPruefen", "ja").seq("GwErm", "GwErmJoin", "nein").chain(
            "ErmPruefen", "GwErmJoin", "Pruefen"
        )
    else:
        p.seq("Uebernehmen", "Pruefen")
    p.chain("Pruefen", "GwGefaehrlich").seq("GwGefaehrlich", "Nachweise", "ja").seq("GwGefaehrlich", "GwJoin", "nein")
    p.chain("Nachweise", "Eingang", "GwJoin", "Bescheid", "Versenden", "Ende")
    p.msg("Halter", "Start", "Anmeldung").msg("Nachweise", "Halter", "Anforderung").msg("Halter", "Eingang", "Nachweise").msg(
        "Versenden", "Halter", "Bescheid"
    )
    return p


def fuehrungszeugnis(version: str) -> Process:
    p = Process(
        "Fuehrungszeugnis",
        "Führungszeugnis beantragen",
        "Stadt Delbrück – Bürgerbüro (Meldebehörde)",
        NS + "stadt-delbrueck/fuehrungszeugnis-beantragen",
        doc=lokal("99049001001000", "Führungszeugnis beantragen"),
    )
    p.lane("Lane_Buero", "Bürgerbüro").lane("Lane_System", "Fachverfahren Meldewesen")
    p.external("Antragsteller", "Antragstellende Person", "top")
    p.external("BfJ", "Bundesamt für Justiz (Bundeszentralregister)", "bottom")
    p.add(
        "Start",
        "startEvent",
        "Antragstellende Person zum Termin erschienen",
        "Lane_Buero",
        0,
        message=True,
        doc="Rechtsgrundlage: § 30 Abs. 2 BZRG (Antrag bei der Meldebehörde).",
    )
    p.add("Identitaet", "userTask", "Identität prüfen", "Lane_Buero", 1, doc="Rechtsgrundlage: § 30 Abs. 2 BZRG (Nachweis der Identität).")
    p.add("GwErweitert", "exclusiveGateway", "Erweitertes Führungszeugnis?", "Lane_Buero", 2)
    p.add("Aufforderung", "userTask", "Schriftliche Aufforderung prüfen", "Lane_Buero", 3, row=1, doc="Rechtsgrundlage: § 30a Abs. 2 BZRG.")
    p.add("GwJoin", "exclusiveGateway", "", "Lane_Buero", 4)
    p.add(
        "Gebuehr",
        "userTask",
        "Gebühr kassieren",
        "Lane_Buero",
        5,
        doc="Rechtsgrundlage: Justizverwaltungskostengesetz (JVKostG), Gebühr für das Bundesamt für Justiz.",
    )
    p.add(
        "Uebermitteln",
        "sendTask",
        "Antrag elektronisch an das Bundesamt für Justiz übermitteln",
        "Lane_System",
        6,
        doc="Rechtsgrundlage: § 30 Abs. 2 BZRG.",
    )
    p.add("Ende", "endEvent", "Antrag übermittelt", "Lane_System", 7)
    p.chain("Start", "Identitaet", "GwErweitert").seq("GwErweitert", "Aufforderung", "ja").seq("GwErweitert", "GwJoin", "nein")
    p.chain("Aufforderung", "GwJoin", "Gebuehr", "Uebermitteln", "Ende")
    p.msg("Antragsteller", "Start", "Antrag, Ausweis").msg("Uebermitteln", "BfJ", "Antrag")
    return p


def bewohnerparken(version: str) -> Process:
    v2 = version >= "2.0.0"
    p = Process(
        "Bewohnerparken",
        "Bewohnerparkausweis beantragen",
        "Stadt Bielefeld – Straßenverkehrsbehörde",
        NS + "stadt-bielefeld/bewohnerparkausweis",
        doc=lokal("99108001001000", "Parkausweis für Bewohner beantragen"),
    )
    p.lane("Lane_System", "Fachverfahren Parkausweise").lane("Lane_Amt", "Sachbearbeitung")
    p.external("Bewohner", "Bewohnerin oder Bewohner", "top")
    basis = "Rechtsgrundlage: § 45 Abs. 1b Satz 1 Nr. 2a StVO (Bewohnerparkbereiche)"
    fee = (
        "Rechtsgrundlage: § 6a Abs. 5a StVG; Gebühr nur nach Rechtsverordnung, ohne Sozialermäßigung (BVerwG 9 CN 2.22 vom 13.06.2023)."
        if version >= "2.1.0"
        else "Rechtsgrundlage: § 6a StVG (Gebühren)."
    )
    p.add("Start", "startEvent", "Antrag eingegangen", "Lane_System", 0, message=True, doc=basis + ".")
    p.add("Gebuehr", "receiveTask", "Gebührenzahlung empfangen", "Lane_System", 1, doc=fee)
    p.add(
        "Melderegister",
        "serviceTask",
        "Hauptwohnsitz im Melderegister prüfen",
        "Lane_System",
        2,
        doc=basis + "; Voraussetzung Wohnsitz im Bereich.",
    )
    p.add(
        "Fahrzeug",
        "serviceTask",
        "Fahrzeug- und Halterdaten abgleichen",
        "Lane_System",
        3,
        doc=basis + "; Halterschaft oder dauerhafte Nutzung.",
    )
    p.add("GwAuto", "exclusiveGateway", "Automatisch bewilligbar?", "Lane_System", 4)
    p.add("Manuell", "userTask", "Antrag manuell prüfen", "Lane_Amt", 5, doc=basis + "; Einzelfallprüfung.")
    if v2:
        p.add(
            "Zwischen",
            "boundaryEvent",
            "Fünf Arbeitstage in Prüfung",
            "Lane_Amt",
            5,
            attached="Manuell",
            timer=("timeDate", ""),
            cancel=False,
            doc=WORKING_DAYS,
        )
        p.add(
            "Zwischennachricht",
            "sendTask",
            "Zwischennachricht senden",
            "Lane_Amt",
            6,
            row=2,
            doc="Rechtsgrundlage: § 25 Abs. 1 VwVfG NRW (Auskunft über den Stand des Verfahrens).",
        )
        p.add("ZwischenEnde", "endEvent", "Zwischennachricht versandt", "Lane_Amt", 7, row=2)
        p.chain("Zwischen", "Zwischennachricht", "ZwischenEnde").msg("Zwischennachricht", "Bewohner", "Zwischennachricht")
    p.add("GwBewilligt", "exclusiveGateway", "Antrag bewilligt?", "Lane_Amt", 6)
    p.add(
        "Ablehnung",
        "sendTask",
        "Ablehnungsbescheid versenden",
        "Lane_Amt",
        7,
        row=1,
        doc="Rechtsgrundlage: § 35 und § 41 VwVfG NRW; Rechtsbehelfsbelehrung.",
    )
    p.add("Abgelehnt", "endEvent", "Antrag abgelehnt", "Lane_Amt", 8, row=1)
    p.add("GwJoin", "exclusiveGateway", "", "Lane_System", 7)
    if v2:
        p.add(
            "Ausstellen",
            "serviceTask",
            "Digitalen Parkausweis freischalten",
            "Lane_System",
            8,
            doc=basis + "; Kontrolle über das Kennzeichen.",
        )
        p.add("Bestaetigen", "sendTask", "Freischaltung bestätigen", "Lane_System", 9, doc="Bekanntgabe nach § 41 VwVfG NRW.")
        last = "Bestaetigen"
    else:
        p.add(
            "Ausstellen",
            "sendTask",
            "Parkausweis drucken und versenden",
            "Lane_System",
            8,
            doc=basis + "; Bekanntgabe nach § 41 VwVfG NRW.",
        )
        last = "Ausstellen"
    p.add("Ende", "endEvent", "Parkausweis erteilt", "Lane_System", 10 if v2 else 9)
    p.chain("Start", "Gebuehr", "Melderegister", "Fahrzeug", "GwAuto").seq("GwAuto", "Manuell", "nein").seq("GwAuto", "GwJoin", "ja")
    p.chain("Manuell", "GwBewilligt").seq("GwBewilligt", "Ablehnung", "nein").seq("Ablehnung", "Abgelehnt").seq(
        "GwBewilligt", "GwJoin", "ja"
    )
    p.chain("GwJoin", "Ausstellen")
    if v2:
        p.seq("Ausstellen", "Bestaetigen")
    p.seq(last, "Ende")
    p.msg("Bewohner", "Start", "Online-Antrag").msg("Bewohner", "Gebuehr", "Zahlung").msg("Ablehnung", "Bewohner", "Bescheid").msg(
        last, "Bewohner", "Parkausweis"
    )
    return p


def haushaltsanzeige(version: str) -> Process:
    p = Process(
        "Haushaltsanzeige",
        "Anzeige der Haushaltssatzung",
        "Bezirksregierung Detmold – Kommunalaufsicht",
        NS + "bezirksregierung-detmold/haushaltsanzeige-kommunalaufsicht",
        doc=(
            "Aufsicht über kreisfreie Städte und Kreise (§ 120 GO NRW: die Bezirksregierung ist Aufsichtsbehörde der kreisfreien Städte und Kreise; "
            "kreisangehörige Gemeinden beaufsichtigt der Landrat). Für diese Leistung ist kein LeiKa-Schlüssel belegt."
        ),
    )
    p.lane("Lane_Post", "Digitaler Posteingang").lane("Lane_Aufsicht", "Kommunalaufsicht")
    p.external("Kommune", "Kreisfreie Stadt oder Kreis", "top")
    p.add(
        "Start",
        "startEvent",
        "Haushaltssatzung angezeigt",
        "Lane_Post",
        0,
        message=True,
        doc="Rechtsgrundlage: § 80 Abs. 5 GO NRW (Anzeige der Haushaltssatzung).",
    )
    p.add(
        "Eingang",
        "serviceTask",
        "Eingang bestätigen und Vorgang anlegen",
        "Lane_Post",
        1,
        doc="Keine eigene Rechtsgrundlage (Registratur, E-Akte).",
    )
    p.add(
        "Vollstaendig",
        "userTask",
        "Vollständigkeit der Unterlagen prüfen",
        "Lane_Aufsicht",
        2,
        doc="Rechtsgrundlage: § 80 Abs. 5 GO NRW; beizufügende Anlagen nach KomHVO NRW.",
    )
    p.add("GwVollstaendig", "exclusiveGateway", "Unterlagen vollständig?", "Lane_Aufsicht", 3)
    p.add(
        "Nachfordern",
        "sendTask",
        "Fehlende Unterlagen nachfordern",
        "Lane_Aufsicht",
        4,
        row=1,
        doc="Rechtsgrundlage: § 121 GO NRW (Unterrichtungsrecht der Aufsicht).",
    )
    p.add("Nachgereicht", "intermediateCatchEvent", "Unterlagen nachgereicht", "Lane_Aufsicht", 5, row=1, message=True)
    p.add("GwJoin", "exclusiveGateway", "", "Lane_Aufsicht", 6)
    p.add(
        "Pruefen",
        "userTask",
        "Haushalt aufsichtsrechtlich prüfen",
        "Lane_Aufsicht",
        7,
        doc="Rechtsgrundlage: §§ 75, 76, 80 GO NRW; § 119 GO NRW (Rechtsaufsicht).",
    )
    p.add("GwBedenken", "exclusiveGateway", "Aufsichtsrechtliche Bedenken?", "Lane_Aufsicht", 8)
    p.add(
        "Stellungnahme",
        "sendTask",
        "Stellungnahme an die Kommune senden",
        "Lane_Aufsicht",
        9,
        row=1,
        doc="Rechtsgrundlage: §§ 119 ff. GO NRW.",
    )
    p.add("EndeStellungnahme", "endEvent", "Stellungnahme versandt", "Lane_Aufsicht", 10, row=1)
    p.add(
        "Vermerk",
        "sendTask",
        "Prüfvermerk an die Kommune senden",
        "Lane_Aufsicht",
        9,
        doc="Keine eigene Rechtsgrundlage (Abschluss des Vorgangs).",
    )
    p.add("Ende", "endEvent", "Anzeige ohne Bedenken abgeschlossen", "Lane_Aufsicht", 10)
    p.chain("Start", "Eingang", "Vollstaendig", "GwVollstaendig").seq("GwVollstaendig", "Nachfordern", "nein").seq(
        "GwVollstaendig", "GwJoin", "ja"
    )
    p.chain("Nachfordern", "Nachgereicht", "GwJoin", "Pruefen", "GwBedenken").seq("GwBedenken", "Stellungnahme", "ja").seq(
        "Stellungnahme", "EndeStellungnahme"
    )
    p.seq("GwBedenken", "Vermerk", "nein").seq("Vermerk", "Ende")
    p.msg("Kommune", "Start", "Haushaltssatzung mit Anlagen").msg("Nachfordern", "Kommune", "Nachforderung").msg(
        "Kommune", "Nachgereicht", "Unterlagen"
    )
    p.msg("Stellungnahme", "Kommune", "Stellungnahme").msg("Vermerk", "Kommune", "Prüfvermerk")
    return p


def zuwendung(version: str) -> Process:
    v11 = version >= "1.1.0"
    p = Process(
        "Zuwendungsverfahren",
        "Zuwendungsverfahren",
        "Bezirksregierung Detmold – Bewilligungsbehörde",
        NS + "bezirksregierung-detmold/zuwendungsverfahren",
        doc="Zuwendungen nach § 44 LHO NRW und den Verwaltungsvorschriften dazu. Für diese Leistung ist kein LeiKa-Schlüssel belegt.",
    )
    p.lane("Lane_SB", "Sachbearbeitung Förderung").lane("Lane_Leitung", "Dezernatsleitung").lane("Lane_Kasse", "Haushalt und Kasse")
    p.external("Empfaenger", "Zuwendungsempfänger (z. B. Kommune)", "top")
    lho = "Rechtsgrundlage: § 44 LHO NRW mit VV zu § 44 LHO"
    p.add("Start", "startEvent", "Förderantrag eingegangen", "Lane_SB", 0, message=True, doc=lho + " (Antrag).")
    p.add(
        "EAkte", "serviceTask", "Antrag in die E-Akte übernehmen", "Lane_SB", 1, doc="Keine eigene Rechtsgrundlage (Schriftgutverwaltung)."
    )
    p.add("GwJoin1", "exclusiveGateway", "", "Lane_SB", 2)
    p.add(
        "Pruefen",
        "userTask",
        "Antrag zuwendungsrechtlich prüfen" if v11 else "Antrag prüfen",
        "Lane_SB",
        3,
        doc=lho + " und Förderrichtlinie des Programms.",
    )
    p.add("GwVollstaendig", "exclusiveGateway", "Unterlagen vollständig?", "Lane_SB", 4)
    p.add("Nachfordern", "sendTask", "Unterlagen nachfordern", "Lane_SB", 5, row=1, doc="Rechtsgrundlage: § 26 VwVfG NRW (Mitwirkung).")
    p.add("Nachgereicht", "intermediateCatchEvent", "Unterlagen nachgereicht", "Lane_SB", 6, row=1, message=True)
    p.add(
        "Berechnen",
        "businessRuleTask",
        "Zuwendung berechnen",
        "Lane_SB",
        5,
        doc=lho + "; Finanzierungsart und Fördersatz nach der Förderrichtlinie.",
    )
    p.add("GwVierAugen", "exclusiveGateway", "Betrag über der Mitzeichnungsgrenze?", "Lane_SB", 6)
    p.add(
        "Mitzeichnen",
        "userTask",
        "Bescheid mitzeichnen",
        "Lane_Leitung",
        7,
        doc="Handlungsgrundlage: Geschäftsordnung der Bezirksregierung (Zeichnungsbefugnis).",
    )
    p.add("GwJoin2", "exclusiveGateway", "", "Lane_SB", 8)
    p.add("Bescheid", "sendTask", "Zuwendungsbescheid versenden", "Lane_SB", 9, doc=lho + "; Bescheid nach § 35 VwVfG NRW mit ANBest.")
    p.add(
        "Abruf",
        "intermediateCatchEvent",
        "Mittelabruf eingegangen",
        "Lane_Kasse",
        10,
        message=True,
        doc=lho + " (Auszahlung nur nach Bedarf).",
    )
    p.add("Auszahlen", "serviceTask", "Auszahlung anweisen", "Lane_Kasse", 11, doc="Rechtsgrundlage: § 70 LHO NRW (Zahlungen).")
    p.chain("Start", "EAkte", "GwJoin1", "Pruefen", "GwVollstaendig").seq("GwVollstaendig", "Nachfordern", "nein").chain(
        "Nachfordern", "Nachgereicht", "GwJoin1"
    )
    p.seq("GwVollstaendig", "Berechnen", "ja").chain("Berechnen", "GwVierAugen").seq("GwVierAugen", "Mitzeichnen", "ja").seq(
        "GwVierAugen", "GwJoin2", "nein"
    )
    p.chain("Mitzeichnen", "GwJoin2", "Bescheid", "Abruf", "Auszahlen")
    p.msg("Empfaenger", "Start", "Förderantrag").msg("Nachfordern", "Empfaenger", "Nachforderung").msg(
        "Empfaenger", "Nachgereicht", "Unterlagen"
    )
    p.msg("Bescheid", "Empfaenger", "Zuwendungsbescheid").msg("Empfaenger", "Abruf", "Mittelabruf")
    if v11:
        p.add("VN", "receiveTask", "Verwendungsnachweis online empfangen", "Lane_SB", 12, doc=lho + " (Verwendungsnachweis nach ANBest).")
        p.add(
            "Frist",
            "boundaryEvent",
            "Nachweisfrist abgelaufen",
            "Lane_SB",
            12,
            attached="VN",
            timer=("timeDate", ""),
            cancel=False,
            doc="Zeitpunkt: Frist für den Verwendungsnachweis aus dem Zuwendungsbescheid.",
        )
        p.add("Mahnen", "sendTask", "An den Verwendungsnachweis erinnern", "Lane_SB", 13, row=1, doc=lho + ".")
        p.add("Gemahnt", "endEvent", "Erinnerung versandt", "Lane_SB", 14, row=1)
        p.add(
            "VNPruefen",
            "userTask",
            "Verwendungsnachweis prüfen",
            "Lane_SB",
            13,
            doc=lho + "; VV Nr. 11 zu § 44 LHO (Prüfung des Verwendungsnachweises).",
        )
        p.add("Ende", "endEvent", "Zuwendungsverfahren abgeschlossen", "Lane_SB", 14)
        p.chain("Auszahlen", "VN", "VNPruefen", "Ende").chain("Frist", "Mahnen", "Gemahnt")
        p.msg("Empfaenger", "VN", "Verwendungsnachweis").msg("Mahnen", "Empfaenger", "Erinnerung")
    else:
        p.add("Ende", "endEvent", "Zuwendung ausgezahlt", "Lane_Kasse", 12)
        p.seq("Auszahlen", "Ende")
    return p


def eakte(version: str) -> Process:
    v11 = version >= "1.1.0"
    p = Process(
        "EAkte",
        "E-Akte: Posteingang bis Aussonderung",
        "Kreis Paderborn – Kreisverwaltung",
        NS + "kreis-paderborn/e-akte",
        doc=(
            "Querschnittsprozess der Schriftgutverwaltung ohne eigene Verwaltungsleistung, daher ohne FIM-Stammprozess. "
            "Handlungsgrundlage: Dienstanweisung Schriftgutverwaltung und Aktenplan der Kreisverwaltung."
        ),
    )
    p.lane("Lane_Post", "Zentrale Poststelle").lane("Lane_SB", "Sachbearbeitung").lane("Lane_Reg", "Registratur")
    p.external("Absender", "Absender (Bürgerinnen, Unternehmen, Behörden)", "top")
    if v11:
        p.external("Archiv", "Kreisarchiv", "bottom", "Anbietung und Übergabe nach dem Archivgesetz NRW.")
    p.add("Start", "startEvent", "Papierpost eingegangen", "Lane_Post", 0, message=True)
    p.add("Oeffnen", "manualTask", "Post öffnen und vorsortieren", "Lane_Post", 1, doc="Handlungsgrundlage: Dienstanweisung Posteingang.")
    p.add(
        "Scannen",
        "serviceTask",
        "Dokumente scannen und Scanqualität prüfen",
        "Lane_Post",
        2,
        doc="Handlungsgrundlage: Scan-Dienstanweisung nach TR-RESISCAN (BSI TR-03138).",
    )
    p.add("Zuordnen", "userTask", "Dokument dem Vorgang zuordnen", "Lane_SB", 3, doc="Handlungsgrundlage: Aktenplan.")
    p.add("GwJoin", "exclusiveGateway", "", "Lane_SB", 4)
    p.add("Bearbeiten", "userTask", "Vorgang bearbeiten", "Lane_SB", 5, doc="Rechtsgrundlage: die der jeweiligen Fachaufgabe.")
    p.add("GwAbgeschlossen", "exclusiveGateway", "Vorgang abgeschlossen?", "Lane_SB", 6)
    p.add(
        "Wiedervorlage",
        "intermediateCatchEvent",
        "Wiedervorlagedatum erreicht",
        "Lane_SB",
        7,
        row=1,
        timer=("timeDate", ""),
        doc="Zeitpunkt: verfügtes Wiedervorlagedatum.",
    )
    p.add("zdA", "userTask", "Zu den Akten verfügen", "Lane_SB", 7, doc="Handlungsgrundlage: Dienstanweisung Schriftgutverwaltung.")
    p.add(
        "Frist",
        "intermediateCatchEvent",
        "Aufbewahrungsfrist abgelaufen",
        "Lane_Reg",
        8,
        timer=("timeDate", ""),
        doc="Zeitpunkt: Ende der Aufbewahrungsfrist laut Aktenplan.",
    )
    p.chain("Start", "Oeffnen", "Scannen", "Zuordnen", "GwJoin", "Bearbeiten", "GwAbgeschlossen")
    p.seq("GwAbgeschlossen", "Wiedervorlage", "nein").seq("Wiedervorlage", "GwJoin").seq("GwAbgeschlossen", "zdA", "ja").seq("zdA", "Frist")
    p.msg("Absender", "Start", "Post")
    if v11:
        p.add(
            "Anbieten", "sendTask", "Akte dem Archiv anbieten", "Lane_Reg", 9, doc="Rechtsgrundlage: Archivgesetz NRW (Anbietungspflicht)."
        )
        p.add(
            "Bewertung",
            "receiveTask",
            "Bewertung des Archivs empfangen",
            "Lane_Reg",
            10,
            doc="Rechtsgrundlage: Archivgesetz NRW (Bewertung durch das Archiv).",
        )
        p.add(
            "Rueckmeldefrist",
            "boundaryEvent",
            "Rückmeldefrist abgelaufen",
            "Lane_Reg",
            10,
            attached="Bewertung",
            timer=("timeDuration", "P90D"),
            doc="Rückmeldefrist von 90 Kalendertagen laut Absprache mit dem Kreisarchiv (Beispielwert).",
        )
        p.add("GwLoeschen", "exclusiveGateway", "", "Lane_Reg", 11.5, row=1)
        p.add("GwArchiv", "exclusiveGateway", "Archivwürdig?", "Lane_Reg", 11)
        p.add("Uebergeben", "sendTask", "Akte an das Archiv übergeben", "Lane_Reg", 12, doc="Rechtsgrundlage: Archivgesetz NRW.")
        p.add("Archiviert", "endEvent", "Akte archiviert", "Lane_Reg", 13)
        p.add(
            "Loeschen",
            "serviceTask",
            "Akte löschen und Löschung protokollieren",
            "Lane_Reg",
            12.5,
            row=1,
            doc="Rechtsgrundlage: Art. 17 DSGVO; Löschprotokoll nach Dienstanweisung.",
        )
        p.add("Geloescht", "endEvent", "Akte gelöscht", "Lane_Reg", 13.5, row=1)
        p.chain("Frist", "Anbieten", "Bewertung", "GwArchiv").seq("GwArchiv", "Uebergeben", "ja").seq("Uebergeben", "Archiviert")
        p.seq("GwArchiv", "GwLoeschen", "nein").chain("Rueckmeldefrist", "GwLoeschen", "Loeschen", "Geloescht")
        p.msg("Anbieten", "Archiv", "Anbietungsliste").msg("Archiv", "Bewertung", "Bewertung").msg(
            "Uebergeben", "Archiv", "Akte (Aussonderungsdaten)"
        )
    else:
        p.add(
            "Vormerken",
            "serviceTask",
            "Akte zur Aussonderung vormerken",
            "Lane_Reg",
            9,
            doc="Handlungsgrundlage: Dienstanweisung Schriftgutverwaltung.",
        )
        p.add("Ende", "endEvent", "Akte zur Aussonderung vorgemerkt", "Lane_Reg", 10)
        p.chain("Frist", "Vormerken", "Ende")
    return p


def esignatur(version: str) -> Process:
    p = Process(
        "ESignatur",
        "Elektronische Signatur von Bescheiden",
        "Kreis Paderborn – Kreisverwaltung",
        NS + "kreis-paderborn/e-signatur",
        doc="Querschnittsprozess (Unterprozess der Bescheiderstellung) ohne eigene Verwaltungsleistung, daher ohne FIM-Stammprozess.",
    )
    p.lane("Lane_SB", "Sachbearbeitung").lane("Lane_ZB", "Zeichnungsberechtigte").lane("Lane_Dienst", "Signaturdienst")
    p.external("Empfaenger", "Bescheidempfänger", "top")
    p.add("Start", "startEvent", "Bescheid fertig entworfen", "Lane_SB", 0)
    p.add(
        "Niveau",
        "businessRuleTask",
        "Signaturniveau ermitteln",
        "Lane_SB",
        1,
        doc="Rechtsgrundlage: § 3a Abs. 2 VwVfG NRW (Ersatz der Schriftform durch qualifizierte elektronische Signatur).",
    )
    p.add("GwQES", "exclusiveGateway", "Qualifizierte Signatur erforderlich?", "Lane_SB", 2)
    p.add(
        "Fernsignatur",
        "userTask",
        "Bescheid prüfen und Fernsignatur auslösen",
        "Lane_ZB",
        3,
        doc="Rechtsgrundlage: Art. 25 Abs. 2 eIDAS-VO (EU) Nr. 910/2014; § 3a Abs. 2 VwVfG NRW.",
    )
    p.add(
        "Erinnerung",
        "boundaryEvent",
        "Zeichnung bis zum nächsten Arbeitstag offen",
        "Lane_ZB",
        3,
        attached="Fernsignatur",
        timer=("timeDate", ""),
        cancel=False,
        doc=WORKING_DAYS,
    )
    p.add(
        "Erinnern",
        "serviceTask",
        "Zeichnungsberechtigte per Aufgabenliste erinnern",
        "Lane_ZB",
        4,
        row=1,
        doc="Handlungsgrundlage: Dienstanweisung Zeichnung.",
    )
    p.add("Erinnert", "endEvent", "Erinnerung eingestellt", "Lane_ZB", 5, row=1)
    p.add(
        "Siegel",
        "serviceTask",
        "Elektronisches Siegel anbringen",
        "Lane_Dienst",
        3,
        doc="Rechtsgrundlage: Art. 35 eIDAS-VO (elektronisches Siegel).",
    )
    p.add("GwJoin", "exclusiveGateway", "", "Lane_Dienst", 4)
    p.add("Validieren", "serviceTask", "Signatur validieren", "Lane_Dienst", 5, doc="Rechtsgrundlage: Art. 32 eIDAS-VO (Validierung).")
    p.add("GwGueltig", "exclusiveGateway", "Signatur gültig?", "Lane_Dienst", 6)
    p.add(
        "Fehler", "userTask", "Fehler klären und neu signieren lassen", "Lane_SB", 7, doc="Handlungsgrundlage: Dienstanweisung Zeichnung."
    )
    p.add("Fehlgeschlagen", "endEvent", "Signatur fehlgeschlagen", "Lane_SB", 8)
    p.add(
        "Zustellen",
        "sendTask",
        "Bescheid elektronisch zustellen",
        "Lane_Dienst",
        7,
        doc="Rechtsgrundlage: § 41 Abs. 2a VwVfG NRW (Bekanntgabe durch Bereitstellung zum Abruf) bzw. LZG NRW.",
    )
    p.add(
        "Ablegen",
        "serviceTask",
        "Prüfbericht in der E-Akte ablegen",
        "Lane_Dienst",
        8,
        doc="Handlungsgrundlage: Dienstanweisung Schriftgutverwaltung.",
    )
    p.add("Ende", "endEvent", "Bescheid zugestellt", "Lane_Dienst", 9)
    p.chain("Start", "Niveau", "GwQES").seq("GwQES", "Fernsignatur", "ja").seq("GwQES", "Siegel", "nein")
    p.chain("Fernsignatur", "GwJoin").chain("Siegel", "GwJoin", "Validieren", "GwGueltig").chain("Erinnerung", "Erinnern", "Erinnert")
    p.seq("GwGueltig", "Fehler", "nein").seq("Fehler", "Fehlgeschlagen").seq("GwGueltig", "Zustellen", "ja").chain(
        "Zustellen", "Ablegen", "Ende"
    )
    p.msg("Zustellen", "Empfaenger", "Bescheid mit Signatur")
    return p


def serviceportal_stadt(version: str) -> Process:
    p = Process(
        "Serviceportal",
        "Antrag über das Serviceportal",
        "Stadt Paderborn – Serviceportal",
        NS + "stadt-paderborn/serviceportal",
        doc=(
            "Querschnittsprozess des Serviceportals (digitales Bürgerbüro, online seit Anfang 2019) für jeden Online-Dienst; ohne eigene "
            "Verwaltungsleistung, daher ohne FIM-Stammprozess. Die fachliche Bearbeitung folgt dem Prozess der jeweiligen Leistung."
        ),
    )
    p.lane("Lane_Portal", "Serviceportal (Online-Dienste)").lane("Lane_Fach", "Fachamt")
    p.external("Buerger", "Bürgerinnen, Bürger und Unternehmen", "top")
    p.add(
        "Start",
        "startEvent",
        "Antrag im Serviceportal abgeschickt",
        "Lane_Portal",
        0,
        message=True,
        doc="Rechtsgrundlage: § 1 Abs. 1 OZG (Leistungen auch online anbieten).",
    )
    p.add(
        "Konto",
        "serviceTask",
        "Anmeldung mit dem Servicekonto prüfen",
        "Lane_Portal",
        1,
        doc="Rechtsgrundlage: § 3 Abs. 2 OZG (Nutzerkonto).",
    )
    p.add("GwGebuehr", "exclusiveGateway", "Gebührenpflichtig?", "Lane_Portal", 2)
    p.add(
        "Zahlung",
        "callActivity",
        "Gebühr über E-Payment bezahlen lassen",
        "Lane_Portal",
        3,
        row=1,
        doc="Unterprozess aus dem Paket stadt-paderborn/e-payment; Rechtsgrundlage der Gebühr ist die der jeweiligen Leistung.",
    )
    p.add("GwJoin", "exclusiveGateway", "", "Lane_Portal", 4)
    p.add(
        "Uebermitteln",
        "serviceTask",
        "Antrag an das Fachverfahren übergeben",
        "Lane_Portal",
        5,
        doc="Keine eigene Rechtsgrundlage (technische Übergabe).",
    )
    p.add(
        "Eingang",
        "sendTask",
        "Eingangsbestätigung in das Postfach stellen",
        "Lane_Portal",
        6,
        doc="Rechtsgrundlage: § 3 Abs. 2 OZG (Nutzerkonto mit Postfach).",
    )
    p.add("Bearbeiten", "userTask", "Antrag fachlich bearbeiten", "Lane_Fach", 7, doc="Rechtsgrundlage: die der jeweiligen Leistung.")
    p.add("Ende", "endEvent", "Antrag dem Fachamt übergeben", "Lane_Fach", 8)
    p.chain("Start", "Konto", "GwGebuehr").seq("GwGebuehr", "Zahlung", "ja").seq("GwGebuehr", "GwJoin", "nein").chain(
        "Zahlung", "GwJoin", "Uebermitteln", "Eingang", "Bearbeiten", "Ende"
    )
    p.msg("Buerger", "Start", "Online-Antrag").msg("Eingang", "Buerger", "Eingangsbestätigung")
    return p


def serviceportal_kreis(version: str) -> Process:
    p = Process(
        "ServiceportalKreis",
        "Antrag über das Serviceportal des Kreises",
        "Kreis Paderborn – Serviceportal",
        NS + "kreis-paderborn/serviceportal",
        doc=(
            "Querschnittsprozess des Serviceportals des Kreises Paderborn (online seit Anfang 2019) für jeden Online-Dienst; ohne eigene "
            "Verwaltungsleistung, daher ohne FIM-Stammprozess."
        ),
    )
    p.lane("Lane_Portal", "Serviceportal (Online-Dienste)").lane("Lane_Amt", "Zuständiges Amt der Kreisverwaltung")
    p.external("Buerger", "Bürgerinnen, Bürger und Unternehmen", "top")
    p.add(
        "Start", "startEvent", "Antrag im Serviceportal abgeschickt", "Lane_Portal", 0, message=True, doc="Rechtsgrundlage: § 1 Abs. 1 OZG."
    )
    p.add(
        "Konto",
        "serviceTask",
        "Anmeldung mit dem Servicekonto prüfen",
        "Lane_Portal",
        1,
        doc="Rechtsgrundlage: § 3 Abs. 2 OZG (Nutzerkonto).",
    )
    p.add(
        "Zuordnen",
        "businessRuleTask",
        "Zuständiges Amt ermitteln",
        "Lane_Portal",
        2,
        doc="Handlungsgrundlage: Zuständigkeitsordnung der Kreisverwaltung.",
    )
    p.add(
        "Eingang",
        "sendTask",
        "Eingangsbestätigung in das Postfach stellen",
        "Lane_Portal",
        3,
        doc="Rechtsgrundlage: § 3 Abs. 2 OZG (Nutzerkonto mit Postfach).",
    )
    p.add("Bearbeiten", "userTask", "Antrag fachlich bearbeiten", "Lane_Amt", 4, doc="Rechtsgrundlage: die der jeweiligen Leistung.")
    p.add("Ende", "endEvent", "Antrag dem Amt übergeben", "Lane_Amt", 5)
    p.chain("Start", "Konto", "Zuordnen", "Eingang", "Bearbeiten", "Ende")
    p.msg("Buerger", "Start", "Online-Antrag").msg("Eingang", "Buerger", "Eingangsbestätigung")
    return p


def lorawan(version: str) -> Process:
    p = Process(
        "LoRaWAN",
        "Sensor in das LoRaWAN-Netz aufnehmen",
        "Stadt Delbrück – LoRaWAN-Netz",
        NS + "stadt-delbrueck/lorawan-netz",
        doc=(
            "Betriebsprozess des städtischen LoRaWAN-Netzes (erstes abgeschlossenes Projekt der Digitalen Modellregion OWL, 2019); "
            "keine Verwaltungsleistung, daher ohne FIM-Stammprozess. Der Ablauf ist beispielhaft."
        ),
    )
    p.lane("Lane_Netz", "Netzbetrieb (IT)").lane("Lane_DS", "Datenschutz")
    p.external("Fachbereich", "Fachbereich mit Messaufgabe", "top")
    p.add("Start", "startEvent", "Anfrage für einen Sensor eingegangen", "Lane_Netz", 0, message=True)
    p.add(
        "Pruefen", "userTask", "Messaufgabe und Funkabdeckung prüfen", "Lane_Netz", 1, doc="Handlungsgrundlage: Betriebskonzept des Netzes."
    )
    p.add("GwPersonenbezug", "exclusiveGateway", "Personenbezogene Daten?", "Lane_Netz", 2)
    p.add(
        "DSFA",
        "userTask",
        "Datenschutzrechtlich bewerten",
        "Lane_DS",
        3,
        doc="Rechtsgrundlage: Art. 35 DSGVO (Datenschutz-Folgenabschätzung, soweit erforderlich).",
    )
    p.add("GwJoin", "exclusiveGateway", "", "Lane_Netz", 4)
    p.add(
        "Registrieren",
        "serviceTask",
        "Sensor im Netzserver registrieren",
        "Lane_Netz",
        5,
        doc="Handlungsgrundlage: Betriebskonzept des Netzes.",
    )
    p.add(
        "Freigabe", "sendTask", "Zugang zu den Messdaten freigeben", "Lane_Netz", 6, doc="Handlungsgrundlage: Betriebskonzept des Netzes."
    )
    p.add("Ende", "endEvent", "Sensor in Betrieb", "Lane_Netz", 7)
    p.chain("Start", "Pruefen", "GwPersonenbezug").seq("GwPersonenbezug", "DSFA", "ja").seq("GwPersonenbezug", "GwJoin", "nein")
    p.chain("DSFA", "GwJoin", "Registrieren", "Freigabe", "Ende")
    p.msg("Fachbereich", "Start", "Anfrage").msg("Freigabe", "Fachbereich", "Zugangsdaten")
    return p


def wirtschaftsportal(version: str) -> Process:
    p = Process(
        "WSP",
        "Gewerbeanzeige über das Gewerbe-Service-Portal.NRW",
        "Bezirksregierung Detmold – Einheitlicher Ansprechpartner NRW",
        NS + "bezirksregierung-detmold/gewerbe-service-portal",
        doc=(
            "Weg einer Gewerbeanzeige über das Gewerbe-Service-Portal.NRW (Verordnung vom 11.12.2018, heute Wirtschafts-Service-Portal.NRW) "
            "zur zuständigen Gewerbemeldestelle; der Einheitliche Ansprechpartner NRW ist seit 2016 eine Stelle der Bezirksregierung Detmold. "
            "Die Prüfung und die Empfangsbescheinigung bleiben bei der Kommune (Lokalprozess z. B. stadt-paderborn/gewerbeanmeldung)."
        ),
    )
    p.lane("Lane_Portal", "Gewerbe-Service-Portal.NRW").lane("Lane_EA", "Einheitlicher Ansprechpartner NRW (Beratung)")
    p.external("Unternehmen", "Gewerbetreibende und Gründende", "top")
    p.external("Kommune", "Zuständige Gewerbemeldestelle der Kommune", "bottom")
    gsp = "Rechtsgrundlage: Verordnung über das Gewerbe-Service-Portal.NRW (GSP.NRW VO) vom 11.12.2018"
    p.add(
        "Start",
        "startEvent",
        "Gewerbeanzeige im Portal abgeschickt",
        "Lane_Portal",
        0,
        message=True,
        doc="Rechtsgrundlage: § 14 Abs. 1 GewO; " + gsp + ".",
    )
    p.add("GwBeratung", "exclusiveGateway", "Beratung gewünscht?", "Lane_Portal", 1)
    p.add("Beraten", "userTask", "Unternehmen beraten", "Lane_EA", 2, doc="Aufgabe des Einheitlichen Ansprechpartners NRW.")
    p.add("GwJoin", "exclusiveGateway", "", "Lane_Portal", 3)
    p.add("Zustaendig", "businessRuleTask", "Zuständige Gewerbemeldestelle ermitteln", "Lane_Portal", 4, doc=gsp + ".")
    p.add(
        "Weiterleiten",
        "sendTask",
        "Anzeige an die Gewerbemeldestelle übermitteln",
        "Lane_Portal",
        5,
        doc=gsp + "; zuständig für Prüfung und Empfangsbescheinigung bleibt die Kommune (§ 15 Abs. 1 GewO).",
    )
    p.add("Ende", "endEvent", "Anzeige weitergeleitet", "Lane_Portal", 6)
    p.chain("Start", "GwBeratung").seq("GwBeratung", "Beraten", "ja").seq("GwBeratung", "GwJoin", "nein").chain(
        "Beraten", "GwJoin", "Zustaendig", "Weiterleiten", "Ende"
    )
    p.msg("Unternehmen", "Start", "Gewerbeanzeige").msg("Beraten", "Unternehmen", "Beratung").msg(
        "Weiterleiten", "Kommune", "Gewerbeanzeige"
    )
    return p


PROCESSES = {
    "stadt-paderborn/gewerbeanmeldung": gewerbeanmeldung,
    "stadt-bielefeld/gewerbeabmeldung": gewerbeabmeldung,
    "stadt-bielefeld/gewerbeummeldung": gewerbeummeldung,
    "stadt-paderborn/online-terminvergabe": terminvergabe,
    "stadt-paderborn/personalausweis-beantragen": personalausweis,
    "stadt-paderborn/wohnsitzanmeldung": wohnsitzanmeldung,
    "stadt-paderborn/e-payment": epayment,
    "stadt-delbrueck/hundesteuer-anmeldung": hundesteuer,
    "stadt-delbrueck/fuehrungszeugnis-beantragen": fuehrungszeugnis,
    "stadt-bielefeld/bewohnerparkausweis": bewohnerparken,
    "bezirksregierung-detmold/haushaltsanzeige-kommunalaufsicht": haushaltsanzeige,
    "bezirksregierung-detmold/zuwendungsverfahren": zuwendung,
    "kreis-paderborn/e-akte": eakte,
    "kreis-paderborn/e-signatur": esignatur,
    "stadt-paderborn/serviceportal": serviceportal_stadt,
    "kreis-paderborn/serviceportal": serviceportal_kreis,
    "stadt-delbrueck/lorawan-netz": lorawan,
    "bezirksregierung-detmold/gewerbe-service-portal": wirtschaftsportal,
}
