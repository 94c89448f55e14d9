"""The manifest editor's form is generated from package.schema.json: every field, its German help, its widget, and back."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import lxml.html
import pytest

from hub.errors import Forbidden, PackageNotFound
from hub.formschema import FormSchema
from hub.model import Problem
from hub.schemas import PACKAGE_SCHEMA_ID, all_schemas
from hub.usecases import manifests
from hub.validate import PackageFiles, validate_package
from hub.validate.skeleton import NewPackage, manifest_text, skeleton
from hub.validate.yamlsafe import load_yaml
from hub.web.manifest_form import Widget, build_form, form_pointer, manifest_from_form, package_form_schema
from hub.web.workspace import render
from tests.factory import make_services, manifest, package_files
from tests.schema_fields import field_paths

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "catalog" / "packages").glob("*/*/hub.yaml"))


def schema() -> dict:
    return copy.deepcopy(all_schemas()[PACKAGE_SCHEMA_ID])


def page(form_schema: FormSchema, data: dict, problems: list[Problem] | None = None) -> lxml.html.HtmlElement:
    """The editor's page as the hub renders it, parsed."""
    html = render(
        "manifest.html",
        title="Neues Paket",
        form=build_form(form_schema, data, problems),
        package_id=None,
        action="/arbeitsbereich/manifest/neu",
        check_url="/arbeitsbereich/manifest/pruefen",
        checked=problems is not None,
        run=None,
        view=None,
        account=None,
        csrf="token",
    )
    return lxml.html.fromstring(html)


def posted(tree: lxml.html.HtmlElement) -> dict[str, str | list[str]]:
    """What a browser sends for the page's form (repeated names as a list, as the hub parses them)."""
    found: dict[str, list[str]] = {}
    for name, value in tree.xpath("//form[@data-pruefen]")[0].form_values():
        found.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in found.items()}


def widgets(tree: lxml.html.HtmlElement) -> dict[str, lxml.html.HtmlElement]:
    return {element.get("data-pointer"): element for element in tree.xpath("//*[@data-pointer]")}


def described_by(tree: lxml.html.HtmlElement, element: lxml.html.HtmlElement) -> list[str]:
    return [tree.get_element_by_id(i).text_content() for i in element.get("aria-describedby", "").split()]


def test_every_property_of_the_schema_is_a_field_labelled_by_its_title_with_its_german_description_as_help():
    tree = page(package_form_schema(), {})
    shown = widgets(tree)
    for dotted, description in field_paths(schema()):
        pointer = "/" + dotted.replace("[].", "/0/").replace(".", "/")
        assert pointer in shown, f"{dotted} is not in the form"
        element = shown[pointer]
        control = element if element.tag == "fieldset" else element.xpath("./input|./select|./textarea")[0]
        assert description in described_by(tree, control), dotted
    # labels are the schema's titles, required fields are marked
    name = shown["/name"]
    assert name.xpath("./label")[0].text_content() == "Name (Pflichtfeld)"
    assert shown["/keywords"].xpath("./label")[0].text_content() == "Schlagwörter (ein Eintrag je Zeile)"
    assert shown["/classification"].xpath("./legend")[0].text_content() == "Einordnung (Pflichtfeld)"
    # enum → select with the German meaning from the description; arrays of enum values → checkboxes; objects → fieldsets
    development = shown["/status/development"].xpath("./select/option")
    assert [o.text_content() for o in development][:3] == ["– bitte wählen –", "concept (Konzept)", "development (in Entwicklung)"]
    categories = shown["/classification/categories"]
    assert categories.tag == "fieldset" and categories.xpath(".//input[@type='checkbox']/@value")[:2] == ["buergerbuero", "gewerbeamt"]
    assert shown["/status/production"].tag == "fieldset" and shown["/contacts/0"].tag == "fieldset"
    assert shown["/description/de"].xpath("./textarea") and shown["/release_date"].xpath("./input/@type") == ["date"]
    # no rule of the schema is copied into the page: the hub checks
    assert not tree.xpath("//form[@data-pruefen]//*[@pattern or @maxlength or @minlength or @required]")
    assert tree.xpath("//form[@data-pruefen]/@novalidate") == [""]


