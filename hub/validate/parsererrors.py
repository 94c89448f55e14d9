"""German sentences for the syntax errors of XML (libxml2), JSON and YAML, with line and column.

The parsers explain in English ("Expecting ',' delimiter", "mapping values are not allowed
here"); publishers read German. Each known error becomes a sentence that says what is wrong
and, where there is a usual cause, what to do. Unknown errors get a German sentence too, never
the parser's English text.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree


def place(line: int | None, column: int | None) -> str:
    if line is None:
        return ""
    return f"Zeile {line}, Spalte {column}: " if column else f"Zeile {line}: "


# -- JSON ------------------------------------------------------------------------------------

_JSON_STDLIB = [  # json.JSONDecodeError.msg (the standard library's decoder)
    ("Expecting value", "Hier wird ein Wert erwartet: Text in doppelten Anführungszeichen, Zahl, true, false, null, Objekt oder Liste"),
    ("Expecting ',' delimiter", "Hier fehlt ein Komma zwischen zwei Einträgen (oder eine schließende Klammer)"),
    ("Expecting ':' delimiter", "Hier fehlt der Doppelpunkt zwischen Schlüssel und Wert"),
    (
        "Expecting property name enclosed in double quotes",
        "Hier wird ein Schlüssel in doppelten Anführungszeichen erwartet (oder vor „}“ steht ein Komma zu viel)",
    ),
    ("Unterminated string", "Ein Text in Anführungszeichen wird nicht geschlossen"),
    ("Extra data", "Nach dem Ende des JSON-Dokuments folgt weiterer Inhalt"),
    ("Invalid control character", "Ein Zeilenumbruch oder Tabulator steht roh in einem Text; innerhalb von Texten \\n bzw. \\t schreiben"),
    ("Invalid \\uXXXX escape", "Eine Unicode-Maskierung \\uXXXX braucht genau vier Hexadezimalziffern"),
    ("Invalid \\escape", "Ein „\\“ in einem Text leitet eine unbekannte Maskierung ein; einen Rückstrich als „\\\\“ schreiben"),
]
_JSON_MSGSPEC = [  # msgspec's "JSON is malformed: …" reasons (API request bodies)
    ("trailing comma", "Nach dem letzten Eintrag steht ein Komma zu viel"),
    ("expected ',' or '}'", "Hier fehlt ein Komma zwischen zwei Einträgen oder die schließende „}“"),
    ("expected ',' or ']'", "Hier fehlt ein Komma zwischen zwei Einträgen oder die schließende „]“"),
    ("expected ':'", "Hier fehlt der Doppelpunkt zwischen Schlüssel und Wert"),
    ("object keys must be strings", "Schlüssel müssen in doppelten Anführungszeichen stehen"),
    ("escape", "Ein „\\“ in einem Text leitet eine unbekannte Maskierung ein"),
    ("control character", "Ein Zeilenumbruch oder Tabulator steht roh in einem Text; innerhalb von Texten \\n bzw. \\t schreiben"),
    ("utf-8", "Der Text ist nicht UTF-8-kodiert"),
    ("trailing characters", "Nach dem Ende des JSON-Dokuments folgt weiterer Inhalt"),
    ("truncated", "Das JSON endet vorzeitig: eine Klammer oder ein Anführungszeichen wird nicht geschlossen"),
    ("invalid character", "Dieses Zeichen ist hier nicht erlaubt (Texte und Schlüssel in doppelten Anführungszeichen, keine Kommentare)"),
]


def _lookup(table: list[tuple[str, str]], text: str, fallback: str) -> str:
    return next((sentence for needle, sentence in table if needle in text), fallback)


def json_message(msg: str, line: int | None, column: int | None) -> str:
    """A sentence for a JSON syntax error from the standard library's decoder."""
    sentence = _lookup(_JSON_STDLIB, msg, "Die JSON-Syntax ist an dieser Stelle fehlerhaft")
    return f"Kein gültiges JSON. {place(line, column)}{sentence}."


def msgspec_json_message(msg: str, data: bytes | None) -> tuple[str, int | None]:
    """A sentence for msgspec's ``JSON is malformed: … (byte N)``, and the line, from the raw bytes."""
    line = column = None
    if data is not None and (match := re.search(r"\(byte (\d+)\)", msg)):
        offset = min(int(match.group(1)), len(data))
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    elif data is not None and "truncated" in msg:
        line = data.count(b"\n") + 1
    sentence = _lookup(_JSON_MSGSPEC, msg.lower(), "Die JSON-Syntax ist an dieser Stelle fehlerhaft")
    return f"Der Rumpf ist kein gültiges JSON. {place(line, column)}{sentence}.", line


