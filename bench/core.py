"""Core figures (issue 3) on a generated catalogue: validate, publish, read.

    .venv/bin/python bench/core.py [--packages 10000] [--runs 200]

Each figure is a median over many runs, next to a baseline measured in the same
run on the same repository, so a noisy machine shows in both.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygit2
from pygit2.enums import FileMode

from bench.common import generate_catalog, generated_files, machine, options, package_id, quick, summary, timed, write_results
from hub.resources import catalog_dir
from hub.schemas import PACKAGE_SCHEMA_ID, validator
from hub.store import Catalog, publish
from hub.store.catalog import BRANCH, COMMITTER
from hub.store.trees import replace_path
from hub.validate import PackageFiles, validate_package
from hub.validate.yamlsafe import load_yaml


def typical_package() -> PackageFiles:
    """The seed catalogue's Gewerbeanmeldung (latest version) if present: a real, full package."""
    candidates = sorted((catalog_dir() / "packages").glob("stadt-paderborn/gewerbeanmeldung@*"))
    if candidates:
        return PackageFiles.from_folder(candidates[-1])
    return PackageFiles(generated_files(0), folder_name="paket-000")


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    args = quick(parser.parse_args(), packages=100, runs=4)
    rng = random.Random(7)
    results: dict = {"machine": machine(), "packages": args.packages}

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        repo = generate_catalog(Path(tmp) / "catalog.git", args.packages)
        results["generate_s"] = time.perf_counter() - start
        catalog = Catalog(Path(tmp) / "catalog.git")

        # validate: the whole package vs. the manifest's schema check alone
        package = typical_package()
        results["validate_package_files"] = len(package.files)
        results["validate"] = summary(timed(lambda: validate_package(package), args.runs))
        manifest_data = load_yaml(package.files["hub.yaml"]).data
        schema = validator(PACKAGE_SCHEMA_ID)
        results["validate_baseline_manifest_schema_only"] = summary(timed(lambda: list(schema.iter_errors(manifest_data)), args.runs))

        # read one package at HEAD vs. reading its hub.yaml blob alone
        ids = [package_id(rng.randrange(args.packages)) for _ in range(args.runs)]
        it = iter(ids * 2)
        results["read"] = summary(timed(lambda: catalog.get(next(it)), args.runs))
        it = iter(ids * 2)
        head_tree = repo[repo.references[BRANCH].target].tree
        results["read_baseline_blob_only"] = summary(timed(lambda: repo[head_tree[f"packages/{next(it)}/hub.yaml"].id].data, args.runs))

        # publish a new version of random packages vs. a bare one-blob commit + ref move
        counter = iter(range(10**6))

        def publish_one() -> None:
            i = rng.randrange(args.packages)
            n = next(counter)
            publish(catalog, PackageFiles(generated_files(i, f"1.0.{n + 1}"), folder_name=package_id(i).split("/")[1]))

        results["publish"] = summary(timed(publish_one, args.runs // 2))

        def bare_commit() -> None:
            ref = repo.references[BRANCH]
            head = repo[ref.target]
            blob = repo.create_blob(f"{next(counter)}".encode())
            tree = replace_path(repo, head.tree, ["bench", "marker"], blob, FileMode.BLOB)
            sig = pygit2.Signature(*COMMITTER)
            ref.set_target(repo.create_commit(None, sig, sig, "m", tree, [head.id]))

        results["publish_baseline_bare_commit"] = summary(timed(bare_commit, args.runs // 2))

    print(f"machine: {results['machine']}")
    print(f"catalogue: {args.packages} packages (generated in {results['generate_s']:.1f} s)")
    rows = [
        ("validate one typical package", "validate", "validate_baseline_manifest_schema_only", 5),
        ("publish one version", "publish", "publish_baseline_bare_commit", 20),
        ("read one package at HEAD", "read", "read_baseline_blob_only", 2),
    ]
    print("| figure | median | p99 | goal | baseline median | ratio to baseline |")
    print("|---|---|---|---|---|---|")
    for label, key, base, goal in rows:
        r, b = results[key], results[base]
        print(
            f"| {label} | {r['median_ms']:.2f} ms | {r['p99_ms']:.2f} ms | ≤ {goal} ms | {b['median_ms']:.2f} ms ({base}) | {r['median_ms'] / b['median_ms']:.1f}× |"
        )
    print(f"results: {write_results('core', results, args)}")


if __name__ == "__main__":
    main()
