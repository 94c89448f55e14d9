"""Publisher records ``publishers/<id>.yaml``."""

from __future__ import annotations

import msgspec

from hub.model import Problem, Publisher
from hub.validate.text import unsafe_text
from hub.validate.yamlsafe import YamlError, load_yaml


def check_publisher(path: str, data: bytes, *, expected_id: str | None = None) -> tuple[Publisher | None, list[Problem]]:
    # jsonschema is loaded by the first check, not with the catalogue's modules at a server's start
    from hub.schemas import PUBLISHER_SCHEMA_ID, validator
    from hub.validate.messages import explain, pointer

    try:
        doc = load_yaml(data)
    except YamlError as exc:
        return None, [Problem(code=exc.code or "publisher-syntax", file=path, line=exc.line, message=f"Kein gültiges YAML: {exc}")]
    problems = [
        Problem(code="publisher-schema", file=path, pointer=pointer(parts), line=doc.line_of(parts), message=message)
        for error in validator(PUBLISHER_SCHEMA_ID).iter_errors(doc.data)
        for parts, message in explain(error)
    ]
    problems += [
        Problem(code="text-unsafe-character", file=path, pointer=pointer(parts), line=doc.line_of(parts), message=message)
        for parts, message in unsafe_text(doc.data)
    ]
    if not problems and expected_id is not None and doc.data["id"] != expected_id:
        problems.append(
            Problem(
                code="publisher-id-file",
                file=path,
                pointer="/id",
                line=doc.line_of(["id"]),
                message=f"Die Kennung „{doc.data['id']}“ passt nicht zum Dateinamen („{expected_id}.yaml“).",
            )
        )
    if problems:
        return None, problems
    return msgspec.convert(doc.data, Publisher), []
