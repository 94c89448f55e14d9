"""``hub adopt``: a package from the hub as the adopting city's own git repository."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygit2
from pygit2.enums import CheckoutStrategy

from hub.adopt.errors import BadSource, TargetNotEmpty
from hub.adopt.model import AdoptResult
from hub.adopt.remote import api_base, configure, record_remote
from hub.adopt.repo import BRANCH, Recorded, manifest_id, upstream_versions, version_commit, write_recorded
from hub.adopt.transport import REMOTE, UPSTREAM_HEADS, UpstreamMissing, fetch, is_http, local_path
from hub.config import HubConfig
from hub.errors import AdoptionExists, BadRequest, CatalogError, PackageNotFound, VersionNotFound
from hub.model import PACKAGE_ID, Adoption
from hub.store.catalog import Catalog
from hub.store.export import export_dir, export_package
from hub.store.records import actor_for, adoption_path, record_adoption

_PACKAGE_ID = re.compile(PACKAGE_ID)


@dataclass(frozen=True)
class Source:
    """Where a package comes from: ``given`` is recorded, ``url`` is the remote ``hub``."""

    given: str
    url: str
    catalog: Catalog | None = None  # set when the source is a hub data directory


def check_package_id(package_id: str) -> str:
    if not isinstance(package_id, str) or not _PACKAGE_ID.match(package_id):
        raise BadRequest(f"„{package_id}“ ist keine Paketkennung der Form <herausgeber>/<kurzname>.")
    return package_id


def is_data_dir(path: Path) -> bool:
    return (path / "catalog.git" / "HEAD").is_file()


def resolve_source(source: str | os.PathLike[str], package_id: str, version: str | None = None) -> Source:
    """The source as a fetchable address; a hub data directory is checked and its export brought up to date.

    ``source`` is a hub data directory (its catalogue), the address of a package repository
    (``http(s)://…/git/<publisher>/<slug>.git``; a hub or site address without ``.git`` gets that
    path appended), or the path of a package repository (bare, like the hub's exports, or not).
    """
    text = os.fspath(source)
    if is_http(text):
        url = text if text.rstrip("/").endswith(".git") else f"{text.rstrip('/')}/git/{package_id}.git"
        return Source(given=text, url=url)
    path = local_path(text)
    if path is None:  # ssh, git:// …: libgit2 fetches those
        return Source(given=text, url=text)
    if not path.exists():
        raise BadSource(f"Die Quelle „{text}“ gibt es nicht.")
    path = path.resolve()
    if is_data_dir(path):
        catalog = Catalog.open(path / "catalog.git")
        return Source(given=str(path), url=str(refresh_export(catalog, path, package_id, version)), catalog=catalog)
    if ((path / "HEAD").is_file() and (path / "objects").is_dir()) or (path / ".git").exists():
        return Source(given=str(path), url=str(path))
    raise BadSource(f"„{text}“ ist weder ein Datenverzeichnis des Hubs (mit catalog.git) noch ein Git-Repository eines Pakets.")


def refresh_export(catalog: Catalog, data_dir: Path, package_id: str, version: str | None = None) -> Path:
    """The package's clone export below ``<data>/git``, written or updated from the catalogue if it is not current."""
    versions = [v.version for v in catalog.versions(package_id)]  # PackageNotFound for an unknown package
    if version is not None and version not in versions:
        raise VersionNotFound(f"Das Paket „{package_id}“ hat keine Version „{version}“ (veröffentlicht: {', '.join(reversed(versions))}).")
    target = export_dir(HubConfig(data_dir=data_dir).git_path, package_id)
    try:
        export_package(catalog, package_id, target)
    except OSError as exc:  # a hub data directory one may read but not write (a shared drive): use the export as it is
        if not (target / "HEAD").is_file():
            raise CatalogError(f"Der Export von {package_id} unter „{target}“ lässt sich nicht schreiben: {exc}") from None
    return target.resolve()


def _has_adoption(catalog: Catalog, package_id: str, org: str) -> bool:
    head = catalog.head()
    if head is None:
        return False
    try:
        head.tree[adoption_path(package_id, org)]
    except KeyError:
        return False
    return True


def adopt(
    source: str | os.PathLike[str],
    package_id: str,
    version: str | None,
    target_dir: str | os.PathLike[str],
    *,
    as_org: str,
    record: bool = False,
    catalog: Catalog | None = None,
    recorder: Callable[[Catalog, str, str, str], Adoption] | None = None,
    token: str | None = None,
) -> AdoptResult:
    """Clone the package into a new repository at ``target_dir``, ``main`` and work tree at ``version`` (default: latest).

    The repository gets the package's whole history and every version tag, the remote ``hub``
    and the section ``[transferhub]`` (package, version, source, org) in ``.git/config``.
    On any refusal or failure nothing is left behind. ``record`` also writes a planned
    adoption authored by ``as_org`` into the catalogue (``catalog``, or the source's own),
    through ``recorder(catalogue, package id, organisation, version)`` when given (the CLI
    passes the use case, which also brings index and exports up to date). From a hub on the
    network, ``record`` goes through its API with the organisation's ``token``, which is kept in
    the repository's ``.git/config`` so that ``hub upstream merge`` can keep the record current.
    """
    check_package_id(package_id)
    if not as_org or not as_org.strip() or any(c.isspace() for c in as_org):
        raise BadRequest("Bitte mit --as die Kennung der nachnutzenden Organisation angeben (ohne Leerzeichen).")
    version = version.removeprefix("v") if version else None
    target = Path(target_dir)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TargetNotEmpty(
            f"„{target}“ gibt es schon und ist kein leerer Ordner; „hub adopt“ legt ein neues Repository nur in einem neuen oder leeren Ordner an."
        )
    src = resolve_source(source, package_id, version)
    api = api_base(src.url) if catalog is None and src.catalog is None else None
    record_catalog = catalog or src.catalog
    if record and api is not None:
        if not token:
            raise BadRequest(
                "Zum Erfassen der Nachnutzung im Hub (--record) braucht es das Token der nachnutzenden Organisation: --token oder HUB_TOKEN."
            )
    elif record:
        if record_catalog is None:
            raise BadRequest(
                "Zum Erfassen der Nachnutzung (--record) braucht es den Katalog des Hubs: als Quelle ein Datenverzeichnis angeben."
            )
        if _has_adoption(record_catalog, package_id, as_org):
            raise AdoptionExists(
                f"{as_org} hat die Nachnutzung von {package_id} bereits erfasst; ohne --record übernehmen oder den Stand mit „hub adoption advance“ fortschreiben."
            )

    created = not target.exists()
    try:
        repo = pygit2.init_repository(str(target), initial_head="main")
        repo.remotes.create(REMOTE, src.url)
        try:
            report = fetch(repo, src.url)
        except UpstreamMissing:
            raise PackageNotFound(f"Das Paket „{package_id}“ gibt es unter „{src.given}“ nicht.") from None
        versions = upstream_versions(repo)
        if not versions:
            raise PackageNotFound(f"Unter „{src.given}“ liegt kein Paket mit veröffentlichten Versionen (keine Tags v<version>).")
        chosen = version or list(versions)[-1]
        commit = version_commit(repo, versions, package_id, chosen)
        found_id, found_version = manifest_id(repo, commit)
        if found_id != package_id:
            raise PackageNotFound(f"Unter „{src.given}“ liegt nicht das Paket „{package_id}“, sondern „{found_id or 'keins'}“.")
        if found_version is not None and found_version != chosen:
            raise CatalogError(
                f"Das Tag v{chosen} zeigt auf einen Stand mit hub.yaml-Version {found_version}; das Paket-Repository ist beschädigt."
            )
        repo.create_reference_direct(BRANCH, commit.id, False, message=f"hub adopt: {package_id} {chosen}")
        repo.set_head(BRANCH)
        repo.checkout_head(strategy=CheckoutStrategy.FORCE)  # the folder is new or empty: nothing to overwrite
        if f"{UPSTREAM_HEADS}main" in repo.references:
            repo.config["branch.main.remote"] = REMOTE
            repo.config["branch.main.merge"] = "refs/heads/main"
        write_recorded(repo, Recorded(package=package_id, version=chosen, source=src.given, org=as_org))
        configure(repo, api=api, token=token)
        adoption = None
        if record and api is not None:
            assert token is not None
            adoption = record_remote(api, token, package_id, chosen)
        elif record:
            assert record_catalog is not None
            if recorder is not None:
                adoption = recorder(record_catalog, package_id, as_org, chosen)
            else:
                adoption = record_adoption(record_catalog, actor_for(record_catalog, as_org), package_id, chosen, "planned")
    except BaseException:
        _remove(target, created)
        raise
    return AdoptResult(
        package=package_id,
        version=chosen,
        latest=list(versions)[-1],
        versions=list(versions),
        path=str(Path(repo.workdir).resolve()),
        commit=str(commit.id),
        source=src.given,
        remote=src.url,
        org=as_org,
        adoption=adoption,
        notes=report.notes,
    )


def _remove(target: Path, created: bool) -> None:
    """Undo a failed adoption: the folder as it was (gone, or empty)."""
    if created:
        shutil.rmtree(target, ignore_errors=True)
        return
    if target.is_dir():
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
