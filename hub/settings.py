"""Every environment variable the hub reads, in one place, parsed once.

Nothing else in ``hub/`` reads ``os.environ`` (tests/test_settings.py checks it), and
docs/settings.md lists each variable with its meaning and default (checked too). A value that
cannot be understood stops the hub with a German message instead of being guessed: ``HUB_DEBUG=0``
means off, ``HUB_FSYNC=nein`` means off, ``HUB_FSYNC=vielleicht`` is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from hub.errors import HubError

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nein", ""}


class SettingsInvalid(HubError):
    """An environment variable of the hub has a value that cannot be understood."""

    code = "settings-invalid"
    status = 500
    exit_code = 2
    title = "Ungültige Einstellung"


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsInvalid(f"{name}={raw!r} ist weder ein- (1, true, ja) noch ausgeschaltet (0, false, nein).")


def _megabytes(name: str, raw: str) -> int:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise SettingsInvalid(f"{name}={raw!r} ist keine positive Zahl von Megabyte.")
    return int(value * 1024 * 1024)


def _megabytes_or_zero(name: str, raw: str) -> int:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise SettingsInvalid(f"{name}={raw!r} ist keine Zahl von Megabyte (0 oder mehr).")
    return int(value * 1024 * 1024)


def _positive(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise SettingsInvalid(f"{name}={raw!r} ist keine positive Zahl.")
    return value


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise SettingsInvalid(f"{name}={raw!r} ist keine Zahl von Sekunden zwischen 0 und 3600.")
    return value


def _url(name: str, raw: str) -> str | None:
    value = raw.strip().rstrip("/")
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise SettingsInvalid(f"{name}={raw!r} ist keine http(s)-Adresse.")
    return value


def _text(name: str, raw: str) -> str | None:
    return raw.strip() or None


def _path(name: str, raw: str) -> Path | None:
    return Path(raw) if raw.strip() else None


def _meta(env: str, parse: Callable[[str, str], Any], doc: str) -> dict[str, Any]:
    return {"env": env, "parse": parse, "doc": doc}


@dataclass(frozen=True)
class Environment:
    """The hub's environment variables, parsed. Field metadata: variable name, parser, German description."""

    data: Path | None = field(
        default=None,
        metadata=_meta(
            "HUB_DATA",
            _path,
            "Datenverzeichnis des Hubs (Katalog, Suchindex, Exporte). Standard: `$XDG_DATA_HOME/transferhub`, sonst `~/.local/share/transferhub`.",
        ),
    )
    xdg_data_home: Path | None = field(
        default=None, metadata=_meta("XDG_DATA_HOME", _path, "Basis des Standard-Datenverzeichnisses, wenn `HUB_DATA` fehlt.")
    )
    fsync: bool = field(
        default=True,
        metadata=_meta(
            "HUB_FSYNC",
            _flag,
            "Objekte und Refs vor dem Ende einer Veröffentlichung auf die Platte schreiben (Standard: an). "
            "Aus nur für Wegwerf-Kataloge und Messungen.",
        ),
    )
    debug: bool = field(
        default=False,
        metadata=_meta("HUB_DEBUG", _flag, "Bei internen Fehlern der CLI den vollständigen Python-Traceback zeigen (Standard: aus)."),
    )
    max_upload_bytes: int = field(
        default=20 * 1024 * 1024,
        metadata=_meta("HUB_MAX_UPLOAD_MB", _megabytes, "Größte Paketdatei, die die API annimmt, in Megabyte (Standard: 20)."),
    )
    answer_cache_bytes: int = field(
        default=256 * 1024 * 1024,
        metadata=_meta(
            "HUB_ANSWER_CACHE_MB",
            _megabytes_or_zero,
            "Speicher je Arbeitsprozess für fertig kodierte API-Antworten zu Paketen, in Megabyte (Standard: 256). "
            "`0` schaltet diesen Zwischenspeicher ab: jede Antwort kommt dann aus dem Suchindex oder dem Katalog.",
        ),
    )
    base_url: str | None = field(
        default=None,
        metadata=_meta(
            "HUB_BASE_URL",
            _url,
            "Öffentliche Adresse des Hubs für Links und Kennungen in Exporten (DCAT, publiccode.yml, Atom). "
            "Standard: die Adresse der Anfrage; für die CLI https://transferhub.de. Beginnt sie mit `https://`, bekommt das "
            "Sitzungs-Cookie des Arbeitsbereichs das Attribut `Secure` (hinter einem Proxy, der TLS beendet, deshalb setzen).",
        ),
    )
    serve_url: str | None = field(
        default=None,
        metadata=_meta(
            "HUB_SERVE_URL",
            _url,
            "Adresse, unter der `hub serve` lauscht; `hub serve` setzt sie selbst für seine Arbeitsprozesse (für die git-clone-Befehle der Seiten, wenn `HUB_BASE_URL` fehlt).",
        ),
    )
    log_follow: bool = field(
        default=False,
        metadata=_meta(
            "HUB_LOG_FOLLOW",
            _flag,
            "Jedes Nachziehen des laufenden Hubs auf einen neuen Katalogstand mit seiner Dauer auf stderr protokollieren (Standard: aus).",
        ),
    )

    session_idle_minutes: float = field(
        default=60.0,
        metadata=_meta(
            "HUB_SESSION_IDLE_MINUTES",
            _positive,
            "Nach so vielen Minuten ohne Anfrage endet eine Sitzung im Arbeitsbereich (Standard: 60).",
        ),
    )
    session_max_hours: float = field(
        default=10.0,
        metadata=_meta(
            "HUB_SESSION_MAX_HOURS",
            _positive,
            "So viele Stunden nach der Anmeldung endet eine Sitzung in jedem Fall; danach ist eine neue Anmeldung nötig (Standard: 10).",
        ),
    )
    replica_interval: float = field(
        default=1.0,
        metadata=_meta(
            "HUB_REPLICA_INTERVAL",
            _seconds,
            "Wie oft ein Nur-Lese-Replikat (`hub serve --follow`) den Primär-Hub nach neuen Ständen fragt, in Sekunden (Standard: 1).",
        ),
    )

    oidc_issuer: str | None = field(
        default=None,
        metadata=_meta(
            "HUB_OIDC_ISSUER",
            _url,
            "Adresse (Issuer) des OpenID-Connect-Anbieters der Organisationen; gesetzt bietet `/anmelden` die Anmeldung dort an "
            "(Autorisierungscode mit PKCE). Standard: keine, nur lokale Konten.",
        ),
    )
    oidc_client_id: str = field(
        default="transferhub",
        metadata=_meta("HUB_OIDC_CLIENT_ID", _text, "Client-ID des Hubs beim OpenID-Connect-Anbieter (Standard: transferhub)."),
    )
    oidc_client_secret: str | None = field(
        default=None,
        metadata=_meta(
            "HUB_OIDC_CLIENT_SECRET", _text, "Client-Geheimnis des Hubs beim OpenID-Connect-Anbieter (nötig mit `HUB_OIDC_ISSUER`)."
        ),
    )
    oidc_org_claim: str = field(
        default="organisation",
        metadata=_meta(
            "HUB_OIDC_ORG_CLAIM",
            _text,
            "Claim des ID-Tokens mit der Kennung der Organisation (im Katalog registriert), für die die Person handelt (Standard: organisation).",
        ),
    )
    oidc_roles_claim: str = field(
        default="roles",
        metadata=_meta(
            "HUB_OIDC_ROLES_CLAIM",
            _text,
            "Claim des ID-Tokens mit den Rollen der Person (Liste oder durch Leerzeichen getrennt; publisher, adopter, reviewer, admin, "
            "operator für den Betrieb des ganzen Hubs; andere Werte werden ignoriert). Standard: roles.",
        ),
    )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Environment:
        """Parse every variable; a bad value raises :class:`SettingsInvalid` naming it."""
        values = {
            f.name: f.metadata["parse"](f.metadata["env"], environ[f.metadata["env"]]) for f in fields(cls) if f.metadata["env"] in environ
        }
        return cls(**{k: v for k, v in values.items() if v is not None})

    @property
    def data_dir(self) -> Path:
        if self.data is not None:
            return self.data
        return (self.xdg_data_home or Path.home() / ".local" / "share") / "transferhub"


@cache
def environment() -> Environment:
    """The process's environment, read once (at first use, so a caller may still set variables before)."""
    return Environment.from_environ(os.environ)
