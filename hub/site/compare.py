"""Version comparison pages: ``pakete/<id>/vergleich/<alt>...<neu>.html``.

What changed between two versions, in the package's own terms (the semantic comparison of
``hub upstream diff``: process tasks, form fields, config keys), each changed process model as a
visual diff (the newer diagram with added, changed and removed elements coloured and a legend),
and the changed files with the raw patch last.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from pygments import highlight
from pygments.lexers import DiffLexer

from hub.adopt.model import SemanticDiff
from hub.adopt.semantic import semantic_diff
from hub.render.bpmn_diff import LEGEND, diff_svg
from hub.resources import vendor_dir
from hub.site.data import PackageInfo
from hub.store.catalog import package_path
from hub.store.trees import subtree

if TYPE_CHECKING:
    from hub.site.build import SiteBuilder

MAX_ALL_PAIRS = 8  # up to this many versions every pair gets a page; beyond, neighbours and each against the newest


@dataclass
class Pair:
    older: str
    newer: str

    @property
    def href(self) -> str:
        return f"vergleich/{self.older}...{self.newer}.html"


def pairs(info: PackageInfo) -> list[Pair]:
    """Version pairs with a comparison page, newest first (``info.versions`` is newest first)."""
    versions = [v.version for v in info.versions]
    if len(versions) <= MAX_ALL_PAIRS:
        return [Pair(older=o, newer=n) for n, o in itertools.combinations(versions, 2)]
    chosen = {(o, n) for n, o in itertools.pairwise(versions)} | {(o, versions[0]) for o in versions[1:]}
    return [Pair(older=o, newer=n) for n, o in itertools.combinations(versions, 2) if (o, n) in chosen]


def compare(builder: SiteBuilder, info: PackageInfo, older: str, newer: str) -> tuple[SemanticDiff, list[dict[str, Any]], str, Any]:
    repo = builder.catalog.repo
    commits = {v.version: v.commit for v in info.versions}
    trees = [subtree(repo, repo[commits[v]].tree, package_path(info.id)) for v in (older, newer)]
    semantic = semantic_diff(repo, info.id, SimpleNamespace(tree=trees[0]), SimpleNamespace(tree=trees[1]), older, newer)
    diagrams = []
    for process in dict.fromkeys(d.process for d in semantic.process_nodes):
        new_data = _blob(repo, trees[1], process)
        if new_data is None:
            continue  # the model was removed: the table says so
        changes = {d.id: d.status for d in semantic.process_nodes if d.process == process}
        svg = diff_svg(_blob(repo, trees[0], process), new_data, changes, title=f"{info.manifest.name}: {process} ({older} → {newer})")
        diagrams.append(
            {
                "path": process,
                "svg": svg,
                "counts": {s: sum(1 for v in changes.values() if v == s) for s in ("added", "changed", "renamed", "removed")},
            }
        )
    patch = builder.catalog.diff(info.id, older, newer)
    return semantic, diagrams, highlight(patch.patch, DiffLexer(), builder._formatter), patch


def _blob(repo, tree, path: str) -> bytes | None:
    try:
        return repo[tree[path].id].data
    except KeyError:
        return None


def write_comparisons(builder: SiteBuilder, info: PackageInfo, folder: str, key: str) -> None:
    every = pairs(info)
    for pair in every:
        rel = f"{folder}/{pair.href}"
        builder.page(rel, key + pair.href, lambda rel=rel, pair=pair: render(builder, info, rel, pair, every))


def render(builder: SiteBuilder, info: PackageInfo, rel: str, pair: Pair, every: list[Pair]) -> str:
    semantic, diagrams, patch_html, patch = compare(builder, info, pair.older, pair.newer)
    versions = [v.version for v in info.versions]
    return builder.html(
        rel,
        "compare.html",
        title=f"{info.manifest.name}: {pair.older} → {pair.newer}",
        section="pakete",
        p=info,
        pair=pair,
        semantic=semantic,
        diagrams=diagrams,
        patch_html=patch_html,
        files=patch.files,
        versions=versions,
        pairs=[x.href.removeprefix("vergleich/") for x in every],
        legend=LEGEND,
        diff_names={"added": "neu", "removed": "entfernt", "changed": "geändert", "renamed": "umbenannt"},
    )


SITE_VENDOR = ("@panzoom/panzoom",)  # the npm packages the static site ships (site/vendor/<package>/, from ./dev)


def write_vendor(builder: SiteBuilder) -> None:
    """Front-end libraries from our vendor folder into the site (never from a CDN)."""
    for package in SITE_VENDOR:
        folder = vendor_dir() / package
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                data = path.read_bytes()
                builder.page(
                    f"vendor/{package}/{path.relative_to(folder).as_posix()}", hashlib.sha1(data).hexdigest(), lambda data=data: data
                )