def test_a_property_added_to_the_schema_appears_in_the_form_with_its_widget():
    changed = schema()
    changed["properties"]["barrierefreiheit"] = {
        "title": "Barrierefreiheit",
        "description": "Erklärung zur Barrierefreiheit nach BITV 2.0.",
        "type": "object",
        "required": ["geprueft"],
        "properties": {
            "geprueft": {"title": "Geprüft", "description": "Ob ein BITV-Test vorliegt.", "type": "boolean"},
            "stufe": {"title": "Konformitätsstufe", "description": "A, AA oder AAA.", "enum": ["A", "AA", "AAA"]},
            "berichte": {
                "title": "Prüfberichte",
                "description": "Adressen der Prüfberichte.",
                "type": "array",
                "items": {"type": "string"},
            },
        },
    }
    changed["$defs"]["contact"]["properties"]["fax"] = {"description": "Faxnummer.", "type": "string"}
    tree = page(FormSchema(changed), {"barrierefreiheit": {"geprueft": True, "stufe": "AA"}})
    shown = widgets(tree)
    group = shown["/barrierefreiheit"]
    assert group.tag == "fieldset" and group.xpath("./legend")[0].text_content() == "Barrierefreiheit"
    assert "Erklärung zur Barrierefreiheit nach BITV 2.0." in described_by(tree, group)
    checkbox = shown["/barrierefreiheit/geprueft"].xpath("./input")[0]
    assert (checkbox.get("type"), checkbox.get("checked")) == ("checkbox", "checked")
    assert shown["/barrierefreiheit/geprueft"].xpath("./label")[0].text_content() == "Geprüft (Pflichtfeld)"
    assert shown["/barrierefreiheit/stufe"].xpath("./select/option[@selected]/@value") == ["AA"]
    assert shown["/barrierefreiheit/berichte"].xpath("./textarea")
    # a property without a title is labelled by its name, in every entry of its array
    assert shown["/contacts/0/fax"].xpath("./label")[0].text_content() == "fax"
    # and what is entered comes back as the manifest
    sent = posted(tree) | {"/barrierefreiheit/berichte": "https://example.org/a\n\nhttps://example.org/b\n"}
    data, _ = manifest_from_form(FormSchema(changed), sent)
    assert data["barrierefreiheit"] == {"geprueft": True, "stufe": "AA", "berichte": ["https://example.org/a", "https://example.org/b"]}


def test_every_seed_manifest_comes_back_from_its_form_unchanged():
    assert len(SEED) > 20
    enum = schema()["$defs"]["category"]["enum"]
    for path in SEED:
        data = load_yaml(path.read_bytes()).data
        back, _ = manifest_from_form(package_form_schema(), posted(page(package_form_schema(), data)))
        expected = json.loads(json.dumps(data))
        if "categories" in expected["classification"]:  # checkboxes are sent in the vocabulary's order
            expected["classification"]["categories"].sort(key=enum.index)
        assert back == expected, path


