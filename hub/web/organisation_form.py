"""The form of an organisation's record (``publishers/<id>.yaml``): its fields, the record a sent form makes, and each problem at its field.

The form only turns fields into the YAML ``hub organisation add`` reads and back: every rule is
publisher.schema.json's, checked by ``hub.usecases.organisations`` (the same use case as CLI and
API), so the form shows exactly the problems the CLI would print, each at the field its JSON
pointer names. Labels and help are German; help texts are the schema's own descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
import yaml

from hub.model import Problem, Publisher
from hub.schemas import PUBLISHER_SCHEMA_ID, all_schemas

TYPE_LABELS = {
    "stadt": "Stadt",
    "gemeinde": "Gemeinde",
    "kreis": "Kreis (auch StädteRegion)",
    "bezirksregierung": "Bezirksregierung",
    "land": "Land",
    "zweckverband": "Zweckverband",
    "it-dienstleister": "IT-Dienstleister",
    "sonstige": "sonstige",
}
KREISFREI = (("", "keine Angabe"), ("ja", "kreisfrei"), ("nein", "kreisangehörig"))
# the record's plain fields in the form's order: (key, label, input kind); coordinates and contacts follow
PLAIN = (
    ("id", "Kennung", "text"),
    ("name", "Name", "text"),
    ("type", "Art", "select"),
    ("state", "Bundesland", "text"),
    ("region", "Region oder Verbund", "text"),
    ("url", "Internetauftritt", "url"),
    ("description", "Kurze Vorstellung", "textarea"),
    ("kreisfrei", "Kreisfrei oder kreisangehörig", "select"),
    ("kreis", "Kreis", "text"),
    ("ags", "Amtlicher Gemeindeschlüssel", "text"),
)
CONTACT = (("name", "Name", "text"), ("role", "Funktion", "text"), ("email", "E-Mail-Adresse", "email"), ("phone", "Telefon", "tel"))
SPARE_CONTACTS = 1  # empty contact rows below the filled ones (without JavaScript there is no "add" button)


def _schema() -> dict[str, Any]:
    return all_schemas()[PUBLISHER_SCHEMA_ID]


def _help(*path: str) -> str:
    node: dict[str, Any] = _schema()
    for key in path:
        node = node["properties"][key] if key != "items" else node["items"]
    return str(node.get("description", ""))


@dataclass
class Field:
    """One input: its form name, label, kind, value, help and the problems found at it."""

    name: str
    label: str
    kind: str
    value: str = ""
    help: str = ""
    required: bool = False
    readonly: bool = False
    options: tuple[tuple[str, str], ...] = ()
    problems: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.name}"


@dataclass
class OrganisationForm:
    """The whole form: plain fields, coordinates, contact rows, and the problems no field takes."""

    plain: list[Field]
    coordinates: list[Field]
    contacts: list[list[Field]]
    general: list[str] = field(default_factory=list)

    def fields(self) -> list[Field]:
        return [*self.plain, *self.coordinates, *(f for row in self.contacts for f in row)]

    @property
    def problem_count(self) -> int:
        return len(self.general) + sum(len(f.problems) for f in self.fields())


def values_of(record: Publisher) -> dict[str, str]:
    """A stored record as the form's values."""
    data = msgspec.to_builtins(record)
    values = {key: str(data[key]) for key, _, _ in PLAIN if isinstance(data.get(key), str)}
    if isinstance(data.get("kreisfrei"), bool):
        values["kreisfrei"] = "ja" if data["kreisfrei"] else "nein"
    coordinates = data.get("coordinates") or {}
    for key in ("lat", "lon"):
        if coordinates.get(key) is not None:
            values[key] = str(coordinates[key])
    for index, contact in enumerate(data.get("contacts") or []):
        for key, _, _ in CONTACT:
            if contact.get(key):
                values[f"contact-{index}-{key}"] = str(contact[key])
    return values


def contact_rows(values: dict[str, str]) -> int:
    """How many contact rows the sent form had (the filled ones and the spare ones)."""
    rows = 0
    while any(f"contact-{rows}-{key}" in values for key, _, _ in CONTACT):
        rows += 1
    return rows


