"""The manifest editor's form, generated from ``schemas/package.schema.json`` (never a hand-written copy of its fields).

The schema is read through the one bounded resolver (:mod:`hub.formschema`): every property
becomes a widget, labelled by its ``title`` (the property name when it has none) with its
German ``description`` as help. The widget follows from the schema alone:

- an object is a fieldset of its properties; an array of objects is one fieldset per entry
  plus one empty entry to add another (no JavaScript needed; empty entries are dropped);
- ``enum`` is a select, an array of ``enum`` values a group of checkboxes, a boolean a checkbox;
- an array of strings is a text area with one value per line;
- a string is a text field (``format`` ``date``, ``uri``, ``email`` give the matching input
  type), a long free text (no ``maxLength`` up to 200 and a ``minLength`` of 20 or more, or a
  value with a line break) a text area; numbers are text fields with a decimal keyboard.

No rule of the schema is copied into the page (no ``pattern``, ``maxlength`` or ``required``
attributes; the form has ``novalidate``): the server validates, the same validation as every
upload, and its problems are placed on the widget of their JSON pointer (or the nearest
enclosing one). Every input is named by its JSON pointer in the manifest, so a submitted form
turns back into the manifest by walking the same schema (:func:`manifest_from_form`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from hub.formschema import Field, FormSchema
from hub.model import Problem
from hub.schemas import PACKAGE_SCHEMA_ID, all_schemas

MANIFEST = "hub.yaml"
LONG_TEXT = 200  # a string that may be longer than this and must be at least 20 characters is free text
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
INTEGER = re.compile(r"[+-]?\d+")


@cache
def package_form_schema() -> FormSchema:
    """The package schema read once per process."""
    return FormSchema(all_schemas()[PACKAGE_SCHEMA_ID])


@dataclass
class Widget:
    """One control (or group of controls) of the form, named by its JSON pointer in the manifest."""

    kind: str  # group, rows, text, textarea, number, date, url, email, select, checkbox, choices, lines
    pointer: str
    label: str
    help: str | None
    required: bool
    value: str = ""  # what a text-like control shows
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of a select or a group of checkboxes
    selected: set[str] = field(default_factory=set)
    checked: bool = False
    children: list[Widget] = field(default_factory=list)  # a group's fields
    entries: list[Widget] = field(default_factory=list)  # the groups of an array of objects, the last one empty
    problems: list[Problem] = field(default_factory=list)
    spare: bool = False  # the empty entry that adds one more
    entry: str = ""  # an array entry's name without its number ("Ansprechperson"), for the script that adds entries

    @property
    def id(self) -> str:
        """The HTML id: ``feld`` and the pointer's parts (property names are ``[a-z_]``, indexes digits)."""
        return "feld" + "".join("-" + re.sub(r"[^A-Za-z0-9_]", "_", part) for part in _parts(self.pointer))

    @property
    def invalid(self) -> bool:
        return any(not p.is_hint for p in self.problems)

    def widgets(self) -> Iterator[Widget]:
        """This widget and every widget below it."""
        yield self
        for child in (*self.children, *self.entries):
            yield from child.widgets()


@dataclass
class ManifestForm:
    root: Widget
    general: list[Problem]  # problems without a place in the form (another file, or the manifest as a whole)

    @property
    def errors(self) -> int:
        return sum(1 for w in self.root.widgets() for p in w.problems if not p.is_hint) + sum(1 for p in self.general if not p.is_hint)

    def placed(self) -> list[tuple[Problem, Widget | None]]:
        """Every problem with the widget it is shown at (``None``: in the list above the form only)."""
        found: list[tuple[Problem, Widget | None]] = [(p, w) for w in self.root.widgets() if w is not self.root for p in w.problems]
        return found + [(p, None) for p in self.general]


def _parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]] if pointer else []


def _child(pointer: str, name: str) -> str:
    return pointer + "/" + name.replace("~", "~0").replace("/", "~1")


