"""The API's answers stored in the search index (hub.index.answers) are exactly what reading the catalogue gives.

A differential test: for every package of a factory catalogue and of the seed catalogue, the stored
bytes equal the encoded ``Catalog.get`` / ``Catalog.versions``, before and after each kind of write;
and the API serves them only while they hold, so a commit the index has not seen yet is answered
from the catalogue at once.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient

from hub.api import create_app
from hub.api.cache import ResponseCache
from hub.config import HubConfig
from hub.index import Index
from hub.maturity import index_levels
from hub.services import Services
from hub.store.catalog import Catalog, package_path
from hub.store.publish import publish as commit_package
from hub.store.records import actor_for
from hub.usecases import adoptions, organisations, reviews
from hub.usecases.publish import publish
from hub.validate import PackageFiles
from tests.factory import make_services, package_files

encode = msgspec.json.Encoder().encode
PACKAGES: list[tuple[str, str] | dict[str, Any]] = [
    ("stadt-soest/abfall", "1.0.0"),
    ("stadt-soest/abfall", "1.1.0"),
    ("stadt-soest/hunde", "0.9.0"),
    ("stadt-aachen/abfall", "2.0.0"),
    ("stadt-aachen/abfall", "2.0.1"),
    ("stadt-aachen/abfall", "3.0.0"),
    {"package_id": "stadt-aachen/wahl", "version": "1.0.0", "files": {"docs/anleitung.md": "# Anleitung\n"}},
]


def tree_of(catalog: Catalog, package_id: str) -> str:
    head = catalog.head()
    assert head is not None
    return str(head.tree[package_path(package_id)].id)


def assert_stored_equal_computed(catalog: Catalog, index: Index) -> int:
    """Every package of the catalogue has stored answers, equal to what the catalogue gives; returns how many."""
    ids = catalog.package_ids()
    assert ids
    for package_id in ids:
        stored = index.answers(package_id)
        assert stored is not None, package_id
        assert stored.tree == tree_of(catalog, package_id)
        latest = catalog.get(package_id)
        assert stored.package == encode(latest), package_id
        assert stored.versions == encode(catalog.versions(package_id)), package_id
        assert stored.version == latest.manifest.version
        assert stored.version_is_package
        assert stored.package == encode(catalog.get(package_id, latest.manifest.version))
    return len(ids)


@pytest.fixture
def services(tmp_path):
    with make_services(tmp_path, PACKAGES) as services:
        yield services


def test_stored_answers_equal_the_catalogue_for_every_package(services):
    assert assert_stored_equal_computed(services.catalog, services.index) == 4


def test_stored_answers_equal_the_catalogue_for_the_seed(tmp_path):
    with Services.attach(HubConfig(data_dir=tmp_path)) as services:  # seeded; the clone exports are not needed here
        services.index.sync(services.catalog, maturity=index_levels)
        assert assert_stored_equal_computed(services.catalog, services.index) >= 12


def test_stored_answers_follow_every_kind_of_write(services):
    catalog, index = services.catalog, services.index
    before = index.answers("stadt-soest/abfall")
    assert before is not None

    publish(services, PackageFiles(package_files("stadt-soest/abfall", "1.2.0"), folder_name="abfall"))
    after = index.answers("stadt-soest/abfall")
    assert after is not None and after.tree != before.tree and after.version == "1.2.0"
    assert msgspec.json.decode(after.versions)[0]["version"] == "1.2.0"
    assert_stored_equal_computed(catalog, index)

    publish(services, PackageFiles(package_files("stadt-soest/neu", "1.0.0"), folder_name="neu"))
    assert index.answers("stadt-soest/neu") is not None
    assert_stored_equal_computed(catalog, index)

    adoptions.record(services, actor_for(catalog, "stadt-aachen"), "stadt-soest/abfall", status="pilot")
    reviews.review(
        services, actor_for(catalog, "ministerium-nrw"), "stadt-aachen/abfall", "3.0.0", 3, "Begutachtet im Test, Belege liegen vor."
    )
    assert_stored_equal_computed(catalog, index)

    # a new publisher name is part of the index's rows of its packages: their answers are stored anew, still equal
    organisations.register(services, b"id: stadt-aachen\nname: Kaiserstadt Aachen\ntype: stadt\n")
    assert_stored_equal_computed(catalog, index)


def test_the_api_serves_stored_answers_only_while_they_hold(services):
    package_id = "stadt-soest/abfall"
    url = f"/api/v1/packages/{package_id}"
    with TestClient(create_app(services)) as client:
        cache = ResponseCache(services.catalog, services.index)
        stored = cache.stored(package_id, tree_of(services.catalog, package_id), ("package",))
        first = client.get(url)
        assert first.status_code == 200 and first.content == stored == encode(services.catalog.get(package_id))
        assert first.headers["content-type"] == "application/json" and first.headers["cache-control"] == "no-cache"
        assert first.headers["content-length"] == str(len(first.content)) and first.headers["etag"].startswith('"')
        unchanged = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == first.headers["etag"]
        assert client.get(url + "/versions").content == encode(services.catalog.versions(package_id))
        assert client.get(url + "/versions/1.1.0").content == stored
        # an older version is not stored: read from the catalogue
        assert client.get(url + "/versions/1.0.0").json()["manifest"]["version"] == "1.0.0"

        # a commit the index has not seen (the CLI of another process): the stored answers no longer hold
        commit_package(services.catalog, PackageFiles(package_files(package_id, "1.5.0"), folder_name="abfall"))
        assert services.index.commit != str(services.catalog.head().id)
        assert cache.stored(package_id, tree_of(services.catalog, package_id), ("package",)) is None
        fresh = client.get(url)
        assert fresh.json()["manifest"]["version"] == "1.5.0" and fresh.headers["etag"] != first.headers["etag"]
        assert [v["version"] for v in client.get(url + "/versions").json()] == ["1.5.0", "1.1.0", "1.0.0"]
        # the other packages' stored answers still hold: their folders did not change
        assert cache.stored("stadt-soest/hunde", tree_of(services.catalog, "stadt-soest/hunde"), ("package",)) is not None

        services.catch_up()
        renewed = cache.stored(package_id, tree_of(services.catalog, package_id), ("package",))
        assert renewed is not None and renewed == fresh.content
        again = client.get(url)
        assert again.content == fresh.content and again.headers["etag"] == fresh.headers["etag"]
        assert client.get(url, headers={"If-None-Match": again.headers["etag"]}).status_code == 304


def test_an_index_of_the_previous_schema_is_rebuilt_with_answers(services, tmp_path):
    path = services.config.index_path
    services.close()
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE answers")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with Index(path) as index:
        assert index.answers("stadt-soest/abfall") is None  # recreated empty: nothing stored until the sync
        assert index.sync(services.catalog).action == "rebuilt"
        assert_stored_equal_computed(services.catalog, index)
