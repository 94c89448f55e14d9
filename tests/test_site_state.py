"""The site build's state (hub.site.state): a publish into a kept build writes the rows it changed, whatever the
catalogue's size, and the state it leaves is the one a fresh build stores."""

from __future__ import annotations

import msgspec

from hub.site import build_site
from hub.site.build import forget_kept, settle
from hub.site.state import LEGACY_STATE, LEGACY_TERMS, PATH, BuildState, Changes
from tests.factory import make_catalog
from tests.test_site_growth import MANY, _publish


def _others(size: int) -> list[tuple[str, str]]:
    return [(f"stadt-{n % 3}/paket-{n}", "1.0.0") for n in range(size)]


def test_a_publish_into_a_kept_build_writes_as_many_state_rows_in_a_small_as_in_a_larger_catalogue(tmp_path):
    """The state file was written whole after every publish: at 50,000 packages tens of megabytes for one package."""
    rows = []
    for size in (2, 14):
        catalog = make_catalog(tmp_path / str(size), [(MANY, "1.0.0"), *_others(size)])
        out = tmp_path / str(size) / "site"
        forget_kept()
        whole = build_site(catalog, out, clones=True)
        assert whole.state_rows > 4 * size  # a first build writes every page's row
        _publish(catalog, MANY, "1.1.0")
        rows.append(build_site(catalog, out, clones=True).state_rows)
    assert rows[0] == rows[1]
    assert 0 < rows[0] < 25


def test_kept_builds_leave_the_state_a_fresh_build_stores(tmp_path):
    """Pages, clone exports, search terms and the commits, after publishes into a kept served-site build (dashboard
    written by its thread) and a new package: the same rows as a fresh build of the same commit into another folder."""
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), *_others(6)])
    out = tmp_path / "site"
    forget_kept()
    build_site(catalog, out, clones=True, background=True)
    for n, package_id in enumerate((MANY, "stadt-1/paket-1", MANY, "stadt-2/aaa-neu")):
        _publish(catalog, package_id, f"1.{n + 1}.0")
        assert build_site(catalog, out, clones=True, background=True).read == 1
    settle(out)
    forget_kept()
    fresh = tmp_path / "frisch"
    build_site(catalog, fresh, clones=True)
    kept, made = BuildState(out), BuildState(fresh)
    assert kept.read() == made.read()
    assert kept.terms() == made.terms() and len(made.terms()) == 8
    head = catalog.head()
    assert head is not None and kept.head() == (str(head.id), str(head.id))
    # and a build in a new process finds nothing to write
    assert build_site(catalog, out, clones=True).written == []


def test_another_writer_to_the_folder_makes_what_a_process_kept_void(tmp_path):
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), *_others(4)])
    out = tmp_path / "site"
    forget_kept()
    build_site(catalog, out, clones=False)
    _publish(catalog, MANY, "1.1.0")
    assert build_site(catalog, out, clones=False).read == 1
    # a build in another process wrote the state (a new generation): this process's rows are not the folder's any more
    saved = BuildState(out).read()
    BuildState(out).write(Changes(commit=saved.commit or "", summaries=saved.summaries or "", whole=False, pages={}, exports={}))
    _publish(catalog, MANY, "1.2.0")
    report = build_site(catalog, out, clones=False)
    assert report.read == 5 and report.state_rows > 20  # read and written whole


def test_a_folder_built_before_the_state_was_a_database_is_taken_over_without_writing_a_page(tmp_path):
    """state.json and terms.msgpack of an older hub are read once; the first write replaces them."""
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), *_others(3)])
    out = tmp_path / "site"
    forget_kept()
    build_site(catalog, out, clones=True)
    state = BuildState(out)
    saved, terms = state.read(), state.terms()
    (out / LEGACY_STATE).write_bytes(
        msgspec.json.encode({"commit": saved.commit, "summaries": saved.summaries, "pages": saved.pages, "exports": saved.exports})
    )
    (out / LEGACY_TERMS).write_bytes(msgspec.msgpack.encode(terms))
    for suffix in ("", "-wal", "-shm"):
        (out / f"{PATH}{suffix}").unlink(missing_ok=True)
    assert BuildState(out).head() == (saved.commit, saved.summaries)  # what a server asks the folder before a build
    forget_kept()
    assert build_site(catalog, out, clones=True).written == []
    assert not (out / LEGACY_STATE).exists() and not (out / LEGACY_TERMS).exists()
    assert BuildState(out).read() == saved and BuildState(out).terms() == terms


def test_a_damaged_state_is_a_first_build(tmp_path):
    catalog = make_catalog(tmp_path, [(MANY, "1.0.0"), *_others(2)])
    out = tmp_path / "site"
    forget_kept()
    build_site(catalog, out, clones=False)
    forget_kept()
    for suffix in ("-wal", "-shm"):
        (out / f"{PATH}{suffix}").unlink(missing_ok=True)
    (out / PATH).write_bytes(b"kein SQLite" * 100)
    assert BuildState(out).head() == (None, None)
    report = build_site(catalog, out, clones=False)
    assert f"pakete/{MANY}/index.html" in report.written  # nothing known: every page written again
    head = catalog.head()
    assert head is not None and BuildState(out).head()[0] == str(head.id)
