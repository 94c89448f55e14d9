"""The maturity model: every rule, levels, reviews overriding, adoptions by the publisher not counting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import msgspec
import pytest

from hub.maturity import evaluate, maturity, maturity_all, maturity_model
from hub.maturity.rules import Subject, months_between, number
from hub.model import Actor, Adoption, AdoptionEvent, Confirmation, Manifest, ReviewEntry
from hub.store.records import actor_for, add_review, advance_adoption, confirm_adoption, record_adoption, reviews
from tests.factory import make_catalog, manifest

TODAY = date(2025, 6, 30)
FULL_GUIDE = {
    "requirements": {"software": ["Fachverfahren Gewerbe"], "roles": ["Prozessverantwortung"]},
    "effort": {"person_days": 25, "duration_weeks": 8},
    "steps": [{"title": "Formular übernehmen"}, {"title": "Versand konfigurieren"}],
}


def subject(files=("README.md", "CHANGELOG.md"), adoptions=(), review=None, **overrides) -> Subject:
    data = manifest(**overrides)
    return Subject(manifest=msgspec.convert(data, Manifest), files=set(files), today=TODAY, adoptions=list(adoptions), review=review)


def adoption(adopter: str, status: str, package: str = "stadt-test/testpaket", *, confirmed: bool = True) -> Adoption:
    """An adoption record; ``confirmed``: its publisher confirmed it as it stands."""
    confirmations = (
        [Confirmation(kind="publisher", by=package.split("/")[0], date="2024-02-01", status=status, version="1.0.0")] if confirmed else []
    )
    return Adoption(
        package=package,
        adopter=adopter,
        adopter_name=adopter.replace("stadt-", "Stadt ").title(),
        version="1.0.0",
        status=status,
        history=[AdoptionEvent(status=status, date="2024-01-01")],
        confirmations=confirmations,
    )


def results(s: Subject) -> tuple[int, dict[str, tuple[bool, str]]]:
    level, criteria = evaluate(s)
    return level, {c.id: (c.met, c.evidence) for c in criteria}


def test_model_is_data_with_five_levels():
    model = maturity_model()
    assert [level.name for level in model.levels] == ["Idee", "Erprobt", "Bewährt", "Nachnutzbar", "Etabliert"]
    assert all(level.criteria for level in model.levels)


def test_concept_is_level_0():
    level, c = results(subject(status={"development": "concept"}))
    assert level == 0
    assert c["in-production"][0] is False and "Konzept" not in c["in-production"][1]


def test_in_production_with_evidence_is_level_1_until_12_months():
    s = subject(
        status={
            "development": "stable",
            "production": {"since": "2025-01", "cases_per_year": 12400},
            "outcomes": [{"indicator": "Dauer", "value": 2, "unit": "Tage"}],
        }
    )
    level, c = results(s)
    assert level == 1
    assert c["volume"] == (True, "12.400 Fälle/Jahr")
    assert c["production-12-months"][0] is False and "5 Monate" in c["production-12-months"][1]


def test_twelve_months_outcomes_and_artefacts_make_level_2():
    s = subject(
        status={
            "development": "stable",
            "production": {"since": "2019-03", "cases_per_year": 100},
            "outcomes": [{"indicator": "Dauer", "value": 2, "unit": "Tage", "before": 14}],
        }
    )
    level, c = results(s)
    assert level == 2
    assert c["outcomes"] == (True, "1 Kennzahl(en), z. B. Dauer: 2 Tage (vorher 14)")
    assert c["form-or-config"][0] and "Formularschema formulare/antrag.schema.json" in c["form-or-config"][1]


def test_level_2_needs_a_process_model():
    arts = [a for a in manifest()["artefacts"] if a["kind"] != "process-model"]
    level, c = results(
        subject(
            artefacts=arts,
            status={
                "development": "stable",
                "production": {"since": "2019-03", "cases_per_year": 5},
                "outcomes": [{"indicator": "x y", "value": 1}],
            },
        )
    )
    assert level == 1 and c["process-model"] == (False, "kein Prozessmodell")


LEVEL_2 = {
    "status": {
        "development": "stable",
        "production": {"since": "2019-03", "cases_per_year": 100},
        "outcomes": [{"indicator": "Dauer", "value": 2}],
    }
}


def test_level_3_needs_guide_changelog_open_licence_and_another_adopter():
    base = dict(LEVEL_2, adoption=FULL_GUIDE, changelog="CHANGELOG.md")
    level, c = results(subject(adoptions=[adoption("stadt-soest", "pilot")], **base))
    assert level == 3
    assert c["adopted"] == (True, "1 bestätigte nachnutzende Organisation in Pilotbetrieb oder Produktion: Stadt Soest (nötig: 1)")
    assert results(subject(adoptions=[adoption("stadt-soest", "planned")], **base))[0] == 2
    assert results(subject(adoptions=[adoption("stadt-soest", "pilot")], **{**base, "license": "LicenseRef-Proprietaer"}))[0] == 2
    partial = {**base, "adoption": {"steps": FULL_GUIDE["steps"]}}
    level, c = results(subject(adoptions=[adoption("stadt-soest", "pilot")], **partial))
    assert level == 2 and c["adoption-guide"] == (False, "es fehlen: Voraussetzungen, Aufwand")


def test_adoption_by_the_publisher_itself_does_not_count():
    base = dict(LEVEL_2, adoption=FULL_GUIDE, changelog="CHANGELOG.md")
    level, c = results(subject(adoptions=[adoption("stadt-test", "production")], **base))
    assert level == 2 and c["adopted"][0] is False


def test_level_4_needs_three_production_adopters_and_a_review():
    base = dict(LEVEL_2, adoption=FULL_GUIDE, changelog="CHANGELOG.md")
    three = [adoption(f"stadt-{n}", "production") for n in ("soest", "aachen", "wuppertal")]
    assert results(subject(adoptions=three, **base))[0] == 3
    review = ReviewEntry(reviewer="land", reviewer_name="Land", date="2025-05-01", level=4, rationale="Etabliert, geprüft und bestätigt.")
    level, c = results(subject(adoptions=three, review=review, **base))
    assert level == 4 and c["review-confirmed"][1].startswith("Begutachtung vom 2025-05-01 durch Land")


def test_helpers():
    assert number(12400) == "12.400" and number(1.5) == "1,5"
    assert months_between("2024-06", date(2025, 6, 1)) == 12 and months_between("2024-06-15", date(2025, 6, 1)) == 11


@pytest.fixture
def catalog(tmp_path):
    return make_catalog(tmp_path, [{"package_id": "stadt-test/testpaket", "version": "1.0.0", **LEVEL_2, "adoption": FULL_GUIDE}])


def test_review_overrides_computed_level_for_its_version_only(catalog):
    before = maturity(catalog, "stadt-test/testpaket")
    assert (before.computed_level, before.level, before.reviewed) == (2, 2, False)
    ministry = Actor(id="ministerium", name="Ministerium", email="land@nrw.example")
    add_review(catalog, ministry, "stadt-test/testpaket", "1.0.0", 1, "Kennzahlen nicht belegt, daher nur Stufe 1.", computed_level=2)
    after = maturity(catalog, "stadt-test/testpaket")
    assert (after.computed_level, after.level, after.name, after.reviewed) == (2, 1, "Erprobt", True)
    add_review(catalog, ministry, "stadt-test/testpaket", "1.0.0", 2, "Kennzahlen nachgereicht, Stufe 2 bestätigt.")
    assert maturity(catalog, "stadt-test/testpaket").level == 2
    # the first review stays in the record
    assert [r.level for r in reviews(catalog, "stadt-test/testpaket")[0].reviews] == [1, 2]


def criterion(m, criterion_id: str):
    return next(c for c in m.criteria if c.id == criterion_id)


def test_adoptions_move_levels_at_their_commit(catalog):
    soest = Actor(id="stadt-soest", name="Stadt Soest", email="it@soest.example")
    record_adoption(catalog, soest, "stadt-test/testpaket", "1.0.0", "planned")
    planned = str(catalog.head().id)
    assert criterion(maturity(catalog, "stadt-test/testpaket"), "adopted").met is False
    advance_adoption(catalog, soest, "stadt-test/testpaket", "pilot")
    claimed = str(catalog.head().id)
    assert criterion(maturity(catalog, "stadt-test/testpaket"), "adopted").met is False  # a claim alone counts for nothing
    confirm_adoption(catalog, actor_for(catalog, "stadt-test"), "stadt-test/testpaket", "stadt-soest", "publisher")
    now = maturity_all(catalog)["stadt-test/testpaket"]
    assert criterion(now, "adopted").met is True and criterion(now, "adopted").evidence.startswith("1 bestätigte nachnutzende Organisation")
    assert now.computed_level == 2  # the factory package has no changelog
    # evaluated at an earlier commit, the earlier state counts
    assert criterion(maturity(catalog, "stadt-test/testpaket", ref=planned), "adopted").met is False
    assert criterion(maturity(catalog, "stadt-test/testpaket", ref=claimed), "adopted").met is False


def test_the_computed_level_alone_asks_for_the_hints_only_when_the_level_depends_on_them():
    """``computed_level`` (the search index's maturity) gives ``evaluate``'s level and reads the quality hints (process
    models parsed, earlier versions read) only when the level holding the hints' criterion is otherwise met."""
    from hub.maturity import computed_level
    from hub.validate.hints import hint

    asked: list[str] = []

    def hints_of(found: list) -> Callable[[], list]:
        return lambda: asked.append("asked") or found

    flawed = [hint("bpmn-disconnected", "prozess/antrag.bpmn", "„A“ wird nie erreicht.")]
    base3 = dict(LEVEL_2, adoption=FULL_GUIDE, changelog="CHANGELOG.md")
    cases = [
        (subject(status={"development": "concept"}), [], 0, False),
        (subject(**LEVEL_2), flawed, 1, True),  # level 2 met but for the hints
        (subject(**LEVEL_2), [], 2, True),
        (subject(adoptions=[adoption("stadt-soest", "pilot")], **base3), [], 3, True),
        (subject(adoptions=[adoption("stadt-soest", "pilot")], **base3), flawed, 1, True),
        (subject(status={"development": "stable", "production": {"since": "2025-01", "cases_per_year": 9}}), flawed, 1, False),
    ]
    for s, found, level, reads in cases:
        asked.clear()
        assert computed_level(s, hints_of(found)) == level
        assert asked == (["asked"] if reads else [])
        s.hints = found
        assert evaluate(s)[0] == level  # the same level as every criterion evaluated


def test_the_index_s_levels_are_the_levels_of_every_criterion_evaluated(tmp_path):
    """``index_levels`` (the level alone, hints only where needed) agrees with ``maturity_all`` (every criterion), on
    the embedded catalogue (levels 0 to 4, adoptions and reviews)."""
    from hub.maturity import index_levels
    from hub.store import Catalog, ensure_seeded

    catalog = Catalog.create(tmp_path / "catalog.git")
    ensure_seeded(catalog)
    head = catalog.head()
    ids = catalog.package_ids()
    full = maturity_all(catalog)
    states = index_levels(catalog, head, ids)
    assert set(states) == set(full) == set(ids)
    for pid in ids:
        assert (states[pid].level, states[pid].computed_level) == (full[pid].level, full[pid].computed_level)
    assert len({m.computed_level for m in full.values()}) >= 3


def test_the_levels_of_a_few_packages_read_only_their_own_versions_and_reviews(tmp_path):
    """A batch of publishes asks for a few packages' levels: the same states as when every package is asked for,
    from those packages' versions and reviews alone (every package's versions, read before for any batch of two or
    more, cost a tenth of a second per batch at 50,000 packages, and two seconds in a process that had not read them)."""
    from hub.maturity import index_levels
    from hub.store import Catalog, ensure_seeded

    every = Catalog.create(tmp_path / "catalog.git")
    ensure_seeded(every)
    every.record_versions()  # the version store beside the repository, as a hub's catch-up keeps it
    ids = every.package_ids()
    reviewed = {r.package for r in reviews(every)}
    few = sorted(reviewed)[:2] + sorted(set(ids) - reviewed)[:1]  # two with a review of theirs, one without
    assert len(few) == 3 and len(ids) > 3 * len(few)
    all_states = index_levels(every, every.head(), ids)
    fresh = Catalog(tmp_path / "catalog.git")  # a process that has read no versions yet
    states = index_levels(fresh, fresh.head(), few)
    assert states == {pid: all_states[pid] for pid in few}
    assert any(states[pid].reviewed_version is not None for pid in few)  # the reviews of the few were read
    assert set(fresh._versions._known) == set(few)  # and no other package's versions
