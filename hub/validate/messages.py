"""German sentences for JSON Schema violations, each placed with a JSON pointer."""

from __future__ import annotations

import ast
import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from hub.model import Problem
from hub.patterns import UnsupportedPattern, pattern_search

if TYPE_CHECKING:  # only named in annotations: the API's error messages load no jsonschema
    from jsonschema import ValidationError
    from jsonschema.protocols import Validator

_TYPES = {
    "string": "ein Text",
    "integer": "eine ganze Zahl",
    "number": "eine Zahl",
    "object": "ein Objekt (Schlüssel: Wert)",
    "array": "eine Liste",
    "boolean": "ein Wahrheitswert (true/false)",
    "null": "leer (null)",
}

_NOT_FORMATS = {  # "„x“ ist …"
    "date": "kein Datum im Format JJJJ-MM-TT",
    "email": "keine E-Mail-Adresse",
    "uri": "keine vollständige Adresse (URI)",
    "date-time": "kein Zeitpunkt nach ISO 8601",
}


def pointer(parts: Iterable[str | int]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indices."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _show(value: Any, limit: int = 60) -> str:
    # JSON notation (null, true, [1, 2]) rather than Python's repr: that is what people typed
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(instance: Any) -> str:
    if isinstance(instance, bool):
        return _TYPES["boolean"]
    if isinstance(instance, int):
        return _TYPES["integer"]
    if isinstance(instance, float):
        return _TYPES["number"]
    if isinstance(instance, str):
        return _TYPES["string"]
    if isinstance(instance, list):
        return _TYPES["array"]
    if isinstance(instance, dict):
        return _TYPES["object"]
    return _TYPES["null"]


def _hint(error: ValidationError) -> str:
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    return f" Erwartet: {description}" if description else ""


def _pattern_also_fails(schema: dict[str, Any], instance: Any) -> bool:
    pattern = schema.get("pattern")
    if not isinstance(pattern, str) or not isinstance(instance, str):
        return False
    try:
        return not pattern_search(pattern, instance)
    except UnsupportedPattern:
        return False


def explain(error: ValidationError) -> list[tuple[list[str | int], str]]:
    """Where the error is (path parts) and a German sentence saying what is wrong, per finding."""
    path = list(error.absolute_path)
    # the keyword, its value in the schema and the instance: JSON of any kind (typed with jsonschema's "unset")
    kw: Any = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}  # a keyword's error: its schema object
    if kw == "required":
        # jsonschema yields one error per missing name but keeps the name only in its message
        name = error.message.removesuffix(" is a required property")
        with contextlib.suppress(ValueError, SyntaxError):
            name = ast.literal_eval(name)
        return [([*path, name], f"Das Pflichtfeld „{name}“ fehlt.")]
    if kw == "additionalProperties" and isinstance(instance, dict):
        known = set(schema.get("properties", {}))
        extra = sorted(str(k) for k in instance if k not in known)
        return [([*path, name], f"Das Feld „{name}“ ist hier nicht vorgesehen; Tippfehler?") for name in extra]
    if kw == "type":
        wanted: list[str] = expected if isinstance(expected, list) else [expected]
        if wanted == ["object"] and isinstance(instance, str) and "de" in (schema.get("properties") or {}) and path:
            field = path[-1]
            return [
                (
                    path,
                    f"Der Text gehört unter „de:“ (Deutsch; Englisch optional unter „en:“): „{field}:“, darunter eingerückt „de: {_show(instance, 30)}“.",
                )
            ]
        names = " oder ".join(_TYPES.get(t, t) for t in wanted)
        tip = ""
        if "string" in wanted and isinstance(instance, (int, float)) and not isinstance(instance, bool):
            tip = ' Als Text gemeinte Zahlen in Anführungszeichen setzen, z. B. "1.0".'
        return [(path, f"Erwartet wird {names}, gefunden wurde {_type_name(instance)}.{tip}")]
    if kw == "enum":
        allowed = ", ".join(f"„{v}“" for v in expected[:16]) + (" …" if len(expected) > 16 else "")
        return [(path, f"Der Wert „{_show(instance)}“ ist nicht erlaubt. Erlaubt sind: {allowed}.")]
    if kw == "const":
        return [(path, f"Der Wert muss „{expected}“ sein, nicht „{_show(instance)}“.")]
    if kw == "pattern":
        return [(path, f"Der Wert „{_show(instance)}“ hat nicht die erwartete Form.{_hint(error)}")]
    if kw == "format":
        if _pattern_also_fails(schema, instance):
            return []  # the pattern's problem at the same place says it, with the field's description
        return [(path, f"„{_show(instance)}“ ist {_NOT_FORMATS.get(expected, f'nicht im Format „{expected}“')}.")]
    if kw == "minLength":
        return [(path, f"Der Text ist zu kurz: mindestens {expected} Zeichen, hier {len(instance)}.")]
    if kw == "maxLength":
        return [(path, f"Der Text ist zu lang: höchstens {expected} Zeichen, hier {len(instance)}.")]
    if kw == "minItems":
        return [(path, f"Die Liste braucht mindestens {expected} Einträge, hier {len(instance)}.")]
    if kw == "maxItems":
        return [(path, f"Die Liste darf höchstens {expected} Einträge haben, hier {len(instance)}.")]
    if kw == "uniqueItems":
        return [(path, "Die Liste enthält doppelte Einträge.")]
    if kw in ("minimum", "exclusiveMinimum"):
        return [(path, f"Der Wert {instance} ist zu klein (Minimum {expected}).")]
    if kw in ("maximum", "exclusiveMaximum"):
        return [(path, f"Der Wert {instance} ist zu groß (Maximum {expected}).")]
    if kw == "not" and isinstance(expected, dict) and "required" in expected:
        name = expected["required"][0]
        return [([*path, name], f"Das Feld „{name}“ ist hier nicht erlaubt.")]
    if kw in ("oneOf", "anyOf"):
        return [(path, "Der Wert passt zu keiner der erlaubten Formen.")]
    return [(path, f"Der Wert ist ungültig (Regel „{kw}“ verletzt).")]


def schema_problems(validator: Validator, instance: Any, *, file: str, code: str, base: Iterable[str | int] = ()) -> Iterator[Problem]:
    """Every violation of ``instance`` against ``validator``'s schema as Problems."""
    base = list(base)
    for error in validator.iter_errors(instance):
        for path, message in explain(error):
            yield Problem(code=code, file=file, pointer=pointer(base + path), message=message)
