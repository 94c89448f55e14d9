"""``hub site build``: a self-contained static site from one catalogue commit.

Every page is written only when what it shows changed: each has a key (a hash of its
inputs and of the templates), kept in ``.build/state.sqlite`` in the output folder (:mod:`hub.site.state`). After
one publish, the package's page, its publisher's and theme's pages and the catalogue-wide
ones (start, lists, search index, dashboard, feed) are rewritten; everything else stays.
Links are relative, so the folder works on any static host under any path prefix.

The dashboard (its pages, the Themenfeld views, the savings view and the downloads: CSV,
JSON, the XLSX workbook) sums up every package: its work grows with the catalogue. A build
with ``background`` (the served site's child process) that advanced from kept data
writes it after returning, in a thread of its own, paced so that it takes a bounded share of
the process (:mod:`hub.site.deferred`; :func:`settle` writes it at once): the publish's pages
are there at once, the summaries of the whole catalogue follow. Every other build (``hub site build``) writes it before it
returns, so a static host's folder is always whole.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import logging
import multiprocessing
import os
import re
import shutil
import time
import zipfile
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import msgspec
import pygit2
from cachetools import LRUCache
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JsonLexer, YamlLexer

from hub import __version__
from hub.errors import HubError
from hub.federation.atom import MEDIA_TYPE, TAG, Entry, Feed, Link, write_atom
from hub.federation.reports import read_reports
from hub.federation.sources import load_sources
from hub.maturity import maturity_model
from hub.maturity.reports import (
    AdoptionReport,
    HistoryReport,
    MaturityReport,
    PeriodPoint,
    adoption_report,
    history_report,
    history_rows,
    maturity_report,
    report_sheets,
    to_csv,
)
from hub.maturity.rules import number
from hub.maturity.spreadsheets import to_xlsx
from hub.model import Manifest
from hub.render.bpmn_svg import render_bpmn_svg
from hub.render.form_preview import render_form_preview
from hub.render.markdown import render_markdown
from hub.resources import site_dir
from hub.site.charts import dashboard_charts, kpis
from hub.site.compare import pairs, write_comparisons, write_vendor
from hub.site.data import ManifestCache, MaturityCache, PackageInfo, Release, SiteData, advance, gather
from hub.site.deferred import defer, give_way, settle
from hub.site.highlight import LeanHtmlFormatter
from hub.site.orgs import without_contact_section, write_organisations, write_transfer_map
from hub.site.savings import write_savings
from hub.site.searchindex import (
    PART_LEVEL,
    STATUS_LABELS,
    dated_by_commit,
    fold,
    gzipped,
    package_terms_key,
    search_head,
    search_shard,
    shard_count,
    shard_name,
    shard_of,
)
from hub.site.squeeze import squeeze
from hub.site.state import BuildState, Changes
from hub.slugs import slug
from hub.store import Catalog
from hub.store.catalog import package_path
from hub.store.export import export_dir, export_package
from hub.store.trees import blob_at, subtree, tree_files
from hub.validate.paths import resolve_link, safe_relpath

# the files a build writes, one per line, each noted before it is written, until the state names them: a build that
# ended before its state (killed, stopped with the server, a failed write) left files that no state names, which the
# next build writes again or removes
JOURNAL = ".build/writing"
SUMMARIES = ("dashboard/", "einsparungen/")  # what the dashboard step writes: summaries of every package (see the module's text)
# Rendering a file is a pure function of its bytes (and of what its key adds): what was rendered is kept in the process,
# bounded by size, for the builds after it. The served site's child builds after every publish, and most of a package's
# diagrams, forms and configurations are what they were in its version before; a full build meets identical files again.
RENDERED_KEPT = 32 * 1024 * 1024  # characters of rendered diagrams, forms and configurations (most recently used)
_RENDERED: LRUCache[tuple[str, str], str] = LRUCache(maxsize=RENDERED_KEPT, getsizeof=len)
PER_PAGE = 100
# publishers on the start page, those with the most packages: listing every one made the page (rewritten after every
# publish) grow with the catalogue, 2,500 tiles at 50,000 packages; the full list is the publishers' page
START_PUBLISHERS = 12
log = logging.getLogger("hub.site")
PARALLEL_FROM = 8  # changed packages from which forking workers pays (a publish changes one)
ADOPTION_LABELS = {"planned": "geplant", "pilot": "im Pilotbetrieb", "production": "in Produktion", "ended": "beendet"}
CONFIRMATION_LABELS = {
    "publisher": "vom Herausgeber",
    "reviewer": "durch die begutachtende Stelle",
    "provenance": "durch Herkunftsnachweis (vom Hub geprüft)",
}
CHANGE_LABELS = {"added": "neu", "removed": "entfernt", "modified": "geändert", "renamed": "umbenannt"}
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so a version's zip is the same bytes in every build
# Package files are untrusted. A static host that sends no content type for .bpmn or .yaml lets the
# browser sniff them, and an XHTML <script> inside a BPMN documentation element then runs on the
# site's origin. So text files are copied only under an added ".txt" suffix, which every host serves
# as text/plain (never sniffed into HTML); images and PDFs keep their suffix, which every host knows;
# everything else (HTML, SVG, XML, JavaScript …) is only inside the version's ZIP, where links lead.
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".json", ".yaml", ".yml", ".bpmn", ".csv")
INERT_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg")


def site_file(path: str) -> str | None:
    """Where a package file is copied below the package's ``dateien/`` folder, or None if it is not."""
    lower = path.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return path + ".txt"
    if lower.endswith(INERT_SUFFIXES):
        return path
    return None


def anchor(path: str) -> str:
    """The id of the place on the package page that shows the package file ``path``."""
    return "datei-" + slug(path)


@dataclass
class BuildReport:
    out: str
    commit: str
    written: list[str] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0
    read: int = 0  # packages whose data the build read from the catalogue (after one publish into a kept build: that one)
    deferred: bool = False  # the dashboard's pages and downloads are being written after the build returned (``background``)
    state_rows: int = 0  # rows of the folder's state (hub.site.state) written: after one publish into a kept build, a few


PAGER_AROUND = 2  # the pager names the first and the last page and this many on each side of the current one


def pager(page: int, pages: int) -> list[int | None]:
    """The page numbers a list's pager links, None where it leaves a gap: a bounded number however long the list
    (every number, as before, was 500 links on each of the 500 pages of a 50,000-package list)."""
    near = range(max(1, page - PAGER_AROUND), min(pages, page + PAGER_AROUND) + 1)
    shown = sorted({1, pages, *near})
    out: list[int | None] = []
    last = 0
    for n in shown:
        if n - last == 2:
            out.append(n - 1)  # a gap of one page: its number, not an ellipsis
        elif n - last > 2:
            out.append(None)
        out.append(n)
        last = n
    return out


def _key(*parts: Any) -> str:
    return hashlib.sha1(msgspec.json.encode(parts)).hexdigest()


