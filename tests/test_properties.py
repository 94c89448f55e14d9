"""Property tests: path safety and SemVer ordering."""

from __future__ import annotations

import functools
import itertools
import posixpath

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hub.store.versions import version_key
from hub.validate.paths import resolve_link, safe_relpath

segment = st.one_of(
    st.sampled_from(["..", ".", "", "a", "b.md", "docs", "C:", "\\", "..\\x", "~", "%2e%2e", " "]),
    st.text(min_size=1, max_size=8),
)
paths = st.lists(segment, min_size=1, max_size=6).map("/".join) | st.text(max_size=30)


@example("./C:")  # found by Hypothesis: normalised to a drive letter that a second check refused
@given(paths)
def test_safe_relpath_never_leaves_the_package(path):
    result = safe_relpath(path)
    if result is None:
        return
    root = "/pkg"
    joined = posixpath.normpath(posixpath.join(root, result))
    assert joined.startswith(root + "/")
    assert ".." not in result.split("/")
    assert not result.startswith("/") and "\\" not in result and "\x00" not in result
    assert safe_relpath(result) == result  # normalised form is stable


@given(paths)
def test_paths_with_parent_components_are_refused(path):
    if ".." in path.split("/"):
        assert safe_relpath(path) is None


@given(st.lists(st.sampled_from(["a", "docs", "b.md"]), min_size=1, max_size=3).map("/".join), paths)
def test_resolved_links_stay_inside(base, target):
    result = resolve_link(base, target)
    if result is not None:
        assert not result.startswith("../") and result != ".." and not result.startswith("/")
        assert posixpath.normpath(posixpath.join("/pkg", result)).startswith("/pkg")


# -- SemVer -------------------------------------------------------------------------------

numeric = st.integers(min_value=0, max_value=30).map(str)
alnum = st.from_regex(r"[0-9A-Za-z-]*[A-Za-z-][0-9A-Za-z-]*", fullmatch=True).filter(lambda s: len(s) <= 8)
prerelease = st.lists(numeric | alnum, min_size=0, max_size=3)
versions = st.tuples(st.integers(0, 5), st.integers(0, 12), st.integers(0, 12), prerelease)


def render(v) -> str:
    major, minor, patch, pre = v
    return f"{major}.{minor}.{patch}" + (f"-{'.'.join(pre)}" if pre else "")


def spec_compare(a, b) -> int:
    """SemVer 2.0.0 §11, written from the specification text."""
    if a[:3] != b[:3]:
        return -1 if a[:3] < b[:3] else 1
    pa, pb = a[3], b[3]
    if not pa or not pb:
        return (not pa) - (not pb) if pa or pb else 0
    for x, y in zip(pa, pb, strict=False):  # pre-release parts of different lengths: the longer one is greater
        if x == y:
            continue
        if x.isdigit() and y.isdigit():
            return -1 if int(x) < int(y) else 1
        if x.isdigit() != y.isdigit():
            return -1 if x.isdigit() else 1
        return -1 if x < y else 1
    return (len(pa) > len(pb)) - (len(pa) < len(pb))


@given(st.lists(versions, min_size=2, max_size=8))
@settings(max_examples=300)
def test_version_order_follows_semver_precedence(items):
    ours = sorted((render(v) for v in items), key=version_key)
    spec = [render(v) for v in sorted(items, key=functools.cmp_to_key(spec_compare))]
    assert [version_key(v) for v in ours] == [version_key(v) for v in spec]
    for a, b in itertools.pairwise(items):
        assert (version_key(render(a)) > version_key(render(b))) == (spec_compare(a, b) > 0)


@given(versions)
def test_prerelease_is_lower_than_its_release(v):
    release = render((*v[:3], []))
    if v[3]:
        assert version_key(render(v)) < version_key(release)