# -- YAML ------------------------------------------------------------------------------------

_YAML = [  # PyYAML's problem (or context) texts
    (
        "mapping values are not allowed",
        "Ein Doppelpunkt steht, wo kein Schlüssel beginnen kann: Einrückung prüfen oder einen Text mit „: “ in Anführungszeichen setzen",
    ),
    ("could not find expected ':'", "Hier fehlt der Doppelpunkt nach einem Schlüssel (oder ein mehrzeiliger Text ist falsch eingerückt)"),
    ("found character '\\t'", "Tabulatoren sind in YAML zur Einrückung nicht erlaubt; Leerzeichen verwenden"),
    ("tab character", "Tabulatoren sind in YAML zur Einrückung nicht erlaubt; Leerzeichen verwenden"),
    ("cannot start any token", "Mit diesem Zeichen kann kein Wert beginnen (z. B. „@“ oder „`“); den Text in Anführungszeichen setzen"),
    ("did not find expected node content", "Hier fehlt ein Wert"),
    ("expected <block end>", "Die Einrückung passt nicht zur Ebene davor; Einträge einer Ebene müssen genau untereinander stehen"),
    ("did not find expected key", "Hier wird ein Schlüssel erwartet; die Einrückung prüfen"),
    ("did not find expected '-' indicator", "Hier wird ein Listeneintrag „- …“ erwartet; die Einrückung prüfen"),
    ("found unexpected end of stream", "Die Datei endet vorzeitig: ein Anführungszeichen oder eine Klammer wird nicht geschlossen"),
    ("did not find expected ',' or ']'", "In der Liste in eckigen Klammern fehlt ein Komma oder die schließende „]“"),
    ("did not find expected ',' or '}'", "Im Objekt in geschweiften Klammern fehlt ein Komma oder die schließende „}“"),
    ("expected ',' or ']'", "In der Liste in eckigen Klammern fehlt ein Komma oder die schließende „]“"),
    ("expected ',' or '}'", "Im Objekt in geschweiften Klammern fehlt ein Komma oder die schließende „}“"),
    ("found undefined alias", "Ein Verweis „*name“ nennt einen Anker „&name“, den es nicht gibt"),
    ("found duplicate anchor", "Derselbe Anker „&name“ ist zweimal vergeben"),
    ("expected a single document", "Die Datei enthält mehrere YAML-Dokumente (getrennt durch „---“); erlaubt ist eines"),
    (
        "unknown escape character",
        "Ein „\\“ in einem Text in doppelten Anführungszeichen leitet eine unbekannte Maskierung ein; einfache Anführungszeichen verwenden",
    ),
    ("found unexpected ':'", "Ein Doppelpunkt steht hier unerwartet; den Text in Anführungszeichen setzen"),
    ("expected alphabetic or numeric character", "Nach „&“ oder „*“ muss ein Ankername folgen; sonst den Text in Anführungszeichen setzen"),
    ("found unhashable key", "Ein Schlüssel darf keine Liste und kein Objekt sein"),
    ("non-finite number", "Unendlich („.inf“), „.nan“ und Zahlen über 1e308 kennen JSON und die Exporte nicht; eine endliche Zahl angeben"),
    ("could not determine a constructor", "Typangaben mit „!“ sind nicht erlaubt; den Text in Anführungszeichen setzen"),
    ("special characters are not allowed", "Die Datei enthält ein Steuerzeichen, das in YAML nicht erlaubt ist"),
    ("found character that cannot start any token", "Mit diesem Zeichen kann kein Wert beginnen; den Text in Anführungszeichen setzen"),
]


