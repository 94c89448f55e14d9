"""The served site: ``hub site build``'s pages in ``<data>/site``, rebuilt incrementally at each new HEAD.

The builder is the static one, so the served pages are the same pages; it writes only
what changed (its page keys) and renames each file into place. The clone exports are
not copied: a running hub serves ``/git`` from ``<data>/git``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import msgspec

from hub.resources import site_dir
from hub.services import Services, data_lock
from hub.settings import environment
from hub.site.build import STATE, SiteBuilder, _environment
from hub.site.data import ManifestCache, gather

SITE_LOCK = ".site.lock"
SERVED = ".build/served"  # commit and clone address the served site was built for


def clone_base() -> str:
    """The hub's address for the ``git clone`` commands on the pages: ``$HUB_BASE_URL``, else the address ``hub serve`` listens on."""
    settings = environment()
    base = settings.base_url or settings.serve_url or ""
    return base + "/" if base else ""


def site_folder(services: Services) -> Path:
    return services.config.data_dir / "site"


def built_commit(folder: Path) -> str | None:
    """The catalogue commit the site in ``folder`` shows (None: not built)."""
    with contextlib.suppress(OSError, msgspec.DecodeError):
        return msgspec.json.decode((folder / STATE).read_bytes()).get("commit")
    return None


def _built_for(folder: Path) -> str | None:
    with contextlib.suppress(OSError):
        return (folder / SERVED).read_text(encoding="utf-8")
    return None


def warm(services: Services | None = None) -> None:
    """Get a new process ready for the first new commit: compile the templates, and render one package page
    in memory (loading the diagram, form and highlighting code). A cold build spends most of its time there."""
    env = _environment(site_dir() / "templates")
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    if services is None:
        return
    folder = site_folder(services)
    builder = SiteBuilder(services.catalog, folder, clones=False)
    builder.data = gather(services.catalog, ManifestCache(folder / ".build" / "manifests.json"))
    for info in list(builder.data.packages.values())[:1]:
        builder.package_html(info, f"pakete/{info.id}")


def build(services: Services, commit: str | None, clone_base: str = "") -> str | None:
    """Bring the served site to ``commit``; one process at a time, the others find it current."""
    folder = site_folder(services)
    with data_lock(services.config.data_dir / SITE_LOCK):
        wanted = f"{commit} {clone_base}"
        if commit is not None and built_commit(folder) == commit and _built_for(folder) == wanted:
            return commit
        SiteBuilder(services.catalog, folder, ref=commit, clone_base=clone_base, clones=False).build()
        (folder / SERVED).write_text(wanted, encoding="utf-8")
        return built_commit(folder)
