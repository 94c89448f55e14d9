"""The site's work after one publish does not grow with the package's version count; no bytes are kept per version twice."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta, timezone

from hub.site import build_site
from hub.site.build import PARALLEL_FROM, SUMMARIES, forget_kept, settle
from hub.store import Catalog, publish
from hub.store.records import actor_for, record_adoption
from hub.validate import PackageFiles
from tests.factory import make_catalog, package_files

MANY = "stadt-test/viele-versionen"
FEW = "stadt-test/zwei-versionen"


def _publish(catalog: Catalog, package_id: str, version: str) -> None:
    head = catalog.head()
    assert head is not None
    # one day after the head: "months in production" and the dashboard's months stay as they were
    when = datetime.fromtimestamp(head.commit_time, timezone(timedelta(minutes=head.commit_time_offset))) + timedelta(days=1)
    files = package_files(package_id, version, files={"README.md": f"# Paket\n\n## Problem\nStand {version}.\n"})
    publish(catalog, PackageFiles(files, folder_name=package_id.split("/")[1]), when=when)


def _package_files(written: list[str], package_id: str) -> set[str]:
    """What a build wrote below the package's folder, with the versions named by their place."""
    return {rel.removeprefix(f"pakete/{package_id}/") for rel in written if rel.startswith(f"pakete/{package_id}/")}


def test_a_publish_writes_the_same_pages_whether_the_package_has_two_versions_or_eight(tmp_path):
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), (FEW, "1.0.0"), ("stadt-test/daneben", "1.0.0")])
    for minor in range(1, 7):
        _publish(catalog, MANY, f"1.{minor}.0")
    _publish(catalog, FEW, "1.1.0")
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)

    _publish(catalog, MANY, "1.7.0")
    many = build_site(catalog, out, clones=False)
    _publish(catalog, FEW, "1.2.0")
    few = build_site(catalog, out, clones=False)

    # the package page, the new comparison, the newest ZIP (the README and hub.yaml are shown on the page, not copied); the
    # comparison before stays as it was: it links to the package page's list of comparisons, not to the change after it
    assert _package_files(many.written, MANY) == {"index.html", "vergleich/1.6.0...1.7.0.html", "viele-versionen-1.7.0.zip"}
    assert _package_files(few.written, FEW) == {"index.html", "vergleich/1.1.0...1.2.0.html", "zwei-versionen-1.2.0.zip"}
    newest = (out / "pakete" / MANY / "vergleich" / "1.6.0...1.7.0.html").read_text(encoding="utf-8")
    assert 'href="1.5.0...1.6.0.html" rel="prev"' in newest and 'href="../index.html#vergleiche"' in newest
    assert 'id="vergleiche"' in (out / "pakete" / MANY / "index.html").read_text(encoding="utf-8")
    assert len(many.written) == len(few.written)  # the catalogue-wide pages are the same number too
    # no other package's files are touched
    assert not [rel for rel in many.written + few.written if rel.startswith("pakete/stadt-test/daneben/")]


def test_versions_share_their_bytes_through_the_clone_not_through_copies(tmp_path):
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0")])
    for minor in range(1, 4):
        _publish(catalog, MANY, f"1.{minor}.0")
    out = tmp_path / "site"
    build_site(catalog, out)
    folder = out / "pakete" / MANY
    # one ZIP (the newest version), comparisons of neighbours only, the newest files once
    assert sorted(p.name for p in folder.glob("*.zip")) == ["viele-versionen-1.3.0.zip"]
    assert sorted(p.name for p in (folder / "vergleich").iterdir()) == ["1.0.0...1.1.0.html", "1.1.0...1.2.0.html", "1.2.0...1.3.0.html"]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "git checkout v1.0.0" in page and 'href="viele-versionen-1.3.0.zip"' in page
    # every version is in the clone
    refs = (out / "git" / MANY).with_suffix(".git") / "info" / "refs"
    assert all(f"refs/tags/v1.{minor}.0" in refs.read_text() for minor in range(4))
    # a later publish replaces the ZIP rather than adding one
    _publish(catalog, MANY, "1.4.0")
    build_site(catalog, out)
    assert sorted(p.name for p in folder.glob("*.zip")) == ["viele-versionen-1.4.0.zip"]


