"""Core figures (issue 3) on a generated catalogue: validate, publish, read.

    .venv/bin/python bench/core.py [--packages 10000] [--runs 200] [--before REV]

Each figure is a median over many runs, next to a baseline measured in the same
run on the same repository, so a noisy machine shows in both.

Validation is measured on the seed's Gewerbeanmeldung and on realistic packages
(bench/realistic.py), in wall-clock and in CPU time of the thread, and, with
``--before REV``, on the same packages with the validator of commit REV in a
child process, in alternating rounds, so before and after share the machine's
load. Its baseline, in the same rounds, is parsing every file of the package
once as validation parses it (:func:`parse_only`): the least any validator
has to do, so the ratio is what the checks cost on top of reading the files.
Where the time goes is the cProfile share of each part of validation.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pygit2
from pygit2.enums import FileMode

from bench import realistic
from bench.common import ROOT, generate_catalog, generated_files, machine, options, package_id, quick, summary, timed, write_results
from hub.resources import catalog_dir
from hub.store import Catalog, publish
from hub.store.catalog import BRANCH, COMMITTER
from hub.store.trees import replace_path
from hub.validate import PackageFiles, validate_package
from hub.validate.bpmn import parse_bpmn
from hub.validate.yamlsafe import load_yaml


def typical_package() -> PackageFiles:
    """The seed catalogue's Gewerbeanmeldung (latest version) if present: a real, full package."""
    candidates = sorted((catalog_dir() / "packages").glob("stadt-paderborn/gewerbeanmeldung@*"))
    if candidates:
        return PackageFiles.from_folder(candidates[-1])
    return PackageFiles(generated_files(0), folder_name="paket-000")


def other_packages() -> list[PackageFiles]:
    """Packages none of the measured ones is: the seed's others (not the Gewerbeanmeldung) and realistic packages 1000-1019."""
    seed = [
        PackageFiles.from_folder(folder)
        for folder in sorted((catalog_dir() / "packages").glob("*/*@*"))
        if not folder.name.startswith("gewerbeanmeldung@")
    ]
    return [
        *seed,
        *(PackageFiles(realistic.package_files(i, i % 3), folder_name=realistic.package_id(i).split("/")[1]) for i in range(1000, 1020)),
    ]


class Cold:
    """The validator's caches keyed by content as validating *other* packages leaves them, put back before each timed run.

    Validation keeps, within bounds, the tag and value of short plain YAML scalars by their text
    (hub/validate/yamlsafe.py) and each package config schema's compiled validator by its content
    (hub/validate/fastpath.py). Validating the same packages over and over would find all of a
    package's own texts and its schema there: a cache hit, not a package seen for the first time.
    So the caches are emptied, filled by validating other packages, kept, and put back before each
    measured run: what is found then is only what another package left (its keys, ``true``, small
    numbers, a shared schema), never the measured package's own. An older validator without such a
    cache (``--before``) has nothing to put back.
    """

    def __init__(self, others: list[PackageFiles]) -> None:
        import hub.validate.fastpath as fastpath
        import hub.validate.yamlsafe as yamlsafe

        found = (
            getattr(yamlsafe, "_PLAIN_TAGS", None),
            getattr(yamlsafe, "_PLAIN_VALUES", None),
            getattr(fastpath, "_package_validators", None),
        )
        self.caches: list[dict] = [cache for cache in found if cache is not None]
        for cache in self.caches:
            cache.clear()
        for package in others:
            validate_package(package)
        self.kept = [list(cache.items()) for cache in self.caches]

    def restore(self) -> None:
        for cache, kept in zip(self.caches, self.kept, strict=True):
            cache.clear()
            cache.update(kept)


def realistic_packages(count: int) -> list[PackageFiles]:
    """``count`` different realistic packages (bench/realistic.py), some in their first, some in a later version."""
    return [PackageFiles(realistic.package_files(i, i % 3), folder_name=realistic.package_id(i).split("/")[1]) for i in range(count)]


