"""The served site: ``hub site build``'s pages in ``<data>/site``, rebuilt incrementally at each new HEAD.

The builder is the static one, so the served pages are the same pages; it writes only
what changed (its page keys) and renames each file into place. The clone exports are
not copied: a running hub serves ``/git`` from ``<data>/git``.

The builder (``hub.site.build``: templates, renderers, reports) is imported only where a
build or warm-up runs, in the site's child process and in ``hub serve``'s first start: a
server process that only serves the pages never loads it.
"""

from __future__ import annotations

import contextlib
import gc
import json
from pathlib import Path

import pygit2

from hub.child import ServicesChild
from hub.resources import site_dir
from hub.services import Services, data_lock
from hub.settings import environment
from hub.store import Catalog

SITE_LOCK = ".site.lock"
SERVED = ".build/served"  # commit and clone address the served site was built for


def clone_base() -> str:
    """The hub's address for the ``git clone`` commands on the pages: ``$HUB_BASE_URL``, else the address ``hub serve`` listens on."""
    settings = environment()
    base = settings.base_url or settings.serve_url or ""
    return base + "/" if base else ""


def site_folder(services: Services) -> Path:
    return services.config.data_dir / "site"


def _built_for(folder: Path) -> str | None:
    with contextlib.suppress(OSError):
        return (folder / SERVED).read_text(encoding="utf-8")
    return None


def served_commit(folder: Path, clone_base: str) -> str | None:
    """The commit whose pages ``folder`` holds for this hub's address, as the last served build left them (None: none).

    One small file, written after the build's own state: a build that stopped half-way left the previous
    commit's marker, or none. A server process answers from these pages while its own site child starts.
    """
    marker = _built_for(folder)
    if marker is None:
        return None
    commit, _, base = marker.partition(" ")
    return commit if base == clone_base and commit not in ("", "None") else None


def warm(services: Services | None = None) -> None:
    """Get a new process ready for the first new commit: compile the templates, and render one package's diagram,
    forms, configurations and texts in memory (loading the diagram, form and highlighting code; a cold build spends
    most of its time there). One package's files only: nothing here grows with the catalogue."""
    from hub.site.build import _environment

    env = _environment(site_dir() / "templates")
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)
    if services is None:
        return
    package_id = _first_package(services.catalog)
    if package_id is not None:
        _render_once(services.catalog, package_id)


def _first_package(catalog: Catalog) -> str | None:
    """The first package folder with a ``hub.yaml`` at HEAD, found without listing the others."""
    head = catalog.head()
    repo = catalog.repo
    if head is None or "packages" not in head.tree:
        return None
    for publisher in repo[head.tree["packages"].id].peel(pygit2.Tree):
        if publisher.type_str != "tree":
            continue
        for package in repo[publisher.id].peel(pygit2.Tree):
            if package.type_str == "tree" and "hub.yaml" in repo[package.id].peel(pygit2.Tree):
                return f"{publisher.name}/{package.name}"
    return None


