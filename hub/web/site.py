"""The served site: ``hub site build``'s pages in ``<data>/site``, rebuilt incrementally at each new HEAD.

The builder is the static one, so the served pages are the same pages; it writes only
what changed (its page keys) and renames each file into place. The clone exports are
not copied: a running hub serves ``/git`` from ``<data>/git``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TypeVar

import msgspec

from hub.config import HubConfig
from hub.resources import site_dir
from hub.services import Services, data_lock
from hub.settings import environment
from hub.site.build import STATE, SiteBuilder, _environment
from hub.site.data import ManifestCache, gather
from hub.store import Catalog

T = TypeVar("T")

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


class SiteProcess:
    """The served site built in a child process of its own, so a build never holds this process's GIL.

    A rebuild after a publish (pages, charts, the search index) is CPU work in Python; in a
    thread of the serving process it held the GIL against every request and every publish
    the process was answering. The child keeps its own opened catalogue and its warmed
    builder (templates compiled, diagram code loaded) from one build to the next; the
    follower's thread waits for it without holding the GIL. A child that died is started
    again at the next build.
    """

    def __init__(self, config: HubConfig) -> None:
        self.config = config
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("forkserver"), initializer=_open_child, initargs=(self.config,)
                )
            return self._pool

    def _run(self, fn: Callable[..., T], *args: object) -> T:
        pool = self._executor()
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            raise

    def build(self, commit: str | None, clone_base: str = "") -> str | None:
        return self._run(_build_in_child, commit, clone_base)

    def warm(self) -> None:
        self._run(_warm_in_child)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_child: Services | None = None


def _open_child(config: HubConfig) -> None:
    global _child  # noqa: PLW0603 - the child process's one opened data folder
    _child = Services(config, Catalog.open(config.catalog_path))


def _build_in_child(commit: str | None, clone_base: str) -> str | None:
    assert _child is not None
    return build(_child, commit, clone_base)


def _warm_in_child() -> None:
    assert _child is not None
    warm(_child)
