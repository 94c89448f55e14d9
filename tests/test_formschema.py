"""One reading of a form schema: the preview, the semantic diff and the title check see the same fields."""

from __future__ import annotations

import copy
import json
from typing import Any

import lxml.html

from hub.adopt.semantic import form_fields
from hub.formschema import MAX_FIELDS, FormSchema
from hub.render.form_preview import render_form_preview
from hub.validate.forms import check_form

# Every way of reaching a field that the three readers used to disagree on: a reference with
# percent and ~0/~1 escapes, a reference with siblings, allOf inside $defs, allOf around a
# reference (the draft-07 habit), a conditional branch, an array of referenced objects.
TRICKY: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Antrag",
    "type": "object",
    "$defs": {
        "plz ort": {"title": "Postleitzahl", "type": "string", "pattern": "^[0-9]{5}$"},
        "a/b~c": {"title": "Schräg", "type": "string", "format": "date"},
        "anschrift": {
            "allOf": [
                {"$ref": "#/$defs/basis"},
                {"type": "object", "required": ["plz"], "properties": {"plz": {"$ref": "#/$defs/plz%20ort"}}},
            ]
        },
        "basis": {"title": "Anschrift", "type": "object", "properties": {"strasse": {"title": "Straße", "type": "string"}}},
        "kind": {"title": "Kind", "type": "object", "properties": {"vorname": {"title": "Vorname", "type": "string"}}},
    },
    "required": ["wohnsitz", "art"],
    "properties": {
        "wohnsitz": {"$ref": "#/$defs/anschrift", "description": "Wo Sie gemeldet sind."},
        "post": {"allOf": [{"$ref": "#/$defs/anschrift"}], "title": "Postanschrift"},
        "datum": {"$ref": "#/$defs/a~1b~0c"},
        "art": {"title": "Art", "oneOf": [{"const": "neu", "title": "Neu"}, {"const": "ab", "title": "Abmeldung"}]},
        "kinder": {"title": "Kinder", "type": "array", "items": {"$ref": "#/$defs/kind"}},
    },
    "if": {"properties": {"art": {"const": "ab"}}},
    "then": {"required": ["grund"], "properties": {"grund": {"title": "Grund", "type": "string"}}},
}

EXPECTED = [
    "/wohnsitz",
    "/wohnsitz/strasse",
    "/wohnsitz/plz",
    "/post",
    "/post/strasse",
    "/post/plz",
    "/datum",
    "/art",
    "/kinder",
    "/kinder/0/vorname",
    "/grund",
]


def _preview_pointers(schema: dict[str, Any]) -> list[str]:
    form = lxml.html.fragment_fromstring(render_form_preview(schema))
    # an array's entry („Eintrag 1“) is a template for the entries, not a field of its own
    return [e.get("data-pointer") for e in form.iter() if e.get("data-pointer") is not None and "form-array-item" not in e.get("class", "")]


def _title_problems(schema: dict[str, Any]) -> list[str | None]:
    found = check_form("f.json", json.dumps(schema).encode())
    assert all(p.code == "form-title-missing" for p in found), found
    return [p.pointer for p in found]


def test_preview_semantic_diff_and_validation_agree_on_the_fields_of_a_tricky_schema():
    assert _preview_pointers(TRICKY) == EXPECTED
    fields = form_fields(TRICKY)
    assert list(fields) == EXPECTED
    assert _title_problems(TRICKY) == []
    # what each field is, through references with escapes, siblings and allOf
    assert fields["/wohnsitz"].title == "Anschrift" and fields["/wohnsitz"].required and fields["/wohnsitz"].type == "object"
    assert fields["/wohnsitz/plz"].title == "Postleitzahl" and fields["/wohnsitz/plz"].type == "string" and fields["/wohnsitz/plz"].required
    assert fields["/post"].title == "Postanschrift" and not fields["/post"].required
    assert fields["/datum"].title == "Schräg" and fields["/datum"].format == "date"
    assert fields["/art"].enum == ["neu", "ab"]
    assert fields["/grund"].required and fields["/grund"].title == "Grund"
    form = lxml.html.fragment_fromstring(render_form_preview(TRICKY))
    notes = {e.get("data-pointer"): "nur unter bestimmten Bedingungen" in e.text_content() for e in form.iter() if e.get("data-pointer")}
    assert [p for p, conditional in notes.items() if conditional] == ["/grund"]  # the preview says which field is asked only sometimes


