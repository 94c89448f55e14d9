"""A read-only HTML preview of a form schema (JSON Schema draft 2020-12 with ``x-ui`` hints).

The result is a ``<form>`` fragment for the static site: every field of the schema as the
control a form service would show, labelled with its German ``title``, help text from
``description`` linked by ``aria-describedby``, required fields marked („*“ plus
``required``/``aria-required``). Every control is ``disabled`` (and ``readonly`` where that
applies): it is a preview. Titles, descriptions and property names come from untrusted
files; all of it is escaped (``html.escape``), ids are slugs of the property path.

Mapping: object → ``<fieldset>`` with ``<legend>`` (any depth); string → ``<input>``
(``date``/``date-time``/``time``/``email``/``uri`` formats as their input types; widget
``textarea`` or ``maxLength`` over 200 → ``<textarea>``); integer/number → number input with
min/max/step; boolean → checkbox (widget ``radio`` → Ja/Nein); ``enum`` or ``oneOf`` of
``const`` → ``<select>`` (widget ``radio`` → a radio group); array of such choices →
checkbox group; array of objects → one fieldset „Eintrag 1“ as a template; array of other
values → one control for the first entry. The fields are those of ``hub.formschema`` (local
``$ref`` and ``allOf`` resolved, recursion cut off with a note), the same the semantic diff
compares and validation checks; a field that only a branch (``then``/``else``, ``oneOf``,
``anyOf``, ``dependentSchemas``) adds is shown with a note that it is asked only sometimes.

Every field's wrapper carries ``data-pointer`` (the JSON pointer of the property in the
form's data; ``0`` stands for an array's entries) so tests and scripts can find it.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from hub.formschema import Field, FormSchema
from hub.formschema import kind as schema_kind

__all__ = ["render_form_preview"]

TEXTAREA_MIN_LENGTH = 200  # maxLength above this: a multi-line field
CONDITIONAL = "Wird nur unter bestimmten Bedingungen abgefragt."
_INPUT_TYPES = {
    "date": "date",
    "date-time": "datetime-local",
    "time": "time",
    "email": "email",
    "idn-email": "email",
    "uri": "url",
    "iri": "url",
}


class Html(str):
    """Text that is already HTML; ``format`` and ``join`` escape everything that is not ``Html`` yet."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> Html:
        return Html(super().format(*(_escape(a) for a in args), **{k: _escape(v) for k, v in kwargs.items()}))

    def join(self, parts: Iterable[Any]) -> Html:
        return Html(super().join(_escape(p) for p in parts))


def _escape(value: Any) -> Html:
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)


