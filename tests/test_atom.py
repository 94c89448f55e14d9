"""The one Atom writer: the site's feed.atom and the API's feeds, relative or absolute links, text XML can hold."""

from __future__ import annotations

from lxml import etree

from hub.federation.atom import Entry, Feed, Link, atom_feed, write_atom
from hub.site.build import atom as site_atom
from hub.site.data import ManifestCache, gather
from tests.factory import make_catalog

ATOM = "{http://www.w3.org/2005/Atom}"


def test_one_atom_writer_for_site_and_api_relative_or_absolute_links_and_unsafe_text(tmp_path):
    feed = Feed(
        id="tag:x,2018:f",
        title='<b>"Titel"</b> & \x07Glocke',
        updated="2024-01-01T00:00:00+00:00",
        links=(Link("feed.atom", rel="self"), Link("https://andere.example/x?a=1&b=2")),
        entries=[Entry(id="tag:x,2018:e", title="E\x00", updated="2024-01-01T00:00:00+00:00", author="A", links=(Link("pakete/a/b/"),))],
    )
    relative, absolute = etree.fromstring(write_atom(feed)), etree.fromstring(write_atom(feed, "https://hub.example/unter/"))
    assert [link.get("href") for link in relative.iter(f"{ATOM}link")] == ["feed.atom", "https://andere.example/x?a=1&b=2", "pakete/a/b/"]
    assert [link.get("href") for link in absolute.iter(f"{ATOM}link")] == [
        "https://hub.example/unter/feed.atom",
        "https://andere.example/x?a=1&b=2",  # already absolute: kept
        "https://hub.example/unter/pakete/a/b/",
    ]
    # characters XML 1.0 cannot hold are replaced, everything else arrives as it was written
    assert relative.findtext(f"{ATOM}title") == '<b>"Titel"</b> & \ufffdGlocke'
    assert relative.findtext(f"{ATOM}entry/{ATOM}title") == "E\ufffd"

    # the site's feed.atom and the API's feed come from the same writer: same ids, the site's links relative
    catalog = make_catalog(tmp_path, [("stadt-a/eins", "1.0.0")])
    site = gather(catalog, ManifestCache(tmp_path / "manifests.json"))
    static, api = etree.fromstring(site_atom(site, site.releases)), etree.fromstring(atom_feed(catalog, "https://hub.example"))
    assert [e.findtext(f"{ATOM}id") for e in static.iter(f"{ATOM}entry")] == [e.findtext(f"{ATOM}id") for e in api.iter(f"{ATOM}entry")]
    assert static.find(f"{ATOM}entry/{ATOM}link").get("href") == "pakete/stadt-a/eins/index.html"
    assert static.find(f"{ATOM}link[@rel='self']").attrib == {"rel": "self", "type": "application/atom+xml", "href": "feed.atom"}


def test_the_newest_releases_read_from_the_version_store_are_those_of_every_version(tmp_path):
    # a feed reads its newest entries from the store's index (the same cost in any catalogue), and they are exactly
    # the newest of every version (ties in the same second by package and version, descending), the store current,
    # behind the head, or missing
    from hub.federation.atom import newest_releases, releases
    from hub.store import Catalog, publish
    from hub.validate import PackageFiles
    from tests.factory import make_services, package_files

    services = make_services(tmp_path, [("stadt-a/eins", "1.0.0"), ("stadt-a/zwei", "1.0.0"), ("stadt-b/drei", "1.0.0")])
    for package_id, version in (("stadt-a/eins", "1.1.0"), ("stadt-b/drei", "1.0.1"), ("stadt-a/eins", "1.2.0")):
        publish(services.catalog, PackageFiles(package_files(package_id, version)))
    services.catch_up()

    def same(expect_store: bool) -> None:
        catalog = Catalog.open(services.catalog.path)  # a reader of its own, as a server's worker
        assert (catalog.newest_versions(2) is not None) is expect_store
        for publisher in (None, "stadt-a", "stadt-b", "stadt-x"):
            for limit in (1, 2, 3, 50):
                assert newest_releases(catalog, publisher, limit) == releases(catalog, publisher)[:limit], (publisher, limit)

    same(expect_store=True)
    assert services.catalog.version_store.commit() == str(services.catalog.head().id)
    publish(services.catalog, PackageFiles(package_files("stadt-b/vier", "0.1.0")))  # no catch-up: the store is behind
    assert services.catalog.version_store.commit() != str(services.catalog.head().id)
    same(expect_store=True)
    newest = Catalog.open(services.catalog.path).newest_versions(1)
    assert newest is not None and [(p, i.version) for p, i in newest] == [("stadt-b/vier", "0.1.0")]  # from the commits since
    services.catalog.version_store.path.unlink()
    same(expect_store=False)
