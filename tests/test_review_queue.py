"""The reviewer's queue read from the search index a page at a time, over a real catalogue (in-process)."""

from __future__ import annotations

from hub.maturity import maturity, maturity_all
from hub.store.records import actor_for
from hub.usecases import reviews
from hub.web.workspace_review import review_form, review_queue
from tests.factory import make_services

IDS = [f"stadt-test/paket-{n}" for n in range(5)]
RATIONALE = "Kriterien geprüft, Belege im Paket nachvollziehbar und vollständig."


def test_the_queue_pages_through_the_index_and_a_review_at_the_computed_level_takes_a_package_out(tmp_path):
    services = make_services(tmp_path, [(pid, "1.0.0") for pid in IDS] + [(IDS[0], "1.1.0")])
    services.catch_up()  # the first sync builds the index, with every package's state
    first, second, third = (review_queue(services, page, per_page=2) for page in (1, 2, 3))
    assert (first.total, first.pages) == (5, 3)
    assert [[e.package for e in p.entries] for p in (first, second, third)] == [IDS[:2], IDS[2:4], IDS[4:]]
    assert review_queue(services, 4, per_page=2).entries == []  # past the end: an empty page, not an error
    levels = maturity_all(services.catalog)
    entry = first.entries[0]
    assert (entry.version, entry.computed_level, entry.reason) == ("1.1.0", levels[IDS[0]].computed_level, "noch nie begutachtet")
    assert entry.computed_name == levels[IDS[0]].computed_name and entry.reviewed_version is None

    # reviewed at its computed level: out of the queue, as soon as the use case returns (it brings the index along)
    ministry = actor_for(services.catalog, "ministerium-nrw")
    reviews.review(services, ministry, IDS[1], "1.0.0", levels[IDS[1]].computed_level, RATIONALE)
    after = review_queue(services, 1, per_page=10)
    assert after.total == 4 and IDS[1] not in [e.package for e in after.entries]
    # an older version may be reviewed too: it counts as the package's last review, with the level computed for that version
    older = maturity(services.catalog, IDS[0], "1.0.0").computed_level
    reviews.review(services, ministry, IDS[0], "1.0.0", older, RATIONALE)
    now = {e.package: e for e in review_queue(services, 1, per_page=10).entries}
    if older == levels[IDS[0]].computed_level:
        assert IDS[0] not in now
    else:
        assert now[IDS[0]].reviewed_version == "1.0.0" and "seit der letzten Begutachtung (Version 1.0.0)" in now[IDS[0]].reason


def test_the_review_form_shows_a_chosen_older_version(tmp_path):
    services = make_services(tmp_path, [(IDS[0], "1.0.0"), (IDS[0], "1.1.0")])
    latest, older = review_form(services, IDS[0]), review_form(services, IDS[0], version="1.0.0")
    assert latest.versions == ["1.1.0", "1.0.0"] and latest.maturity.version == "1.1.0"
    assert older.maturity.version == "1.0.0" and older.maturity.criteria  # evaluated for that version
    assert older.reason == latest.reason == "noch nie begutachtet"  # the queue's reason is the package's