def _label(item: Field) -> str:
    title = item.title
    return title if isinstance(title, str) and title.strip() else item.name


def _help(item: Field) -> str | None:
    description = item.description
    return description if isinstance(description, str) and description.strip() else None


def _option_label(value: Any, description: str | None) -> str:
    """An option as ``value (German label)`` when the description explains it that way (``concept (Konzept)``)."""
    text = str(value)
    if description:
        found = re.search(re.escape(text) + r" \(([^()]+)\)", description)
        if found:
            return f"{text} ({found.group(1)})"
    return text


def _types(item: Field) -> set[str]:
    declared = item.schema.get("type")
    return {t for t in (declared if isinstance(declared, list) else [declared]) if isinstance(t, str)}


def _scalar_kind(item: Field, value: Any) -> str:
    if item.options is not None:
        return "select"
    what = item.kind
    if what == "boolean":
        return "checkbox"
    if what in ("number", "integer") and "string" not in _types(item):
        return "number"
    if what != "string":
        return "text"
    if item.format in ("date", "email"):
        return str(item.format)
    if item.format in ("uri", "url"):
        return "url"
    longest, shortest = item.schema.get("maxLength"), item.schema.get("minLength")
    free = not isinstance(longest, int) or longest > LONG_TEXT
    if free and ((isinstance(shortest, int) and shortest >= 20) or (isinstance(value, str) and "\n" in value)):
        return "textarea"
    return "text"


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def build_form(schema: FormSchema, data: Any, problems: list[Problem] | None = None) -> ManifestForm:
    """The form for ``data`` (a manifest as a mapping, possibly invalid), with ``problems`` placed at their widgets."""
    root = _widget(schema.root, "", data if isinstance(data, dict) else {}, required=True)
    by_pointer = {w.pointer: w for w in root.widgets()}
    general: list[Problem] = []
    for problem in problems or []:
        if problem.file != MANIFEST or problem.pointer is None:
            general.append(problem)
            continue
        pointer = problem.pointer
        while pointer and pointer not in by_pointer:
            pointer = pointer.rsplit("/", 1)[0]
        if pointer:
            by_pointer[pointer].problems.append(problem)
        else:
            general.append(problem)
    return ManifestForm(root=root, general=general)


def _widget(item: Field, pointer: str, value: Any, *, required: bool) -> Widget:
    label, help_text = _label(item), _help(item)
    if item.kind == "object" and not item.recursive:
        members = value if isinstance(value, dict) else {}
        children = [
            _widget(child, _child(pointer, child.name), members.get(child.name), required=child.required) for child in item.children
        ]
        return Widget("group", pointer, label, help_text, required, children=children)
    if item.kind == "array" and item.items is not None:
        entry = item.items
        values = value if isinstance(value, list) else []
        if entry.kind == "object" and not entry.recursive:
            entries = [_widget(entry, f"{pointer}/{i}", v, required=False) for i, v in enumerate(values)]
            spare = _widget(entry, f"{pointer}/{len(values)}", {}, required=False)
            spare.spare = True
            entries.append(spare)
            named = entry.title if isinstance(entry.title, str) and entry.title.strip() else label  # an entry's title, else the list's
            for number, group in enumerate(entries, start=1):
                group.label = f"{named}: weiterer Eintrag" if group.spare else f"{named} {number}"
                group.entry = named
            return Widget("rows", pointer, label, help_text, required, entries=entries)
        if entry.options is not None:
            options = [(_show(o.value), _option_label(o.value, _help(entry))) for o in entry.options]
            return Widget("choices", pointer, label, help_text, required, options=options, selected={_show(v) for v in values})
        return Widget("lines", pointer, label, help_text, required, value="\n".join(_show(v) for v in values))
    kind = _scalar_kind(item, value)
    if kind == "select":
        options = [(_show(o.value), _option_label(o.value, help_text)) for o in item.options or []]
        return Widget(kind, pointer, label, help_text, required, options=options, selected={_show(value)} if value is not None else set())
    if kind == "checkbox":
        return Widget(kind, pointer, label, help_text, required, checked=value is True)
    return Widget(kind, pointer, label, help_text, required, value=_show(value))