class KeptDrawings(dict[str, str]):
    """Chart drawings by what they show, from the previous build; saving keeps only what this build used."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.used: dict[str, str] = {}
        kept: dict[str, str] = {}
        if path.is_file():
            with contextlib.suppress(msgspec.DecodeError, msgspec.ValidationError):
                kept = msgspec.msgpack.decode(path.read_bytes(), type=dict[str, str])
        super().__init__(kept)
        self.loaded = set(kept)

    def __contains__(self, key: object) -> bool:
        if not super().__contains__(key):
            return False
        self.used[str(key)] = self[str(key)]
        return True

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        self.used[key] = value

    def save(self) -> None:
        if self.used.keys() != self.loaded:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(msgspec.msgpack.encode(self.used))


class SiteBuilder:
    def __init__(
        self,
        catalog: Catalog,
        out: Path,
        *,
        ref: str | None = None,
        clone_base: str = "",
        clones: bool = True,
        processes: int = 1,
        background: bool = False,
    ) -> None:
        give_way(out)  # one writer per folder: a dashboard still waiting is dropped, one being written finished first
        self.catalog = catalog
        self.background = background  # after a kept build: the dashboard written in a thread once the build returned
        self.processes = processes  # > 1: packages are built by that many forked processes (never in a server with threads)
        self.with_clones = clones  # a running hub serves /git from its own exports; a static build carries them
        self.out = out
        self.root = str(out) + os.sep  # page paths joined as strings: a pathlib join per kept page cost more than its stat
        self.ref = ref
        self.clone_base = clone_base
        self.templates = site_dir() / "templates"
        self.env = _environment(self.templates)
        self.state = BuildState(out)
        self.kept = _KEPT.get(out.resolve())
        unfinished = _unfinished(out)
        if self.kept is not None and (unfinished or not self.kept.holds(self)):
            self.kept = None
        self.old: Mapping[str, str]
        if self.kept is not None:
            self.old, self.old_exports = self.kept.pages, self.kept.exports
        else:
            saved = self.state.read()
            self.old, self.old_exports = saved.pages, saved.exports
        # the state on disk is self.old (and the exports' self.old_exports) with the rows of ``stored`` changed: a build
        # that goes on from what it kept writes those rows alone; in a new process every row is written
        self.stored = self.kept is not None
        self.touched: dict[str, str] = {}  # pages whose key is not the one in the state on disk
        self.gone: set[str] = set()  # pages removed since the state on disk
        self.terms_changed: tuple[list[str] | None, list[str]] | None = None  # the search terms to write: added (None: all), gone
        # what an unfinished build wrote: "" is no page's key, so each is written again if still made, removed if not
        if unfinished:  # then nothing was kept: self.old is the state read from disk
            self.old = {**self.old, **dict.fromkeys(unfinished, "")}
        self._journal: tuple[int, int] | None = None  # (process id, open file) of JOURNAL, opened at the first write
        self.new: dict[str, str] = {}
        self.changed: set[str] | None = None  # after advancing kept data: the packages whose folders changed (None: all may have)
        self.exports: dict[str, str] = {}
        self.org_ids: list[str] = []  # the organisations with a page (hub.site.orgs.write_organisations)
        self.adopted_by: dict[str, list[str]] = {}  # the packages each organisation adopted (the same)
        self.report = BuildReport(out=str(out), commit="")
        self.summaries_of = ""  # the commit whose dashboard the folder holds once this build (or its thread) is done
        self._formatter = LeanHtmlFormatter()

    def old_rels(self, package_id: str) -> list[str]:
        """The previous build's files below a package's folder."""
        if self.kept is not None:
            return self.kept.by_package.get(package_id, [])
        return self.old_by_package.get(package_id, [])

    @cached_property
    def old_by_package(self) -> dict[str, list[str]]:
        """The previous build's files below each package's folder (``pakete/<publisher>/<slug>/…``)."""
        grouped: dict[str, list[str]] = {}
        for rel in self.old:
            parts = rel.split("/", 3)
            if parts[0] == "pakete" and len(parts) == 4:
                grouped.setdefault(f"{parts[1]}/{parts[2]}", []).append(rel)
        return grouped

    @cached_property
    def design(self) -> str:
        """Hash of templates and assets: a change to either rewrites every page."""
        return _design(site_dir())

    # -- writing --------------------------------------------------------------------------

    def page(self, rel: str, key: str, render) -> None:
        """Write ``rel`` unless its key is unchanged and the file is there."""
        key = _key(self.design, key)
        self.new[rel] = key
        if self.old.get(rel) != key:
            self.touched[rel] = key
        elif os.path.isfile(self.root + rel):
            self.report.skipped += 1
            return
        content = render()
        self._note(rel)
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        # write beside, then rename: a server reading the folder meanwhile sees the old page or the new, never half
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        os.replace(partial, target)
        self.report.written.append(rel)

    def _note(self, rel: str) -> None:
        """``rel`` into the journal before it is written (the package pages' worker processes append to it too)."""
        pid = os.getpid()
        if self._journal is None or self._journal[0] != pid:
            journal = self.out / JOURNAL
            journal.parent.mkdir(parents=True, exist_ok=True)
            self._journal = (pid, os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))
        os.write(self._journal[1], f"{rel}\n".encode())  # one write per line: appends of processes do not mix

    def _close_journal(self) -> None:
        """The state names every file written: the journal is done with."""
        if self._journal is not None and self._journal[0] == os.getpid():
            os.close(self._journal[1])
        self._journal = None
        (self.out / JOURNAL).unlink(missing_ok=True)

    def html(self, rel: str, template: str, **context: Any) -> str:
        depth = rel.count("/")
        context.setdefault("title", "Transferhub")
        return squeeze(
            self.env.get_template(template).render(
                root="../" * depth, commit=self.data.commit, commit_time=self.data.commit_time, **context
            )
        )

    # -- the build ------------------------------------------------------------------------

    def build(self) -> BuildReport:
        started = time.perf_counter()
        self.out.mkdir(parents=True, exist_ok=True)
        advanced = advance(self.catalog, self.kept.data, ref=self.ref) if self.kept is not None else None
        if advanced is not None:
            self.data, self.changed = advanced
            self.report.read = len(self.changed)
        else:
            self.data = gather(
                self.catalog,
                ManifestCache(self.out / ".build" / "manifests.json"),
                ref=self.ref,
                maturities=MaturityCache(self.out / ".build" / "maturity.msgpack"),
            )
            self.report.read = len(self.data.packages)
        self.report.commit = self.data.commit
        self.same_shape = self._same_shape()
        self.assets()
        self.packages()
        self.lists()
        self.start()
        self.search()
        deferred = self.report_deferred()
        if deferred:
            # the previous summaries stay in place (and in the state, with their keys) until the thread replaces them
            assert self.kept is not None
            self.new.update((rel, self.old[rel]) for rel in self.kept.others if rel.startswith(SUMMARIES))
            self.adoption, self.history = self.kept.adoption, self.kept.history
            self.summaries_of = self.kept.summaries
        else:
            self.dashboard()
        if self.same_shape and self.carry("karte/index.html"):
            # the same organisations, names and adoptions: the map stays, the pages of those a changed package concerns are looked at
            assert self.changed is not None
            infos = [self.data.packages[pid] for pid in self.changed]
            write_organisations(self, {i.publisher for i in infos} | {a.adopter for i in infos for a in i.adoptions})
        else:
            write_transfer_map(self, write_organisations(self))
        self.harvest()
        self.feed()
        if self.with_clones:
            self.clones()
        else:
            self.exports = self.old_exports
        self.prune()
        self.save()
        report = self.report  # the thread writes a report of its own
        report.seconds = time.perf_counter() - started
        if deferred:
            report.deferred = True
            defer(self.out, self.summaries)
        return report

    @property
    def advanced(self) -> bool:
        """True for a build that went on from kept data and read the changed packages alone (:func:`hub.site.data.advance`)."""
        return self.kept is not None and self.changed is not None

    def _same_shape(self) -> bool:
        """True after a publish (kept data advanced) that added or removed no package and changed no package's name,
        Themenfeld or publisher name: every list keeps its order and its pages, the search index its head and its
        parts' members, the start page its tiles. Then only the pages holding a changed package are looked at."""
        if self.kept is None or self.changed is None:
            return False
        before, now = self.kept.data.packages, self.data.packages
        return all(pid in before and pid in now and _shape(before[pid]) == _shape(now[pid]) for pid in self.changed)

    def carry(self, rel: str, *, many: bool = False) -> bool:
        """Keep ``rel`` as the previous build wrote it (its inputs did not change); False if it is not there.

        ``many``: one of the pages whose number grows with the catalogue (the lists' pages, the organisations' pages). A
        build that goes on from what this process kept trusts that those are there (the state it kept is the folder's,
        unchanged by another writer and with no build left unfinished: :meth:`Kept.holds`): a stat of each grew with the
        catalogue (about 7,000 at 50,000 packages). A build in a new process looks at each, and every build at the few
        files of which the site has one (the search index's head, the map)."""
        key = self.old.get(rel)
        if key is None or ((self.kept is None or not many) and not os.path.isfile(self.root + rel)):
            return False
        self.new[rel] = key
        self.report.skipped += 1
        return True

    def save(self) -> None:
        """The state (the rows this build changed, or every row), and what this process keeps for the next build into the folder."""
        if self.stored:
            changes = Changes(
                commit=self.data.commit,
                summaries=self.summaries_of,
                whole=False,
                pages=self.touched,
                exports=self._exports_changed(),
                gone_pages=self.gone,
                gone_exports=(self.old_exports.keys() if self.changed is None else self.changed) - self.exports.keys(),
            )
        else:
            changes = Changes(commit=self.data.commit, summaries=self.summaries_of, whole=True, pages=self.new, exports=self.exports)
        if self.terms_changed is not None:
            changes.terms, (changes.terms_added, changes.terms_gone) = self.terms, self.terms_changed
            self.terms_changed = None
        generation, self.report.state_rows = self.state.write(changes)
        self.stored, self.touched, self.gone = True, {}, set()
        self.old_exports = self.exports
        self._close_journal()
        rels = list(self.new)  # in the order entered: the packages' files are those packages() entered
        first, changed, end = self.package_span
        if self.advanced:
            # the kept files of the packages are brought forward in place, the changed packages' alone (a copy of
            # every package's entries cost more than the rest of a publish's site update at 50,000 packages)
            assert self.kept is not None and self.changed is not None
            package_keys, by_package = self.kept.package_keys, self.kept.by_package
            for pid in self.changed:
                for rel in by_package.pop(pid, ()):
                    package_keys.pop(rel, None)
        else:
            package_keys, by_package = {}, {}
        for rel in rels[changed:end]:
            package_keys[rel] = self.new[rel]
            by_package.setdefault(_package_of(rel), []).append(rel)
        others = {rel: self.new[rel] for part in (rels[:first], rels[end:]) for rel in part}
        _KEPT[self.out.resolve()] = Kept(
            signature=generation,
            design=self.design,
            clone_base=self.clone_base,
            clones=self.with_clones,
            data=self.data,
            exports=self.exports,
            terms=self.terms,
            adoption=self.adoption,
            history=self.history,
            summaries=self.summaries_of,
            search=self.search_parts,
            lists=self.list_order,
            tiles=self.start_tiles,
            orgs=self.org_ids,
            adopted_by=self.adopted_by,
            package_keys=package_keys,
            by_package=by_package,
            others=others,
        )

    def summaries(self) -> None:
        """In the thread of a ``background`` build: the dashboard as the build would have written it, then the state again.

        A failure leaves the previous summaries and their keys: the next build writes them (and says why in the log)."""
        try:
            self.catalog = Catalog(self.catalog.path)  # git handles of its own: the caller goes on using its catalogue
            self.report = BuildReport(out=str(self.out), commit=self.data.commit)  # the caller has the build's report
            carried = {rel: self.new.pop(rel) for rel in [rel for rel in self.new if rel.startswith(SUMMARIES)]}
            try:
                self.dashboard()
            except BaseException:
                self.new.update(carried)
                raise
            self.prune()
            self.save()
        except Exception:
            log.exception("writing the dashboard of %s at %s failed", self.out, self.data.commit)

    def assets(self) -> None:
        for path in sorted((site_dir() / "assets").iterdir()):
            data = path.read_bytes()
            self.page(f"assets/{path.name}", hashlib.sha1(data).hexdigest(), lambda data=data: data)
        css = HtmlFormatter(style="default").get_style_defs(".highlight")
        self.page("assets/pygments.css", hashlib.sha1(css.encode()).hexdigest(), lambda: css)
        write_vendor(self)

    def packages(self) -> None:
        """Every package's page, comparisons, files and ZIP; with ``processes`` > 1 the changed packages are shared out."""
        # the packages' files are the entries added to self.new from here (see save)
        self.package_span = [len(self.new)] * 3  # where they start, where the changed packages' start, where they end
        try:
            self._packages()
        finally:
            self.package_span[2] = len(self.new)

    def _packages(self) -> None:
        if self.advanced:
            # advanced from kept data: the other packages' inputs are as they were, their files and entries stay as
            # kept (save brings the kept entries forward in place; self.new holds the changed packages' alone)
            assert self.kept is not None and self.changed is not None
            self.report.skipped += len(self.kept.package_keys) - sum(len(self.kept.by_package.get(pid, ())) for pid in self.changed)
            candidates = [self.data.packages[pid] for pid in sorted(self.changed) if pid in self.data.packages]
        else:
            candidates = list(self.data.packages.values())
        self.package_span[1] = len(self.new)  # the changed packages' files from here
        changed = [info for info in candidates if not self.package_unchanged(info)]
        if self.processes < 2 or len(changed) < PARALLEL_FROM:
            for info in changed:
                self.package(info)
            return
        _WORKER["builder"] = self
        try:
            # fork: the workers start with this builder's data (nothing to pickle) and write disjoint folders
            with ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork")) as pool:
                for new, written, skipped in pool.map(
                    _build_packages, [[i.id for i in changed[n :: self.processes]] for n in range(self.processes)]
                ):
                    self.new.update(new)
                    self.touched.update((rel, key) for rel, key in new.items() if self.old.get(rel) != key)
                    self.report.written.extend(written)
                    self.report.skipped += skipped
        finally:
            _WORKER.clear()

    def package_key(self, info: PackageInfo) -> str:
        # not evaluated_at: it is the commit's time, new with every publish; what it changes shows in the criteria
        maturity = {k: v for k, v in msgspec.to_builtins(info.maturity).items() if k != "evaluated_at"}
        return _key(
            info.tree,
            maturity,
            msgspec.to_builtins(info.versions),
            msgspec.to_builtins(info.adoptions),
            msgspec.to_builtins(info.audit),
            msgspec.to_builtins(info.confirmed),
            self.clone_base,
        )

    def package_unchanged(self, info: PackageInfo) -> bool:
        """True for a package whose page is as its inputs make it: its page, ZIPs and files all stay, with their entries."""
        index = f"pakete/{info.id}/index.html"
        if self.old.get(index) != _key(self.design, self.package_key(info)) or not os.path.isfile(self.root + index):
            return False
        for rel in self.old_rels(info.id):
            self.new[rel] = self.old[rel]
            self.report.skipped += 1
        return True

    def package(self, info: PackageInfo) -> None:
        folder = f"pakete/{info.id}"
        key = self.package_key(info)
        index = f"{folder}/index.html"
        linked: set[str] = set()
        self.page(index, key, lambda: self.package_html(info, folder, linked))
        write_comparisons(self, info, folder)
        # only what the page links to and does not show itself: the files' bytes are in the ZIP and the clone already
        tree = self.package_tree(self.data.commit, info.id)
        for path, entry in tree_files(self.catalog.repo, tree).items():
            if path in linked and (name := site_file(path)) is not None:
                self.page(f"{folder}/dateien/{name}", str(entry.id), lambda oid=entry.id: blob_at(self.catalog.repo, oid).data)
        # the newest version as ZIP; every version is a tag of the clone (the same bytes once, not a ZIP per version)
        if info.versions:
            latest = info.versions[0]
            self.page(f"{folder}/{info.slug}-{latest.version}.zip", _key(latest.commit), lambda: self.version_zip(info, latest.commit))

    def package_html(self, info: PackageInfo, folder: str, linked: set[str] | None = None) -> str:
        """The package page; ``linked`` receives the package files its text links to that it does not show itself."""
        m = info.manifest
        files = {
            path: blob_at(self.catalog.repo, entry.id).data
            for path, entry in tree_files(self.catalog.repo, self.package_tree(self.data.commit, info.id)).items()
        }
        changelog = files.get(m.changelog or "")
        # files the page shows (diagram, form, configuration, documents, README, changelog): a link to one goes there
        shown = {"README.md": "beschreibung", **({m.changelog: "aenderungen"} if changelog else {})}
        for artefact in m.artefacts:
            if artefact.kind in ("process-model", "form-schema", "config") or artefact.format == "markdown":
                shown.setdefault(artefact.path, anchor(artefact.path))

        def markdown(data: bytes, base: str) -> str:
            def link(target: str) -> str | None:
                parts = urlsplit(target)
                if parts.scheme or parts.netloc or not parts.path:
                    return None
                resolved = resolve_link(base, unquote(parts.path))
                if resolved in shown and resolved in files:
                    return "#" + shown[resolved]
                if resolved in files and (name := site_file(resolved)) is not None:
                    if linked is not None:
                        linked.add(resolved)
                    return "dateien/" + quote(name) + (f"#{parts.fragment}" if parts.fragment else "")
                return f"{info.slug}-{m.version}.zip"

            return render_markdown(data.decode("utf-8", "replace"), link=link)

        diagrams: list[dict[str, Any]] = []
        forms: list[dict[str, Any]] = []
        configs: list[dict[str, Any]] = []
        documents: list[dict[str, Any]] = []
        for artefact in m.artefacts:
            data = files.get(artefact.path, b"")
            title = artefact.title or artefact.path
            if artefact.kind == "process-model":
                svg = self.diagram(m, artefact.path, data)
                width = re.search(r'data-width="([\d.]+)"', svg)
                diagrams.append(
                    {
                        "path": artefact.path,
                        "anchor": anchor(artefact.path),
                        "title": title,
                        "svg": svg,
                        "wide": bool(width and float(width.group(1)) > 1000),
                    }
                )
            elif artefact.kind == "form-schema":
                # the ids of its fields begin with it, four times a field: short, unique on the page (the file's own anchor
                # is ``datei-<path>``), instead of the path's slug again
                form_id = f"f{len(forms) + 1}"
                forms.append(
                    {
                        "path": artefact.path,
                        "anchor": anchor(artefact.path),
                        "title": title,
                        "html": self.rendered(
                            "form",
                            data + form_id.encode(),
                            lambda data=data, form_id=form_id: render_form_preview(json.loads(data), form_id=form_id),
                        ),
                    }
                )
            elif artefact.kind == "config":
                lexer = JsonLexer() if artefact.format == "json" else YamlLexer()
                html = self.rendered(
                    artefact.format, data, lambda data=data, lexer=lexer: highlight(data.decode("utf-8", "replace"), lexer, self._formatter)
                )
                configs.append(
                    {"path": artefact.path, "anchor": anchor(artefact.path), "title": title, "schema": artefact.schema, "html": html}
                )
            elif artefact.format == "markdown":
                documents.append({"path": artefact.path, "anchor": anchor(artefact.path), "title": title, "html": None, "data": data})
        for document in documents:
            document["html"] = markdown(document.pop("data"), document["path"])

        return self.html(
            f"{folder}/index.html",
            "package.html",
            title=m.name,
            section="pakete",
            p=info,
            themen_slug=slug(m.classification.themenfeld),
            diagrams=diagrams,
            forms=forms,
            configs=configs,
            documents=documents,
            comparisons=pairs(info),
            readme=without_contact_section(markdown(files.get("README.md", b""), "README.md")),
            changelog=markdown(changelog, m.changelog or "") if changelog else None,
            clone_base=self.clone_base or "<Adresse dieser Seite>/",
            zip_name=lambda version: f"{info.slug}-{version}.zip",
        )

    def diagram(self, manifest: Manifest, path: str, data: bytes) -> str:
        """The process model ``data`` at ``path`` drawn as the package's page shows it, named after the package and the
        artefact (kept, ``rendered``): the comparison asks for it by the same name and marks the same drawing.

        The key holds everything the drawing shows: packages sharing a BPMN file keep their own names.
        """
        title = next((a.title for a in manifest.artefacts if a.path == path), None) or path
        label = f"{manifest.name}: {title}"
        return self.rendered("svg", label.encode() + b"\0" + data, lambda: render_bpmn_svg(data, title=label))

    def rendered(self, kind: str, data: bytes, render) -> str:
        """``render()``, or what it gave for the same ``kind`` and ``data`` before in this process (``_RENDERED``)."""
        key = (kind, hashlib.sha1(data).hexdigest())
        result = _RENDERED.get(key)
        if result is None:
            result = render()
            if len(result) <= RENDERED_KEPT:
                _RENDERED[key] = result
        return result

    def package_tree(self, ref: str, package_id: str) -> pygit2.Tree:
        """The package's folder at ``ref`` (the site's commit, a version's commit): the site data was read from there."""
        commit = self.catalog.resolve(ref)
        tree = subtree(self.catalog.repo, commit.tree, package_path(package_id)) if commit is not None else None
        assert tree is not None, (ref, package_id)
        return tree

    def version_zip(self, info: PackageInfo, commit_id: str) -> bytes:
        tree = self.package_tree(commit_id, info.id)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, entry in sorted(tree_files(self.catalog.repo, tree).items()):
                item = zipfile.ZipInfo(f"{info.slug}/{path}", date_time=ZIP_TIME)
                item.external_attr = 0o100644 << 16
                archive.writestr(item, blob_at(self.catalog.repo, entry.id).data, compress_type=zipfile.ZIP_DEFLATED)
        return buffer.getvalue()

    def listing(self) -> list[tuple[str, str, int]]:
        """What list pages show of each package: enough for their keys."""
        return [(i.id, i.manifest.version, i.maturity.level) for i in self.data.packages.values()]

    def lists(self) -> None:
        if self.same_shape:
            assert self.kept is not None and self.changed is not None
            # every list in the order it had: only the page holding a changed package is looked at in each
            self.list_order = dict(self.kept.lists)
            packages = self.data.packages
            lists: dict[str, set[str]] = {}
            for pid in self.changed:
                for folder in _lists_of(packages[pid]):
                    lists.setdefault(folder, set()).add(pid)
            for folder, ids in self.list_order.items():
                if folder not in lists:
                    pages = max(1, -(-len(ids) // PER_PAGE))
                    rels = [f"{folder}/index.html", *(f"{folder}/seite-{n}.html" for n in range(2, pages + 1))]
                    if all([self.carry(rel, many=True) for rel in rels]):
                        continue
                touched = {ids.index(pid) // PER_PAGE for pid in lists.get(folder, ())}
                heading, intro = self.list_heading(folder)
                self.paged(folder, ids, heading, intro, only=touched if folder in lists else None)
            if not self.carry("themen/index.html") or not self.carry("herausgeber/index.html"):
                self.tile_pages()
            return
        infos = sorted(self.data.packages.values(), key=lambda i: fold(i.manifest.name))
        self.list_order = {}
        self.paged("pakete", [i.id for i in infos], "Alle Pakete", "Alle Pakete des Katalogs, alphabetisch.")
        themen: dict[str, list[PackageInfo]] = {}
        for info in infos:
            themen.setdefault(info.manifest.classification.themenfeld, []).append(info)
        for name, items in themen.items():
            self.paged(f"themen/{slug(name)}", [i.id for i in items], f"Themenfeld {name}", None)
        by_publisher: dict[str, list[PackageInfo]] = {}
        for info in infos:
            by_publisher.setdefault(info.publisher, []).append(info)
        for pid, items in by_publisher.items():
            heading, intro = self.list_heading(f"herausgeber/{pid}")
            self.paged(f"herausgeber/{pid}", [i.id for i in items], heading, intro)
        self.tile_pages()

    def list_heading(self, folder: str) -> tuple[str, str | None]:
        """A paged list's heading and introduction."""
        kind, _, rest = folder.partition("/")
        if kind == "pakete":
            return "Alle Pakete", "Alle Pakete des Katalogs, alphabetisch."
        if kind == "themen":
            return f"Themenfeld {self.data.packages[self.list_order[folder][0]].manifest.classification.themenfeld}", None
        publisher = self.data.publishers.get(rest)
        return (publisher.name, publisher.description) if publisher else (rest, None)

    def tile_pages(self) -> None:
        """The Themenfelder and the publishers, each with its number of packages."""
        themen: dict[str, int] = {}
        by_publisher: dict[str, int] = {}
        for info in self.data.packages.values():
            themen[info.manifest.classification.themenfeld] = themen.get(info.manifest.classification.themenfeld, 0) + 1
            by_publisher[info.publisher] = by_publisher.get(info.publisher, 0) + 1
        tiles = [{"name": n, "href": f"{slug(n)}/index.html", "count": count} for n, count in sorted(themen.items())]
        self.page(
            "themen/index.html",
            _key(tiles),
            lambda: self.html(
                "themen/index.html",
                "tiles.html",
                title="Themenfelder",
                section="themen",
                heading="Pakete nach OZG-Themenfeld",
                intro=None,
                tiles=tiles,
            ),
        )
        tiles = [
            {
                "name": (self.data.publishers[pid].name if pid in self.data.publishers else pid),
                "href": f"{pid}/index.html",
                "count": count,
            }
            for pid, count in sorted(by_publisher.items())
        ]
        self.page(
            "herausgeber/index.html",
            _key(tiles),
            lambda: self.html(
                "herausgeber/index.html",
                "tiles.html",
                title="Herausgeber",
                section="herausgeber",
                heading="Herausgeber",
                intro="Organisationen, die Lösungspakete veröffentlichen.",
                tiles=tiles,
            ),
        )

    def paged(self, folder: str, ids: list[str], heading: str, intro: str | None, only: set[int] | None = None) -> None:
        """A list's pages of :data:`PER_PAGE` packages; with ``only`` (places, from 0) the other pages are kept as they are."""
        self.list_order[folder] = ids
        pages = max(1, -(-len(ids) // PER_PAGE))
        for n in range(1, pages + 1):
            rel = f"{folder}/index.html" if n == 1 else f"{folder}/seite-{n}.html"
            if only is not None and n - 1 not in only and self.carry(rel, many=True):
                continue
            chunk = [self.data.packages[pid] for pid in ids[(n - 1) * PER_PAGE : n * PER_PAGE]]
            key = (
                heading,
                intro,
                pages,
                [(i.id, i.manifest.version, i.manifest.summary.de, i.maturity.level, i.maturity.reviewed) for i in chunk],
            )
            self.page(
                rel,
                _key(*key),
                lambda rel=rel, chunk=chunk, n=n: self.html(
                    rel,
                    "list.html",
                    title=heading,
                    section="pakete" if folder == "pakete" else folder.split("/")[0],
                    heading=heading,
                    intro=intro,
                    items=chunk,
                    total=len(ids),
                    page=n,
                    pages=pages,
                    shown_pages=pager(n, pages),
                    page_href=lambda k: "index.html" if k == 1 else f"seite-{k}.html",
                ),
            )

    def start(self) -> None:
        if self.same_shape:
            assert self.kept is not None
            self.start_tiles = self.kept.tiles  # the same packages with the same Themenfelder and publishers
        else:
            themen: dict[str, int] = {}
            publishers: dict[str, int] = {}
            for info in self.data.packages.values():
                themen[info.manifest.classification.themenfeld] = themen.get(info.manifest.classification.themenfeld, 0) + 1
                publishers[info.publisher] = publishers.get(info.publisher, 0) + 1
            names = {pid: self.data.publishers[pid].name if pid in self.data.publishers else pid for pid in publishers}
            # the publishers with the most packages; all of them are one click away (herausgeber/index.html)
            largest = sorted(publishers, key=lambda pid: (-publishers[pid], fold(names[pid]), pid))[:START_PUBLISHERS]
            self.start_tiles = (
                [{"name": n, "slug": slug(n), "count": c} for n, c in sorted(themen.items())],
                [{"id": pid, "name": names[pid], "count": publishers[pid]} for pid in largest],
                len(publishers),
            )
        theme_tiles, publisher_tiles, publisher_count = self.start_tiles
        releases = self.data.releases[:12]
        key = ([msgspec.to_builtins(r.__dict__) for r in releases], theme_tiles, publisher_tiles, publisher_count, self.data.commit)
        self.page(
            "index.html",
            _key(*key),
            lambda: self.html(
                "index.html",
                "index.html",
                title="Start",
                section="start",
                packages=self.data.packages,
                publisher_count=publisher_count,
                releases=releases,
                themen=theme_tiles,
                publishers=publisher_tiles,
            ),
        )

    def search(self) -> None:
        """The search page and its index: a small head and its parts (:func:`shard_count`), each rewritten only when one of its packages changed.

        Terms are kept between builds by what they are made of (``.build/terms.msgpack``): only
        packages that changed are analysed again. After a publish that kept the shape of the
        catalogue (:meth:`_same_shape`) only the part holding the package is looked at.
        """
        self.page(
            "suche/index.html",
            _key("search", self.data.commit[:0]),
            lambda: self.html("suche/index.html", "search.html", title="Suche", section="suche"),
        )
        packages = self.data.packages
        known = self.kept.terms if self.kept is not None else self.state.terms()
        # the terms keys this build adds (None: every one is written) and those it drops
        added: list[str] | None = None
        gone: list[str] = []
        if self.same_shape and self.carry("suche/index.json.gz"):
            assert self.kept is not None and self.changed is not None
            before = self.kept.search
            # the parts of the changed packages, and of those whose date is the commit's (no tag of their version)
            again = (self.changed | before.clocked) & packages.keys()
            keys = dict(before.keys)
            used = dict(known)
            added = []
            for pid in again:
                keys[pid] = package_terms_key(packages[pid], self.data)
                if keys[pid] != before.keys[pid]:
                    used.pop(before.keys[pid], None)
                    added.append(keys[pid])
                    gone.append(before.keys[pid])
            parts = SearchParts(keys=keys, members=before.members, clocked=before.clocked)
            touched = {shard_of(pid, len(before.members)) for pid in again}
        else:
            head = search_head(self.data)
            self.page("suche/index.json.gz", _key("search-head", head), lambda: gzipped(head))
            count = shard_count(len(packages))
            members: list[list[str]] = [[] for _ in range(count)]
            for pid in packages:
                members[shard_of(pid, count)].append(pid)
            parts = SearchParts(
                keys={pid: package_terms_key(info, self.data) for pid, info in packages.items()},
                members=members,
                clocked={pid for pid, info in packages.items() if dated_by_commit(info)},
            )
            used = {}
            touched = set(range(count))
        for n, ids in enumerate(parts.members):
            rel = f"suche/{shard_name(n)}"
            if n not in touched and self.carry(rel):
                continue
            part_keys = [parts.keys[pid] for pid in ids]
            # a part not written keeps its packages' terms for the next build that writes it
            used.update((k, known[k]) for k in part_keys if k in known)
            self.page(
                rel,
                _key("search-shard", PART_LEVEL, list(zip(ids, part_keys, strict=True))),
                lambda ids=ids: gzipped(search_shard(self.data, [packages[pid] for pid in ids], known, used), PART_LEVEL),
            )
        self.search_parts = parts
        self.terms = used
        if added is None and self.kept is not None:  # the state holds the kept terms: the difference alone (in C)
            added, gone = list(used.keys() - known.keys()), list(known.keys() - used.keys())
        # the terms that changed (a publish: its package's), written with the build's state, not after it
        self.terms_changed = (added, gone)

    def report_deferred(self) -> bool:
        """True if the dashboard is written after the build returns (a ``background`` build)."""
        return self.background and self.kept is not None and bool(self.changed)

    def dashboard(self) -> None:
        """The dashboard, its Themenfeld views and downloads; each page keyed by what it shows, not by the commit.

        A page's key is its drawn charts, their tables and its figures: a publish that moves no
        package to another level rewrites no dashboard page, and a chart that shows what it showed
        before is not drawn again (``.build/charts.msgpack``). The JSON downloads name the commit
        and change with it.
        """
        maturity = maturity_report(
            self.catalog,
            ref=self.data.commit,
            results={pid: i.maturity for pid, i in self.data.packages.items()},
            manifests={pid: i.manifest for pid, i in self.data.packages.items()},
        )
        if self.kept is not None and self.changed is not None:
            # advanced from kept data: the records are as they were (a change to them is read in full)
            adoption = msgspec.structs.replace(self.kept.adoption, commit=self.data.commit)
        else:
            adoption = adoption_report(self.catalog, ref=self.data.commit)
        self.adoption = adoption
        history = self._history()
        savings = write_savings(self)
        self.saved = savings.total
        drawings = KeptDrawings(self.out / ".build" / "charts.msgpack")
        # what every page of the dashboard needs, gathered in one pass over the packages, not once per page
        names = {pid: i.manifest.name for pid, i in self.data.packages.items()}
        by_themenfeld: dict[str, set[str]] = {}
        for pid, info in self.data.packages.items():
            by_themenfeld.setdefault(info.manifest.classification.themenfeld, set()).add(pid)
        themen = [{"name": t, "slug": slug(t)} for t in sorted(by_themenfeld)]
        self.dashboard_page("dashboard/index.html", maturity, adoption, history, None, drawings, names=names, themen=themen)
        for themenfeld in maturity.by_themenfeld:
            subset = self.themen_reports(maturity, adoption, themenfeld, by_themenfeld.get(themenfeld, set()))
            self.dashboard_page(
                f"dashboard/themen/{slug(themenfeld)}.html", subset[0], subset[1], None, themenfeld, drawings, names=names, themen=themen
            )
        drawings.save()
        commit = _key(self.data.commit)
        points = [(p.period, p.levels, p.adoptions) for p in history.points]
        self.page("dashboard/reifegrade.csv", _key(_shown(maturity)), lambda: to_csv(maturity.packages))
        self.page("dashboard/reifegrade.json", commit, lambda: msgspec.json.format(msgspec.json.encode(maturity)))
        self.page("dashboard/nachnutzungen.csv", _key(_shown(adoption)), lambda: to_csv(adoption.adoptions))
        self.page("dashboard/nachnutzungen.json", commit, lambda: msgspec.json.format(msgspec.json.encode(adoption)))
        self.page("dashboard/verlauf.csv", _key(points), lambda: to_csv(history_rows(history)))
        self.page("dashboard/verlauf.json", commit, lambda: msgspec.json.format(msgspec.json.encode(history)))
        self.page(
            "dashboard/berichte.xlsx",
            commit,  # its document dates are the commit's time
            lambda: to_xlsx(report_sheets(maturity, adoption, history, savings.rows), when=_commit_datetime(self.data.commit_time)),
        )
        self.page("dashboard/reifegradmodell.json", _key("model"), lambda: msgspec.json.format(msgspec.json.encode(maturity_model())))
        self.summaries_of = self.data.commit

    def themen_reports(
        self, maturity: MaturityReport, adoption: AdoptionReport, themenfeld: str, ids: set[str]
    ) -> tuple[MaturityReport, AdoptionReport]:
        """The reports restricted to one Themenfeld's packages ``ids`` (the dashboard's filter)."""
        subset = maturity_report(
            self.catalog,
            ref=self.data.commit,
            results={pid: self.data.packages[pid].maturity for pid in ids},
            manifests={pid: self.data.packages[pid].manifest for pid in ids},
        )
        return subset, AdoptionReport(
            commit=adoption.commit,
            adoptions=[a for a in adoption.adoptions if a.package in ids],
            by_package={k: v for k, v in adoption.by_package.items() if k in ids},
        )

    def dashboard_page(
        self,
        rel: str,
        maturity: MaturityReport,
        adoption: AdoptionReport,
        history: HistoryReport | None,
        themenfeld: str | None,
        drawings: KeptDrawings | None,
        *,
        names: dict[str, str],
        themen: list[dict[str, str]],
    ) -> None:
        """One dashboard page (the overview with ``history``, a Themenfeld's view without), written when what it shows changed.

        ``names`` (package id → name) and ``themen`` (the Themenfelder's names and slugs): what every page needs."""
        history = history if themenfeld is None else None
        root = "../" * rel.count("/")
        charts = dashboard_charts(
            maturity,
            adoption,
            history,
            maturity_model().levels,
            names=names,
            package_href=lambda pid: f"{root}pakete/{pid}/index.html",
            themen_href=lambda t: f"{root}dashboard/themen/{slug(t)}.html",
            publisher_href=lambda pid: f"{root}organisationen/{pid}/index.html",
            memo=drawings,
        )
        kpi = kpis(maturity, adoption)
        saved = None if themenfeld else self.saved
        self.page(
            rel,
            _key("dashboard", charts, kpi, themen, themenfeld, saved),
            lambda: self.html(
                rel,
                "dashboard.html",
                title="Dashboard",
                section="dashboard",
                charts=charts,
                kpi=kpi,
                themen=themen,
                themenfeld=themenfeld,
                has_savings=True,
                saved=saved,
            ),
        )

    def _history(self) -> HistoryReport:
        # every month's state is re-evaluated from git history; months already computed are kept
        cache = self.out / ".build" / "history.json"
        known: dict[str, PeriodPoint] = {}
        if cache.is_file():
            with contextlib.suppress(ValueError, msgspec.ValidationError):
                known = {p.commit: p for p in msgspec.json.decode(cache.read_bytes(), type=HistoryReport).points}
        if self.data.commit:  # the newest month at HEAD: the levels are at hand already
            head_month = self.data.commit_time[:7]
            levels: dict[str, int] = {}
            for info in self.data.packages.values():
                levels[str(info.maturity.level)] = levels.get(str(info.maturity.level), 0) + 1
            states: dict[str, int] = {}
            for info in self.data.packages.values():
                for a in info.adoptions:
                    if a.adopter != info.publisher:
                        states[a.status] = states.get(a.status, 0) + 1
            known.setdefault(
                self.data.commit,
                PeriodPoint(
                    period=head_month, commit=self.data.commit, levels=dict(sorted(levels.items())), adoptions=dict(sorted(states.items()))
                ),
            )
        report = self._history_advanced(known) or history_report(self.catalog, ref=self.ref, known=known)
        self.history = report
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(msgspec.json.encode(report))
        return report

    def _history_advanced(self, known: dict[str, PeriodPoint]) -> HistoryReport | None:
        """The kept build's history with the head's month replaced, when every commit since is of that month
        (what :func:`history_report` gives, without walking all of ``main``); None otherwise."""
        if self.kept is None or self.changed is None or not self.data.commit or self.data.commit not in known:
            return None
        head = known[self.data.commit]
        walker = self.catalog.repo.walk(pygit2.Oid(hex=self.data.commit), pygit2.enums.SortMode.TOPOLOGICAL)
        walker.simplify_first_parent()
        walker.hide(pygit2.Oid(hex=self.kept.data.commit))
        for commit in walker:
            if datetime.fromtimestamp(commit.author.time, UTC).strftime("%Y-%m") != head.period:
                return None
        return HistoryReport(points=[*(p for p in self.kept.history.points if p.period != head.period), head])

    def harvest(self) -> None:
        """The sources and their last harvest reports (refused versions with every problem)."""
        reports = read_reports(self.catalog, ref=self.data.commit)
        try:
            sources = load_sources(self.catalog, ref=self.data.commit)
        except HubError:
            sources = []  # an invalid sources.yaml never got in; the API and hub sources say why
        key = _key(msgspec.to_builtins(reports), msgspec.to_builtins(sources))
        self.page(
            "quellen/index.html",
            key,
            lambda: self.html("quellen/index.html", "sources.html", title="Quellen", section="quellen", reports=reports, sources=sources),
        )

    def feed(self) -> None:
        releases = self.data.releases[:50]
        self.page("feed.atom", _key([r.__dict__ for r in releases]), lambda: atom(self.data, releases))

    def clones(self) -> None:
        """Per-package repositories in git/: exported again only where the versions changed."""
        old = self.old_exports
        root = self.out / "git"
        if self.changed is not None:
            self.exports = dict(old)  # a copy in C; the changed packages' keys are set again below
            for pid in self.changed:
                self.exports.pop(pid, None)
        # a full build that exports reads every version's folder tree in one query, as export_all does, once it meets the
        # first export to write (a build with every export current reads none); after a publish each package reads its own
        trees: dict[str, dict[str, str]] | None = None
        for pid, info in self.data.packages.items() if self.changed is None else self._changed_infos():
            key = _key([v.commit for v in info.versions])
            # an unchanged export is only looked at (export_dir's checks and paths cost more than the look, times every package)
            if old.get(pid) != key or not os.path.isfile(f"{root}/{pid}.git/HEAD"):
                if trees is None and self.changed is None:
                    trees = self.catalog.version_store.folder_trees()
                known = trees.get(pid, {}) if trees is not None else None
                export_package(self.catalog, pid, export_dir(root, pid), versions=info.versions, trees=known)
            self.exports[pid] = key
        for pid in set(old) - set(self.exports):
            shutil.rmtree(export_dir(self.out / "git", pid), ignore_errors=True)

    def _exports_changed(self) -> dict[str, str]:
        """The clone exports whose key is not the one in the state on disk (after a publish: the changed packages' alone)."""
        pids = self.exports.keys() if self.changed is None else self.changed & self.exports.keys()
        return {pid: self.exports[pid] for pid in pids if self.old_exports.get(pid) != self.exports[pid]}

    def _changed_infos(self) -> list[tuple[str, PackageInfo]]:
        return [(pid, self.data.packages[pid]) for pid in sorted(self.changed or ()) if pid in self.data.packages]

    def prune(self) -> None:
        """Remove files of pages that no longer exist (written by an earlier build), and folders left empty."""
        if self.advanced:
            # advanced from kept data: only the changed packages' files and the catalogue-wide ones can have gone
            assert self.kept is not None and self.changed is not None
            candidates = [*(rel for pid in self.changed for rel in self.kept.by_package.get(pid, ())), *self.kept.others]
            gone = [rel for rel in candidates if rel not in self.new]
        else:
            gone = list(set(self.old) - set(self.new))
        self.gone.update(gone)
        for rel in gone:
            target = self.out / rel
            target.unlink(missing_ok=True)
            target.with_name(f".{target.name}.partial").unlink(missing_ok=True)  # an unfinished build's, if any
            folder = target.parent
            while folder != self.out and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent


_DESIGNS: dict[tuple[Any, ...], str] = {}


def _design(root: Path) -> str:
    """Hash of the files below ``root`` (and of this version), read again only when one's size or time changed."""
    paths = sorted(path for path in root.rglob("*") if path.is_file())
    signature = tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in paths)
    if signature not in _DESIGNS:
        digest = hashlib.sha1(__version__.encode())
        for path in paths:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
        _DESIGNS.clear()
        _DESIGNS[signature] = digest.hexdigest()
    return _DESIGNS[signature]


@functools.cache
def _environment(templates: Path) -> Environment:
    """One per process: compiling the templates costs more than an incremental build (a running hub builds often).

    Compiled templates are also kept between processes (Jinja's bytecode cache in the temporary folder, checked
    against each template's source), so ``hub site build`` after one publish does not compile them again."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=FileSystemBytecodeCache(),
    )
    env.globals.update(
        number=number,
        value=_value,
        status_labels=STATUS_LABELS,
        adoption_labels=ADOPTION_LABELS,
        change_labels=CHANGE_LABELS,
        confirmation_labels=CONFIRMATION_LABELS,
    )
    return env


@dataclass
class SearchParts:
    keys: dict[str, str]  # package id -> what its terms are made of (hub.site.searchindex.package_terms_key)
    members: list[list[str]]  # the packages of each part of the index, in the catalogue's order
    clocked: set[str]  # packages dated by the commit (no tag of their version): their key changes with every commit


def _shape(info: PackageInfo) -> tuple[str, str, str]:
    """What places a package in the lists, the search index's head and the tiles (see SiteBuilder._same_shape)."""
    m = info.manifest
    return m.name, m.classification.themenfeld, m.publisher.name


def _package_of(rel: str) -> str:
    """The package whose folder holds ``rel`` (``pakete/<publisher>/<slug>/…``)."""
    parts = rel.split("/", 3)
    return f"{parts[1]}/{parts[2]}"


def _lists_of(info: PackageInfo) -> tuple[str, str, str]:
    """The folders of the paged lists that hold a package."""
    return "pakete", f"themen/{slug(info.manifest.classification.themenfeld)}", f"herausgeber/{info.publisher}"


def _shown(report: MaturityReport | AdoptionReport) -> Any:
    """A report as its pages show it: without the commit it was computed at."""
    return {k: v for k, v in msgspec.to_builtins(report).items() if k != "commit"}


def _commit_datetime(iso_time: str) -> datetime | None:
    return datetime.fromisoformat(iso_time) if iso_time else None


def _value(value: Any) -> str:
    if value is None:
        return "–"
    return number(value) if isinstance(value, (int, float)) else str(value)


def atom(data: SiteData, releases: list[Release]) -> bytes:
    """The site's Atom feed of new packages and versions, with relative links (the site works under any path)."""
    entries = [
        Entry(
            id=f"{TAG}{r.package}/v{r.version}",
            title=f"{r.name} {r.version}",
            updated=r.time,
            author=r.publisher,
            links=(Link(f"pakete/{r.package}/index.html", type="text/html"),),
            summary=f"{'Neues Paket' if r.first else 'Neue Version'} {r.version} von {r.publisher}",
        )
        for r in releases
    ]
    feed = Feed(
        id=f"{TAG}katalog",
        title="Transferhub: neue Pakete und Versionen",
        updated=releases[0].time if releases else data.commit_time,
        links=(Link("feed.atom", rel="self", type=MEDIA_TYPE),),
        entries=entries,
    )
    return write_atom(feed)


def build_site(
    catalog: Catalog,
    out: str | Path,
    *,
    ref: str | None = None,
    clone_base: str = "",
    clones: bool = True,
    processes: int = 1,
    background: bool = False,
) -> BuildReport:
    """Build or update the site in ``out``. ``processes`` > 1 forks that many workers for the packages' pages
    (a full build's larger part); only where forking is safe, as in the command line (not in a server's threads).
    ``background``: a build that advanced from kept data returns before the dashboard is written (:func:`settle`)."""
    return SiteBuilder(
        catalog, Path(out), ref=ref, clone_base=clone_base, clones=clones, processes=processes, background=background
    ).build()


_WORKER: dict[str, SiteBuilder] = {}  # the builder a forked worker inherits


@dataclass
class Kept:
    """What a build leaves in its process for the next build into the same folder (the served site's child process builds
    after every publish): the site's data, page keys and search terms, so the next build reads only the packages
    whose folders changed (:func:`hub.site.data.advance`) instead of decoding every package's cached data again."""

    signature: str  # the generation of the state this build wrote (hub.site.state): another writer to the folder makes it void
    design: str
    clone_base: str
    clones: bool
    data: SiteData
    exports: dict[str, str]
    terms: dict[str, dict[str, int]]
    adoption: AdoptionReport
    history: HistoryReport
    summaries: str  # the commit whose dashboard the folder holds
    search: SearchParts  # each package's terms key and each part's members
    lists: dict[str, list[str]]  # each paged list's packages in order, by folder
    tiles: tuple[Any, ...]  # the start page's tiles and counts
    orgs: list[str]  # the organisations with a page
    adopted_by: dict[str, list[str]]  # the packages each organisation adopted
    package_keys: dict[str, str]  # the pages' keys of the files below the packages' folders
    by_package: dict[str, list[str]]  # those files by package
    others: dict[str, str]  # every other file's key

    @property
    def pages(self) -> Mapping[str, str]:
        """Every file's key: the next build's ``old`` (two dictionaries looked up in turn, not merged into a third)."""
        return _Pages(self.others, self.package_keys)

    def holds(self, builder: SiteBuilder) -> bool:
        """True if this is what ``builder``'s folder holds and what it builds with."""
        return builder.state.generation() == self.signature and (self.design, self.clone_base, self.clones) == (
            builder.design,
            builder.clone_base,
            builder.with_clones,
        )


class _Pages(Mapping[str, str]):
    """The keys of the files outside the packages' folders, then of those inside (no file is in both): one mapping for
    the next build's lookups (a kept build looks up every list and organisation page it keeps; ChainMap's lookup cost
    ten times a dict's)."""

    __slots__ = ("_others", "_packages")

    def __init__(self, others: dict[str, str], packages: dict[str, str]) -> None:
        self._others, self._packages = others, packages

    def get(self, key: str, default: Any = None) -> Any:
        found = self._others.get(key)
        return found if found is not None else self._packages.get(key, default)

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return key in self._others or key in self._packages

    def __iter__(self) -> Iterator[str]:
        yield from self._others
        yield from self._packages

    def __len__(self) -> int:
        return len(self._others) + len(self._packages)


_KEPT: dict[Path, Kept] = {}  # by output folder; one per folder a process builds into (the served site: one)


def forget_kept() -> None:
    """Drop what earlier builds in this process kept: the next build reads everything, as ``hub site build`` in a new process."""
    settle()
    _KEPT.clear()


def _unfinished(out: Path) -> list[str]:
    """The files the journal names: written (or about to be) by a build that ended before its state named them."""
    try:
        text = (out / JOURNAL).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    return [rel for rel in dict.fromkeys(text.splitlines()) if safe_relpath(rel) == rel]  # none leaves the folder


def _build_packages(ids: list[str]) -> tuple[dict[str, str], list[str], int]:
    """In a forked worker: the pages of ``ids``; returns their state entries, the files written and the count skipped."""
    builder = _WORKER["builder"]
    builder.catalog = Catalog(builder.catalog.path)  # git handles of its own, not the parent's
    builder.new, builder.report.written, builder.report.skipped = {}, [], 0
    for package_id in ids:
        builder.package(builder.data.packages[package_id])
    return builder.new, builder.report.written, builder.report.skipped