def test_an_incremental_build_gives_the_files_a_fresh_build_gives(tmp_path):
    """What the incremental build keeps (terms of the search index, dashboard views, comparisons) is what a fresh build makes."""
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), (FEW, "1.0.0")])
    _publish(catalog, MANY, "1.1.0")
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    _publish(catalog, MANY, "1.2.0")
    _publish(catalog, FEW, "1.1.0")
    build_site(catalog, out, clones=False)
    _assert_same_as_fresh(catalog, out, tmp_path / "frisch")


def test_a_large_change_gives_a_comparison_page_of_bounded_size(tmp_path):
    catalog = make_catalog(tmp_path, [(FEW, "1.0.0")])
    head = catalog.head()
    assert head is not None
    when = datetime.fromtimestamp(head.commit_time, timezone(timedelta(minutes=head.commit_time_offset))) + timedelta(days=1)
    long_readme = "# Paket\n\n## Problem\n" + "".join(f"Zeile {n} der neuen Beschreibung.\n" for n in range(3000))
    files = package_files(FEW, "1.1.0", files={"README.md": long_readme})
    publish(catalog, PackageFiles(files, folder_name=FEW.split("/")[1]), when=when)
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    page = (out / "pakete" / FEW / "vergleich" / "1.0.0...1.1.0.html").read_text(encoding="utf-8")
    assert "weitere Zeilen: git diff v1.0.0 v1.1.0 im Klon des Pakets" in page
    assert "Zeile 100 der neuen" in page and "Zeile 2999 der neuen" not in page
    assert len(page.encode()) < 60_000


def test_a_publish_writes_the_same_files_in_a_small_and_in_a_larger_catalogue(tmp_path):
    """What one publish rewrites depends on the package, not on how many others the catalogue holds."""
    written = []
    for size in (2, 14):
        others = [(f"stadt-{n % 3}/paket-{n}", "1.0.0") for n in range(size)]
        catalog = make_catalog(tmp_path / str(size), [(MANY, "1.0.0"), *others])
        out = tmp_path / str(size) / "site"
        build_site(catalog, out, clones=False)
        _publish(catalog, MANY, "1.1.0")
        written.append(sorted(build_site(catalog, out, clones=False).written))
    assert written[0] == written[1]
    # the package's own files and a few catalogue-wide ones: lists, feed, search index, reports
    assert len(written[0]) < 20


def test_a_package_untouched_by_a_publish_still_shows_the_months_it_has_been_in_production(tmp_path):
    """Maturity results are kept between builds by what they are made of; the clock is part of that (months in production)."""
    catalog = make_catalog(tmp_path, [(FEW, "1.0.0")])
    head = catalog.head()
    assert head is not None
    month = datetime.fromtimestamp(head.commit_time, UTC).strftime("%Y-%m")
    status = {"development": "stable", "production": {"since": month, "cases_per_year": 1200}}
    files = package_files(MANY, "1.0.0", status=status)
    publish(catalog, PackageFiles(files, folder_name=MANY.split("/")[1]), when=datetime.fromtimestamp(head.commit_time + 60, UTC))
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    assert "0 Monate" in (out / "pakete" / MANY / "index.html").read_text(encoding="utf-8")
    # a year and a bit later another package is published: MANY's files did not change, its months did
    later = datetime.fromtimestamp(head.commit_time, UTC) + timedelta(days=400)
    publish(catalog, PackageFiles(package_files(FEW, "1.1.0"), folder_name=FEW.split("/")[1]), when=later)
    report = build_site(catalog, out, clones=False)
    assert f"pakete/{MANY}/index.html" in report.written
    assert "13 Monate" in (out / "pakete" / MANY / "index.html").read_text(encoding="utf-8")
    fresh = tmp_path / "frisch"
    build_site(catalog, fresh, clones=False)
    assert (fresh / "pakete" / MANY / "index.html").read_bytes() == (out / "pakete" / MANY / "index.html").read_bytes()


def test_two_processes_build_the_files_one_process_builds(tmp_path):
    """The packages' pages built by forked workers are the same files, and the next build knows them as built."""
    catalog = make_catalog(tmp_path, [(f"stadt-{n % 2}/paket-{n}", "1.0.0") for n in range(PARALLEL_FROM + 1)])
    one, two = tmp_path / "eins", tmp_path / "zwei"
    build_site(catalog, one, clones=False)
    report = build_site(catalog, two, clones=False, processes=2)
    assert _files(one) == _files(two)
    assert sorted(report.written) == sorted(_files(two))
    assert build_site(catalog, two, clones=False, processes=2).written == []


