"""The manifest ``hub.yaml``: schema, then the rules a schema cannot express."""

from __future__ import annotations

from functools import cache

import msgspec
import semver

from hub.model import Manifest, Problem
from hub.schemas import PACKAGE_SCHEMA_ID, validator
from hub.validate.messages import explain, pointer
from hub.validate.stored import manifest_from_bytes as manifest_from_bytes  # re-exported: read through here too
from hub.validate.stored import raw_manifest as raw_manifest
from hub.validate.text import text_problems
from hub.validate.yamlsafe import YamlDocument, YamlError, load_yaml

MANIFEST = "hub.yaml"


@cache
def _licensing():  # loading the SPDX list takes a while: once per process, when first asked
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@cache
def license_known(expression: str) -> bool:
    from license_expression import ExpressionError

    try:
        return not _licensing().validate(expression).errors
    except (ExpressionError, AttributeError):  # license-expression itself fails on some malformed input (control characters)
        return False


def parse_manifest(data: bytes) -> tuple[YamlDocument | None, list[Problem]]:
    try:
        return load_yaml(data), []
    except YamlError as exc:
        return None, [
            Problem(code=exc.code or "manifest-syntax", file=MANIFEST, line=exc.line, message=f"„hub.yaml“ ist kein gültiges YAML: {exc}")
        ]


def check_manifest(
    doc: YamlDocument, *, expected_id: str | None = None, folder_name: str | None = None
) -> tuple[Manifest | None, list[Problem]]:
    """Schema and semantic problems of a parsed manifest, and the Manifest if it is sound."""
    data = doc.data
    problems: list[Problem] = []

    def add(code: str, parts: list[str | int], message: str) -> None:
        problems.append(Problem(code=code, file=MANIFEST, pointer=pointer(parts), line=doc.line_of(parts), message=message))

    # the slow validator only for the problems (hub/validate/fastpath.py: jsonschema, loaded by the first check)
    from hub.validate.fastpath import hub_schema_check, known_valid

    fast = hub_schema_check(PACKAGE_SCHEMA_ID)
    errors = () if known_valid(fast, data, plain=doc.plain) else validator(PACKAGE_SCHEMA_ID).iter_errors(data)
    for error in errors:
        if list(error.absolute_path) == ["version"] and error.validator == "pattern":
            continue  # reported by the SemVer rule below, with a better sentence
        for parts, message in explain(error):
            add("manifest-schema", parts, message)
    text_problems(data, add)
    if not isinstance(data, dict):
        return None, problems

    version = data.get("version")
    if isinstance(version, str) and not semver.Version.is_valid(version):
        add("manifest-version-invalid", ["version"], f"„{version}“ ist keine SemVer-Version (MAJOR.MINOR.PATCH, z. B. 1.2.0).")

    package_id = data.get("id")
    if isinstance(package_id, str) and "/" in package_id:
        publisher_part, slug = package_id.split("/", 1)
        if expected_id is not None and package_id != expected_id:
            add("manifest-id-folder", ["id"], f"Die Kennung „{package_id}“ passt nicht zum Ort im Katalog („{expected_id}“).")
        elif expected_id is None and folder_name is not None and folder_name not in (slug, f"{slug}@{version}"):
            add(
                "manifest-id-folder",
                ["id"],
                f"Der Ordner heißt „{folder_name}“; zur Kennung „{package_id}“ passt nur „{slug}“ oder „{slug}@{version}“.",
            )
        publisher = data.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("id"), str) and publisher["id"] != publisher_part:
            add(
                "manifest-publisher-mismatch",
                ["publisher", "id"],
                f"Der Herausgeber „{publisher['id']}“ passt nicht zur Paketkennung „{package_id}“, die mit „{publisher_part}/“ beginnt.",
            )

    licence = data.get("license")
    if isinstance(licence, str) and licence and not license_known(licence):
        add(
            "manifest-license-unknown",
            ["license"],
            f"„{licence}“ ist keine bekannte SPDX-Lizenzkennung (z. B. EUPL-1.2, Apache-2.0, CC-BY-4.0, DL-DE-BY-2.0).",
        )

    if problems:
        return None, problems
    return msgspec.convert(data, Manifest), problems