def test_validation_names_each_declaration_of_an_untitled_field_once():
    """An untitled field is reported where it is declared (once, however often it is used); the other readers see the same gap."""
    cases = [
        (("$defs", "basis", "properties", "strasse"), "/$defs/basis/properties/strasse", ["/wohnsitz/strasse", "/post/strasse"]),
        (("$defs", "plz ort"), "/$defs/anschrift/allOf/1/properties/plz", ["/wohnsitz/plz", "/post/plz"]),
        (("$defs", "kind", "properties", "vorname"), "/$defs/kind/properties/vorname", ["/kinder/0/vorname"]),
        (("then", "properties", "grund"), "/then/properties/grund", ["/grund"]),
        (("$defs", "a/b~c"), "/properties/datum", ["/datum"]),
    ]
    for where, problem, untitled in cases:
        schema = copy.deepcopy(TRICKY)
        node: Any = schema
        for part in where:
            node = node[part]
        del node["title"]
        assert _title_problems(schema) == [problem], where
        assert [p for p, info in form_fields(schema).items() if info.title is None] == untitled, where
        form = lxml.html.fragment_fromstring(render_form_preview(schema))
        labels = {
            e.get("data-pointer"): " ".join(e.xpath("string(./label|./legend)").replace("*", "").split())
            for e in form.iter()
            if e.get("data-pointer")
        }
        assert [p for p in untitled if labels[p] == p.rsplit("/", 1)[1]] == untitled, where  # the name stands in for the title


def test_a_percent_escaped_reference_is_one_field_everywhere():
    """Found for issue 15: the preview followed ``#/$defs/plz%20ort``, the semantic diff did not (no title, no type)
    and validation reported the field as untitled."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Antrag",
        "type": "object",
        "$defs": {"plz ort": {"title": "Postleitzahl", "type": "string"}},
        "properties": {"plz": {"$ref": "#/$defs/plz%20ort"}},
    }
    assert 'data-pointer="/plz"' in render_form_preview(schema) and "Postleitzahl" in render_form_preview(schema)
    assert form_fields(schema)["/plz"].title == "Postleitzahl" and form_fields(schema)["/plz"].type == "string"
    assert _title_problems(schema) == []


def test_a_field_titled_only_through_allof_is_titled():
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Antrag",
        "$defs": {"name": {"title": "Name", "type": "string"}},
        "properties": {"name": {"allOf": [{"$ref": "#/$defs/name"}]}},
    }
    assert _title_problems(schema) == []
    assert form_fields(schema)["/name"].title == "Name"


def test_recursion_is_cut_off_in_the_same_place_for_preview_and_semantic_diff():
    schema = {
        "title": "Baum",
        "$defs": {
            "knoten": {
                "title": "Knoten",
                "type": "object",
                "properties": {
                    "name": {"title": "Name", "type": "string"},
                    "kinder": {"title": "Kinder", "type": "array", "items": {"$ref": "#/$defs/knoten"}},
                    "eltern": {"$ref": "#/$defs/knoten"},
                },
            }
        },
        "properties": {"wurzel": {"$ref": "#/$defs/knoten"}},
    }
    fields = list(FormSchema(schema).fields())
    assert [f.pointer for f in fields] == ["/wurzel", "/wurzel/name", "/wurzel/kinder", "/wurzel/eltern"]
    assert [f.pointer for f in fields if f.recursive] == ["/wurzel/eltern"]
    assert next(f for f in fields if f.pointer == "/wurzel/kinder").items.recursive  # type: ignore[union-attr]
    assert list(form_fields(schema)) == _preview_pointers(schema) == [f.pointer for f in fields]
    assert "enthält sich selbst" in render_form_preview(schema)


def test_references_the_resolver_never_follows():
    form = FormSchema(
        {
            "$defs": {"x": {"title": "X"}},
            "properties": {
                "fern": {"$ref": "https://example.org/schema.json"},
                "anker": {"$ref": "#x"},  # a plain-name anchor, not the root
                "fehlt": {"$ref": "#/$defs/y"},
                "selbst": {"$ref": "#"},
            },
        }
    )
    fields = {f.name: f for f in form.root.children}
    assert [fields[n].title for n in ("fern", "anker", "fehlt")] == [None, None, None]
    assert fields["selbst"].recursive is False and [c.name for c in fields["selbst"].children] == ["fern", "anker", "fehlt", "selbst"]
    assert fields["selbst"].children[3].recursive


def test_a_wide_expansion_is_bounded():
    # every level doubles the fields: 2**20 of them if nothing stopped it
    defs = {
        f"d{i}": {"type": "object", "properties": {"a": {"$ref": f"#/$defs/d{i + 1}"}, "b": {"$ref": f"#/$defs/d{i + 1}"}}}
        for i in range(20)
    }
    defs["d20"] = {"type": "string"}
    form = FormSchema({"$defs": defs, "$ref": "#/$defs/d0"})
    assert form.truncated and sum(1 for _ in form.fields()) <= MAX_FIELDS
