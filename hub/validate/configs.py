"""Configurations: YAML or JSON, valid against the schema they name."""

from __future__ import annotations

from itertools import islice

from referencing.exceptions import Unresolvable

from hub.model import Artefact, Problem
from hub.schemas import HubValidator, all_schemas, registry
from hub.validate.fastpath import FastValidator, hub_schema_check, known_valid, metaschema_check, package_schema_check
from hub.validate.forms import metaschema_validator
from hub.validate.jsondoc import SyntaxProblem, load_document
from hub.validate.messages import schema_problems
from hub.validate.paths import resolve_link
from hub.validate.schemalimits import bounded_instance, schema_limit_problems

MAX_PROBLEMS_PER_FILE = 200  # a file with more has one mistake repeated; more sentences help no one


def check_config(artefact: Artefact, data: bytes, files: dict[str, bytes], *, manifest_pointer: str) -> list[Problem]:
    path = artefact.path
    try:
        document = load_document(data, artefact.format)
    except SyntaxProblem as exc:
        return [Problem(code=exc.code or "config-syntax", file=path, line=exc.line, message=str(exc))]
    ref = artefact.schema or ""
    fast: FastValidator | None
    schema_pointer = manifest_pointer + "/schema"
    if ref.startswith(("http://", "https://")):
        schema = all_schemas().get(ref)
        if schema is None:
            return [
                Problem(
                    code="config-schema-unknown",
                    file="hub.yaml",
                    pointer=schema_pointer,
                    message=f"Das Schema „{ref}“ ist dem Hub nicht bekannt.",
                )
            ]
        fast = hub_schema_check(ref)
    else:
        target = resolve_link("hub.yaml", ref)
        if target is None or target not in files:
            return [
                Problem(
                    code="config-schema-unknown",
                    file="hub.yaml",
                    pointer=schema_pointer,
                    message=f"Das Schema „{ref}“ gibt es im Paket nicht.",
                )
            ]
        try:
            schema = load_document(files[target], "yaml" if target.endswith((".yaml", ".yml")) else "json")
        except SyntaxProblem as exc:
            return [
                Problem(code=exc.code or "config-schema-unknown", file=target, line=exc.line, message=f"Das Schema ist nicht lesbar: {exc}")
            ]
        if not isinstance(schema, dict) or (
            not known_valid(metaschema_check(), schema)
            and next(metaschema_validator().iter_errors(bounded_instance(schema)), None) is not None
        ):
            return [Problem(code="config-schema-unknown", file=target, message="Die Datei ist kein gültiges JSON Schema (Draft 2020-12).")]
        if limits := schema_limit_problems(schema, target):
            return limits
        fast = package_schema_check(schema)
    if known_valid(fast, document):  # the slow validator only for the problems (hub/validate/fastpath.py)
        return []
    validator = HubValidator(schema, registry=registry(), format_checker=HubValidator.FORMAT_CHECKER)
    try:
        return list(islice(schema_problems(validator, bounded_instance(document), file=path, code="config-invalid"), MAX_PROBLEMS_PER_FILE))
    except (RecursionError, Unresolvable):  # the limits above should make this unreachable; never a 500
        return [
            Problem(
                code="schema-too-complex",
                file=path,
                message="Das Schema lässt sich auf diese Konfiguration nicht anwenden (zu tief oder unauflösbar).",
            )
        ]
