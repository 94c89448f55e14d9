"""Request errors as problems in the package-problem format: which field (JSON pointer), which rule, what was given.

Litestar reports a body that does not decode as "Validation failed" with msgspec's English
message and only the top-level key. Here the rule comes from the type the route declares
(``msgspec.inspect``), so it stays right when a route's body type changes, and the value from
the body the client sent.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.utils.scope.state import ScopeState

from hub.model import ORG_ID, PACKAGE_ID
from hub.validate.messages import pointer
from hub.validate.parsererrors import msgspec_json_message

REQUEST = "(Anfrage)"
_NOTHING = object()
_PATTERNS = {
    PACKAGE_ID: "eine Paketkennung der Form <herausgeber>/<kurzname> (Kleinbuchstaben, Ziffern, Bindestriche)",
    ORG_ID: "eine Kennung aus Kleinbuchstaben, Ziffern und Bindestrichen",
}
# msgspec quotes a pattern in its message with each backslash doubled (the ids end in "(?!\n)$")
_PATTERNS |= {pattern.replace("\\", "\\\\"): text for pattern, text in list(_PATTERNS.items())}
_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def request_problems(request: Request, exc: HTTPException) -> list[dict[str, Any]]:
    """Field-level problems for a request Litestar refused before the handler ran; [] if none apply."""
    if isinstance(exc, ValidationException):
        items = [item for item in exc.extra if isinstance(item, dict)] if isinstance(exc.extra, list) else []
        return [_field_problem(request, exc, item, len(items) == 1) for item in items]
    detail = str(exc.detail or "")
    if "JSON is malformed" in detail or "truncated" in detail:
        message, line = msgspec_json_message(detail, _raw_body(request))
        return [_problem("request-body-syntax", "", message, line=line)]
    if "multipart" in detail:
        return [
            _problem(
                "request-body-syntax",
                "/archive",
                "Der Rumpf ist kein gültiges multipart/form-data; erwartet wird ein Feld „archive“ "
                "mit der ZIP- oder tar.gz-Datei des Paketordners (z. B. curl -F archive=@paket.zip).",
            )
        ]
    return []


def _problem(code: str, where: str, message: str, line: int | None = None) -> dict[str, Any]:
    problem: dict[str, Any] = {"code": code, "file": REQUEST, "pointer": where, "message": message}
    if line is not None:
        problem["line"] = line
    return problem


def _field_problem(request: Request, exc: ValidationException, item: dict[str, Any], only: bool) -> dict[str, Any]:
    source = str(getattr(item.get("source"), "value", item.get("source", "")))  # "body" or a ParamType
    key, text = str(item.get("key", "")), str(item.get("message", ""))
    cause = str(exc.__cause__ or "")
    if source == "body":
        # msgspec stops at the first error; its own message has the full path ($.data.a[0].b)
        match = _AT.search(cause) if only else None
        parts: list[str | int] = _path(match.group("path")) if match else ([] if key == "data" else [key])
        if parts[:1] == ["data"]:
            parts = parts[1:]
        missing = re.search(r"missing required field `([^`]+)`", text)
        if missing:
            parts = [*parts, missing.group(1)]
        unknown = re.search(r"unknown field `([^`]+)`", text)
        if unknown:
            parts = [*parts, unknown.group(1)]
        field_type = _field_type(request, parts)
        rule = describe(field_type) if field_type is not None else _rule_from_message(text)
        name = ".".join(str(p) for p in parts)
        if not parts:
            message = f"Der Rumpf verletzt die Regel: {rule}; angegeben wurde {_given(_value(request, parts))}."
        elif missing:
            message = f"Das Pflichtfeld „{name}“ fehlt; Regel: {rule}."
        elif unknown:
            message = f"Das Feld „{name}“ ist hier nicht vorgesehen; angegeben wurde {_given(_value(request, parts))}."
        else:
            message = f"Das Feld „{name}“ verletzt die Regel: {rule}; angegeben wurde {_given(_value(request, parts))}."
        return _problem("request-body-invalid", pointer(parts), message)
    params: Any = {"query": request.query_params, "path": request.path_params, "header": request.headers}.get(source, {})
    value: Any = params.get(key, _NOTHING)
    kind = {"path": "Pfadteil", "header": "Kopfzeile"}.get(source, "Parameter")
    message = f"Der {kind} „{key}“ verletzt die Regel: {_rule_from_message(text)}; angegeben wurde {_given(value)}."
    return _problem("invalid-parameter", pointer([key]), message)


def _path(text: str) -> list[str | int]:
    return [int(index) if index else name for name, index in _STEP.findall(text)]


def _raw_body(request: Request) -> bytes | None:
    body = ScopeState.from_scope(request.scope).body
    return body if isinstance(body, bytes) else None


def _value(request: Request, parts: list[str | int]) -> Any:
    raw = _raw_body(request)
    if raw is None:
        return _NOTHING
    try:
        value: Any = json.loads(raw)
    except ValueError:
        return _NOTHING
    for part in parts:
        value = _member(value, part)
        if value is _NOTHING:
            break
    return value


def _member(value: Any, part: str | int) -> Any:
    """The member ``part`` of a JSON value, or ``_NOTHING``."""
    if isinstance(value, dict) and isinstance(part, str):
        return value.get(part, _NOTHING)
    if isinstance(value, list) and isinstance(part, int) and part < len(value):
        return value[part]
    return _NOTHING


def _given(value: Any) -> str:
    if value is _NOTHING:
        return "nichts"
    kind = {bool: "Wahrheitswert", int: "Zahl", float: "Zahl", str: "Text", list: "Liste", dict: "Objekt"}.get(type(value), "leer")
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text if len(text) <= 60 else text[:59] + "…"
    return f"„{text}“ ({kind})" if isinstance(value, (str, list, dict)) else f"{text} ({kind})"


# -- the rule a field follows, from the route's declared type ------------------------------------


def _field_type(request: Request, parts: list[str | int]) -> Any:
    try:
        annotation = request.route_handler.parsed_fn_signature.parameters["data"].annotation
        info: Any = msgspec.inspect.type_info(annotation)
    except (KeyError, AttributeError, TypeError, ValueError):
        return None
    for part in parts:
        info = _unwrap(info)
        if isinstance(info, (msgspec.inspect.StructType, msgspec.inspect.DataclassType)) and isinstance(part, str):
            info = next((f.type for f in info.fields if f.encode_name == part), None)
        elif isinstance(info, msgspec.inspect.ListType) and isinstance(part, int):
            info = info.item_type
        else:
            return None
        if info is None:
            return None
    return info


def _unwrap(info: Any) -> Any:
    if isinstance(info, msgspec.inspect.UnionType):
        real = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        return real[0] if len(real) == 1 else info
    return info


def describe(info: Any) -> str:
    """The rule a value of this msgspec type follows, as German words."""
    info = _unwrap(info)
    ins = msgspec.inspect
    if isinstance(info, ins.StrType):
        text = _PATTERNS.get(info.pattern or "") or ("ein Text" + (f" nach dem Muster {info.pattern}" if info.pattern else ""))
        if info.min_length is not None and info.max_length is not None:
            text += f" mit {info.min_length} bis {info.max_length} Zeichen"
        elif info.min_length is not None:
            text += f" mit mindestens {info.min_length} Zeichen"
        elif info.max_length is not None:
            text += f" mit höchstens {info.max_length} Zeichen"
        return text
    if isinstance(info, (ins.IntType, ins.FloatType)):
        text = "eine ganze Zahl" if isinstance(info, ins.IntType) else "eine Zahl"
        low = info.ge if info.ge is not None else info.gt
        high = info.le if info.le is not None else info.lt
        if info.ge is not None and info.le is not None:
            return f"{text} von {low} bis {high}"
        if low is not None:
            text += f" {'ab' if info.ge is not None else 'größer als'} {low}"
        if high is not None:
            text += f" {'bis' if info.le is not None else 'kleiner als'} {high}"
        return text
    if isinstance(info, ins.BoolType):
        return "true oder false"
    if isinstance(info, ins.LiteralType):
        return "einer der Werte " + ", ".join(f"„{v}“" for v in info.values)
    if isinstance(info, ins.DateType):
        return "ein Datum der Form JJJJ-MM-TT"
    if isinstance(info, ins.DateTimeType):
        return "ein Zeitpunkt nach RFC 3339, z. B. 2024-05-02T10:00:00Z"
    if isinstance(info, (ins.ListType, ins.SetType, ins.FrozenSetType, ins.VarTupleType)):
        return f"eine Liste, jeder Eintrag {describe(info.item_type)}"
    if isinstance(info, (ins.StructType, ins.DataclassType)):
        required = [f"„{f.encode_name}“" for f in info.fields if f.required]
        optional = [f"„{f.encode_name}“" for f in info.fields if not f.required]
        text = "ein JSON-Objekt mit den Pflichtfeldern " + ", ".join(required)
        return text + (" und den freiwilligen Feldern " + ", ".join(optional) if optional else "")
    if isinstance(info, ins.CustomType) and info.cls.__name__ == "UploadFile":
        return "eine hochgeladene Datei (multipart/form-data)"
    return "ein gültiger Wert"


_TYPE_WORDS = {
    "int": "eine ganze Zahl",
    "float": "eine Zahl",
    "str": "ein Text",
    "bool": "true oder false",
    "array": "eine Liste",
    "object": "ein JSON-Objekt",
    "null": "leer (null)",
}
_RULES = [  # msgspec's messages, for parameters whose type is not introspected
    (re.compile(r"Expected `(\w+)` matching regex '(.*)'"), lambda m: _PATTERNS.get(m.group(2), f"ein Text nach dem Muster {m.group(2)}")),
    (re.compile(r"Expected `(\w+)` of length >= (\d+)"), lambda m: f"mindestens {m.group(2)} Zeichen"),
    (re.compile(r"Expected `(\w+)` of length <= (\d+)"), lambda m: f"höchstens {m.group(2)} Zeichen"),
    (re.compile(r"Expected `(\w+)` >= (\S+)"), lambda m: f"mindestens {m.group(2)}"),
    (re.compile(r"Expected `(\w+)` <= (\S+)"), lambda m: f"höchstens {m.group(2)}"),
    (re.compile(r"Expected `(\w+)` > (\S+)"), lambda m: f"größer als {m.group(2)}"),
    (re.compile(r"Expected `(\w+)` < (\S+)"), lambda m: f"kleiner als {m.group(2)}"),
    (re.compile(r"Expected `(\w+)`"), lambda m: _TYPE_WORDS.get(m.group(1), "ein Wert anderer Art")),
    (re.compile(r"Invalid enum value"), lambda m: "nur einer der erlaubten Werte"),
    (re.compile(r"RFC3339 encoded date\b"), lambda m: "ein Datum der Form JJJJ-MM-TT"),
    (re.compile(r"RFC3339 encoded datetime"), lambda m: "ein Zeitpunkt nach RFC 3339"),
]


def _rule_from_message(text: str) -> str:
    for pattern, words in _RULES:
        if match := pattern.search(text):
            return words(match)
    return "ein gültiger Wert"
