"""The adoption record follows the work: ``hub adopt --record`` and ``hub upstream merge`` write it on the hub.

For a hub data directory the catalogue is written directly; for a hub on the network its API is
called with the adopting organisation's token, configured once in the adopted repository
(``transferhub.token`` and ``transferhub.api`` in ``.git/config``, never committed). The hub
applies the same rules as for every other write (registered organisation, plausible dates, version
exists), so a refused update is reported with the hub's German reason.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

import msgspec
import pygit2

from hub.adopt.errors import UpstreamUnreachable
from hub.adopt.transport import is_http
from hub.errors import BadRequest, HubError
from hub.model import Adoption

SECTION = "transferhub"
TIMEOUT = 30.0


def api_base(source: str) -> str | None:
    """The hub's address for a network source: ``http(s)://host[/prefix]`` without ``/git/<publisher>/<slug>.git``."""
    if not is_http(source):
        return None
    base = source.rstrip("/")
    if base.endswith(".git") and "/git/" in base:
        base = base[: base.rindex("/git/")]
    return base


def configure(repo: pygit2.Repository, *, api: str | None, token: str | None) -> None:
    """Remember where and as whom the adoption record is written (local configuration only)."""
    if api:
        repo.config[f"{SECTION}.api"] = api
    if token:
        repo.config[f"{SECTION}.token"] = token


def configured(repo: pygit2.Repository) -> tuple[str | None, str | None]:
    values = []
    for key in ("api", "token"):
        try:
            values.append(repo.config[f"{SECTION}.{key}"])
        except KeyError:
            values.append(None)
    return values[0], values[1]


class RemoteRefused(HubError):
    """The hub answered the adoption update with a problem; its code and German text are passed on."""

    code = "adoption-remote-refused"
    status = 502
    exit_code = 5
    title = "Hub hat den Nachweis abgelehnt"


def _call(method: str, url: str, token: str, body: dict) -> Adoption:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode("utf-8"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return msgspec.json.decode(response.read(), type=Adoption)
    except urllib.error.HTTPError as exc:
        try:
            problem = json.loads(exc.read().decode("utf-8"))
            detail = f"{problem.get('title', exc.code)}: {problem.get('detail', '')}"
        except (ValueError, UnicodeDecodeError):
            detail = f"HTTP {exc.code}"
        raise RemoteRefused(f"Der Hub {url} hat den Nachnutzungsnachweis nicht angenommen ({detail}).") from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise UpstreamUnreachable(f"Der Hub unter {url} ist nicht erreichbar: {exc}") from None
    except msgspec.DecodeError:
        raise RemoteRefused(f"Der Hub {url} hat keine Nachnutzung als Antwort geschickt.") from None


def record_remote(api: str, token: str, package_id: str, version: str, status: str = "planned") -> Adoption:
    """Record a new adoption on the hub at ``api`` (POST /api/v1/adoptions)."""
    return _call(
        "POST",
        f"{api}/api/v1/adoptions",
        token,
        {"package": package_id, "version": version, "status": status, "date": date.today().isoformat()},
    )


def advance_remote(api: str, token: str, org: str, package_id: str, version: str) -> Adoption:
    """The adoption on the hub now names ``version`` (PATCH /api/v1/adoptions/<org>/<package>), its status unchanged."""
    if not token:
        raise BadRequest("Für den Nachweis im Hub fehlt das Token (git config transferhub.token …).")
    return _call("PATCH", f"{api}/api/v1/adoptions/{org}/{package_id}", token, {"version": version, "date": date.today().isoformat()})