def test_a_build_after_one_publish_reads_only_that_package_and_gives_a_fresh_builds_files(tmp_path):
    """The served site's process keeps what it built: the next build reads the packages whose folders changed, not all."""
    others = [(f"stadt-{n % 3}/paket-{n}", "1.0.0") for n in range(12)]
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), (FEW, "1.0.0"), *others])
    out = tmp_path / "site"
    forget_kept()
    assert build_site(catalog, out, clones=True).read == 14
    _publish(catalog, MANY, "1.1.0")
    report = build_site(catalog, out, clones=True)
    assert report.read == 1
    assert f"pakete/{MANY}/viele-versionen-1.1.0.zip" in report.written
    _publish(catalog, FEW, "1.1.0")
    assert build_site(catalog, out, clones=True).read == 1
    assert "refs/tags/v1.1.0" in (out / "git" / f"{FEW}.git" / "info" / "refs").read_text()
    # another writer to the folder (a build in a new process) makes what was kept void: everything is read again
    forget_kept()
    fresh = tmp_path / "frisch"
    assert build_site(catalog, fresh, clones=True).read == 14
    _publish(catalog, MANY, "1.2.0")
    build_site(catalog, fresh, clones=True)
    assert build_site(catalog, out, clones=True).read == 14
    _assert_same_files(out, fresh, clones=False)


def test_a_background_build_writes_the_dashboard_after_returning_and_then_holds_a_fresh_builds_files(tmp_path):
    """The served site's builds: the publish's pages when the build returns, the dashboard (every package's summary) after."""
    others = [(f"stadt-{n % 3}/paket-{n}", "1.0.0") for n in range(6)]
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), (FEW, "1.0.0"), *others])
    out = tmp_path / "site"
    forget_kept()
    first = build_site(catalog, out, clones=False, background=True)
    assert not first.deferred  # nothing kept yet: the whole site before returning
    assert any(rel.startswith("dashboard/") for rel in first.written)
    for n, package_id in enumerate((MANY, FEW, MANY)):
        _publish(catalog, package_id, f"1.{n + 1}.0")
        report = build_site(catalog, out, clones=False, background=True)
        assert report.deferred and report.read == 1
        assert f"pakete/{package_id}/index.html" in report.written
        assert not [rel for rel in report.written if rel.startswith(SUMMARIES)]
    settle(out)
    reifegrade = (out / "dashboard" / "reifegrade.json").read_text(encoding="utf-8")
    head = catalog.head()
    assert head is not None and str(head.id) in reifegrade
    _assert_same_as_fresh(catalog, out, tmp_path / "frisch")
    # a new package changes the lists' order, the search index's parts and the tiles: they are made again, not kept
    _publish(catalog, "stadt-1/aaa-neu", "1.0.0")
    assert build_site(catalog, out, clones=False, background=True).read == 1
    settle(out)
    _assert_same_as_fresh(catalog, out, tmp_path / "frisch-2")
    # the next build in a new process finds the state the thread left: nothing to write
    forget_kept()
    assert build_site(catalog, out, clones=False).written == []


def test_a_change_outside_the_package_folders_makes_the_kept_build_read_everything(tmp_path):
    """An adoption record changes maturity, organisation pages and the transfer map: nothing kept is reused for it."""
    others = [(f"stadt-{n % 2}/paket-{n}", "1.0.0") for n in range(4)]
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), *others])
    out = tmp_path / "site"
    forget_kept()
    build_site(catalog, out, clones=False)
    record_adoption(catalog, actor_for(catalog, "stadt-1"), MANY, "1.0.0", "production", on="2024-06-01")
    report = build_site(catalog, out, clones=False)
    assert report.read == 5
    assert "organisationen/stadt-1/index.html" in report.written and "karte/index.html" in report.written
    _assert_same_as_fresh(catalog, out, tmp_path / "frisch")