def _value(value: Any) -> str:
    """A JSON value as form text: strings as they are, true/false/null and numbers as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_]+", "-", ascii_text).strip("-").lower()


def _lines(*parts: Html) -> Html:
    return Html("\n").join(p for p in parts if p)


def _attrs(**attributes: Any) -> Html:
    """HTML attributes: ``True`` → bare attribute, ``None``/``False`` → left out, else an escaped value."""
    parts = []
    for key, value in attributes.items():
        name = key.rstrip("_").replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            parts.append(Html(" {}").format(name))
        else:
            parts.append(Html(' {}="{}"').format(name, value if isinstance(value, str) else _value(value)))
    return Html("").join(parts)


class _Form:
    def __init__(self, schema: dict[str, Any], form_id: str) -> None:
        self.model = FormSchema(schema)
        self.form_id = _slug(form_id) or "form"
        self.ids: set[str] = {self.form_id}
        self.names: set[str] = set()

    # -- identifiers

    def new_id(self, path: Iterable[str], suffix: str = "") -> str:
        parts = [_slug(p) or "feld" for p in path] or ["wert"]
        return self.unique_id("-".join([self.form_id, *parts]) + (f"-{suffix}" if suffix else ""))

    def unique_id(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.ids:
            candidate, n = f"{base}-{n}", n + 1
        self.ids.add(candidate)
        return candidate

    def new_name(self, path: list[str]) -> str:
        base = "".join(p if i == 0 else f"[{p}]" for i, p in enumerate(path)) or "wert"
        candidate, n = base, 2
        while candidate in self.names:
            candidate, n = f"{base}~{n}", n + 1
        self.names.add(candidate)
        return candidate

    # -- schema handling (hub/formschema.py: the one reading of a form schema)

    @staticmethod
    def options(f: Field) -> list[tuple[str, str]] | None:
        """The field's choices as (value, label); ``null`` is no choice in a form."""
        if f.options is None:
            return None
        return [(_value(o.value), _text(o.title) or _value(o.value)) for o in f.options if o.value is not None]

    @staticmethod
    def widget(schema: dict[str, Any]) -> str:
        ui = schema.get("x-ui")
        return ui.get("widget", "") if isinstance(ui, dict) and isinstance(ui.get("widget"), str) else ""

    # -- output

    def render(self) -> Html:
        root = self.model.root
        schema = root.schema
        title_id, note_id = self.unique_id(f"{self.form_id}-titel"), self.unique_id(f"{self.form_id}-hinweis")
        title = _text(schema.get("title")) or "Formular"
        head = [
            Html('<h3 class="form-preview-title" id="{}">{}</h3>').format(title_id, title),
            Html('<p class="form-preview-note" id="{}" role="note">Vorschau – keine Eingabe möglich</p>').format(note_id),
        ]
        if description := _text(schema.get("description")):
            head.append(Html('<p class="form-preview-description">{}</p>').format(description))
        head.append(Html('<p class="form-required-legend"><span class="form-required" aria-hidden="true">*</span> Pflichtfeld</p>'))
        body = [self.field(child) for child in root.children] if root.kind == "object" else [self.field(root)]
        return Html('<form class="form-preview"{}>\n{}\n</form>').format(
            _attrs(id=self.form_id, aria_labelledby=title_id, aria_describedby=note_id, novalidate=True),
            Html("\n").join([*head, *body]),
        )

    def field(self, f: Field) -> Html:
        schema = f.schema
        if f.conditional:  # shown like any field, with a word that the form asks it only sometimes
            schema = {**schema, "description": " ".join(t for t in (_text(schema.get("description")), CONDITIONAL) if t)}
        path, pointer, required = list(f.path), f.pointer, f.required
        label = _text(schema.get("title")) or f.name
        if f.recursive:
            return Html(
                '<p class="form-note" data-pointer="{}">„{}“ enthält sich selbst und wird hier nicht weiter aufgefächert.</p>'
            ).format(pointer, label)
        kind = f.kind
        if kind == "object":
            return self.group(schema, f.children, path, pointer, label, required)
        if kind == "array" and f.items is not None:
            return self.array(schema, f.items, path, pointer, label, required)
        options = self.options(f)
        if options is not None:
            if self.widget(schema) in ("radio", "radios"):
                return self.choice_group(schema, path, pointer, label, required, options, kind="radio")
            return self.select(schema, path, pointer, label, required, options)
        if kind == "boolean":
            if self.widget(schema) in ("radio", "radios"):
                return self.choice_group(schema, path, pointer, label, required, [("true", "Ja"), ("false", "Nein")], kind="radio")
            return self.checkbox(schema, path, pointer, label, required)
        return self.input(schema, path, pointer, label, required)

    # -- pieces

    def _label(self, control_id: str, label: str, required: bool, cls: str = "form-label") -> Html:
        return Html('<label class="{}" for="{}">{}{}</label>').format(cls, control_id, label, self._star(required))

    @staticmethod
    def _star(required: bool) -> Html:
        return Html(' <span class="form-required" aria-hidden="true">*</span>') if required else Html("")

    def _help(self, schema: dict[str, Any], control_id: str, extra: str = "") -> tuple[Html, str | None]:
        text = " ".join(t for t in (_text(schema.get("description")), extra) if t)
        if not text:
            return Html(""), None
        help_id = self.unique_id(f"{control_id}-hilfe")
        return Html('<p class="form-help" id="{}">{}</p>').format(help_id, text), help_id

    def group(
        self,
        schema: dict[str, Any],
        fields: list[Field],
        path: list[str],
        pointer: str,
        label: str,
        required: bool,
        *,
        cls: str = "form-group",
    ) -> Html:
        group_id = self.new_id(path, "gruppe")
        help_html, help_id = self._help(schema, group_id)
        children = [self.field(child) for child in fields]
        if not children:
            children = [Html('<p class="form-note">Keine Felder.</p>')]
        return Html('<fieldset class="{}"{}>\n<legend>{}{}</legend>\n{}\n</fieldset>').format(
            cls,
            _attrs(id=group_id, data_pointer=pointer, aria_describedby=help_id),
            label,
            self._star(required),
            _lines(help_html, *children),
        )

    def array(self, schema: dict[str, Any], entry: Field, path: list[str], pointer: str, label: str, required: bool) -> Html:
        items = entry.schema
        count = _count_hint(schema)
        if entry.recursive:
            group_id = self.new_id(path, "liste")
            note = Html(
                '<p class="form-note">Jeder Eintrag ist wieder „{}“; die Struktur wiederholt sich und wird hier nicht weiter aufgefächert.</p>'
            ).format(_text(items.get("title")) or label)
            return Html('<fieldset class="form-group form-array"{}>\n<legend>{}{}</legend>\n{}\n</fieldset>').format(
                _attrs(id=group_id, data_pointer=pointer), label, self._star(required), note
            )
        options = self.options(entry)
        if options is not None:
            return self.choice_group(schema, path, pointer, label, required, options, kind="checkbox", extra=count)
        if entry.kind == "object":
            group_id = self.new_id(path, "liste")
            help_html, help_id = self._help(
                schema, group_id, " ".join(t for t in (count, "Weitere Einträge können hinzugefügt werden.") if t)
            )
            first = self.group(items, entry.children, [*path, "0"], f"{pointer}/0", "Eintrag 1", False, cls="form-group form-array-item")
            return Html('<fieldset class="form-group form-array"{}>\n<legend>{}{}</legend>\n{}\n</fieldset>').format(
                _attrs(id=group_id, data_pointer=pointer, aria_describedby=help_id), label, self._star(required), _lines(help_html, first)
            )
        # a list of plain values: the control for its first entry
        item_label = _text(items.get("title"))
        hint = " ".join(
            t
            for t in (f"Eintrag 1{f' ({item_label})' if item_label and item_label != label else ''}; weitere Einträge möglich.", count)
            if t
        )
        merged = {**items, "description": " ".join(t for t in (_text(schema.get("description")), hint) if t)}
        return self.input(merged, path, pointer, label, required, name_path=[*path, "0"], cls="form-field form-array-value")

    def input(
        self,
        schema: dict[str, Any],
        path: list[str],
        pointer: str,
        label: str,
        required: bool,
        *,
        name_path: list[str] | None = None,
        cls: str = "form-field",
    ) -> Html:
        control_id = self.new_id(path)
        kind = schema_kind(schema)
        help_html, help_id = self._help(schema, control_id)
        value = schema["const"] if "const" in schema else schema.get("default")
        value_text = None if value is None or isinstance(value, dict | list) else _value(value)
        examples = schema.get("examples")
        placeholder = (
            f"z. B. {_value(examples[0])}" if isinstance(examples, list) and examples and not isinstance(examples[0], dict | list) else None
        )
        common = {
            "id": control_id,
            "name": self.new_name(name_path or path),
            "disabled": True,
            "readonly": True,
            "required": required,
            "aria_required": "true" if required else None,
            "aria_describedby": help_id,
        }
        ui = _dict(schema.get("x-ui"))
        max_length = schema.get("maxLength") if isinstance(schema.get("maxLength"), int) else None
        min_length = schema.get("minLength") if isinstance(schema.get("minLength"), int) else None
        if kind == "string" and (self.widget(schema) == "textarea" or (max_length or 0) > TEXTAREA_MIN_LENGTH):
            wanted = ui.get("rows")
            rows = wanted if isinstance(wanted, int) and 1 <= wanted <= 40 else 4
            control = Html("<textarea{}>{}</textarea>").format(
                _attrs(**common, rows=str(rows), maxlength=max_length, minlength=min_length, placeholder=placeholder), value_text or ""
            )
            field_class = "form-field-textarea"
        elif kind in ("integer", "number"):
            lower, upper = _bound(schema, "minimum", "exclusiveMinimum", kind, +1), _bound(schema, "maximum", "exclusiveMaximum", kind, -1)
            step = (
                schema.get("multipleOf")
                if isinstance(schema.get("multipleOf"), int | float) and not isinstance(schema.get("multipleOf"), bool)
                else None
            )
            step_text = _value(step) if step is not None else "1" if kind == "integer" else "any"
            control = Html("<input{}>").format(
                _attrs(
                    type="number",
                    **common,
                    min=lower,
                    max=upper,
                    step=step_text,
                    value=value_text,
                    placeholder=placeholder,
                    inputmode="numeric" if kind == "integer" else "decimal",
                )
            )
            field_class = "form-field-number"
        else:
            fmt = schema.get("format")
            input_type = _INPUT_TYPES.get(fmt, "text") if isinstance(fmt, str) else "text"
            control = Html("<input{}>").format(
                _attrs(type=input_type, **common, maxlength=max_length, minlength=min_length, value=value_text, placeholder=placeholder)
            )
            field_class = f"form-field-{input_type}"
        return Html('<div class="{} {}"{}>\n{}\n</div>').format(
            cls, field_class, _attrs(data_pointer=pointer), _lines(self._label(control_id, label, required), control, help_html)
        )

    def checkbox(self, schema: dict[str, Any], path: list[str], pointer: str, label: str, required: bool) -> Html:
        control_id = self.new_id(path)
        help_html, help_id = self._help(schema, control_id)
        checked = schema.get("default") is True
        control = Html("<input{}>").format(
            _attrs(
                type="checkbox",
                id=control_id,
                name=self.new_name(path),
                value="true",
                checked=checked,
                disabled=True,
                required=required,
                aria_required="true" if required else None,
                aria_describedby=help_id,
            )
        )
        return Html('<div class="form-field form-field-checkbox"{}>\n{}\n</div>').format(
            _attrs(data_pointer=pointer), _lines(Html("{} {}").format(control, self._label(control_id, label, required)), help_html)
        )

    def select(
        self, schema: dict[str, Any], path: list[str], pointer: str, label: str, required: bool, options: list[tuple[str, str]]
    ) -> Html:
        control_id = self.new_id(path)
        help_html, help_id = self._help(schema, control_id)
        default = schema.get("default")
        default_text = None if default is None else _value(default)
        rows = []
        if required:  # a placeholder, not a preselected answer
            rows.append(
                Html('<option value="" disabled{}>– bitte wählen –</option>').format(Html(" selected") if default_text is None else "")
            )
        else:
            rows.append(Html('<option value="">– keine Angabe –</option>'))
        rows.extend(
            Html("<option{}>{}</option>").format(_attrs(value=value, selected=value == default_text), text) for value, text in options
        )
        control = Html("<select{}>\n{}\n</select>").format(
            _attrs(
                id=control_id,
                name=self.new_name(path),
                disabled=True,
                required=required,
                aria_required="true" if required else None,
                aria_describedby=help_id,
            ),
            Html("\n").join(rows),
        )
        return Html('<div class="form-field form-field-select"{}>\n{}\n</div>').format(
            _attrs(data_pointer=pointer), _lines(self._label(control_id, label, required), control, help_html)
        )

    def choice_group(
        self,
        schema: dict[str, Any],
        path: list[str],
        pointer: str,
        label: str,
        required: bool,
        options: list[tuple[str, str]],
        *,
        kind: str,
        extra: str = "",
    ) -> Html:
        group_id = self.new_id(path, "auswahl")
        help_html, help_id = self._help(schema, group_id, extra)
        name = self.new_name(path)
        default = schema.get("default")
        defaults = {_value(v) for v in default} if isinstance(default, list) else {_value(default)} if default is not None else set()
        rows = []
        for index, (value, text) in enumerate(options, 1):
            option_id = self.new_id(path, str(index))
            rows.append(
                Html('<div class="form-option">{} {}</div>').format(
                    Html("<input{}>").format(
                        _attrs(
                            type=kind,
                            id=option_id,
                            name=name,
                            value=value,
                            checked=value in defaults,
                            disabled=True,
                            required=required and kind == "radio",
                        )
                    ),
                    Html('<label for="{}">{}</label>').format(option_id, text),
                )
            )
        role_required = "true" if required else None
        return Html('<fieldset class="form-field form-choice form-choice-{}"{}>\n<legend>{}{}</legend>\n{}\n</fieldset>').format(
            kind,
            _attrs(
                id=group_id,
                data_pointer=pointer,
                aria_describedby=help_id,
                aria_required=role_required if kind == "radio" else None,
                role="radiogroup" if kind == "radio" else None,
            ),
            label,
            self._star(required),
            _lines(help_html, *rows),
        )


