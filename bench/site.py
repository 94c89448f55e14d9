"""Static site figures (issue 5): full build and incremental build on 10,000 packages.

    HUB_FSYNC=0 .venv/bin/python bench/site.py [--packages 10000]

The catalogue is generated (bench/common.py); the site is built from scratch, then one
version is published and the site is built again. A baseline in the same run: copying the
finished site folder (what any build has to write at least).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import generate_catalog, generated_files, machine, options, package_id, quick, write_results
from hub.site import build_site
from hub.store import Catalog, publish
from hub.validate import PackageFiles


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--incremental-runs", type=int, default=5)
    args = quick(parser.parse_args(), packages=30, incremental_runs=2)
    results: dict = {"machine": machine(), "packages": args.packages}
    with tempfile.TemporaryDirectory() as tmp:
        generate_catalog(Path(tmp) / "catalog.git", args.packages)
        catalog = Catalog(Path(tmp) / "catalog.git")
        out = Path(tmp) / "site"
        start = time.perf_counter()
        report = build_site(catalog, out)
        results["full_build_s"] = time.perf_counter() - start
        results["full_build_files"] = len(report.written)
        start = time.perf_counter()
        shutil.copytree(out, Path(tmp) / "copy")
        results["baseline_copy_s"] = time.perf_counter() - start
        start = time.perf_counter()
        again = build_site(catalog, out)
        results["unchanged_build_s"] = time.perf_counter() - start
        results["unchanged_written"] = len(again.written)
        incremental = []
        for n in range(args.incremental_runs):
            i = (n * 7919) % args.packages
            publish(catalog, PackageFiles(generated_files(i, f"1.1.{n}"), folder_name=package_id(i).split("/")[1]))
            start = time.perf_counter()
            report = build_site(catalog, out)
            incremental.append((time.perf_counter() - start, len(report.written)))
        results["incremental_s"] = sorted(t for t, _ in incremental)[len(incremental) // 2]
        results["incremental_written"] = [w for _, w in incremental]
    print(f"machine: {results['machine']}")
    print("| figure | value | goal |\n|---|---|---|")
    print(f"| full build, {args.packages} packages | {results['full_build_s']:.1f} s ({results['full_build_files']} files) | ≤ 60 s |")
    print(f"| baseline: copying the built site | {results['baseline_copy_s']:.1f} s | |")
    print(f"| rebuild, nothing changed | {results['unchanged_build_s']:.2f} s ({results['unchanged_written']} files written) | |")
    print(
        f"| incremental build after one publish (median of {args.incremental_runs}) | {results['incremental_s']:.2f} s ({results['incremental_written']} files) | ≤ 2 s |"
    )
    print(f"results: {write_results('site', results, args)}")


if __name__ == "__main__":
    main()