def _assert_same_as_fresh(catalog, out, fresh, ref=None):
    """The site built into ``out`` step by step has exactly the files of a fresh build (of ``ref``) into ``fresh``."""
    build_site(catalog, fresh, ref=ref, clones=False)
    _assert_same_files(out, fresh)


def _assert_same_files(one, other, *, clones: bool = True):
    """Both folders hold the same files with the same bytes (see :func:`_files`)."""
    first, second = _files(one, clones=clones), _files(other, clones=clones)
    assert first.keys() == second.keys()
    assert [rel for rel in second if first[rel] != second[rel]] == []


def _files(root, *, clones: bool = True) -> dict[str, bytes]:
    """Every file a build wrote below ``root`` (not its own bookkeeping; without the clone exports unless ``clones``)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".build" not in p.parts and (clones or "git" not in p.relative_to(root).parts[:1])
    }


def test_the_site_child_freezes_what_it_keeps_and_collects_in_full_now_and_then(tmp_path, monkeypatch):
    """After each served build the child's objects are frozen for the garbage collector (a full collection no longer walks
    the kept data of every package); every FULL_COLLECT_EVERY builds it unfreezes and collects, so cyclic garbage goes."""
    import gc

    from hub.web import site
    from tests.factory import make_services

    monkeypatch.setattr(site, "FULL_COLLECT_EVERY", 2)
    monkeypatch.setattr(site, "_builds_since_collect", 0)
    collected: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "stop" and info["generation"] == 2:
            collected.append(gc.get_freeze_count())

    gc.unfreeze()
    gc.disable()  # no automatic collection in between: the only full collection is the child's own
    gc.callbacks.append(seen)
    try:
        with make_services(tmp_path, [("stadt-test/eins", "1.0.0")]) as services:
            assert site.build_and_freeze(services, services.head()) == services.head()
            assert gc.get_freeze_count() > 10_000 and collected == []  # the builder's data and code, frozen; no full collection
            site.build_and_freeze(services, services.head())
            assert collected == [0]  # the second build: unfrozen, collected in full, then frozen again
            assert gc.get_freeze_count() > 10_000
    finally:
        gc.callbacks.remove(seen)
        gc.unfreeze()
        gc.enable()
        settle()


def test_a_publish_of_a_package_others_adopted_updates_their_pages_as_a_fresh_build(tmp_path, monkeypatch):
    """A kept build looks only at the organisations a publish concerns (the publisher and the package's adopters), and
    reads only their packages (hub.site.orgs: the publisher's list and who adopted what): their pages are a fresh build's."""
    import yaml

    from hub.site import orgs
    from hub.store import seed
    from hub.store.records import adoptions

    catalog = Catalog.create(tmp_path / "c.git")
    seed(catalog)
    adopted = next(a for a in adoptions(catalog) if a.adopter != a.package.split("/")[0])
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    # the package as it is, one patch version on: name, Themenfeld and publisher stay (the catalogue keeps its shape)
    package = catalog.get(adopted.package)
    files = {f.path: catalog.read_file(adopted.package, f.path) for f in package.files}
    major, minor, patch = (int(n) for n in package.manifest.version.split("."))
    manifest = yaml.safe_load(files["hub.yaml"])
    manifest["version"] = f"{major}.{minor}.{patch + 1}"
    files["hub.yaml"] = yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False).encode()
    head = catalog.head()
    when = datetime.fromtimestamp(head.commit_time, timezone(timedelta(minutes=head.commit_time_offset))) + timedelta(days=1)
    publish(catalog, PackageFiles(files, folder_name=adopted.package.split("/")[1]), when=when)
    looked_at: list[list[str] | None] = []
    original = orgs.organisations
    monkeypatch.setattr(
        orgs, "organisations", lambda data, only=None, candidates=None: looked_at.append(candidates) or original(data, only, candidates)
    )
    again = build_site(catalog, out, clones=False)
    assert again.read == 1 and f"organisationen/{adopted.adopter}/index.html" in again.written
    assert len(looked_at) == 1 and looked_at[0] is not None and adopted.package in looked_at[0]  # not every package
    assert len(looked_at[0]) < len(catalog.package_ids())
    monkeypatch.undo()
    _assert_same_as_fresh(catalog, out, tmp_path / "frisch")


def _dashboard_commit(out) -> str:
    import json

    return json.loads((out / "dashboard" / "reifegrade.json").read_text(encoding="utf-8"))["commit"]


def _state(out) -> dict:
    from hub.site.state import BuildState

    commit, summaries = BuildState(out).head()
    return {"commit": commit, "summaries": summaries}


def test_a_waiting_dashboard_is_dropped_by_the_next_build_and_the_state_says_whose_dashboard_the_folder_holds(tmp_path, monkeypatch):
    """The served site's dashboard is paced (hub.site.deferred): while one waits, the folder and its state keep the last
    one written; a build that comes meanwhile drops it and leaves its own; settle writes it at once, as a fresh build."""
    from hub.site import deferred

    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), (FEW, "1.0.0"), ("stadt-1/paket-1", "1.0.0")])
    out = tmp_path / "site"
    forget_kept()
    build_site(catalog, out, clones=False, background=True)
    _publish(catalog, MANY, "1.1.0")
    build_site(catalog, out, clones=False, background=True)
    settle(out)
    written = str(catalog.head().id)
    assert _dashboard_commit(out) == written and _state(out)["summaries"] == written
    monkeypatch.setattr(deferred, "PACE", 1e6)  # the next dashboard waits for as long as the test runs
    waited: list[deferred.Deferred] = []
    for version in ("1.2.0", "1.3.0"):
        _publish(catalog, FEW if version == "1.2.0" else MANY, version)
        report = build_site(catalog, out, clones=False, background=True)
        assert report.deferred and deferred.waiting(out)
        waited.append(deferred._PENDING[out.resolve()])
        state = _state(out)
        assert state["commit"] == str(catalog.head().id) and state["summaries"] == written  # the folder's dashboard: the last written
        assert _dashboard_commit(out) == written
    first, second = waited
    assert not first.thread.is_alive() and not first.waiting()  # dropped by the build after it, without writing
    assert second.waiting()
    settle(out)  # written at once, not after the pace
    head = str(catalog.head().id)
    assert _dashboard_commit(out) == head and _state(out)["summaries"] == head and not deferred.waiting(out)
    _assert_same_as_fresh(catalog, out, tmp_path / "frisch")


def test_the_dashboard_waits_its_pace_after_the_last_one_and_a_process_ends_without_waiting_for_it(tmp_path):
    """The wait is PACE times the last writing's CPU time after it ended; the thread is a daemon, so a process that ends does
    not wait for a dashboard (its state says the dashboard is behind, and the next served build writes it)."""
    from hub.site import deferred

    folder = tmp_path / "site"
    folder.mkdir()
    deferred._LAST[folder.resolve()] = (time.monotonic(), 10.0)  # the last writing took 10 s of CPU and just ended
    calls: list[float] = []
    pending = deferred.defer(folder, lambda: calls.append(time.thread_time()))
    try:
        assert pending.thread.daemon
        time.sleep(0.2)
        assert calls == [] and deferred.waiting(folder)  # 40 s to go
    finally:
        deferred.settle(folder)
    assert len(calls) == 1 and not deferred.waiting(folder)
    ended, cost = deferred._LAST[folder.resolve()]
    assert cost < 1 and ended <= time.monotonic()  # this writing's own CPU time: the next one waits 4 times that


def test_a_served_site_whose_dashboard_was_left_waiting_by_an_ended_process_is_brought_up_to_date(tmp_path, monkeypatch):
    """hub.web.site.build finds the site current only with its dashboard: after a process ended while the dashboard
    waited (the marker and the state name the head), the next build writes it instead of returning at once."""
    from hub.site import build as site_build
    from hub.site import deferred
    from hub.web import site
    from tests.factory import make_services

    with make_services(tmp_path, [(MANY, "1.0.0"), ("stadt-1/paket-1", "1.0.0")]) as services:
        forget_kept()
        assert site.build(services, services.head()) == services.head()
        _publish(services.catalog, MANY, "1.1.0")
        head = services.head()
        monkeypatch.setattr(deferred, "PACE", 1e6)
        deferred._LAST[site.site_folder(services).resolve()] = (time.monotonic(), 1.0)
        assert site.build(services, head) == head
        out = site.site_folder(services)
        assert deferred.waiting(out) and _state(out)["summaries"] != head
        assert site.build(services, head) == head and deferred.waiting(out)  # current: this process will write it
        # the process ends: its waiting thread with it, and what it kept
        deferred._PENDING.pop(out.resolve())
        site_build._KEPT.clear()
        assert _dashboard_commit(out) != head
        assert site.build(services, head) == head
        assert _dashboard_commit(out) == head and _state(out)["summaries"] == head
        assert site.build(services, head) == head  # and now current: nothing read again
        forget_kept()


def test_a_long_list_names_a_bounded_number_of_its_pages(tmp_path, monkeypatch):
    """The pager links the first and last page and two on each side of the current one (one page between is named, more
    are an ellipsis): a page of a 50,000-package list no longer links all of its 500 pages."""
    from hub.site import build as site_build
    from hub.site.build import pager

    assert pager(1, 1) == [1]
    assert pager(3, 7) == [1, 2, 3, 4, 5, 6, 7]
    assert pager(250, 500) == [1, None, 248, 249, 250, 251, 252, None, 500]
    assert pager(1, 500) == [1, 2, 3, None, 500]
    assert all(len(pager(n, 500)) <= 9 for n in range(1, 501))
    monkeypatch.setattr(site_build, "PER_PAGE", 1)
    catalog = make_catalog(tmp_path, [(f"stadt-{n % 2}/paket-{n}", "1.0.0") for n in range(12)])
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    middle = (out / "pakete" / "seite-6.html").read_text(encoding="utf-8")
    pager_html = middle[middle.index('class="pager"') : middle.index("</nav>", middle.index('class="pager"'))]
    assert 'aria-current="page">6<' in pager_html and 'href="index.html"' in pager_html
    linked = sorted(int(n) for n in re.findall(r'href="seite-(\d+)\.html"', pager_html))
    assert linked == [4, 5, 7, 8, 12] and pager_html.count("…") == 2


def test_a_kept_build_advances_to_a_commit_main_has_already_moved_past(tmp_path, monkeypatch):
    """Under steady publishing the served site builds a commit main has moved past by the time the build reads it: the kept
    build still reads only the changed package, leaves out the versions published after the commit, and writes what a
    fresh build of that commit writes. Past LATER_COMMITS commits it reads everything, as before."""
    from hub.site import data as site_data

    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), (FEW, "1.0.0"), ("stadt-1/paket-1", "1.0.0")])
    out = tmp_path / "site"
    forget_kept()
    build_site(catalog, out, clones=False)
    _publish(catalog, MANY, "1.1.0")
    middle = str(catalog.head().id)
    _publish(catalog, MANY, "1.2.0")
    _publish(catalog, FEW, "1.1.0")
    report = build_site(catalog, out, ref=middle, clones=False)
    assert report.read == 1 and report.commit == middle
    assert "1.2.0" not in (out / "pakete" / MANY / "index.html").read_text(encoding="utf-8")
    _assert_same_as_fresh(catalog, out, tmp_path / "frisch", ref=middle)
    # the head now: the two later publishes, read as changed packages
    assert build_site(catalog, out, clones=False).read == 2
    _publish(catalog, FEW, "1.2.0")
    behind = str(catalog.head().id)
    _publish(catalog, FEW, "1.3.0")
    _publish(catalog, MANY, "1.3.0")
    monkeypatch.setattr(site_data, "LATER_COMMITS", 1)
    assert build_site(catalog, out, ref=behind, clones=False).read == 3  # too far behind: every package


def test_later_commits_are_those_after_the_commit_or_none_when_it_is_not_an_ancestor(tmp_path):
    from hub.site.data import later_commits

    catalog = make_catalog(tmp_path, [(MANY, "1.0.0")])
    first = catalog.head().id
    _publish(catalog, MANY, "1.1.0")
    second = catalog.head().id
    _publish(catalog, MANY, "1.2.0")
    third = catalog.head().id
    assert later_commits(catalog.repo, first, third) == {str(second), str(third)}
    assert later_commits(catalog.repo, third, first) is None  # the head's descendant, not its ancestor
    assert later_commits(catalog.repo, third, third) == set()  # the head itself


def test_a_fresh_build_of_a_commit_main_has_moved_past_leaves_out_the_later_versions_without_a_walk_per_version(tmp_path, monkeypatch):
    """The served site's first build in a new process (nothing kept) under steady publishing: the versions of main's later
    commits are left out (later_commits), as a graph walk per version (the path for commits further back) leaves them out."""
    from hub.site import data as site_data

    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), (FEW, "1.0.0")])
    _publish(catalog, MANY, "1.1.0")
    middle = str(catalog.head().id)
    _publish(catalog, MANY, "1.2.0")
    _publish(catalog, FEW, "1.1.0")
    found: list[set[str] | None] = []
    original = site_data.later_commits
    monkeypatch.setattr(site_data, "later_commits", lambda *a: found.append(original(*a)) or found[-1])
    forget_kept()
    build_site(catalog, tmp_path / "nah", ref=middle, clones=False)
    assert len(found) == 1 and found[0] is not None and len(found[0]) == 2
    monkeypatch.setattr(site_data, "LATER_COMMITS", 0)  # too far behind: each version checked by a walk
    forget_kept()
    build_site(catalog, tmp_path / "weit", ref=middle, clones=False)
    assert found[-1] is None
    _assert_same_files(tmp_path / "nah", tmp_path / "weit")
    assert "1.2.0" not in (tmp_path / "nah" / "pakete" / MANY / "index.html").read_text(encoding="utf-8")


def test_a_build_that_ended_before_its_state_leaves_no_file_behind(tmp_path):
    """A build that stops half-way (here a write that fails: a folder stands where the search index goes; a server
    stopped or killed mid-build is the same) wrote the package's new ZIP and pages, which its state never named: the
    next build removes what it no longer makes, and the folder is a fresh build's."""
    import pytest

    catalog = make_catalog(tmp_path, [(FEW, "1.0.0"), ("stadt-test/daneben", "1.0.0")])
    out = tmp_path / "site"
    build_site(catalog, out, clones=False)
    _publish(catalog, FEW, "1.1.0")
    obstacle = out / "suche" / "index.json.gz"
    obstacle.unlink()
    (obstacle / "im-weg").mkdir(parents=True)
    with pytest.raises(OSError):
        build_site(catalog, out, clones=False)
    package = out / "pakete" / FEW
    assert (package / "zwei-versionen-1.1.0.zip").is_file()  # written by the build that failed, named by no state
    (obstacle / "im-weg").rmdir()
    obstacle.rmdir()
    _publish(catalog, FEW, "1.2.0")
    build_site(catalog, out, clones=False)
    assert sorted(p.name for p in package.glob("*.zip")) == ["zwei-versionen-1.2.0.zip"]
    assert not (out / ".build" / "writing").exists()
    _assert_same_as_fresh(catalog, out, tmp_path / "fresh")


def test_a_kept_build_looks_at_as_many_files_in_a_small_and_in_a_larger_catalogue(tmp_path, monkeypatch):
    """After one publish the kept build carries every list page it does not rewrite without a stat of each: the files it
    looks at on disk are as many with 8 packages as with 40, though the larger catalogue has five times the list pages."""
    import os

    from hub.site import build as site_build

    monkeypatch.setattr(site_build, "PER_PAGE", 1)  # a list page per package: the lists' pages grow with the catalogue
    looked: list[int] = []
    for size in (8, 40):
        catalog = make_catalog(tmp_path / str(size), [(MANY, "1.0.0"), *((f"stadt-{n % 2}/paket-{n}", "1.0.0") for n in range(size))])
        out = tmp_path / str(size) / "site"
        forget_kept()
        build_site(catalog, out, clones=False)
        _publish(catalog, MANY, "1.1.0")
        seen: list[str] = []
        is_file = os.path.isfile
        with monkeypatch.context() as counting:  # only this build's looks are counted
            counting.setattr(site_build.os.path, "isfile", lambda path, seen=seen, is_file=is_file: seen.append(str(path)) or is_file(path))
            report = build_site(catalog, out, clones=False)
        assert report.read == 1 and report.skipped > size  # a kept build that carried the lists' pages
        looked.append(len([path for path in seen if path.startswith(f"{out}/")]))  # the templates' folder is looked at once per process
        fresh = tmp_path / str(size) / "frisch"
        forget_kept()
        build_site(catalog, fresh, clones=False)
        _assert_same_files(out, fresh, clones=False)
    assert looked[0] == looked[1], looked