def parse_only(package: PackageFiles) -> None:
    """Every file of ``package`` parsed once as validation parses it, nothing checked: the baseline of the validate figures.

    YAML with validation's own loader (hub/validate/yamlsafe.py: libyaml's composer, the node
    limits, a direct construction), JSON with ``json``, BPMN with validation's lxml parser, UTF-8 for
    Markdown: the least a validator of these files has to do. It used to be PyYAML's full C loader
    and lxml with other options, both slower than what validation runs, so the baseline held work
    validation does not do (and before that the manifest's JSON Schema check with python-jsonschema,
    which jsonschema-rs answers first, hub/validate/fastpath.py).
    """
    for path, data in package.files.items():
        if path.endswith((".yaml", ".yml")):
            load_yaml(data)
        elif path.endswith(".json"):
            json.loads(data)
        elif path.endswith((".bpmn", ".xml")):
            parse_bpmn(data)
        elif path.endswith((".md", ".markdown")):
            data.decode("utf-8")


def validation_samples(
    packages: list[PackageFiles], runs: int, work: Callable[[PackageFiles], object] | None = None, cold: Cold | None = None
) -> dict[str, list[float]]:
    """Wall-clock and thread CPU milliseconds of ``runs`` validations (or of ``work``), taking the packages in turn.

    With ``cold``, its caches are put back before each run (untimed): each package is validated as one not seen before.
    """
    wall, cpu = [], []
    work = work or validate_package
    for n in range(runs):
        package = packages[n % len(packages)]
        if cold is not None:
            cold.restore()
        start, start_cpu = time.perf_counter(), time.thread_time()
        work(package)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return {"wall": wall, "cpu": cpu}


# the entry points validate_package calls, by part (older commits name the BPMN check check_bpmn)
PARTS = {
    "manifest: YAML": [("hub/validate/manifest.py", "parse_manifest")],
    "manifest: schema and rules": [("hub/validate/manifest.py", "check_manifest")],
    "Markdown links": [("hub/validate/markdown.py", "check_all_markdown_links")],
    "BPMN checks": [("hub/validate/bpmn.py", "inspect_bpmn"), ("hub/validate/bpmn.py", "check_bpmn")],
    "BPMN hints": [("hub/validate/hints.py", "package_hints")],
    "form schemas": [("hub/validate/forms.py", "check_form")],
    "configurations": [("hub/validate/configs.py", "check_config")],
}


def profile_shares(packages: list[PackageFiles], rounds: int, cold: Cold) -> dict[str, float]:
    """Per cent of validate_package's profiled time in each part (cumulative), the rest under "other"."""
    profile = cProfile.Profile()
    for _ in range(rounds):
        for package in packages:
            cold.restore()
            profile.enable()
            validate_package(package)
            profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]  # pstats keeps its table undocumented
    total = next(v[3] for (file, _, name), v in stats.items() if file.endswith("hub/validate/__init__.py") and name == "validate_package")
    shares: dict[str, float] = {}
    for part, functions in PARTS.items():
        shares[part] = (
            100 * sum(v[3] for (file, _, name), v in stats.items() if any(file.endswith(f) and name == fn for f, fn in functions)) / total
        )
    shares["other"] = max(0.0, 100 - sum(shares.values()))
    return shares


CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.argv[1:] = []
import bench.core as core
assert core.validate_package.__module__ == "hub.validate" and core.__file__.startswith(sys.path[0])
typical, packages = core.typical_package(), core.realistic_packages(int(sys.stdin.readline()))
core.validate_package(typical)  # warm-up: modules loaded, hub schemas compiled
cold = core.Cold(core.other_packages())
for line in sys.stdin:
    which, runs = line.split()
    print(json.dumps(core.validation_samples([typical] if which == "typical" else packages, int(runs), cold=cold)), flush=True)
