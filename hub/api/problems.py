"""Every error as RFC 9457 problem details (``application/problem+json``), German, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from hub.api.requesterrors import request_problems
from hub.errors import PROBLEM_TYPE_BASE, HubError, problem_details
from hub.model import Base, Problem

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("hub.api")

_HTTP = {
    400: ("bad-request", "Ungültige Anfrage", "Die Anfrage ist fehlerhaft."),
    401: ("unauthorized", "Anmeldung erforderlich", "Für diese Aktion ist ein gültiges Token nötig (Authorization: Bearer …)."),
    403: ("forbidden", "Keine Berechtigung", "Dieses Token darf diese Aktion nicht ausführen."),
    404: ("not-found", "Nicht gefunden", "Unter dieser Adresse gibt es nichts."),
    405: ("method-not-allowed", "Methode nicht erlaubt", "Diese HTTP-Methode ist hier nicht erlaubt."),
    406: ("not-acceptable", "Nicht lieferbar", "Das gewünschte Format kann nicht geliefert werden."),
    413: ("payload-too-large", "Upload zu groß", "Der Upload überschreitet die zulässige Größe."),
    415: ("unsupported-media-type", "Format nicht unterstützt", "Dieses Inhaltsformat wird hier nicht angenommen."),
    429: ("too-many-requests", "Zu viele Anfragen", "Bitte später erneut versuchen."),
}


class ProblemDetails(Base):
    """RFC 9457 problem details; ``problems`` lists every validation finding with its place."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    problems: list[Problem] = msgspec.field(default_factory=list)


_DESCRIPTIONS = {
    400: "Ungültige Anfrage oder Parameter",
    401: "Kein oder ungültiges Token",
    403: "Token ohne Berechtigung",
    404: "Nicht gefunden",
    409: "Konflikt mit dem Katalog (Version existiert, Stand nicht fortschreibbar)",
    413: "Upload zu groß",
    422: "Paket ungültig: alle Probleme mit Code, Datei und Stelle",
    503: "Noch nicht bereit (erster Start): die Kopfzeile Retry-After nennt die Sekunden bis zur nächsten Anfrage",
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problem-details answers a route can give."""
    return {
        status: ResponseSpec(
            data_container=ProblemDetails, description=_DESCRIPTIONS[status], media_type=PROBLEM_JSON, generate_examples=False
        )
        for status in statuses
    }


def ok(data: object, description: str = "Erfolg") -> dict[int, ResponseSpec]:
    """The 200 entry of a route whose handler returns pre-encoded JSON."""
    return {200: ResponseSpec(data_container=data, description=description, generate_examples=False)}


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[dict[str, Any]]:
    return Response(body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def hub_error_handler(request: Request, exc: HubError) -> Response[dict[str, Any]]:
    headers = {"WWW-Authenticate": 'Bearer realm="transferhub"'} if exc.status == 401 else {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    return problem_response(problem_details(exc, instance=request.url.path), headers)


def http_error_handler(request: Request, exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    code, title, detail = _HTTP.get(status, ("http-error", "Fehler", "Die Anfrage konnte nicht bearbeitet werden."))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "instance": request.url.path,
    }
    problems = request_problems(request, exc) if status == 400 else []
    if isinstance(exc, ValidationException):
        body["code"] = "invalid-parameters"
        body["type"] = PROBLEM_TYPE_BASE + "invalid-parameters"
        body["title"] = "Ungültige Angaben"
        body["detail"] = (
            "Mindestens eine Angabe der Anfrage (Feld im Rumpf oder Parameter) hat keinen gültigen Wert; „problems“ nennt Feld, Regel und Wert."
        )
    elif problems:
        body["detail"] = "Der Rumpf der Anfrage ist nicht lesbar; „problems“ nennt die Stelle."
    if problems:
        body["problems"] = problems
    if status >= 500:
        log.error("HTTP %s on %s: %s", status, request.url.path, exc.detail)
    return problem_response(body, dict(exc.headers or {}) or None)


def encoding_error_handler(request: Request, exc: UnicodeDecodeError) -> Response[dict[str, Any]]:
    # Litestar decodes multipart parts without a filename as UTF-8 text and lets the error escape
    return problem_response(
        {
            "type": PROBLEM_TYPE_BASE + "bad-request",
            "title": "Ungültige Anfrage",
            "status": 400,
            "detail": "Die Anfrage enthält Text, der nicht UTF-8-kodiert ist. Archive bitte als Datei-Teil (mit Dateinamen) senden.",
            "code": "bad-request",
            "instance": request.url.path,
        }
    )


def internal_error_handler(request: Request, exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error on %s", request.url.path)
    return problem_response(
        {
            "type": PROBLEM_TYPE_BASE + "internal-error",
            "title": "Interner Fehler",
            "status": 500,
            "detail": "Ein unerwarteter Fehler ist aufgetreten; er wurde protokolliert.",
            "code": "internal-error",
            "instance": request.url.path,
        }
    )
