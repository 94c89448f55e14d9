"""The savings rule: only adoptions whose *current* status is confirmed count, as for maturity."""

from __future__ import annotations

import msgspec

from hub.maturity.savings import savings_report
from hub.model import Adoption, Manifest
from tests.factory import manifest


def _manifest() -> Manifest:
    data = manifest("stadt-test/testpaket", effort={"build": {"person_days": 100, "costs_eur": 50000}, "adopt": {"person_days": 10}})
    return msgspec.convert(data, Manifest)


def _adoption(status: str, confirmations: list[dict], adopter: str = "stadt-nachnutzer") -> Adoption:
    history = [{"status": "planned", "date": "2024-01-01"}, {"status": "pilot", "date": "2024-03-01"}]
    if status == "production":
        history.append({"status": "production", "date": "2024-06-01"})
    return msgspec.convert(
        {
            "package": "stadt-test/testpaket",
            "adopter": adopter,
            "version": "1.0.0",
            "status": status,
            "history": history,
            "confirmations": confirmations,
        },
        Adoption,
    )


def _confirmation(status: str, kind: str = "publisher", hub: str | None = None) -> dict:
    found = {"kind": kind, "by": "stadt-test", "date": "2024-07-01", "status": status, "version": "1.0.0"}
    if hub:
        found["origin"] = {"hub": hub, "url": "https://hub.example/", "commit": "0" * 40}
    return found


def _saved(*records: Adoption, trusted: frozenset[str] = frozenset()) -> tuple[int, float]:
    report = savings_report({"stadt-test/testpaket": _manifest()}, records, trusted)
    return report.total.adoptions, report.total.saved_person_days


def test_a_confirmed_current_status_counts():
    assert _saved(_adoption("production", [_confirmation("production")])) == (1, 90)


def test_a_confirmation_of_an_earlier_status_does_not_count():
    # confirmed in the pilot, then claimed production: the claim alone is not evidence
    assert _saved(_adoption("production", [_confirmation("pilot")])) == (0, 0)


def test_unconfirmed_planned_and_own_adoptions_do_not_count():
    assert _saved(
        _adoption("pilot", []),
        _adoption("planned", [_confirmation("planned")]),
        _adoption("production", [_confirmation("production")], adopter="stadt-test"),
    ) == (0, 0)


def test_a_foreign_reviewer_counts_only_from_a_trusted_hub():
    record = _adoption("production", [_confirmation("production", kind="reviewer", hub="anderer-hub")])
    assert _saved(record) == (0, 0)
    assert _saved(record, trusted=frozenset({"anderer-hub"})) == (1, 90)
