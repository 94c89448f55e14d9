"""Hostile input, class by class: identifiers and names every consumer accepts, archives, the DTD rule.

Each test fails on the behaviour a security review found: a package id with a trailing line
break, angle brackets and control characters in names, URLs the ``uri`` format should refuse,
``.git`` paths in archives, encrypted and damaged zip entries, a UTF-16 BPMN with a DOCTYPE.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pygit2
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from hub.federation.atom import atom_feed
from hub.model import ORG_ID, ORG_ID_PATTERN, PACKAGE_ID, PACKAGE_ID_PATTERN, is_package_id, unsafe_character
from hub.schemas import all_schemas
from hub.store.catalog import Catalog, tag_name
from hub.store.publish import actor_for, commit_version
from hub.validate import PackageFiles, validate_package
from hub.validate.archive import from_archive
from hub.validate.bpmn import check_bpmn
from hub.validate.manifest import MANIFEST, check_manifest
from hub.validate.paths import git_refuses
from hub.validate.yamlsafe import load_yaml
from tests.factory import BPMN, archive, manifest, package_files

ATOM = "{http://www.w3.org/2005/Atom}"


def _problems(files: dict[str, bytes], folder: str = "testpaket") -> list[tuple[str, str | None]]:
    return [(p.code, p.pointer) for p in validate_package(PackageFiles(files, folder_name=folder)).problems]


# --- 1. identifiers and names ------------------------------------------------------------------


def test_schemas_carry_the_one_definition_of_ids():
    """Every id pattern in the published schemas is the model's (no second, drifting definition)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str) and node["pattern"].startswith("^[a-z0-9]+(-[a-z0-9]+)*"):
                found.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for schema in all_schemas().values():
        walk(schema)
    assert found <= {ORG_ID_PATTERN, PACKAGE_ID_PATTERN} and PACKAGE_ID_PATTERN in found


@pytest.mark.parametrize("suffix", ["\n", "\r\n", " ", "\t"])
def test_package_id_with_trailing_break_is_refused(suffix):
    data = package_files(files={MANIFEST: yaml.safe_dump(manifest(id="stadt-test/testpaket" + suffix), allow_unicode=True)})
    assert ("manifest-schema", "/id") in _problems(data)
    assert not re.search(PACKAGE_ID, "stadt-test/testpaket" + suffix) and not re.search(ORG_ID, "stadt-test" + suffix)
    assert not is_package_id("stadt-test/testpaket" + suffix)


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("publisher", {"id": "stadt-test", "name": "Stadt <Test>"}, "/publisher/name"),
        ("contacts", [{"name": "Team", "email": "team<x>@test.example"}], "/contacts/0/email"),
        ("contacts", [{"name": "Team\x1b[31m", "email": "team@test.example"}], "/contacts/0/name"),
        ("name", "Paket\x07mit Klingel", "/name"),
        ("name", "Paket \u202eseltsam", "/name"),
        ("summary", {"de": "Kurz\x0cgefasst"}, "/summary/de"),
        ("description", {"de": "Text mit \x85 NEL-Steuerzeichen"}, "/description/de"),
        ("keywords", ["gut", "schlecht\n"], "/keywords/1"),
    ],
)
def test_text_that_git_xml_or_a_terminal_refuses_is_refused(field, value, pointer):
    data = package_files(files={MANIFEST: yaml.safe_dump(manifest(**{field: value}), allow_unicode=True)})
    problems = _problems(data)
    assert any(p == pointer for _, p in problems), problems


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("publisher", {"id": "stadt-test", "name": '00"'}, "/publisher/name"),
        ("publisher", {"id": "stadt-test", "name": " Stadt Test"}, "/publisher/name"),
        ("publisher", {"id": "stadt-test", "name": "Stadt Test,"}, "/publisher/name"),
        ("publisher", {"id": "stadt-test", "name": "'Stadt Test'"}, "/publisher/name"),
        ("contacts", [{"name": "Team;", "email": "team@test.example"}], "/contacts/0/name"),
        ("contacts", [{"name": "Team", "email": "team@test.example\\"}], "/contacts/0/email"),
    ],
)
def test_a_signature_that_git_would_trim_is_refused(field, value, pointer):
    """libgit2 drops these characters from both ends of an author's name and e-mail: the commit would name someone else."""
    record = value if isinstance(value, dict) else value[0]
    signature = pygit2.Signature(record["name"], record.get("email", "a@b.de"))
    assert (signature.name, signature.email) != (record["name"], record.get("email", "a@b.de"))  # git does change it
    data = package_files(files={MANIFEST: yaml.safe_dump(manifest(**{field: value}), allow_unicode=True)})
    assert ("text-unsafe-character", pointer) in _problems(data)