def test_values_are_read_as_the_schema_types_them_and_kept_as_typed_when_they_are_not():
    form = {
        "/adoption/effort/person_days": "12",
        "/adoption/effort/duration_weeks": "1,5",
        "/adoption/effort/costs_eur": "viel",
        "/status/production/cases_per_year": "3.5",
        "/status/outcomes/0/indicator": "Wartezeit",
        "/status/outcomes/0/value": "-40",
        "/status/outcomes/0/before": "lang",
        "/status/outcomes/1/indicator": "",
        "/keywords": "  Termin \r\n\r\nBürgerbüro",
        "/name": "  Terminvergabe  ",
        "/description/de": "Erste Zeile\r\nzweite Zeile  ",
        "/contacts/0/name": "",
        "/contacts/7/name": "Team Bürgerbüro",
        "/contacts/99999999999/name": "zu weit",
        "/classification/categories": ["steuern", "unbekannt"],
        "/version": ["1.0.0", "2.0.0"],
    }
    data, moves = manifest_from_form(package_form_schema(), form)
    assert data["adoption"] == {"effort": {"person_days": 12, "duration_weeks": 1.5, "costs_eur": "viel"}}
    assert data["status"] == {
        "production": {"cases_per_year": "3.5"},
        "outcomes": [{"indicator": "Wartezeit", "value": -40, "before": "lang"}],
    }
    assert data["keywords"] == ["Termin", "Bürgerbüro"] and data["name"] == "Terminvergabe"
    assert data["description"] == {"de": "Erste Zeile\nzweite Zeile"}
    assert data["contacts"] == [{"name": "Team Bürgerbüro"}]  # empty entries left out, a runaway index ignored
    assert data["classification"] == {"categories": ["steuern", "unbekannt"]}  # validation names the unknown value
    assert data["version"] == "1.0.0"
    # a problem of the manifest's first contact is shown at the form's entry 7
    assert form_pointer("/contacts/0/email", moves) == "/contacts/7/email"
    assert form_pointer("/status/outcomes/0", moves) == "/status/outcomes/0" and form_pointer("/name", moves) == "/name"


def test_problems_are_shown_at_their_field_or_the_nearest_enclosing_one():
    problems = [
        Problem(code="manifest-schema", file="hub.yaml", pointer="/contacts/0/email", message="Keine E-Mail-Adresse."),
        Problem(code="manifest-schema", file="hub.yaml", pointer="/classification/categories/1", message="Nicht erlaubt."),
        Problem(code="manifest-schema", file="hub.yaml", pointer="/status/production/since", message="Das Pflichtfeld fehlt."),
        Problem(code="manifest-schema", file="hub.yaml", pointer="", message="Das Manifest ist kein Objekt."),
        Problem(code="bpmn-hint", file="prozess/ablauf.bpmn", line=3, message="Ein Hinweis.", severity="hint"),
    ]
    data = {"contacts": [{"email": "x@"}], "classification": {"categories": ["steuern", "x"]}}
    form = build_form(package_form_schema(), data, problems)
    at = {problem.message: widget.pointer if isinstance(widget, Widget) else None for problem, widget in form.placed()}
    assert at == {
        "Keine E-Mail-Adresse.": "/contacts/0/email",
        "Nicht erlaubt.": "/classification/categories",
        "Das Pflichtfeld fehlt.": "/status/production/since",
        "Das Manifest ist kein Objekt.": None,
        "Ein Hinweis.": None,
    }
    assert form.errors == 4
    tree = page(package_form_schema(), data, problems)
    email = tree.get_element_by_id("feld-contacts-0-email")
    assert email.get("aria-invalid") == "true" and "Keine E-Mail-Adresse." in described_by(tree, email)
    assert email.get("value") == "x@"  # the input is kept
    listed = [li.text_content() for li in tree.xpath("//ul[@id='probleme']/li")]
    assert "Hinweis in prozess/ablauf.bpmn:3: Ein Hinweis." in listed
    assert "Fehler bei E-Mail-Adresse: Keine E-Mail-Adresse." in listed


# -- the check behind the submit and the live check, in-process over a real catalogue ---------------


@pytest.fixture
def services(tmp_path):
    return make_services(tmp_path, [("stadt-test/testpaket", "1.0.0"), ("stadt-test/testpaket", "1.1.0"), ("stadt-andere/paket", "1.0.0")])