def _number(text: str) -> float | str:
    """A coordinate as typed (a German decimal comma too); what is no number stays text, for the schema to refuse at its field."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def record_of(values: dict[str, str]) -> tuple[dict[str, Any], list[int]]:
    """The record a sent form makes (empty fields left out, as a hand-written file would) and, per contact in it, its form row."""
    record: dict[str, Any] = {}
    for key, _, _ in PLAIN:
        text = values.get(key, "").strip()
        if key == "kreisfrei":
            if text in ("ja", "nein"):
                record[key] = text == "ja"
        elif text:
            record[key] = text
    coordinates = {key: _number(values[key].strip()) for key in ("lat", "lon") if values.get(key, "").strip()}
    if coordinates:
        record["coordinates"] = coordinates
    contacts, rows = [], []
    for row in range(contact_rows(values)):
        contact = {key: values.get(f"contact-{row}-{key}", "").strip() for key, _, _ in CONTACT}
        if any(contact.values()):
            contacts.append({key: text for key, text in contact.items() if text})
            rows.append(row)
    if contacts:
        record["contacts"] = contacts
    return record, rows


def record_yaml(record: dict[str, Any]) -> bytes:
    """The record as the YAML file the catalogue keeps (the form of ``hub organisation add``'s input)."""
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")


def _field_name(pointer: str | None, contact_rows_used: list[int]) -> str | None:
    """The form field a problem's JSON pointer names (None: no field; it is shown above the form)."""
    parts = (pointer or "").strip("/").split("/") if pointer else []
    if not parts or parts == [""]:
        return None
    if parts[0] == "coordinates":
        return parts[1] if len(parts) > 1 and parts[1] in ("lat", "lon") else "lat"
    if parts[0] == "contacts":
        if len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= len(contact_rows_used):
            return "contact-0-name"
        key = parts[2] if len(parts) > 2 and parts[2] in {k for k, _, _ in CONTACT} else "name"
        return f"contact-{contact_rows_used[int(parts[1])]}-{key}"
    return parts[0] if parts[0] in {k for k, _, _ in PLAIN} else None


def form(
    values: dict[str, str], *, new: bool, problems: list[Problem] | None = None, contact_rows_used: list[int] | None = None
) -> OrganisationForm:
    """The form with ``values``; a refused save's ``problems`` each at its field (the rest above the form)."""
    required = set(_schema().get("required", []))
    plain = []
    for key, label, kind in PLAIN:
        options: tuple[tuple[str, str], ...] = ()
        if key == "type":
            options = tuple((v, TYPE_LABELS.get(v, v)) for v in _schema()["properties"]["type"]["enum"])
        elif key == "kreisfrei":
            options = KREISFREI
        plain.append(
            Field(
                name=key,
                label=label,
                kind=kind,
                value=values.get(key, ""),
                help=_help(key),
                required=key in required,
                readonly=key == "id" and not new,
                options=options,
            )
        )
    coordinates = [
        Field(name=key, label=label, kind="number", value=values.get(key, ""), help=_help("coordinates", key))
        for key, label in (("lat", "Breite"), ("lon", "Länge"))
    ]
    filled = [row for row in range(contact_rows(values)) if any(values.get(f"contact-{row}-{k}", "").strip() for k, _, _ in CONTACT)]
    count = (max(filled) + 1 if filled else 0) + SPARE_CONTACTS
    contacts = [
        [
            Field(
                name=f"contact-{row}-{key}",
                label=label,
                kind=kind,
                value=values.get(f"contact-{row}-{key}", ""),
                help=_help("contacts", "items", key),
            )
            for key, label, kind in CONTACT
        ]
        for row in range(count)
    ]
    built = OrganisationForm(plain=plain, coordinates=coordinates, contacts=contacts)
    by_name = {f.name: f for f in built.fields()}
    for problem in problems or []:
        name = _field_name(problem.pointer, contact_rows_used or [])
        target = by_name.get(name) if name else None
        if target is not None:
            target.problems.append(problem.message)
        else:
            built.general.append(problem.message)
    return built