def test_a_signature_with_those_characters_inside_is_accepted():
    data = package_files(
        files={MANIFEST: yaml.safe_dump(manifest(publisher={"id": "stadt-test", "name": 'Verein "Hilfe, jetzt" e.V.'}), allow_unicode=True)}
    )
    assert _problems(data) == []


def _refused_by_rule(ch: str, one_line: bool, signature: bool) -> bool:
    """The rule of hub.model, stated per character (the code searches a character class)."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return one_line or ch not in "\t\n\r"
    bidi = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    return (
        0xD800 <= code <= 0xDFFF
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE
        or (one_line and (ch in bidi or ch in "\u2028\u2029\x85"))
        or (signature and ch in "<>")
    )


def test_the_unsafe_character_class_is_the_rule_for_every_character():
    characters = [*map(chr, range(0x10000)), *(chr(plane << 16 | low) for plane in range(1, 17) for low in (0, 0xFFFD, 0xFFFE, 0xFFFF))]
    for one_line in (False, True):
        for signature in (False, True):
            refused = [ch for ch in characters if unsafe_character(ch, one_line=one_line, signature=signature) is not None]
            assert refused == [ch for ch in characters if _refused_by_rule(ch, one_line, signature)], (one_line, signature)
    assert unsafe_character("Straße\tund\x1b[31m", one_line=False) == "\x1b"  # the first refused character of a text


def test_multiline_text_keeps_its_line_breaks():
    data = package_files(
        files={MANIFEST: yaml.safe_dump(manifest(description={"de": "Erste Zeile.\n\n\tZweite Zeile."}), allow_unicode=True)}
    )
    assert _problems(data) == []


@pytest.mark.parametrize(
    ("field", "value", "pointer"),
    [
        ("url", "https://exa mple.de/paket", "/url"),
        ("url", "https://[kaputt/paket", "/url"),
        ("publisher", {"id": "stadt-test", "name": "Stadt Test", "url": "http://bei spiel.de"}, "/publisher/url"),
    ],
)
def test_uri_format_is_enforced(field, value, pointer):
    data = package_files(files={MANIFEST: yaml.safe_dump(manifest(**{field: value}), allow_unicode=True)})
    assert ("manifest-schema", pointer) in _problems(data)


@contextlib.contextmanager
def _no_fsync():
    """Throwaway catalogues per example: fsync would make this property test slow (every Catalog open sets it again)."""
    before = os.environ.get("HUB_FSYNC")
    os.environ["HUB_FSYNC"] = "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ["HUB_FSYNC"]
        else:
            os.environ["HUB_FSYNC"] = before
        pygit2.settings.enable_fsync_gitdir(before != "0")


ids = st.from_regex(PACKAGE_ID_PATTERN, fullmatch=True).filter(lambda s: len(s) < 100)
names = st.one_of(st.text(min_size=3, max_size=30), st.from_regex(r"Stadt [A-Za-zäöüß<>\x00-\x1f\u2028\u202e ]{1,20}", fullmatch=True))
emails = st.one_of(st.emails(), st.builds(lambda a, b: f"{a}@{b}.de", st.text(min_size=1, max_size=10), st.text(min_size=1, max_size=10)))
suffixes = st.sampled_from(["", "", "", "\n", "\r", " ", "\x00"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(ids, suffixes, names, emails, names)
@example("stadt-test/testpaket", "", '00"', "a@b.de", "Paket")  # libgit2 trims the quote: found by this property
@example("stadt-test/testpaket", "", " Stadt Test", "a@b.de", "Paket")
def test_every_accepted_manifest_is_accepted_by_git_lxml_and_the_feed(package_id, suffix, publisher_name, email, package_name):
    """The property: whatever validation accepts, git (ref, signature), lxml and the Atom writer accept too."""
    package_id += suffix
    publisher_id = package_id.split("/", 1)[0]
    data = manifest(
        package_id if "/" in package_id else "stadt-test/testpaket",
        publisher={"id": publisher_id, "name": publisher_name},
        contacts=[{"name": publisher_name, "email": email}],
        name=package_name,
    )
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return
    doc = load_yaml(text.encode("utf-8", "surrogatepass"))
    accepted, _problems = check_manifest(doc)
    if accepted is None:
        return
    signature = pygit2.Signature(accepted.publisher.name, accepted.contacts[0].email)
    assert (signature.name, signature.email) == (accepted.publisher.name, accepted.contacts[0].email)
    assert pygit2.reference_is_valid_name("refs/tags/" + tag_name(accepted.id, accepted.version))
    element = etree.Element("name")
    element.text = accepted.name
    assert etree.fromstring(etree.tostring(element)).text == accepted.name
    with tempfile.TemporaryDirectory() as folder, _no_fsync():
        catalog = Catalog.create(Path(folder) / "catalog.git")
        # validation accepted it above; commit_version is the publish after validation
        commit_version(catalog, accepted, package_files(accepted.id, files={MANIFEST: text}), actor=actor_for(accepted))
        feed = etree.fromstring(atom_feed(catalog, "https://hub.example"))
        entry = feed.find(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}title") == f"{accepted.name} {accepted.version}"
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == accepted.publisher.name


@functools.cache
def _scratch_repo() -> tuple[pygit2.Repository, pygit2.Oid]:
    repo = pygit2.init_repository(tempfile.mkdtemp(prefix="hub-paths-"), bare=True)
    return repo, repo.create_blob(b"x")


@given(
    st.lists(
        st.sampled_from(
            [".git", ".GIT", ".git.", ".git ", "git~1", "GIT~1", ".g\u200cit", ".git::$INDEX_ALLOCATION", "a", ".gitignore", "git", "b.md"]
        ),
        min_size=1,
        max_size=3,
    ).map("/".join)
)
@settings(max_examples=80, deadline=None)
def test_every_path_we_accept_git_accepts(path):
    """Whatever ``git_refuses`` lets through, libgit2's tree builder takes (we also refuse HFS+ spellings of .git)."""
    repo, blob = _scratch_repo()
    libgit2_refuses = False
    for part in path.split("/"):
        try:
            repo.TreeBuilder().insert(part, blob, pygit2.enums.FileMode.BLOB)
        except pygit2.GitError:
            libgit2_refuses = True
    if libgit2_refuses:
        assert git_refuses(path)


