"""Every export is produced for every package the validator accepts: a property over generated packages.

A package that validation lets in and an export then chokes on (a URL rdflib refuses, a character
XML forbids, a field the CSV writer did not expect) breaks that export for the whole catalogue.
Hypothesis generates manifests across the schema's optional fields and free texts; whatever
validates is published into a fresh catalogue, and DCAT (Turtle and JSON-LD), the API's Atom
feed, publiccode.yml, the static site's feed and the CSV reports must all come out and parse.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

import rdflib
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from hub.federation.atom import atom_feed
from hub.federation.dcat import export_dcat
from hub.federation.publiccode import export_publiccode
from hub.maturity.reports import maturity_report, to_csv
from hub.schemas import PACKAGE_SCHEMA_ID, all_schemas
from hub.site.build import atom as site_atom
from hub.site.data import ManifestCache, gather
from hub.store.catalog import Catalog
from hub.store.publish import actor_for, commit_version
from hub.validate import PackageFiles, validate_package
from tests.factory import manifest, package_files
from tests.test_hostile_names import _no_fsync

SCHEMA = all_schemas()[PACKAGE_SCHEMA_ID]
THEMEN = SCHEMA["properties"]["classification"]["properties"]["themenfeld"]["enum"]
CATEGORIES = SCHEMA["$defs"]["category"]["enum"] if "enum" in SCHEMA["$defs"].get("category", {}) else ["online-antrag"]

# mostly what validation accepts (so the property is about exports, not refusals), with everything Unicode allows in text
text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="\n\t"), min_size=20, max_size=60)
line = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp", "Cf"]), min_size=10, max_size=40).filter(
    lambda s: s.strip() == s
)
urls = st.one_of(
    st.none(),
    st.sampled_from(["https://example.org/a?b=c&d=ü", "http://xn--mnchen-3ya.de/", "https://example.org/%20x", "https://h.example/#frag"]),
    st.builds(lambda host, path: f"https://{host}.de/{path}", st.from_regex(r"[a-z]{1,10}", fullmatch=True), st.text(max_size=10)),
)
numbers = st.one_of(st.none(), st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False))
versions = st.from_regex(
    r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})(-[0-9A-Za-z-]{1,8})?(\+[0-9A-Za-z-]{1,8})?", fullmatch=True
)


@st.composite
def manifests(draw):
    data = manifest(version=draw(versions))
    data["name"] = draw(line)
    data["summary"] = {"de": draw(line), **({"en": draw(line)} if draw(st.booleans()) else {})}
    data["description"] = {"de": draw(text), **({"en": draw(text)} if draw(st.booleans()) else {})}
    data["keywords"] = draw(st.lists(line, max_size=4, unique=True))
    data["publisher"] = {"id": "stadt-test", "name": draw(line), **({"url": u} if (u := draw(urls)) else {})}
    data["contacts"] = [{"name": draw(line), "email": draw(st.emails())}]
    data["license"] = draw(st.sampled_from(["EUPL-1.2", "Apache-2.0", "CC-BY-4.0", "DL-DE-BY-2.0", "MIT OR EUPL-1.2", "CC0-1.0"]))
    data["classification"] = {
        "themenfeld": draw(st.sampled_from(THEMEN)),
        "categories": draw(st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True)),
        "leika": draw(st.lists(st.from_regex(r"[0-9]{14}", fullmatch=True), max_size=2, unique=True)),
    }
    if url := draw(urls):
        data["url"] = url
    production = {"since": draw(st.sampled_from(["2019-03", "2020-01-15", "2024-12"]))}
    if (cases := draw(numbers)) is not None:
        production["cases_per_year"] = int(cases)
    data["status"] = {
        "development": draw(st.sampled_from(["concept", "development", "beta", "stable", "obsolete"])),
        **({"production": production} if draw(st.booleans()) else {}),
    }
    return data


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
)
@given(manifests())
def test_every_accepted_package_is_exported_everywhere(data):
    try:
        files = package_files(files={"hub.yaml": yaml.safe_dump(data, allow_unicode=True, sort_keys=False)})
    except yaml.YAMLError:
        return
    result = validate_package(PackageFiles(files, folder_name="testpaket"))
    if not result.ok:
        return
    accepted = result.manifest
    base = "https://hub.example/"
    with tempfile.TemporaryDirectory() as folder, _no_fsync():
        catalog = Catalog.create(Path(folder) / "catalog.git")
        commit_version(catalog, accepted, files, actor=actor_for(accepted))

        turtle = export_dcat(catalog, base, "turtle")
        assert len(rdflib.Graph().parse(data=turtle, format="turtle")) > 10
        assert json.loads(export_dcat(catalog, base, "json-ld"))

        feed = etree.fromstring(atom_feed(catalog, base))
        assert (
            feed.findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title") == f"{accepted.name} {accepted.version}"
        )

        publiccode = yaml.safe_load(export_publiccode(catalog, accepted.id, base_url=base))
        assert publiccode["name"] and publiccode["softwareVersion"] == accepted.version

        site = gather(catalog, ManifestCache(Path(folder) / "manifests.json"))
        site_feed = etree.fromstring(site_atom(site, site.releases))
        assert (
            site_feed.findtext("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
            == f"{accepted.name} {accepted.version}"
        )

        rows = list(
            csv.reader(io.StringIO(to_csv(maturity_report(catalog).packages).removeprefix("\ufeff")), delimiter=";")
        )  # German Excel
        assert len(rows) == 2 and accepted.name in rows[1]
