"""The ministry's reports as files German Excel opens as they are.

CSV: semicolon-separated (German Excel's list separator), UTF-8 with a byte order mark (without
it Excel reads the file as Windows-1252 and breaks the umlauts), German column headers and values
(``ja``/``nein``, ``in Produktion``), decimal commas. XLSX (XlsxWriter): one sheet per report, with
typed cells, so nobody has to import anything.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

BOM = "\ufeff"

# column headers: field name -> German header (fields not listed keep their name)
HEADERS: dict[str, str] = {
    "package": "Paket (Kennung)",
    "name": "Paket",
    "publisher": "Herausgeber",
    "themenfeld": "Themenfeld",
    "version": "Version",
    "computed_level": "Reifegrad berechnet",
    "level": "Reifegrad",
    "level_name": "Reifegrad (Bezeichnung)",
    "reviewed": "begutachtet",
    "adopter": "Nachnutzer (Kennung)",
    "adopter_name": "Nachnutzer",
    "status": "Stand",
    "since": "seit",
    "counts_for_maturity": "zählt für den Reifegrad",
    "confirmed": "bestätigt",
    "period": "Monat",
    **{f"level_{n}": f"Reifegrad {n}" for n in range(5)},
    "planned": "geplant",
    "pilot": "im Pilotbetrieb",
    "production": "in Produktion",
    "ended": "beendet",
    "adoptions": "bestätigte Nachnutzungen",
    "build_person_days": "Aufwand Neuentwicklung (Personentage)",
    "build_costs_eur": "Kosten Neuentwicklung (Euro)",
    "adopt_person_days": "Aufwand Nachnutzung (Personentage)",
    "adopt_costs_eur": "Kosten Nachnutzung (Euro)",
    "saved_person_days": "eingesparte Personentage",
    "saved_costs_eur": "eingesparte Kosten (Euro)",
    "source": "Quelle des Nachnutzungsaufwands",
}
STATUS_VALUES = {"planned": "geplant", "pilot": "im Pilotbetrieb", "production": "in Produktion", "ended": "beendet"}


class Record(Protocol):
    """A report row as a Struct (``hub.model.Base``): its fields by name."""

    def to_dict(self) -> dict[str, Any]: ...


Row = Mapping[str, Any] | Record


@dataclass
class Sheet:
    """One report as a table: the sheet's title (at most 31 characters, Excel's limit) and its rows."""

    title: str
    rows: Sequence[Row]


def german_value(key: str, value: Any) -> Any:
    """A cell's value as German Excel shows it; numbers stay numbers (the CSV writer formats them)."""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if value is None:
        return ""
    if key == "status" and value in STATUS_VALUES:
        return STATUS_VALUES[value]
    return value


def _csv_cell(value: Any) -> str:
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
        return text.replace(".", ",")  # German decimal comma
    return str(value)


def _dicts(rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [dict(row) if isinstance(row, Mapping) else row.to_dict() for row in rows]


def to_csv(rows: Sequence[Row]) -> str:
    """German Excel CSV (``;``, BOM, German headers and values); the rows' field names give the columns."""
    dicts = _dicts(rows)
    buffer = io.StringIO()
    buffer.write(BOM)
    if dicts:
        keys = list(dicts[0])
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([HEADERS.get(k, k) for k in keys])
        for row in dicts:
            writer.writerow([_csv_cell(german_value(k, row.get(k))) for k in keys])
    return buffer.getvalue()


def to_xlsx(sheets: Sequence[Sheet], *, when: datetime | None = None) -> bytes:
    """One workbook, one sheet per report; ``when`` sets the document's dates (the catalogue commit's time).

    Written with XlsxWriter: openpyxl builds an object per cell and took most of the site's
    update after a publish, which writes this workbook. Text stays text: nothing a package names
    becomes a formula or a link.
    """
    import xlsxwriter  # here, not at the top: a server's start does not load it

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    bold = book.add_format({"bold": True})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.title[:31])
        dicts = _dicts(sheet.rows)
        if not dicts:
            ws.write_string(0, 0, "keine Einträge")
            continue
        keys = list(dicts[0])
        ws.write_row(0, 0, [HEADERS.get(k, k) for k in keys], bold)
        widths = [len(str(HEADERS.get(k, k))) for k in keys]
        for number, row in enumerate(dicts, start=1):
            for column, key in enumerate(keys):
                value = german_value(key, row.get(key))  # once per cell: for the cell and for its column's width
                text = str(value)
                widths[column] = max(widths[column], len(text))
                if isinstance(value, (int, float)):
                    ws.write_number(number, column, value)
                elif value != "":
                    ws.write_string(number, column, text)
        ws.freeze_panes(1, 0)
        for index, width in enumerate(widths):
            ws.set_column(index, index, min(60, width + 2))
    if when is not None:
        book.set_properties({"created": when.replace(tzinfo=None)})
    book.close()
    return _fixed_member_times(
        buffer.getvalue(),
        (when.year, when.month, when.day, when.hour, when.minute, when.second) if when is not None else (1980, 1, 1, 0, 0, 0),
    )


def _created(core: bytes) -> bytes:
    found = re.search(rb"<dcterms:created[^>]*>([^<]*)", core)
    return found.group(1) if found else b"1980-01-01T00:00:00Z"


def _modified_as_created(core: bytes) -> bytes:
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", lambda m: m.group(1) + _created(core), core)


def _fixed_member_times(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The same workbook with every zip member dated ``date_time`` (not the writer's clock): the
    served and the static site must give the same bytes for the same catalogue."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=(max(date_time[0], 1980), *date_time[1:]))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            content = source.read(member)
            if member.filename == "docProps/core.xml":  # "modified" as "created", whatever the writer put there
                content = _modified_as_created(content)
            target.writestr(info, content)
    return out.getvalue()
