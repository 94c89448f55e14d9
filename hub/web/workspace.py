"""The workspace's pages: rendering (site/templates/arbeitsbereich), the session cookie, and what the pages show.

The controllers (``hub.api.controllers.workspace``) stay thin: they check the session and the
CSRF token, call a use case, and hand the result to :func:`render`. Templates escape every
value (autoescaping on); the pages are served only by a running hub, never built statically.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import pygit2
import semver

from hub.adopt.model import SemanticDiff
from hub.adopt.semantic import semantic_diff
from hub.errors import PackageNotFound
from hub.model import Adoption
from hub.resources import site_dir
from hub.services import Services
from hub.settings import environment
from hub.store.catalog import package_path

if TYPE_CHECKING:
    from jinja2 import Environment
from hub.store.plausibility import STATUS_ORDER
from hub.store.records import adoptions
from hub.store.trees import subtree

COOKIE = "transferhub_sitzung"
SECURE_COOKIE = "__Host-transferhub_sitzung"  # the prefix makes browsers insist on Secure, Path=/ and no Domain
ADOPTION_LABELS = {"planned": "geplant", "pilot": "im Pilotbetrieb", "production": "in Produktion", "ended": "beendet"}
ROLE_LABELS = {
    "publisher": "Veröffentlichen",
    "adopter": "Nachnutzen",
    "reviewer": "Begutachten",
    "admin": "Verwalten",
    "operator": "Betrieb",
}
CHANGE_LABELS = {"added": "neu", "removed": "entfernt", "changed": "geändert", "renamed": "umbenannt"}
NODE_LABELS = {"task": "Aufgabe", "event": "Ereignis", "gateway": "Verzweigung"}
# where a file of the manifest form's package comes from (hub.usecases.manifests.PackageFile.origin)
FILE_ORIGINS = {
    "formular": "aus diesem Formular",
    "bisher": "aus der bisherigen Version",
    "vorlage": "Vorlage von hub new",
    "hochgeladen": "hochgeladen",
    "ersetzt": "hochgeladen, ersetzt die bisherige Datei",
    "beiseite": "hochgeladen, nicht verwendet: das Manifest kommt aus dem Formular",
}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'{extra}; frame-ancestors 'none'"
)
# no caching, no framing, scripts and styles only from the hub (the pages use none of their own)
HEADERS = {
    "cache-control": "no-store",
    "content-security-policy": CSP.format(extra=""),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def form_targets(*origins: str) -> dict[str, str]:
    """The headers of a page whose form may lead to ``origins`` too (the sign-in form redirects to the identity provider:
    browsers apply ``form-action`` to the redirect after a form's POST)."""
    extra = "".join(f" {origin}" for origin in origins)
    return {"content-security-policy": CSP.format(extra=extra)}


def secure_cookies(request_scheme: str) -> bool:
    """Secure cookies when the hub's public address (``HUB_BASE_URL``) is https, or the request itself came over https.

    Behind a proxy that ends TLS the request arrives as http: ``HUB_BASE_URL`` is how the hub knows.
    """
    return (environment().base_url or "").startswith("https://") or request_scheme == "https"


def cookie_name(secure: bool) -> str:
    return SECURE_COOKIE if secure else COOKIE


def local_target(value: str | None, default: str = "/arbeitsbereich/") -> str:
    """Where to go after signing in: only a path on this hub (no scheme, no host, no ``//``), else ``default``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else default


@cache
def _templates() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # with the first page, not at a server's start

    env = Environment(
        loader=FileSystemLoader(site_dir() / "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True
    )
    # functions, not filters: the site's own environment compiles these templates too (hub.web.site.warm), without them
    env.globals["wert"] = readable_value
    env.globals["dateigroesse"] = readable_size
    env.globals["file_origins"] = FILE_ORIGINS
    env.globals.update(adoption_labels=ADOPTION_LABELS, role_labels=ROLE_LABELS, change_labels=CHANGE_LABELS, node_labels=NODE_LABELS)
    return env


def readable_size(size: int) -> str:
    """A file size in German notation: ``820 Byte``, ``12,4 KB``, ``3,1 MB``."""
    if size < 1024:
        return f"{size} Byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB".replace(".", ",")
    return f"{size / 1048576:.1f} MB".replace(".", ",")


def readable_value(value: Any) -> str:
    """A configuration value as a German reader expects it: ja/nein, lists joined, the rest as JSON."""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if value is None:
        return "leer"
    if isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        return ", ".join(str(v) for v in value) or "leere Liste"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def render(template: str, **context: Any) -> str:
    """A workspace page; its links start at the hub's root (the workspace is only ever served at ``/``)."""
    context.setdefault("title", "Arbeitsbereich")
    return _templates().get_template(f"arbeitsbereich/{template}").render(root="/", section="arbeitsbereich", **context)


# -- what the adopter's pages show ------------------------------------------------------------


def version_key(version: str) -> semver.Version:
    return semver.Version.parse(version)


@dataclass
class AdoptionForm:
    """The form "Nachnutzung erfassen" for one package: what can be chosen, and what is there already."""

    package: str
    name: str
    versions: list[str]  # highest first
    statuses: list[str]  # the statuses the next step may take
    current: Adoption | None
    values: dict[str, str] = field(default_factory=dict)


def adoption_of(services: Services, package_id: str, org: str) -> Adoption | None:
    return next((a for a in adoptions(services.catalog, package_id) if a.adopter == org), None)


def adoption_form(services: Services, package_id: str, org: str, values: dict[str, str] | None = None) -> AdoptionForm:
    """Raises :class:`hub.errors.PackageNotFound` for an unknown package."""
    latest = services.catalog.get(package_id)
    versions = [v.version for v in services.catalog.versions(package_id)]
    current = adoption_of(services, package_id, org)
    statuses = [s for s in STATUS_ORDER if current is None or STATUS_ORDER[s] >= STATUS_ORDER[current.status]]
    defaults = {
        "status": current.status if current else "planned",
        "version": current.version if current else latest.manifest.version,
        "date": date.today().isoformat(),
        "note": "",
    }
    return AdoptionForm(
        package=package_id,
        name=latest.manifest.name,
        versions=versions,
        statuses=statuses,
        current=current,
        values={**defaults, **(values or {})},
    )


@dataclass
class MyAdoption:
    adoption: Adoption
    name: str
    latest: str
    newer: list[str]  # published versions above the adopted one, highest first
    diff: SemanticDiff | None  # adopted → latest, when a newer version exists

    @property
    def steps(self) -> list[tuple[str, str, str]]:
        """The site's comparison pages from the adopted version to the latest: (older, newer, href), oldest first.

        The site compares each version with the one before it (so a publish writes one comparison
        page); the whole span since the adopted version is the semantic comparison shown here.
        """
        chain = [self.adoption.version, *reversed(self.newer)]
        return [(a, b, f"/pakete/{self.adoption.package}/vergleich/{a}...{b}.html") for a, b in itertools.pairwise(chain)]


def my_adoptions(services: Services, org: str) -> list[MyAdoption]:
    """Every package ``org`` adopted, with the newer versions and what changed since the adopted one (``hub upstream diff``'s comparison)."""
    catalog = services.catalog
    repo = catalog.repo
    found = []
    for adoption in sorted((a for a in adoptions(catalog) if a.adopter == org), key=lambda a: a.package):
        try:
            versions = catalog.versions(adoption.package)
        except PackageNotFound:  # removed from the catalogue: its record stays, without versions
            versions = []
        name = adoption.package
        commits = {v.version: v.commit for v in versions}
        newer = [v.version for v in versions if _newer(v.version, adoption.version)]
        diff = None
        if versions:
            name = catalog.get(adoption.package).manifest.name
        if newer and adoption.version in commits:
            trees = [
                subtree(repo, repo[commits[v]].peel(pygit2.Commit).tree, package_path(adoption.package))
                for v in (adoption.version, newer[0])
            ]
            if all(t is not None for t in trees):
                # the package folder's trees stand in for commits: the comparison reads only ``.tree``
                old, new = (cast(pygit2.Commit, SimpleNamespace(tree=tree)) for tree in trees)
                diff = semantic_diff(repo, adoption.package, old, new, adoption.version, newer[0])
        found.append(
            MyAdoption(adoption=adoption, name=name, latest=versions[0].version if versions else adoption.version, newer=newer, diff=diff)
        )
    return found


def _newer(version: str, than: str) -> bool:
    try:
        return version_key(version) > version_key(than)
    except ValueError:
        return False


def flash(kind: str | None) -> str | None:
    """The message after a redirect (post/redirect/get), chosen by a fixed key, never text from the URL."""
    return {
        "erfasst": "Die Nachnutzung ist gespeichert.",
        "abgemeldet": "Sie sind abgemeldet.",
        "passwort": "Ihr neues Passwort ist gesetzt; bitte melden Sie sich damit an.",
    }.get(kind or "")
