"""Version comparison pages: ``pakete/<id>/vergleich/<alt>...<neu>.html``, each version against the one before.

Only neighbours get a page, so a publish writes one comparison page, however many versions the
package has (a page per pair, or per version against the newest, would make each publish rewrite or
add pages in proportion to the version count). "What changed since my version" across several
versions is the served workspace's "Meine Nachnutzungen" (the semantic comparison from the adopted
version to the newest, with links to the steps in between) and ``hub upstream diff`` in a clone.

What changed between two versions, in the package's own terms (the semantic comparison of
``hub upstream diff``: process tasks, form fields, config keys), each changed process model as a
visual diff (the newer diagram with added, changed and removed elements coloured and a legend),
and the changed files with the raw patch last.
"""

from __future__ import annotations

import functools
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


PATCH_LINES = 150  # lines of the raw patch a comparison page shows


@dataclass
class Pair:
    older: str
    newer: str

    @property
    def href(self) -> str:
        return f"vergleich/{self.older}...{self.newer}.html"


def pairs(info: PackageInfo) -> list[Pair]:
    """Version pairs with a comparison page: each version and the one before it, newest first (as ``info.versions``)."""
    return [Pair(older=o, newer=n) for n, o in itertools.pairwise(v.version for v in info.versions)]


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
        svg = diff_svg(
            _blob(repo, trees[0], process),
            new_data,
            changes,
            title=f"{info.manifest.name}: {process} ({older} → {newer})",
            draw=functools.partial(builder.diagram, info.manifest, process),  # the drawing the package page made
        )
        diagrams.append(
            {
                "path": process,
                "svg": svg,
                "counts": {s: sum(1 for v in changes.values() if v == s) for s in ("added", "changed", "renamed", "removed")},
            }
        )
    patch = builder.catalog.diff(info.id, older, newer)
    return semantic, diagrams, highlight(shortened(patch.patch, older, newer), DiffLexer(), builder._formatter), patch


def shortened(patch: str, older: str, newer: str) -> str:
    """The patch up to ``PATCH_LINES`` lines, then where the rest is: the page stays small whatever changed.

    What changed is above in the package's terms and in the diagram; the raw text of a large change
    (a redrawn BPMN file is thousands of lines) belongs in the clone, where ``git diff`` shows it.
    """
    lines = patch.splitlines(keepends=True)
    if len(lines) <= PATCH_LINES:
        return patch
    rest = len(lines) - PATCH_LINES
    return "".join(lines[:PATCH_LINES]) + f"\n… {rest} weitere Zeilen: git diff v{older} v{newer} im Klon des Pakets\n"


def _blob(repo, tree, path: str) -> bytes | None:
    try:
        return repo[tree[path].id].data
    except KeyError:
        return None


def write_comparisons(builder: SiteBuilder, info: PackageInfo, folder: str) -> None:
    """One page per neighbouring pair; a page changes only with its own two versions and the pair before it.

    So after a publish the new pair's page is written and every other comparison page of the package stays as
    it is: a page links to the change before it and to the package page's list of all comparisons, not to the
    change after it, which would make each publish draw the page before (its coloured diagram above all) again.
    """
    every = pairs(info)  # newest first
    commits = {v.version: v.commit for v in info.versions}
    for n, pair in enumerate(every):
        older = every[n + 1] if n + 1 < len(every) else None
        key = _key_parts(info.manifest.name, commits[pair.older], commits[pair.newer], older and older.href)
        rel = f"{folder}/{pair.href}"
        builder.page(rel, key, lambda rel=rel, pair=pair, older=older: render(builder, info, rel, pair, older))


def _key_parts(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def render(builder: SiteBuilder, info: PackageInfo, rel: str, pair: Pair, older: Pair | None) -> str:
    semantic, diagrams, patch_html, patch = compare(builder, info, pair.older, pair.newer)
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
        previous=older and older.href.removeprefix("vergleich/"),
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
