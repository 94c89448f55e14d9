"""The embedded default catalogue: every package valid, seeded as its history, facts only verified ones."""

from __future__ import annotations

import subprocess
from collections import Counter

import pytest

from hub.maturity import maturity_all
from hub.resources import catalog_dir
from hub.store import Catalog, seed
from hub.store.catalog import parse_trailers
from hub.store.records import adoptions, reviews
from hub.store.seed import seed_versions
from hub.validate import PackageFiles, validate_package

OWL = {"stadt-paderborn", "kreis-paderborn", "stadt-delbrueck", "stadt-bielefeld", "bezirksregierung-detmold"}
# domain-facts.md: the LeiKa keys found in published data; anything else would be invented
VERIFIED_LEIKA = {"99050012104000", "99008001012000", "99049001001000", "99108001001000", "99102013104000"}
VERSION_FOLDERS = sorted((catalog_dir() / "packages").glob("*/*@*"))


@pytest.mark.parametrize("folder", VERSION_FOLDERS, ids=[f"{f.parent.name}/{f.name}" for f in VERSION_FOLDERS])
def test_every_seed_package_is_valid(folder):
    result = validate_package(PackageFiles.from_folder(folder))
    assert result.problems == []  # no error and no quality hint (Hinweis)
    manifest = result.manifest
    assert manifest.publisher_id == folder.parent.name
    assert f"{manifest.slug}@{manifest.version}" == folder.name
    assert set(manifest.classification.leika) <= VERIFIED_LEIKA
    assert manifest.release_date is not None
    assert {a.kind for a in manifest.artefacts} >= {"process-model"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Catalog:
    catalog = Catalog.create(tmp_path_factory.mktemp("seed") / "catalog.git")
    seed(catalog)
    return catalog


def test_seed_covers_the_model_region(seeded):
    manifests = seeded.manifests()
    assert len(manifests) >= 12
    assert {m.publisher_id for m in manifests} == OWL
    assert {p.id for p in seeded.publishers()} >= OWL
    multi = [pid for pid in seeded.package_ids() if len(seeded.versions(pid)) >= 2]
    assert len(multi) >= 4
    themen = {m.classification.themenfeld for m in manifests}
    assert "Unternehmensführung & -entwicklung" in themen and "Querschnittsleistungen" in themen
    ids = {m.id for m in manifests}
    assert {"stadt-paderborn/gewerbeanmeldung", "stadt-bielefeld/gewerbeummeldung", "stadt-bielefeld/gewerbeabmeldung"} <= ids


def test_one_commit_per_version_authored_by_publisher_at_release_date(seeded):
    versions = seed_versions(catalog_dir())
    for item in versions:
        info = {v.version: v for v in seeded.versions(item.package_id)}[item.version]
        publisher = seeded.publisher(item.package_id.split("/")[0])
        assert info.published_by == publisher.name
        assert info.published_at.startswith(item.release_date)
    actions = Counter(parse_trailers(c.message).get("Hub-Action") for c in seeded.repo.walk(seeded.head().id))
    assert actions["publish"] == len(versions) and actions["publishers"] == 1


def test_adoptions_and_reviews_are_seeded_step_by_step(seeded):
    records = adoptions(seeded)
    steps = sum(len(r.history) for r in records)
    actions = Counter(parse_trailers(c.message).get("Hub-Action") for c in seeded.repo.walk(seeded.head().id))
    assert actions["adoption"] == steps and actions["review"] == sum(len(r.reviews) for r in reviews(seeded))
    soest = next(c for c in seeded.repo.walk(seeded.head().id) if c.author.name == "Stadt Soest")
    assert "Hub-Package:" in soest.message


def test_every_maturity_level_occurs_and_a_review_overrides(seeded):
    levels = maturity_all(seeded)
    assert {m.level for m in levels.values()} == {0, 1, 2, 3, 4}
    overridden = [m for m in levels.values() if m.reviewed and m.level != m.computed_level]
    assert overridden, "the seed shows a ministry review that sets another level than computed"


def test_no_version_of_the_seed_has_a_quality_hint_against_the_catalogue(seeded):
    # the catalogue-aware hints too (since between versions), for every version, not only the latest
    from hub.store.hints import version_hints

    for package_id in seeded.package_ids():
        for info in seeded.versions(package_id):
            package = seeded.get(package_id, info.version)
            assert version_hints(seeded, package_id, seeded.repo[package.commit], package.manifest) == [], f"{package_id} {info.version}"


def test_reviews_fall_within_the_funding_programme(seeded):
    # the programme (MWIDE Runderlass of 12.07.2018) ended on 30.06.2023; reviews signed by it must not be later
    for record in reviews(seeded):
        for entry in record.reviews:
            assert "Programm Digitale Modellregionen" not in (entry.reviewer_name or "") or entry.date <= "2023-06-30", record.package


def test_seeded_repository_passes_fsck(seeded):
    subprocess.run(["git", "--git-dir", str(seeded.path), "fsck", "--strict", "--no-dangling"], check=True, capture_output=True)


def test_maturity_of_a_few_packages_is_what_the_whole_catalogue_gives_them(seeded):
    """After a publish the index asks for one package: read from its own records only, the answer is the same."""
    everything = maturity_all(seeded)
    for package_id, expected in everything.items():
        assert maturity_all(seeded, package_ids=[package_id]) == {package_id: expected}
    some = sorted(everything)[:3]
    assert maturity_all(seeded, package_ids=some) == {pid: everything[pid] for pid in some}