def _render_once(catalog: Catalog, package_id: str) -> None:
    """What the package page renders, for one package, thrown away: the code is loaded, nothing is kept."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import JsonLexer, YamlLexer

    from hub.render.bpmn_svg import render_bpmn_svg
    from hub.render.form_preview import render_form_preview
    from hub.render.markdown import render_markdown

    package = catalog.get(package_id)
    repo = catalog.repo
    files = {f.path: repo[f.oid].peel(pygit2.Blob).data for f in package.files}
    render_markdown(files.get("README.md", b"").decode("utf-8", "replace"))
    for artefact in package.manifest.artefacts:
        data = files.get(artefact.path, b"")
        # a file that does not render is the build's to report; the warm-up only loads the code
        with contextlib.suppress(Exception):
            if artefact.kind == "process-model":
                render_bpmn_svg(data, title=artefact.title or artefact.path)
            elif artefact.kind == "form-schema":
                render_form_preview(json.loads(data), form_id="warm")
            elif artefact.kind == "config":
                highlight(data.decode("utf-8", "replace"), JsonLexer() if artefact.format == "json" else YamlLexer(), HtmlFormatter())
            elif artefact.format == "markdown":
                render_markdown(data.decode("utf-8", "replace"))


def build(services: Services, commit: str | None, clone_base: str = "") -> str | None:
    """Bring the served site to ``commit``; one process at a time, the others find it current."""
    from hub.site.build import SiteBuilder

    folder = site_folder(services)
    with data_lock(services.config.data_dir / SITE_LOCK):
        wanted = f"{commit} {clone_base}"
        # the small marker first: the state file is read only when the marker says the site is already there
        if commit is not None and _built_for(folder) == wanted and _whole(folder, commit):
            return commit
        # background: the dashboard (summing up every package) follows the publish's pages in the child's thread
        report = SiteBuilder(services.catalog, folder, ref=commit, clone_base=clone_base, clones=False, background=True).build()
        (folder / SERVED).write_text(f"{report.commit} {clone_base}", encoding="utf-8")
        return report.commit


def _whole(folder: Path, commit: str) -> bool:
    """True if ``folder`` holds the site of ``commit`` with its dashboard, or the dashboard waits in this process to be
    written (:mod:`hub.site.deferred`); a process stopped while it waited left a state whose dashboard is behind."""
    from hub.site.deferred import waiting
    from hub.site.state import BuildState

    built, summaries = BuildState(folder).head()
    return built == commit and (summaries == commit or waiting(folder))


# After every build the site's child process freezes what it holds for the garbage collector (gc.freeze): the kept
# build's data of 50,000 packages is about two million objects, which every full collection walked again (one second,
# every few site updates). What a frozen object leaves as garbage in a cycle waits for the full collection the child
# makes every FULL_COLLECT_EVERY builds.
FULL_COLLECT_EVERY = 50
_builds_since_collect = 0


def build_and_freeze(services: Services, commit: str | None, clone_base: str = "") -> str | None:
    """:func:`build` in the site's child process, then what the process holds frozen for the garbage collector."""
    global _builds_since_collect  # noqa: PLW0603 - one count per process: the child's
    try:
        return build(services, commit, clone_base)
    finally:
        _builds_since_collect += 1
        if _builds_since_collect >= FULL_COLLECT_EVERY:
            _builds_since_collect = 0
            gc.unfreeze()
            gc.collect()
        gc.freeze()


# the child's priority below the server process's: on a busy machine the kernel runs the requests first and a
# build takes the CPU that is left (a build is never waited for by a request)
NICENESS = 10


class SiteProcess(ServicesChild):
    """The served site built in a child process of its own, so a build never holds this process's GIL (and the
    follower's catch-up of index and clone exports runs there too, before the build).

    A rebuild after a publish (pages, charts, the search index) is CPU work in Python; in a
    thread of the serving process it held the GIL against every request and every publish
    the process was answering. The child keeps its own opened catalogue and its warmed
    builder (templates compiled, diagram code loaded) from one build to the next, and what
    the last build read (``hub.site.build.Kept``): a build after a publish reads only the
    packages whose folders changed (``hub.site.data.advance``), not every package; the
    follower's thread waits for it without holding the GIL. A child that died is started
    again at the next build.
    """

    niceness = NICENESS

    def build(self, commit: str | None, clone_base: str = "") -> str | None:
        return self.run(build_and_freeze, commit, clone_base)

    def warm(self) -> None:
        self.run(warm)

    def catch_up(self, every_export: bool = True) -> str | None:
        """``Services.catch_up`` in the child: index and clone exports at HEAD, without this process's GIL."""
        return self.run(_catch_up, every_export)


def _catch_up(services: Services, every_export: bool) -> str | None:
    return services.catch_up(every_export=every_export)