# --- 2 (validation side). paths git refuses -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
@pytest.mark.parametrize("path", [".git/config", "docs/.GIT/HEAD", "git~1/x", ".git"])
def test_archive_with_git_folder_is_refused_with_a_problem(fmt, path):
    data = archive({**package_files(), path: b"[core]\n"}, fmt)
    problems = [(p.code, p.file) for p in validate_package(from_archive(data)).problems]
    assert ("file-git-path", path) in problems


def test_archive_with_file_and_folder_of_the_same_name_is_a_problem():
    data = archive({**package_files(), "docs": b"eine Datei", "docs/handbuch.md": b"# Handbuch\n"})
    assert ("file-unsafe-path", "docs") in [(p.code, p.file) for p in from_archive(data).problems]


# --- 4. archives --------------------------------------------------------------------------------


def encrypted_zip() -> bytes:
    """A zip whose README entry carries the 'encrypted' flag (zipfile cannot write real encryption)."""
    data = bytearray(archive(package_files()))
    name = b"README.md"
    for signature, flag_offset, name_offset in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_offset : start + name_offset + len(name)] == name:
                data[start + flag_offset] |= 0x1
            start += 4
    return bytes(data)


def _corrupt_deflate() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, content in package_files().items():
            zf.writestr(path, content)
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("README.md")
    start = info.header_offset + 30 + len(info.filename.encode())
    for i in range(start, start + info.compress_size):
        data[i] = 0xFF  # not a valid deflate stream
    return bytes(data)


@pytest.mark.parametrize(("build", "code"), [(encrypted_zip, "archive-encrypted"), (_corrupt_deflate, "archive-invalid")])
def test_unreadable_zip_entries_are_a_german_problem(build, code):
    package = from_archive(build())
    problems = [(p.code, p.file) for p in package.problems]
    assert (code, "README.md") in problems
    assert all(p.message and " " in p.message for p in package.problems)
    assert "README.md" not in package.files and "hub.yaml" in package.files  # the rest is still read


def test_unreadable_zip_entry_through_the_api_is_a_problem_not_500(tmp_path):
    from litestar.testing import TestClient

    from hub.api import create_app
    from tests.factory import make_services

    services = make_services(tmp_path)
    with TestClient(create_app(services)) as client:
        for data in (encrypted_zip(), _corrupt_deflate()):
            response = client.post("/api/v1/packages/validate", files={"archive": ("paket.zip", data, "application/zip")})
            assert response.status_code == 200, response.text
            assert not response.json()["valid"]


# --- 5. no DTD in BPMN, in any encoding -----------------------------------------------------------

DOCTYPE_BPMN = BPMN.replace("<bpmn:definitions", '<!DOCTYPE bpmn:definitions [<!ENTITY x "y">]>\n<bpmn:definitions', 1)


@pytest.mark.parametrize("encoding", ["UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32"])
def test_doctype_is_refused_in_every_encoding(encoding):
    text = DOCTYPE_BPMN.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    data = ("\ufeff" + text if encoding in ("UTF-16LE", "UTF-16BE") else text).encode(encoding.lower())
    assert b"<!DOCTYPE" not in data  # the byte search alone would not see it
    assert [p.code for p in check_bpmn("prozess/ablauf.bpmn", data)] == ["bpmn-dtd-forbidden"]


def test_utf16_bpmn_without_doctype_stays_valid():
    data = BPMN.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert check_bpmn("prozess/ablauf.bpmn", data) == []