def yaml_message(exc: Any) -> tuple[str, int | None]:
    """A sentence for a PyYAML ``MarkedYAMLError`` (or any YAMLError), and its line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    text = " ".join(str(t) for t in (getattr(exc, "problem", None), getattr(exc, "context", None)) if t)
    sentence = _lookup(_YAML, text, "Die YAML-Syntax ist an dieser Stelle fehlerhaft")
    return f"YAML-Syntaxfehler. {place(line, column)}{sentence}.", line


# -- XML (libxml2 through lxml) --------------------------------------------------------------

_E = etree.ErrorTypes


def _xml_sentence(code: int, msg: str) -> str:
    def group(pattern: str, default: str = "?") -> str:
        match = re.search(pattern, msg)
        return match.group(1) if match else default

    if code == _E.ERR_TAG_NAME_MISMATCH:
        opened, line, closed = group(r"mismatch: (\S+)"), group(r"line (\d+)"), group(r"line \d+ and ([^\s,]+)")
        return f"Das schließende Tag „</{closed}>“ passt nicht zum offenen Element „<{opened}>“ aus Zeile {line}"
    if code == _E.ERR_TAG_NOT_FINISHED:
        tag, line = group(r"in tag (\S+)"), group(r"line (\d+)")
        return f"Die Datei endet, bevor das Element „<{tag}>“ aus Zeile {line} geschlossen wird"
    if code == _E.ERR_DOCUMENT_EMPTY:
        return "Am Anfang der Datei wird ein XML-Element erwartet" if "Start tag expected" in msg else "Die Datei ist leer"
    if code == _E.ERR_DOCUMENT_END:
        return "Nach dem Wurzelelement folgt weiterer Inhalt; ein XML-Dokument hat genau ein Wurzelelement"
    if code == _E.ERR_GT_REQUIRED:
        tag = group(r"Start Tag (\S+)")
        return f"Das Start-Tag „<{tag}“ wird nicht mit „>“ geschlossen"
    if code in (_E.ERR_ATTRIBUTE_NOT_STARTED, _E.ERR_ATTRIBUTE_WITHOUT_VALUE):
        return 'Ein Attributwert muss in Anführungszeichen stehen, z. B. name="Antrag prüfen"'
    if code == _E.ERR_ATTRIBUTE_REDEFINED:
        name = group(r"Attribute (\S+) redefined")
        return f"Das Attribut „{name}“ steht in diesem Element doppelt"
    if code == _E.ERR_LT_IN_ATTRIBUTE:
        return "Ein „<“ steht roh in einem Attributwert; als „&lt;“ schreiben"
    if (
        code in (_E.ERR_ENTITYREF_SEMICOL_MISSING, _E.ERR_UNDECLARED_ENTITY, _E.WAR_UNDECLARED_ENTITY, _E.ERR_NAME_REQUIRED)
        and "Entity" in msg
    ):
        return "Ein „&“ beginnt hier einen Entitätsverweis; ein kaufmännisches Und als „&amp;“ schreiben"
    if code == _E.ERR_NAME_REQUIRED or code == _E.ERR_LT_REQUIRED:
        return "Nach „<“ fehlt ein gültiger Elementname; ein Kleiner-als-Zeichen im Text als „&lt;“ schreiben"
    if code == _E.NS_ERR_UNDEFINED_NAMESPACE:
        prefix = group(r"prefix (\S+)")
        return f'Das Namensraum-Präfix „{prefix}“ ist nicht deklariert (xmlns:{prefix}="…" fehlt im Wurzelelement)'
    if code == _E.ERR_INVALID_CHAR or code == _E.ERR_INVALID_CHARREF:
        return "Die Datei enthält ein Zeichen, das in XML nicht erlaubt ist (z. B. ein Steuerzeichen)"
    if code in (_E.ERR_INVALID_ENCODING, _E.ERR_UNKNOWN_ENCODING, _E.ERR_UNSUPPORTED_ENCODING):
        return "Die Datei ist nicht in der angegebenen Zeichenkodierung gespeichert (erwartet: UTF-8)"
    if code == _E.ERR_COMMENT_NOT_FINISHED:
        return "Ein Kommentar „<!--“ wird nicht mit „-->“ geschlossen"
    if code == _E.ERR_SPACE_REQUIRED or "attributes construct error" in msg:
        return "Ein Attribut ist unvollständig oder zwischen zwei Attributen fehlt ein Leerzeichen"
    if code == _E.ERR_RESERVED_XML_NAME:
        return "Die XML-Deklaration „<?xml …?>“ darf nur ganz am Anfang der Datei stehen"
    if code in (_E.ERR_STRING_NOT_CLOSED, _E.ERR_STRING_NOT_STARTED, _E.ERR_LITERAL_NOT_FINISHED, _E.ERR_LITERAL_NOT_STARTED):
        return "Ein Text in Anführungszeichen wird nicht geschlossen"
    if code == _E.ERR_DOCUMENT_START or code == _E.ERR_EXT_SUBSET_NOT_FINISHED:
        return "Am Anfang der Datei wird ein XML-Element erwartet"
    return "Das XML ist an dieser Stelle nicht wohlgeformt"


def xml_message(exc: etree.XMLSyntaxError) -> str:
    """A sentence for libxml2's syntax error with line and column."""
    line, column = getattr(exc, "position", None) or (exc.lineno, None)
    return f"Kein wohlgeformtes XML. {place(line, column)}{_xml_sentence(exc.code, exc.msg or '')}."