def _bound(schema: dict[str, Any], inclusive: str, exclusive: str, kind: str, direction: int) -> str | None:
    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    if number(schema.get(inclusive)):
        return _value(schema[inclusive])
    if number(schema.get(exclusive)):
        value = schema[exclusive]
        return _value(value + direction) if kind == "integer" and isinstance(value, int) else _value(value)
    return None


def _count_hint(schema: dict[str, Any]) -> str:
    low = schema.get("minItems") if isinstance(schema.get("minItems"), int) and not isinstance(schema.get("minItems"), bool) else 0
    high = schema.get("maxItems") if isinstance(schema.get("maxItems"), int) and not isinstance(schema.get("maxItems"), bool) else None
    if low and high is not None:
        return f"Mindestens {low}, höchstens {high} Einträge." if low != high else f"Genau {low} Einträge."
    if low:
        return f"Mindestens {low} {'Eintrag' if low == 1 else 'Einträge'}."
    if high is not None:
        return f"Höchstens {high} {'Eintrag' if high == 1 else 'Einträge'}."
    return ""


def render_form_preview(schema: dict, *, form_id: str = "form") -> str:
    """A read-only ``<form>`` fragment previewing ``schema``; ids are prefixed with (a slug of) ``form_id``.

    Raises ``ValueError`` (German message) when ``schema`` is not a JSON object.
    """
    if not isinstance(schema, dict):
        raise ValueError("Das Formularschema muss ein JSON-Objekt sein.")  # noqa: TRY004 - the documented contract: callers catch ValueError
    return str(_Form(schema, form_id).render())
