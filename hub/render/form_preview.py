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
values → one control for the first entry. Local ``$ref`` (``#/$defs/…``) and ``allOf`` are
resolved, recursion is cut off with a note.

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
from urllib.parse import unquote

__all__ = ["render_form_preview"]

TEXTAREA_MIN_LENGTH = 200  # maxLength above this: a multi-line field
MAX_DEPTH = 32
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

    def format(self, *args: Any, **kwargs: Any) -> Html:  # type: ignore[override]
        return Html(super().format(*(_escape(a) for a in args), **{k: _escape(v) for k, v in kwargs.items()}))

    def join(self, parts: Iterable[Any]) -> Html:  # type: ignore[override]
        return Html(super().join(_escape(p) for p in parts))


def _escape(value: Any) -> Html:
    return value if isinstance(value, Html) else Html(html.escape(str(value), quote=True))


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


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
        self.root = schema
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

    # -- schema handling

    def resolve(self, schema: Any, refs: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...], bool]:
        """The subschema with local ``$ref`` and ``allOf`` merged in; ``True`` when a reference recurses."""
        if not isinstance(schema, dict):
            return ({} if schema is not False else {"not": {}}), refs, False
        merged: dict[str, Any] = {}
        recursive = False
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in refs or len(refs) >= MAX_DEPTH:
                recursive = True
            else:
                target = self._pointer(ref)
                if target is not None:
                    resolved, refs, recursive = self.resolve(target, (*refs, ref))
                    merged.update(resolved)
        for part in _list(schema.get("allOf")):
            resolved, _, inner = self.resolve(part, refs)
            recursive = recursive or inner
            for key, value in resolved.items():
                if key == "properties" and isinstance(value, dict):
                    merged["properties"] = {**_dict(merged.get("properties")), **value}
                elif key == "required" and isinstance(value, list):
                    merged["required"] = [*_list(merged.get("required")), *value]
                else:
                    merged.setdefault(key, value)
        for key, value in schema.items():  # the schema's own keywords win over referenced ones
            if key in ("$ref", "allOf"):
                continue
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**_dict(merged.get("properties")), **value}
            elif key == "required" and isinstance(value, list):
                merged["required"] = [*_list(merged.get("required")), *value]
            else:
                merged[key] = value
        return merged, refs, recursive

    def _pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return None  # only references inside the schema: never fetched
        node: Any = self.root
        for raw in unquote(ref[1:]).split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    @staticmethod
    def kind(schema: dict[str, Any]) -> str:
        declared = schema.get("type")
        if isinstance(declared, list):
            declared = next((t for t in declared if t != "null"), declared[0] if declared else None)
        if isinstance(declared, str) and declared in ("object", "array", "string", "integer", "number", "boolean", "null"):
            return declared
        if isinstance(schema.get("properties"), dict):
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        values = schema["enum"] if isinstance(schema.get("enum"), list) else [schema["const"]] if "const" in schema else []
        if values and all(isinstance(v, bool) for v in values):
            return "boolean"
        if values and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            return "number"
        return "string"

    def options(self, schema: dict[str, Any], refs: tuple[str, ...]) -> list[tuple[str, str]] | None:
        """The choices of an ``enum`` or of a ``oneOf``/``anyOf`` whose branches are all ``const``: (value, label)."""
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return [(_value(v), _value(v)) for v in enum if v is not None]
        for key in ("oneOf", "anyOf"):
            branches = schema.get(key)
            if isinstance(branches, list) and branches:
                resolved = [self.resolve(b, refs)[0] for b in branches]
                if all("const" in b for b in resolved):
                    return [(_value(b["const"]), _text(b.get("title")) or _value(b["const"])) for b in resolved if b["const"] is not None]
        return None

    @staticmethod
    def widget(schema: dict[str, Any]) -> str:
        ui = schema.get("x-ui")
        return ui.get("widget", "") if isinstance(ui, dict) and isinstance(ui.get("widget"), str) else ""

    # -- output

    def render(self) -> Html:
        schema, refs, _ = self.resolve(self.root, ())
        title_id, note_id = self.unique_id(f"{self.form_id}-titel"), self.unique_id(f"{self.form_id}-hinweis")
        title = _text(schema.get("title")) or "Formular"
        head = [
            Html('<h3 class="form-preview-title" id="{}">{}</h3>').format(title_id, title),
            Html('<p class="form-preview-note" id="{}" role="note">Vorschau – keine Eingabe möglich</p>').format(note_id),
        ]
        if description := _text(schema.get("description")):
            head.append(Html('<p class="form-preview-description">{}</p>').format(description))
        head.append(Html('<p class="form-required-legend"><span class="form-required" aria-hidden="true">*</span> Pflichtfeld</p>'))
        if self.kind(schema) == "object":
            body = self.properties(schema, [], refs, depth=0)
        else:
            body = [self.field(self.root, [], name="wert", required=False, refs=(), depth=0)]
        return Html('<form class="form-preview"{}>\n{}\n</form>').format(
            _attrs(id=self.form_id, aria_labelledby=title_id, aria_describedby=note_id, novalidate=True),
            Html("\n").join([*head, *body]),
        )

    def properties(self, schema: dict[str, Any], path: list[str], refs: tuple[str, ...], depth: int) -> list[Html]:
        properties = schema.get("properties")
        if not isinstance(properties, dict):
            return []
        required = {r for r in _list(schema.get("required")) if isinstance(r, str)}
        return [
            self.field(sub, [*path, str(name)], name=str(name), required=name in required, refs=refs, depth=depth + 1)
            for name, sub in properties.items()
        ]

    def field(self, raw: Any, path: list[str], *, name: str, required: bool, refs: tuple[str, ...], depth: int) -> Html:
        schema, refs, recursive = self.resolve(raw, refs)
        label = _text(schema.get("title")) or name
        pointer = "".join(f"/{p.replace('~', '~0').replace('/', '~1')}" for p in path)
        if recursive or depth > MAX_DEPTH:
            return Html(
                '<p class="form-note" data-pointer="{}">„{}“ enthält sich selbst und wird hier nicht weiter aufgefächert.</p>'
            ).format(pointer, label)
        kind = self.kind(schema)
        if kind == "object":
            return self.group(schema, path, pointer, label, required, refs, depth)
        if kind == "array":
            return self.array(schema, path, pointer, label, required, refs, depth)
        options = self.options(schema, refs)
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
        path: list[str],
        pointer: str,
        label: str,
        required: bool,
        refs: tuple[str, ...],
        depth: int,
        *,
        cls: str = "form-group",
    ) -> Html:
        group_id = self.new_id(path, "gruppe")
        help_html, help_id = self._help(schema, group_id)
        children = self.properties(schema, path, refs, depth)
        if not children:
            children = [Html('<p class="form-note">Keine Felder.</p>')]
        return Html('<fieldset class="{}"{}>\n<legend>{}{}</legend>\n{}\n</fieldset>').format(
            cls,
            _attrs(id=group_id, data_pointer=pointer, aria_describedby=help_id),
            label,
            self._star(required),
            _lines(help_html, *children),
        )

    def array(
        self, schema: dict[str, Any], path: list[str], pointer: str, label: str, required: bool, refs: tuple[str, ...], depth: int
    ) -> Html:
        items, item_refs, recursive = self.resolve(schema.get("items", {}), refs)
        count = _count_hint(schema)
        if recursive:
            group_id = self.new_id(path, "liste")
            note = Html(
                '<p class="form-note">Jeder Eintrag ist wieder „{}“; die Struktur wiederholt sich und wird hier nicht weiter aufgefächert.</p>'
            ).format(_text(items.get("title")) or label)
            return Html('<fieldset class="form-group form-array"{}>\n<legend>{}{}</legend>\n{}\n</fieldset>').format(
                _attrs(id=group_id, data_pointer=pointer), label, self._star(required), note
            )
        options = self.options(items, item_refs)
        if options is not None:
            return self.choice_group(schema, path, pointer, label, required, options, kind="checkbox", extra=count)
        if self.kind(items) == "object":
            group_id = self.new_id(path, "liste")
            help_html, help_id = self._help(
                schema, group_id, " ".join(t for t in (count, "Weitere Einträge können hinzugefügt werden.") if t)
            )
            entry = self.group(items, [*path, "0"], f"{pointer}/0", "Eintrag 1", False, item_refs, depth, cls="form-group form-array-item")
            return Html('<fieldset class="form-group form-array"{}>\n<legend>{}{}</legend>\n{}\n</fieldset>').format(
                _attrs(id=group_id, data_pointer=pointer, aria_describedby=help_id), label, self._star(required), _lines(help_html, entry)
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
        kind = self.kind(schema)
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
        ui = schema.get("x-ui") if isinstance(schema.get("x-ui"), dict) else {}
        max_length = schema.get("maxLength") if isinstance(schema.get("maxLength"), int) else None
        min_length = schema.get("minLength") if isinstance(schema.get("minLength"), int) else None
        if kind == "string" and (self.widget(schema) == "textarea" or (max_length or 0) > TEXTAREA_MIN_LENGTH):
            rows = ui.get("rows") if isinstance(ui.get("rows"), int) and 1 <= ui.get("rows") <= 40 else 4
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
            fmt = schema.get("format") if isinstance(schema.get("format"), str) else ""
            input_type = _INPUT_TYPES.get(fmt, "text")
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
        raise ValueError("Das Formularschema muss ein JSON-Objekt sein.")
    return str(_Form(schema, form_id).render())
