"""What the served site's child writes of its build state after one publish, as the catalogue grows.

    HUB_FSYNC=0 .venv/bin/python bench/site_state.py [--sizes 1000 10000 50000] [--rounds 15] [--record]

A realistic catalogue of ``--seed-packages`` packages (``bench/site.py``'s generator) is built as a static site;
one version is published and the site built again in the same process (a kept build, as the served site's child
makes after every publish). That build's state (``.build/state.sqlite``, :mod:`hub.site.state`) gives the rows of
a package and the rows one publish changed. The state of a catalogue of N packages is then those rows repeated
N / seed times under other package ids (a state's rows are a page's path and a hash: what varies with the
catalogue is their number), and at each size two ways of keeping it after one publish are timed, CPU time of
this process, median of ``--rounds``:

- *whole* (the way before ``hub.site.state``, and still the way of a build in a new process): the pages' and
  exports' keys encoded as one JSON file, written beside and renamed, and the search terms as one msgpack file;
- *changed rows*: :meth:`BuildState.write` with the rows the publish changed (pages, exports, terms),
  into a state of N packages.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import msgspec

from bench.common import options, quick, write_results
from bench.site import _templates, generate_realistic, realistic_versions, republish
from hub.site import build_site
from hub.site.build import forget_kept, settle
from hub.site.state import BuildState, Changes


def _cpu_ms(fn) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000


def _scaled(rows: dict[str, str], copies: int, rename) -> dict[str, str]:
    """``rows`` repeated ``copies`` times, the n-th copy's package ids renamed by ``rename(key, n)``."""
    out: dict[str, str] = {}
    for n in range(copies):
        out.update((rename(key, n) if n else key, value) for key, value in rows.items())
    return out


def _page_copy(rel: str, n: int) -> str:
    parts = rel.split("/", 2)
    return f"{parts[0]}/{parts[1]}-k{n}/{parts[2]}" if parts[0] == "pakete" and len(parts) == 3 else rel


def main() -> None:
    parser = argparse.ArgumentParser(parents=[options()])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--seed-packages", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=15)
    args = quick(parser.parse_args(), sizes=[200, 400], seed_packages=20, rounds=3)
    work = Path(tempfile.mkdtemp(prefix="site-state-"))
    try:
        catalog = generate_realistic(work / "catalog.git", args.seed_packages)
        out = work / "site"
        forget_kept()
        build_site(catalog, out, processes=os.cpu_count() or 1)
        before = BuildState(out).read()
        terms_before = BuildState(out).terms()
        package_id = realistic_versions(0, _templates())[0]
        republish(catalog, package_id, 0)
        report = build_site(catalog, out, processes=1, background=True)
        settle(out)
        after = BuildState(out).read()
        terms_after = BuildState(out).terms()
        changed_pages = {rel: key for rel, key in after.pages.items() if before.pages.get(rel) != key}
        gone_pages = set(before.pages) - set(after.pages)
        changed_exports = {pid: key for pid, key in after.exports.items() if before.exports.get(pid) != key}
        results: dict = {
            "seed_packages": args.seed_packages,
            "rows_per_package": round((len(after.pages) + len(after.exports)) / args.seed_packages, 1),
            "rows_changed_by_publish": len(changed_pages) + len(gone_pages) + len(changed_exports),
            "kept_build_state_rows": report.state_rows,
            "sizes": {},
        }
        for size in args.sizes:
            copies = max(1, size // args.seed_packages)
            pages = _scaled(after.pages, copies, _page_copy)
            exports = _scaled(after.exports, copies, lambda pid, n: f"{pid}-k{n}")
            terms = {f"{key}#{n}" if n else key: value for n in range(copies) for key, value in terms_before.items()}
            state = BuildState(work / f"state-{size}")
            state.write(Changes(commit="c", summaries="c", whole=True, pages=pages, exports=exports, terms=terms))
            # the publish's terms: its package's old key gone, its new key added (under every copy's name the same)
            gone_terms = [key for key in terms_before if key not in terms_after]
            added_terms = [key for key in terms_after if key not in terms_before]
            new_terms = dict(terms)
            for key in gone_terms:
                del new_terms[key]
            new_terms.update((key, terms_after[key]) for key in added_terms)
            whole_file = work / f"whole-{size}" / "state.json"
            whole_file.parent.mkdir()

            def whole(pages=pages, exports=exports, terms=terms, target=whole_file) -> None:
                partial = target.with_name(".state.json.partial")
                partial.write_bytes(msgspec.json.encode({"commit": "c", "summaries": "c", "pages": pages, "exports": exports}))
                os.replace(partial, target)
                target.with_name("terms.msgpack").write_bytes(msgspec.msgpack.encode(terms))

            def rows(state, now, added, gone) -> None:
                state.write(
                    Changes(
                        commit="c",
                        summaries="c",
                        whole=False,
                        pages=changed_pages,
                        exports=changed_exports,
                        gone_pages=gone_pages,
                        terms=now,
                        terms_added=added,
                        terms_gone=gone,
                    )
                )

            whole_ms = statistics.median(_cpu_ms(whole) for _ in range(args.rounds))
            # forth and back: every round writes the publish's rows into a state of this size
            steps = [(new_terms, added_terms, gone_terms), (terms, gone_terms, added_terms)]
            rows_ms = statistics.median(
                _cpu_ms(lambda n=n, state=state, steps=steps: rows(state, *steps[n % 2])) for n in range(args.rounds)
            )
            results["sizes"][str(size)] = {
                "packages": copies * args.seed_packages,
                "rows": len(pages) + len(exports),
                "terms": len(terms),
                "whole_mb": round((whole_file.stat().st_size + whole_file.with_name("terms.msgpack").stat().st_size) / 1e6, 1),
                "whole_cpu_ms": round(whole_ms, 2),
                "rows_cpu_ms": round(rows_ms, 2),
            }
            print(size, results["sizes"][str(size)], flush=True)
        write_results("site_state", results, args)
    finally:
        forget_kept()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
