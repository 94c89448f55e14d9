"""Writes that half-happen: a publish moves branch and tag together, and nothing after the commit fails it."""

from __future__ import annotations

import msgspec
import pygit2
import pytest

from hub.errors import InvalidPackage
from hub.model import Manifest
from hub.store.catalog import BRANCH, TAG_PREFIX
from hub.store.publish import actor_for, commit_version, publish, repair_tags
from hub.validate import PackageFiles
from hub.validate.manifest import raw_manifest
from tests.factory import archive, make_catalog, package_files


def _objects(repo: pygit2.Repository) -> set[str]:
    return {str(oid) for oid in repo.odb}


def _refs(repo: pygit2.Repository) -> dict[str, str]:
    return {name: str(repo.references[name].target) for name in repo.references}


def test_a_tag_that_cannot_be_written_does_not_fail_the_published_version(tmp_path):
    """Old behaviour: the branch moved, tagging raised, the caller saw an error while the commit stayed."""
    catalog = make_catalog(tmp_path)
    obstacle = tmp_path / "catalog.git" / "refs" / "tags" / "stadt-test" / "testpaket"
    obstacle.parent.mkdir(parents=True)
    obstacle.write_text("kein Ordner\n")  # refs/tags/stadt-test/testpaket/v1.0.0 cannot be created below a file

    result = publish(catalog, PackageFiles(package_files(), folder_name="testpaket"))

    repo = catalog.repo
    assert str(repo.references[BRANCH].target) == result.commit
    assert repo.references.get(TAG_PREFIX + result.tag) is None
    obstacle.unlink()
    assert repair_tags(catalog) == [result.tag]
    assert str(repo.references[TAG_PREFIX + result.tag].peel(pygit2.Commit).id) == result.commit
    assert [v.version for v in catalog.versions("stadt-test/testpaket")] == ["1.0.0"]


def test_the_tag_object_exists_before_the_branch_moves(tmp_path):
    catalog = make_catalog(tmp_path)
    result = publish(catalog, PackageFiles(package_files(), folder_name="testpaket"))
    tag = catalog.repo[catalog.repo.references[TAG_PREFIX + result.tag].target]
    assert isinstance(tag, pygit2.Tag)
    assert (tag.name, str(tag.target), tag.tagger.name) == (result.tag, result.commit, "Stadt Stadt-Test")
    # git itself reads it as an annotated tag of the commit
    assert str(catalog.repo.revparse_single(f"{result.tag}^{{commit}}").id) == result.commit


@pytest.mark.parametrize(
    ("change", "files"),
    [
        ({"id": "stadt-test/testpaket\n"}, {}),
        ({}, {".git/config": b"[core]\n"}),
        ({}, {"docs/.GIT/hooks/post-checkout": b"#!/bin/sh\n"}),
    ],
)
def test_what_git_would_refuse_is_refused_before_any_object_is_written(tmp_path, change, files):
    """Even past validation (a caller that skipped it), no branch move, no tag, no loose object."""
    catalog = make_catalog(tmp_path, [("stadt-test/anderes", "1.0.0")])
    repo = catalog.repo
    objects, refs = _objects(repo), _refs(repo)
    content = package_files() | files
    manifest = msgspec.convert(raw_manifest(content["hub.yaml"]) | change, Manifest)
    with pytest.raises(InvalidPackage):
        commit_version(catalog, manifest, content, actor=actor_for(manifest))
    assert _objects(repo) == objects and _refs(repo) == refs


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
def test_archive_with_git_folder_through_the_api_is_a_problem_and_changes_nothing(tmp_path, fmt):
    from litestar.testing import TestClient

    from hub.api import create_app
    from tests.factory import make_services, register

    services = make_services(tmp_path)
    register(services.catalog, "stadt-test", "Stadt Test")
    token, _ = services.tokens.create("stadt-test", "publisher")
    repo = services.catalog.repo
    objects, refs = _objects(repo), _refs(repo)
    data = archive({**package_files(), ".git/config": b"[core]\n", ".git/HEAD": b"ref: refs/heads/main\n"}, fmt)
    with TestClient(create_app(services)) as client:
        checked = client.post("/api/v1/packages/validate", files={"archive": ("paket.zip", data, "application/zip")})
        assert checked.status_code == 200 and "file-git-path" in {p["code"] for p in checked.json()["problems"]}
        published = client.post(
            "/api/v1/packages", files={"archive": ("paket.zip", data, "application/zip")}, headers={"Authorization": f"Bearer {token}"}
        )
        assert published.status_code == 422, published.text
        assert "file-git-path" in published.text
    assert _objects(repo) == objects and _refs(repo) == refs


def test_an_error_after_the_commit_is_not_reported_as_a_failed_publish(tmp_path):
    """Old behaviour: the index/export catch-up raised after main moved, and the caller saw an error for a published version."""
    from hub.usecases.publish import publish as publish_package
    from tests.factory import make_services

    services = make_services(tmp_path)
    services.config.git_path.mkdir(parents=True, exist_ok=True)
    blocker = services.config.git_path / "stadt-test"
    blocker.write_text("kein Ordner\n")  # the clone export of stadt-test/testpaket cannot be written below a file

    result = publish_package(services, PackageFiles(package_files(), folder_name="testpaket"))

    assert str(services.catalog.repo.references[BRANCH].target) == result.commit
    assert [v.version for v in services.catalog.versions("stadt-test/testpaket")] == ["1.0.0"]
    blocker.unlink()
    assert services.catch_up() == result.commit  # the next catch-up brings index and exports along
    assert (services.config.git_path / "stadt-test" / "testpaket.git" / "info" / "refs").is_file()
