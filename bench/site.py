"""Static site figures (issue 16): what a realistic package costs on the site, and the build's time against MkDocs.

    HUB_FSYNC=0 nice .venv/bin/python bench/site.py [--packages 300] [--mkdocs]

The catalogue is generated from the embedded seed's packages (BPMN with diagram interchange, form
schemas, configurations with their own schema, README, CHANGELOG, further documents): package ``i``
is seed package ``i mod 18`` under its own publisher and name, with its own wording in the README, the
process model and the form, and 1 to 6 versions (the seed's own versions, then patch releases that
change the README, the changelog and the configuration). So no two packages share a diagram, and the
figures are not those of one rendered file reused ten thousand times.

Measured in one run: the full build (files, bytes by kind, bytes per package), a rebuild with
nothing changed, the incremental build after one publish (real ``publish``) of a package with many
versions and of one with a single version (files written: bounded, not growing with the number of
versions; into the kept build as the served site builds, with ``background``: the dashboard, which sums up
every package, is written after the build returns and timed apart), and with ``--mkdocs`` MkDocs building the same READMEs (one page per package, ``mkdocs
build``, the ``bench`` extra) right after our full build.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import pygit2
import yaml
from pygit2.enums import FileMode, ObjectType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, options, quick, write_results
from hub.resources import catalog_dir
from hub.site import build_site
from hub.site.build import forget_kept, settle
from hub.store import Catalog, publish
from hub.store.catalog import BRANCH, COMMITTER
from hub.store.trees import blob_at, tree_at, write_tree
from hub.validate import PackageFiles

WORDS = [
    "Antrag",
    "Bescheid",
    "Prüfung",
    "Zahlung",
    "Termin",
    "Nachweis",
    "Akte",
    "Meldung",
    "Register",
    "Zustellung",
    "Gebühr",
    "Freigabe",
]
# libyaml's loader and dumper (the same documents as the pure-Python ones): generating 10,000 packages took minutes without
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
CITIES = ["Altena", "Brilon", "Coesfeld", "Dülmen", "Emsdetten", "Geseke", "Herford", "Iserlohn", "Kalkar", "Lemgo", "Marsberg", "Nieheim"]


@functools.cache
def _templates() -> list[list[dict[str, bytes]]]:
    """The seed's packages, each as its versions' files, oldest first."""
    found: dict[str, list[tuple[str, dict[str, bytes]]]] = {}
    for folder in sorted((catalog_dir() / "packages").glob("*/*@*")):
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
        slug, _, version = folder.name.partition("@")
        found.setdefault(f"{folder.parent.name}/{slug}", []).append((version, files))
    return [[files for _, files in sorted(v, key=lambda x: tuple(int(n) for n in x[0].split(".")))] for _, v in sorted(found.items())]


def publisher_id(i: int) -> str:
    return f"kommune-{i // 25:04d}"


def realistic_versions(i: int, templates: list[list[dict[str, bytes]]]) -> tuple[str, list[tuple[str, dict[str, bytes]]]]:
    """Package ``i``: its id and its versions (version, files), oldest first."""
    template = templates[i % len(templates)]
    count = 1 + (i * 7) % 6
    city = f"{CITIES[i % len(CITIES)]} {i // len(CITIES)}"
    word = WORDS[i % len(WORDS)]
    versions: list[tuple[str, dict[str, bytes]]] = []
    for k in range(count):
        files = dict(template[min(k, len(template) - 1)])
        manifest = yaml.load(files["hub.yaml"], Loader=Loader)
        base_slug = manifest["id"].split("/")[1]
        package_id = f"{publisher_id(i)}/{base_slug}-{i}"
        if k >= len(template):  # a patch release on top of the seed's last version
            major, minor, patch = (int(n) for n in manifest["version"].split("."))
            manifest["version"] = f"{major}.{minor}.{patch + k - len(template) + 1}"
        version = manifest["version"]
        manifest["id"] = package_id
        manifest["name"] = f"{manifest['name']} ({city})"
        manifest["publisher"] = {"id": publisher_id(i), "name": f"Kommune {publisher_id(i)}"}
        manifest.pop("release_date", None)
        files["hub.yaml"] = yaml.dump(manifest, Dumper=Dumper, allow_unicode=True, sort_keys=False).encode()
        extra = (
            f"\n## Umsetzung in {city}\n\nIn {city} läuft das Verfahren seit Version {version}; "
            f"besonders der Schritt „{word}“ wurde an die örtliche Satzung angepasst ({i}).\n"
        )
        files["README.md"] = files["README.md"] + extra.encode()
        if "CHANGELOG.md" in files and k >= len(template):
            files["CHANGELOG.md"] = files["CHANGELOG.md"] + f"\n## {version}\n\n- Korrekturen im Text ({city}).\n".encode()
        for path in list(files):
            if path.endswith(".bpmn"):  # the municipality's own wording of one step: every diagram differs
                files[path] = re.sub(
                    rb'(<bpmn:(?:userTask|task|serviceTask)\b[^>]*name=")', f"\\1{word} {i}: ".encode(), files[path], count=1
                )
            elif path.endswith(".schema.json") and path.startswith("formulare/"):
                files[path] = files[path].replace(b'"title": "', f'"title": "{city}: '.encode(), 1)
            elif path.startswith("konfiguration/") and path.endswith(".yaml") and k >= len(template):
                files[path] = files[path] + f"# angepasst für {city}, {version}\n".encode()
        versions.append((version, files))
    return package_id, versions


def generate_realistic(path: Path, count: int) -> Catalog:
    """A catalogue of ``count`` realistic packages, one commit per round of versions, every version tagged.

    Built in bulk (a 1,000-package catalogue in seconds); trees, tags and publisher records are laid
    out as publishing lays them out.
    """
    repo = pygit2.init_repository(str(path), bare=True, initial_head="main")
    templates = _templates()
    packages = [realistic_versions(i, templates) for i in range(count)]
    start = datetime(2022, 1, 3, 9, 0, tzinfo=UTC)
    trees: dict[str, dict[str, pygit2.Oid]] = {}
    parent: list[pygit2.Oid] = []
    publishers = {publisher_id(i) for i in range(count)}
    records = repo.TreeBuilder()
    for pub in sorted(publishers):
        record = yaml.safe_dump({"id": pub, "name": f"Kommune {pub}", "type": "gemeinde"}, allow_unicode=True).encode()
        records.insert(f"{pub}.yaml", repo.create_blob(record), FileMode.BLOB)
    records_tree = records.write()
    for round_ in range(max(len(v) for _, v in packages)):
        when = start + timedelta(days=30 * round_)
        author = pygit2.Signature("Transferhub", "hub@transferhub.invalid", int(when.timestamp()), 0)
        # committed when authored, as a publish is: a committer's clock of today would put the next publish (a day
        # after the last commit) years later, a new month for every package's "months in production"
        sig = pygit2.Signature(COMMITTER[0], COMMITTER[1], int(when.timestamp()), 0)
        changed = [(pid, versions[round_]) for pid, versions in packages if round_ < len(versions)]
        for pid, (_, files) in changed:
            pub, slug = pid.split("/")
            trees.setdefault(pub, {})[slug] = write_tree(repo, files)
        root_packages = repo.TreeBuilder()
        for pub, slugs in sorted(trees.items()):
            builder = repo.TreeBuilder()
            for slug, tree in sorted(slugs.items()):
                builder.insert(slug, tree, FileMode.TREE)
            root_packages.insert(pub, builder.write(), FileMode.TREE)
        root = repo.TreeBuilder()
        root.insert("packages", root_packages.write(), FileMode.TREE)
        root.insert("publishers", records_tree, FileMode.TREE)
        commit = repo.create_commit(BRANCH, author, sig, f"Runde {round_ + 1}: {len(changed)} Versionen\n", root.write(), parent)
        parent = [commit]
        for pid, (version, _) in changed:
            repo.create_tag(f"{pid}/v{version}", commit, ObjectType.COMMIT, author, f"{pid} {version}\n")
    repo.references.compress()
    return Catalog(path)


KINDS = ("package pages", "inline SVG", "comparison pages", "version ZIPs", "package files", "clone exports", "search index", "other")


def kind_of(rel: str) -> str:
    parts = rel.split("/")
    if parts[0] == "git":
        return "clone exports"
    if parts[0] == "suche" and rel.endswith(".json.gz"):  # the head and its parts
        return "search index"
    if parts[0] == "pakete" and len(parts) >= 4:
        if parts[3] == "index.html":
            return "package pages"
        if parts[3] == "vergleich":
            return "comparison pages"
        if parts[3] == "dateien":
            return "package files"
        if rel.endswith(".zip"):
            return "version ZIPs"
    return "other"


SVG = re.compile(rb"<svg\b.*?</svg>", re.S)
# parts of the pages counted apart in ``parts``: what stands between the site and its byte goal
PARTS = {
    "package pages": {
        "form previews": re.compile(rb'<form class="form-preview".*?</form>', re.S),
        "highlighted configurations": re.compile(rb'<div class="highlight">.*?</div>', re.S),
        "README and documents": re.compile(rb'<div class="readme">.*?</div>', re.S),
        "maturity criteria": re.compile(rb'<table class="criteria">.*?</table>', re.S),
        "frame (head, navigation, footer)": re.compile(rb"\A.*?<main\b|</main>.*\Z", re.S),
    },
    "comparison pages": {
        "coloured diagrams": SVG,
        "patch excerpts": re.compile(rb'<details class="diff">.*?</details>', re.S),
        "frame (head, navigation, footer)": re.compile(rb"\A.*?<main\b|</main>.*\Z", re.S),
    },
}


def account(out: Path) -> dict:
    """Files and bytes of the built site, by kind (inline SVG counted apart from the package pages that hold it), and
    ``parts``: bytes of some parts of the package and comparison pages, and of the clone exports' files by name."""
    files: Counter[str] = Counter()
    size: Counter[str] = Counter()
    parts: dict[str, Counter[str]] = {kind: Counter() for kind in (*PARTS, "clone exports")}
    with_diagram = 0
    for path in out.rglob("*"):
        if not path.is_file() or path.relative_to(out).parts[0] == ".build":
            continue
        rel = path.relative_to(out).as_posix()
        kind = kind_of(rel)
        data = path.stat().st_size
        files[kind] += 1
        if kind in PARTS:
            page = path.read_bytes()
            for part, pattern in PARTS[kind].items():
                parts[kind][part] += sum(len(m) for m in pattern.findall(page))
            if kind == "comparison pages":
                with_diagram += bool(SVG.search(page))
        if kind == "package pages":
            svg = sum(len(m) for m in SVG.findall(path.read_bytes()))
            size["inline SVG"] += svg
            data -= svg
        if kind == "clone exports":
            name = path.name
            parts[kind]["pack" if name.endswith(".pack") else "pack index" if name.endswith(".idx") else "refs and layout"] += data
        size[kind] += data
    return {
        "files": dict(files),
        "bytes": dict(size),
        "total_files": sum(files.values()),
        "total_bytes": sum(size.values()),
        "parts": {kind: dict(counter) for kind, counter in parts.items()},
        "comparisons_with_diagram": with_diagram,
    }