# -- the submitted form back into a manifest ----------------------------------------------------

Form = Mapping[str, Any]  # a url-encoded body: a repeated name arrives as a list


def _all(form: Form, name: str) -> list[str]:
    value = form.get(name)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def _one(form: Form, name: str) -> str:
    values = _all(form, name)
    return values[0] if values else ""


def manifest_from_form(schema: FormSchema, form: Form) -> tuple[dict[str, Any], dict[str, str]]:
    """The manifest a submitted form describes, and where each kept array entry sits in the form.

    Empty fields, entries and groups are left out and numbers read where they are numbers. A
    value that is not what the schema asks for is kept as typed (text), so validation names
    the problem at its field and the form shows the input again. Leaving out an empty entry
    moves the ones after it up: the second result maps each entry's pointer in the manifest
    to its pointer in the form (:func:`form_pointer`).
    """
    moves: dict[str, str] = {}
    found = _value(schema.root, "", "", form, moves, top=True)
    return (found if isinstance(found, dict) else {}), moves


def form_pointer(pointer: str, moves: dict[str, str]) -> str:
    """A pointer into the manifest as a pointer into the form the manifest came from."""
    prefix = pointer
    while prefix:
        if prefix in moves:
            return moves[prefix] + pointer[len(prefix) :]
        prefix = prefix.rsplit("/", 1)[0]
    return pointer


def _value(item: Field, pointer: str, at: str, form: Form, moves: dict[str, str], *, top: bool = False) -> Any:
    """The value of ``item``, named ``pointer`` in the form and found at ``at`` in the manifest."""
    if item.kind == "object" and not item.recursive:
        values = {}
        for child in item.children:
            got = _value(child, _child(pointer, child.name), _child(at, child.name), form, moves)
            if got is not None:
                values[child.name] = got
        return values if values or top else None
    if item.kind == "array" and item.items is not None:
        entry = item.items
        if entry.kind == "object" and not entry.recursive:
            prefix = pointer + "/"
            heads = (k[len(prefix) :].split("/", 1)[0] for k in form if k.startswith(prefix))
            entries: list[Any] = []
            for index in sorted({int(h) for h in heads if h.isdigit() and len(h) < 6}):
                got = _value(entry, f"{pointer}/{index}", f"{at}/{len(entries)}", form, moves)
                if got is not None:
                    moves[f"{at}/{len(entries)}"] = f"{pointer}/{index}"
                    entries.append(got)
            return entries or None
        if entry.options is not None:
            chosen = [v for v in _all(form, pointer) if v]
            return [_typed(entry, v) for v in chosen] or None
        lines = [line.strip() for line in _one(form, pointer).splitlines()]
        return [_typed(entry, line) for line in lines if line] or None
    if item.kind == "boolean":
        return True if _one(form, pointer) else (False if item.required else None)
    raw = _one(form, pointer)
    text = raw.replace("\r\n", "\n").strip() if _scalar_kind(item, raw) == "textarea" else raw.strip()
    return _typed(item, text) if text else None


def _typed(item: Field, text: str) -> Any:
    """``text`` as the type the schema asks for, when it is one; else the text itself."""
    types = _types(item) or {item.kind}
    if item.options is not None:
        for option in item.options:
            if _show(option.value) == text:
                return option.value
        return text
    if "integer" in types and INTEGER.fullmatch(text):
        return int(text)
    if "number" in types and NUMBER.fullmatch(text):
        number = float(text.replace(",", "."))
        if not math.isfinite(number):
            return text  # 1e999 would be infinity, which JSON cannot carry: validation names the text
        return int(number) if number.is_integer() and not re.search(r"[.,eE]", text) else number
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text