"""


class Before:
    """The validator of an older commit in a child process (git archive of REV), measured on request."""

    def __init__(self, rev: str, folder: Path, packages: int) -> None:
        folder.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
        (folder / "bench" / "core.py").write_text(Path(__file__).read_text(encoding="utf-8"), encoding="utf-8")  # this measuring code
        self.commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", rev], capture_output=True, text=True, check=True).stdout.strip()
        self.child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=folder
        )
        self._send(str(packages))

    def _send(self, line: str) -> None:
        assert self.child.stdin is not None
        self.child.stdin.write(line + "\n")
        self.child.stdin.flush()

    def samples(self, which: str, runs: int) -> dict[str, list[float]]:
        self._send(f"{which} {runs}")
        assert self.child.stdout is not None
        return json.loads(self.child.stdout.readline())

    def close(self) -> None:
        assert self.child.stdin is not None
        self.child.stdin.close()
        self.child.wait(timeout=60)


def alternating(
    now: Callable[[int], dict[str, list[float]]],
    before: Callable[[int], dict[str, list[float]]] | None,
    runs: int,
    rounds: int = 10,
    baseline: Callable[[int], dict[str, list[float]]] | None = None,
):
    """Samples of now, before and the baseline in alternating rounds of runs // rounds each (so all see the same load)."""
    got: dict[str, dict[str, list[float]]] = {which: {"wall": [], "cpu": []} for which in ("now", "before", "baseline")}
    per_round = max(1, runs // rounds)
    for _ in range(rounds):
        for which, measure in (("before", before), ("now", now), ("baseline", baseline)):
            if measure is not None:
                for key, values in measure(per_round).items():
                    got[which][key].extend(values)
    return got


def validation_summary(samples: dict[str, list[float]]) -> dict[str, float]:
    return {**summary(samples["wall"]), "cpu_median_ms": statistics.median(samples["cpu"])}


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--realistic", type=int, default=50, help="how many different realistic packages the second validate figure takes in turn"
    )
    parser.add_argument(
        "--before", default=None, help="a commit whose validator is measured too, in the same run (git archive into a temporary folder)"
    )
    args = quick(parser.parse_args(), packages=100, runs=4, realistic=3, before="HEAD")
    rng = random.Random(7)
    results: dict = {"machine": machine(), "packages": args.packages}

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        repo = generate_catalog(Path(tmp) / "catalog.git", args.packages)
        results["generate_s"] = time.perf_counter() - start
        catalog = Catalog(Path(tmp) / "catalog.git")

        # validate: the whole package vs. the manifest's schema check alone, and vs. an older validator
        package = typical_package()
        packages = realistic_packages(args.realistic)
        results["validate_package_files"] = len(package.files)
        results["validate_realistic_packages"] = len(packages)
        timed(lambda: validate_package(package), 5)  # warm-up: hub schemas compiled, SPDX list loaded
        cold = Cold(other_packages())  # each measured package validated as one not seen before (see Cold)
        before = Before(args.before, Path(tmp) / "before", args.realistic) if args.before else None
        try:
            typical = alternating(
                lambda n: validation_samples([package], n, cold=cold),
                (lambda n: before.samples("typical", n)) if before else None,
                args.runs,
                baseline=lambda n: validation_samples([package], n, parse_only, cold=cold),
            )
            varied = alternating(
                lambda n: validation_samples(packages, n, cold=cold),
                (lambda n: before.samples("realistic", n)) if before else None,
                max(args.runs, 2 * len(packages)),
                baseline=lambda n: validation_samples(packages, n, parse_only, cold=cold),
            )
        finally:
            if before is not None:
                before.close()
        results["validate"] = validation_summary(typical["now"])
        results["validate_realistic"] = validation_summary(varied["now"])
        results["validate_baseline_parse_only"] = validation_summary(typical["baseline"])
        results["validate_realistic_baseline_parse_only"] = validation_summary(varied["baseline"])
        if before is not None:
            results["before_commit"] = before.commit
            results["validate_before"] = validation_summary(typical["before"])
            results["validate_realistic_before"] = validation_summary(varied["before"])
        results["validate_profile"] = profile_shares([package, *packages], 2 if args.quick else 10, cold)

        # read one package at HEAD vs. reading its hub.yaml blob alone
        ids = [package_id(rng.randrange(args.packages)) for _ in range(args.runs)]
        it = iter(ids * 2)
        results["read"] = summary(timed(lambda: catalog.get(next(it)), args.runs))
        it = iter(ids * 2)
        head_tree = repo[repo.references[BRANCH].target].tree

        def read_blob() -> bytes:
            return repo[head_tree[f"packages/{next(it)}/hub.yaml"].id].read_raw()

        results["read_baseline_blob_only"] = summary(timed(read_blob, args.runs))

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
        ("validate one typical package", "validate", "validate_baseline_parse_only", 5),
        ("validate realistic packages", "validate_realistic", "validate_realistic_baseline_parse_only", 5),
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
    for key in (
        "validate",
        "validate_realistic",
        "validate_before",
        "validate_realistic_before",
        "validate_baseline_parse_only",
        "validate_realistic_baseline_parse_only",
    ):
        if key in results:
            r = results[key]
            print(f"{key}: median {r['median_ms']:.2f} ms wall, {r['cpu_median_ms']:.2f} ms CPU")
    print("where validation's time goes:", ", ".join(f"{part} {share:.0f} %" for part, share in results["validate_profile"].items()))
    print(f"results: {write_results('core', results, args)}")


if __name__ == "__main__":
    main()