def cpu() -> float:
    """CPU seconds of this process and of its children that ended (the build's forked workers, ``mkdocs build``)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(build) -> tuple[Any, float, float]:
    """``build()``'s result, wall seconds and CPU seconds (this process and its children)."""
    wall, used = time.perf_counter(), cpu()
    result = build()
    return result, time.perf_counter() - wall, cpu() - used


def mkdocs_build(catalog: Catalog, folder: Path) -> tuple[float, float]:
    """MkDocs on the same READMEs (one page per package at its latest version): wall and CPU seconds of ``mkdocs build``."""
    docs = folder / "docs"
    head = catalog.head()
    assert head is not None
    repo = catalog.repo
    for pub in tree_at(repo, head.tree["packages"].id):
        for pkg in tree_at(repo, pub.id):
            target = docs / str(pub.name) / f"{pkg.name}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob_at(repo, tree_at(repo, pkg.id)["README.md"].id).data)
    (docs / "index.md").write_text("# Transferhub\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_name: Transferhub\nuse_directory_urls: false\n", encoding="utf-8")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs), "build", "-q", "-f", str(folder / "mkdocs.yml"), "-d", str(folder / "site")]
    _, wall, used = timed(lambda: subprocess.run(command, check=True))
    return wall, used


def republish(catalog: Catalog, package_id: str, i: int) -> None:
    """Publish one more patch version of package ``i`` the way the API does (validation, commit, tag)."""
    latest = catalog.all_versions(package_id)[package_id][0].version
    _, versions = realistic_versions(i, _templates())
    files = dict(versions[-1][1])
    major, minor, patch = (int(n) for n in latest.split("."))
    version = f"{major}.{minor}.{patch + 1}"
    manifest = yaml.safe_load(files["hub.yaml"])
    manifest["version"] = version
    files["hub.yaml"] = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False).encode()
    files["README.md"] += f"\nNachtrag zu {version}.\n".encode()
    head = catalog.head()
    assert head is not None
    # a day after the catalogue's last commit: the clock moving by years would change every package's "months in production"
    when = datetime.fromtimestamp(head.commit_time, UTC) + timedelta(days=1)
    publish(catalog, PackageFiles(files, folder_name=package_id.split("/")[1]), when=when)


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--packages", type=int, default=300)
    parser.add_argument("--mkdocs", action="store_true", help="build the same READMEs with MkDocs in the same run")
    parser.add_argument("--rounds", type=int, default=9, help="further publishes of single-version packages into the kept build")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for the packages' pages, as `hub site build` uses (default: the cores)",
    )
    parser.add_argument(
        "--name", default="site", help="name of the results (bench/results/NAME.json, with --record docs/figures/NAME.json)"
    )
    args = quick(parser.parse_args(), packages=8, rounds=2)
    results: dict = {"machine": machine(), "load": os.getloadavg()[0], "packages": args.packages, "processes": args.processes}
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        catalog = generate_realistic(Path(tmp) / "catalog.git", args.packages)
        results["generate_s"] = time.perf_counter() - started
        table = catalog.all_versions()
        results["versions"] = sum(len(v) for v in table.values())
        out = Path(tmp) / "site"
        forget_kept()
        _, results["full_build_s"], results["full_build_cpu_s"] = timed(lambda: build_site(catalog, out, processes=args.processes))
        results["site"] = account(out)
        results["bytes_per_package"] = results["site"]["total_bytes"] / args.packages
        if args.mkdocs:
            results["mkdocs_s"], results["mkdocs_cpu_s"] = mkdocs_build(catalog, Path(tmp) / "mkdocs")
            results["ratio_to_mkdocs"] = results["full_build_s"] / results["mkdocs_s"]
            results["cpu_ratio_to_mkdocs"] = results["full_build_cpu_s"] / results["mkdocs_cpu_s"]
        # as `hub site build` in a new process: nothing kept from the build before (the compiled templates are)
        forget_kept()
        again, results["unchanged_build_s"], results["unchanged_build_cpu_s"] = timed(
            lambda: build_site(catalog, out, processes=args.processes)
        )
        results["unchanged_written"] = len(again.written)
        incremental = {}
        many = max(range(args.packages), key=lambda i: (len(table[realistic_versions(i, _templates())[0]]), -i))
        others = [i for i in range(args.packages) if len(table[realistic_versions(i, _templates())[0]]) == 1][1 : 1 + args.rounds]
        # kept: the served site's child process, which built the site before the publish; fresh: `hub site build` in a new process
        for mode in ("kept", "fresh"):
            for label, i in (("many_versions", many), ("one_version", 0)):
                package_id = realistic_versions(i, _templates())[0]
                before = len(catalog.all_versions(package_id)[package_id])
                republish(catalog, package_id, i)
                if mode == "fresh":
                    forget_kept()
                # kept: as the served site builds (background: the dashboard after returning, then waited for and timed apart)
                report, wall, used = timed(lambda kept=mode == "kept": build_site(catalog, out, processes=args.processes, background=kept))
                _, summary_wall, summary_cpu = timed(lambda: settle(out))
                incremental[f"{label}_{mode}" if mode == "fresh" else label] = {
                    "package": package_id,
                    "versions_before": before,
                    "seconds": wall,
                    "cpu_seconds": used,
                    "read": report.read,
                    "written": len(report.written),
                    "written_files": sorted(report.written),
                    "deferred": report.deferred,
                    "summaries_seconds": summary_wall,
                    "summaries_cpu_seconds": summary_cpu,
                }
        # more publishes of other packages into the kept build, for a median
        rounds = []
        for i in others:
            package_id = realistic_versions(i, _templates())[0]
            republish(catalog, package_id, i)
            report, wall, used = timed(lambda: build_site(catalog, out, processes=args.processes, background=True))
            _, summary_wall, summary_cpu = timed(lambda: settle(out))
            rounds.append(
                {
                    "package": package_id,
                    "seconds": wall,
                    "cpu_seconds": used,
                    "read": report.read,
                    "written": len(report.written),
                    "summaries_seconds": summary_wall,
                    "summaries_cpu_seconds": summary_cpu,
                }
            )
        results["incremental"] = incremental
        results["kept_rounds"] = rounds
    site = results["site"]
    mb = 1024 * 1024
    print(f"machine: {results['machine']}, load {results['load']:.1f}")
    print(f"{args.packages} realistic packages, {results['versions']} versions (generated in {results['generate_s']:.1f} s)")
    print("| kind | files | MB | KB per package |\n|---|---|---|---|")
    for kind in KINDS:
        print(
            f"| {kind} | {site['files'].get(kind, '')} | {site['bytes'].get(kind, 0) / mb:.1f} | {site['bytes'].get(kind, 0) / 1024 / args.packages:.1f} |"
        )
    print(f"| total | {site['total_files']} | {site['total_bytes'] / mb:.1f} | {results['bytes_per_package'] / 1024:.1f} |")
    for kind, parts in site["parts"].items():
        print(f"{kind}, per package: " + ", ".join(f"{part} {n / 1024 / args.packages:.1f} KB" for part, n in parts.items()))
    print(
        f"full build: {results['full_build_s']:.1f} s wall, {results['full_build_cpu_s']:.1f} s CPU"
        + (
            f"; MkDocs {results['mkdocs_s']:.1f} s wall, {results['mkdocs_cpu_s']:.1f} s CPU;"
            f" ratio {results['ratio_to_mkdocs']:.2f} (wall), {results['cpu_ratio_to_mkdocs']:.2f} (CPU)"
            if args.mkdocs
            else ""
        )
    )
    print(f"rebuild, nothing changed: {results['unchanged_build_s']:.2f} s, {results['unchanged_written']} files written")
    for label, figures in incremental.items():
        print(
            f"incremental after one publish ({label}, {figures['versions_before']} versions before): {figures['seconds']:.2f} s wall,"
            f" {figures['cpu_seconds']:.2f} s CPU, {figures['read']} packages read, {figures['written']} files written"
            + (f"; then the dashboard {figures['summaries_cpu_seconds']:.2f} s CPU" if figures["deferred"] else "")
        )
    if rounds:
        print(
            f"kept, {len(rounds)} more publishes: median {median(r['seconds'] for r in rounds):.2f} s wall,"
            f" {median(r['cpu_seconds'] for r in rounds):.2f} s CPU; then the dashboard {median(r['summaries_cpu_seconds'] for r in rounds):.2f} s CPU"
        )
    print(f"results: {write_results(args.name, results, args)}")


if __name__ == "__main__":
    main()