def test_the_check_is_the_uploads_validation_of_the_latest_files_with_the_new_manifest_plus_the_version_rules(services):
    edited = manifest(
        "stadt-test/testpaket",
        "1.2.0",
        license="KEINE",
        artefacts=[*manifest()["artefacts"], {"path": "fehlt.md", "kind": "document", "format": "markdown"}],
    )
    checked = manifests.check(services, "stadt-test", "stadt-test/testpaket", edited)
    files = package_files("stadt-test/testpaket", "1.1.0") | {"hub.yaml": manifest_text(edited).encode()}
    assert checked.package.files == files  # the published files, the form's manifest
    same = validate_package(PackageFiles(files, folder_name="testpaket"), expected_id="stadt-test/testpaket")
    assert checked.problems == same.problems and not checked.ok
    assert {(p.code, p.pointer) for p in checked.problems} == {
        ("manifest-license-unknown", "/license"),
        ("artefact-missing", "/artefacts/3/path"),
    }
    # the version: not one that is published, not below the newest
    for version, code in (("1.1.0", "version-exists"), ("1.0.0", "version-exists"), ("1.0.5", "version-not-newer")):
        found = manifests.check(services, "stadt-test", "stadt-test/testpaket", manifest("stadt-test/testpaket", version)).problems
        assert [(p.code, p.pointer) for p in found] == [(code, "/version")], version
    clean = manifests.check(services, "stadt-test", "stadt-test/testpaket", manifest("stadt-test/testpaket", "2.0.0"))
    assert clean.ok and clean.problems == [] and clean.manifest.version == "2.0.0"
    # another id than the package's own is named at the id
    moved = manifests.check(services, "stadt-test", "stadt-test/testpaket", manifest("stadt-test/anderes", "2.0.0")).problems
    assert ("manifest-id-folder", "/id") in {(p.code, p.pointer) for p in moved}


def test_the_check_refuses_another_organisations_package_and_an_unknown_one(services):
    with pytest.raises(Forbidden):
        manifests.check(services, "stadt-test", "stadt-andere/paket", manifest("stadt-andere/paket", "2.0.0"))
    with pytest.raises(Forbidden):
        manifests.current_manifest(services, "stadt-test", "stadt-andere/paket")
    with pytest.raises(PackageNotFound):
        manifests.check(services, "stadt-test", "stadt-test/gibt-es-nicht", manifest("stadt-test/gibt-es-nicht"))
    assert manifests.current_manifest(services, "stadt-test", "stadt-test/testpaket")["version"] == "1.1.0"


def test_a_new_package_is_checked_with_the_scaffold_of_hub_new_and_must_be_new_and_the_organisations(services):
    start = manifests.new_manifest("stadt-test", "Stadt Test", "paula@test.example")
    assert start["id"] == "stadt-test/" and start["contacts"] == [{"email": "paula@test.example"}]
    data = start | {
        "id": "stadt-test/neu",
        "name": "Neues Verfahren",
        "summary": {"de": "Ein neues Verfahren für alle."},
        "description": {"de": "Ein neues Verfahren, im Arbeitsbereich angelegt."},
        "classification": {"themenfeld": "Umwelt"},
        "contacts": [{"name": "Team", "email": "paula@test.example"}],
    }
    checked = manifests.check(services, "stadt-test", None, data)
    assert checked.ok and checked.problems == []
    answers = NewPackage(publisher="stadt-test", slug="neu", name="Neues Verfahren", themenfeld="Umwelt")
    assert checked.package.files == skeleton(answers) | {"hub.yaml": manifest_text(data).encode()}
    taken = manifests.check(services, "stadt-test", None, data | {"id": "stadt-test/testpaket"}).problems
    assert [(p.code, p.pointer) for p in taken] == [("conflict", "/id")]
    other = manifests.check(
        services, "stadt-test", None, data | {"id": "stadt-andere/neu", "publisher": {"id": "stadt-andere", "name": "Stadt Andere"}}
    )
    assert [(p.code, p.pointer) for p in other.problems] == [("forbidden", "/id")]
