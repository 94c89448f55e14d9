"""Earned numbers: known organisations only, plausible claims only, claimed versus confirmed adoptions, audit."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from litestar.testing import TestClient

from hub.cli import main as hub_main
from hub.errors import (
    AdoptionStatusBackward,
    ConfirmationRefused,
    DateBeforeRelease,
    DateInFuture,
    DateOutOfOrder,
    OrganisationUnknown,
    VersionNotFound,
)
from hub.maturity import maturity
from hub.model import Actor
from hub.store.records import actor_for, add_review, adoptions, advance_adoption, confirm_adoption, record_adoption
from hub.validate.codes import WORKFLOW_CODES
from tests.factory import make_catalog, make_services, register
from tests.server import start_server
from tests.snapshot import snapshot

PID = "stadt-test/testpaket"
LEVEL_2 = {
    "status": {
        "development": "stable",
        "production": {"since": "2019-03", "cases_per_year": 100},
        "outcomes": [{"indicator": "Dauer", "value": 2}],
    }
}
GUIDE = {
    "requirements": {"software": ["Fachverfahren"], "roles": ["Prozessverantwortung"]},
    "effort": {"person_days": 25},
    "steps": [{"title": "Formular übernehmen"}],
}
LEVEL_3_READY = {**LEVEL_2, "adoption": GUIDE, "changelog": "CHANGELOG.md", "release_date": "2024-01-15"}
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.fixture
def services(tmp_path):
    from tests.factory import package_files  # noqa: F401  (the factory builds the package)

    services = make_services(
        tmp_path,
        [{"package_id": PID, "version": "1.0.0", **LEVEL_3_READY, "files": {"CHANGELOG.md": "# Änderungen\n\n## 1.0.0\nErste Version.\n"}}],
    )
    return services


@pytest.fixture
def client(services):
    from hub.api import create_app

    with TestClient(create_app(services)) as client:
        yield client


def bearer(services, org: str, role: str) -> dict[str, str]:
    secret, _ = services.tokens.create(org, role)
    return {"Authorization": f"Bearer {secret}"}


def soest(services) -> Actor:
    return actor_for(services.catalog, "stadt-soest")


def level(services) -> int:
    return maturity(services.catalog, PID).level


# -- refusals: one test per rule, each changes nothing -------------------------------------------


def test_unknown_organisation_cannot_adopt(services):
    before = snapshot(services.catalog.path)
    hoexter = Actor(id="stadt-hoexter", name="Stadt Höxter", email="it@hoexter.example")
    with pytest.raises(OrganisationUnknown) as refused:
        record_adoption(services.catalog, hoexter, PID, "1.0.0", "production", on="2024-06-01")
    assert refused.value.problems[0].code == "organisation-unknown" and "stadt-hoexter" in refused.value.detail
    assert snapshot(services.catalog.path) == before and level(services) == 2


def test_unknown_organisation_gets_no_token(services, client):
    with pytest.raises(OrganisationUnknown):
        services.tokens.create("stadt-hoexter", "adopter")
    assert services.tokens.list() == []
    body = client.put(
        "/api/v1/publishers/stadt-hoexter",
        content=b"id: stadt-hoexter\nname: Stadt Hoexter\ntype: stadt\n",
        headers=bearer(services, "ministerium", "admin"),
    )
    assert body.status_code == 200
    assert services.tokens.create("stadt-hoexter", "adopter")[1].org == "stadt-hoexter"  # registered, then it may


def test_unknown_organisation_refused_by_the_cli(services, tmp_path, capsys):
    assert hub_main(["--data", str(tmp_path), "token", "create", "--org", "stadt-hoexter", "--role", "adopter"]) == 1
    assert "nicht registriert" in capsys.readouterr().err
    assert hub_main(["--data", str(tmp_path), "adoption", "create", f"{PID}@1.0.0", "--as", "stadt-hoexter", "--date", "2024-06-01"]) == 1


def test_date_in_the_future_is_refused(services):
    with pytest.raises(DateInFuture) as refused:
        record_adoption(services.catalog, soest(services), PID, "1.0.0", "production", on=TOMORROW)
    assert refused.value.problems[0].code == "date-in-future"
    assert adoptions(services.catalog, PID) == []


def test_date_before_the_release_is_refused(services):
    with pytest.raises(DateBeforeRelease) as refused:
        record_adoption(services.catalog, soest(services), PID, "1.0.0", "pilot", on="2023-12-31")
    assert refused.value.problems[0].code == "date-before-release" and "2024-01-15" in refused.value.detail


def test_status_step_backwards_is_refused(services):
    record_adoption(services.catalog, soest(services), PID, "1.0.0", "production", on="2024-03-01")
    with pytest.raises(AdoptionStatusBackward) as refused:
        advance_adoption(services.catalog, soest(services), PID, "pilot", on="2024-04-01")
    assert refused.value.problems[0].code == "adoption-status-backward"


def test_step_dated_before_the_last_one_is_refused(services):
    record_adoption(services.catalog, soest(services), PID, "1.0.0", "pilot", on="2024-03-01")
    with pytest.raises(DateOutOfOrder):
        advance_adoption(services.catalog, soest(services), PID, "production", on="2024-02-01")


def test_version_must_exist(services):
    with pytest.raises(VersionNotFound) as refused:
        record_adoption(services.catalog, soest(services), PID, "9.9.9", "pilot", on="2024-03-01")
    assert refused.value.problems[0].code == "version-not-found"


def test_adopter_cannot_confirm_itself_and_a_stranger_not_as_publisher(services):
    record_adoption(services.catalog, soest(services), PID, "1.0.0", "pilot", on="2024-03-01")
    with pytest.raises(ConfirmationRefused):
        confirm_adoption(services.catalog, soest(services), PID, "stadt-soest", "publisher")
    with pytest.raises(ConfirmationRefused):
        confirm_adoption(services.catalog, actor_for(services.catalog, "stadt-aachen"), PID, "stadt-soest", "publisher")
    assert adoptions(services.catalog, PID)[0].confirmations == []


def test_refusals_over_the_api_are_problem_details(client, services):
    adopter = bearer(services, "stadt-soest", "adopter")
    future = client.post("/api/v1/adoptions", json={"package": PID, "version": "1.0.0", "date": TOMORROW}, headers=adopter)
    assert (
        future.status_code == 422 and future.json()["code"] == "date-in-future" and future.json()["problems"][0]["code"] == "date-in-future"
    )
    early = client.post("/api/v1/adoptions", json={"package": PID, "version": "1.0.0", "date": "2020-01-01"}, headers=adopter)
    assert early.status_code == 422 and early.json()["title"] == "Datum vor der Veröffentlichung der Version"


def test_every_refusal_code_is_documented():
    text = (Path(__file__).resolve().parent.parent / "docs" / "problem-codes.md").read_text(encoding="utf-8")
    assert [
        code
        for code in ("organisation-unknown", "date-in-future", "date-before-release", "date-out-of-order", "confirmation-refused")
        if code not in WORKFLOW_CODES or f"`{code}`" not in text
    ] == []


# -- claimed versus confirmed -------------------------------------------------------------------


def test_a_claim_from_a_registered_organisation_does_not_change_the_level(services):
    assert level(services) == 2
    record_adoption(services.catalog, soest(services), PID, "1.0.0", "production", on="2024-06-01")
    result = maturity(services.catalog, PID)
    assert result.level == 2
    adopted = next(c for c in result.criteria if c.id == "adopted")
    assert adopted.met is False and "1 weitere nur angegeben" in adopted.evidence


def test_publisher_confirmation_over_the_api_lifts_the_level(client, services):
    client.post(
        "/api/v1/adoptions",
        json={"package": PID, "version": "1.0.0", "status": "pilot", "date": "2024-06-01"},
        headers=bearer(services, "stadt-soest", "adopter"),
    )
    assert level(services) == 2
    url = "/api/v1/adoptions/stadt-soest/stadt-test/testpaket/confirmations"
    other = client.post(url, json={}, headers=bearer(services, "stadt-aachen", "publisher"))
    assert other.status_code == 403 and other.json()["code"] == "confirmation-refused"
    confirmed = client.post(url, json={"note": "Pilot in Soest gesehen."}, headers=bearer(services, "stadt-test", "publisher"))
    assert confirmed.status_code == 201, confirmed.text
    (confirmation,) = confirmed.json()["confirmations"]
    assert (confirmation["kind"], confirmation["by"], confirmation["status"], confirmation["version"]) == (
        "publisher",
        "stadt-test",
        "pilot",
        "1.0.0",
    )
    assert level(services) == 3
    (row,) = client.get("/api/v1/reports/adoption").json()["adoptions"]
    assert row["counts_for_maturity"] is True
    again = client.post(url, json={}, headers=bearer(services, "stadt-test", "publisher"))
    assert again.status_code == 409 and again.json()["code"] == "confirmation-exists"


def test_reviewer_confirmation_lifts_the_level_and_a_later_claim_is_again_only_a_claim(services):
    record_adoption(services.catalog, soest(services), PID, "1.0.0", "pilot", on="2024-06-01")
    confirm_adoption(services.catalog, actor_for(services.catalog, "ministerium"), PID, "stadt-soest", "reviewer")
    assert level(services) == 3
    advance_adoption(services.catalog, soest(services), PID, "ended", on="2024-09-01")
    assert level(services) == 2  # ended: no longer counts, whatever was confirmed before


def test_audit_lists_who_claimed_confirmed_and_reviewed(client, services):
    record_adoption(services.catalog, soest(services), PID, "1.0.0", "pilot", on="2024-06-01")
    confirm_adoption(services.catalog, actor_for(services.catalog, "stadt-test"), PID, "stadt-soest", "publisher")
    add_review(services.catalog, actor_for(services.catalog, "ministerium"), PID, "1.0.0", 3, "Nachnutzung in Soest geprüft und bestätigt.")
    entries = client.get("/api/v1/packages/stadt-test/testpaket/audit").json()
    assert [(e["action"], e["author"]) for e in entries] == [
        ("review", "Ministerium"),
        ("adoption-confirm", "Stadt Stadt-Test"),
        ("adoption", "Stadt Soest"),
    ]
    assert entries[1]["confirmation"] == "publisher" and entries[1]["adopter"] == "stadt-soest" and entries[0]["version"] == "1.0.0"
    assert client.get("/api/v1/packages/stadt-test/gibt-es-nicht/audit").status_code == 404


def test_registered_organisation_record_with_coordinates(services):
    register(
        services.catalog,
        "stadt-lippstadt",
        "Stadt Lippstadt",
        kreisfrei=False,
        kreis="Kreis Soest",
        coordinates={"lat": 51.67, "lon": 8.34},
    )
    record = services.catalog.publisher("stadt-lippstadt")
    assert record.coordinates is not None and record.coordinates.lat == 51.67 and record.kreis == "Kreis Soest"


# -- records follow the work --------------------------------------------------------------------


def test_adopt_and_upstream_merge_keep_the_record_on_a_served_hub_current(tmp_path):
    make_catalog(tmp_path / "hub", [(PID, "1.0.0"), (PID, "2.0.0")])
    server = start_server(tmp_path / "hub")
    try:
        token = server.token("stadt-soest", "adopter")
        city = tmp_path / "soest"
        args = [
            "--data",
            str(tmp_path / "local"),
            "adopt",
            f"{PID}@1.0.0",
            str(city),
            "--as",
            "stadt-soest",
            "--from",
            server.url,
            "--record",
            "--token",
            token,
        ]
        assert hub_main(args) == 0
        (claimed,) = httpx.get(server.url + "/api/v1/adoptions", params={"package": PID}).json()
        assert (claimed["adopter"], claimed["version"], claimed["status"]) == ("stadt-soest", "1.0.0", "planned")

        assert hub_main(["upstream", "merge", "--dir", str(city)]) == 0
        (record,) = httpx.get(server.url + "/api/v1/adoptions", params={"package": PID}).json()
        assert record["version"] == "2.0.0" and [e["version"] for e in record["history"]] == ["1.0.0", "2.0.0"]
        assert record["status"] == "planned"  # the merge moves the version, not the status
        audit = httpx.get(server.url + "/api/v1/packages/stadt-test/testpaket/audit").json()
        assert [e["author"] for e in audit] == ["Stadt Soest", "Stadt Soest"]
    finally:
        server.stop()


# -- provenance and federation ------------------------------------------------------------------


def _sources(catalog, *sources: dict) -> None:
    from hub.federation.sources import save_sources

    save_sources(catalog, yaml.safe_dump({"sources": list(sources)}).encode())


def test_harvested_adopter_repository_confirms_the_claim_by_provenance(services, tmp_path):
    from hub.federation.harvest import harvest

    record_adoption(services.catalog, soest(services), PID, "1.0.0", "pilot", on="2024-06-01")
    city = tmp_path / "soest-repo"
    assert hub_main(["--data", str(tmp_path), "adopt", PID, str(city), "--as", "stadt-soest"]) == 0
    assert level(services) == 2
    _sources(services.catalog, {"name": "soest", "url": str(city), "publisher": "stadt-soest"})
    (report,) = harvest(services.catalog, "soest", cache_dir=tmp_path / "cache")
    assert report.refused == [] and [(r.kind, r.outcome) for r in report.records] == [("provenance", "taken")]
    (confirmation,) = adoptions(services.catalog, PID)[0].confirmations
    assert (confirmation.kind, confirmation.by, confirmation.status) == ("provenance", "stadt-soest", "pilot")
    assert "Commit" in confirmation.evidence and level(services) == 3
    (again,) = harvest(services.catalog, "soest", cache_dir=tmp_path / "cache")
    assert [r.outcome for r in again.records] == ["unchanged"]


def test_two_served_hubs_one_harvesting_the_other_show_the_same_levels_and_adoptions(tmp_path):
    one = make_catalog(
        tmp_path / "eins",
        [{"package_id": PID, "version": "1.0.0", **LEVEL_3_READY, "files": {"CHANGELOG.md": "# Änderungen\n\n## 1.0.0\nErste Version.\n"}}],
    )
    register(one, "stadt-lemgo", "Stadt Lemgo")
    record_adoption(one, actor_for(one, "stadt-soest"), PID, "1.0.0", "production", on="2024-06-01")
    confirm_adoption(one, actor_for(one, "stadt-test"), PID, "stadt-soest", "publisher")
    record_adoption(one, actor_for(one, "stadt-lemgo"), PID, "1.0.0", "pilot", on="2024-07-01")  # only claimed
    add_review(one, actor_for(one, "ministerium"), PID, "1.0.0", 2, "Kennzahlen noch nicht belegt, daher Stufe 2.")
    make_catalog(tmp_path / "zwei")
    first, second = start_server(tmp_path / "eins"), start_server(tmp_path / "zwei")
    try:
        admin = {"Authorization": f"Bearer {second.token('ministerium', 'admin')}"}
        source = {"name": "hub-eins", "url": str(one.path), "hub": True}
        assert httpx.put(second.url + "/api/v1/sources", content=yaml.safe_dump({"sources": [source]}), headers=admin).status_code == 200
        (report,) = httpx.post(second.url + "/api/v1/harvest", headers=admin, timeout=120).json()
        assert sorted((r["kind"], r["outcome"]) for r in report["records"]) == [
            ("adoption", "taken"),
            ("adoption", "taken"),
            ("review", "taken"),
        ]

        def seen(server):
            listed = httpx.get(server.url + "/api/v1/adoptions", params={"package": PID}).json()
            return [(a["adopter"], a["status"], a["version"], [c["kind"] for c in a.get("confirmations", [])]) for a in listed]

        assert seen(first) == seen(second) == [("stadt-lemgo", "pilot", "1.0.0", []), ("stadt-soest", "production", "1.0.0", ["publisher"])]
        carried = httpx.get(second.url + "/api/v1/adoptions", params={"package": PID}).json()[1]
        assert carried["origin"]["hub"] == "hub-eins" and carried["origin"]["commit"] == report["commit"]
        levels = [httpx.get(s.url + f"/api/v1/packages/{PID}/maturity").json() for s in (first, second)]
        assert (levels[0]["level"], levels[0]["computed_level"]) == (2, 3)
        assert (levels[1]["level"], levels[1]["reviewed"]) == (3, False)  # the foreign review is shown, not counted: untrusted

        source["trust"] = ["reviews"]
        assert httpx.put(second.url + "/api/v1/sources", content=yaml.safe_dump({"sources": [source]}), headers=admin).status_code == 200
        trusted = httpx.get(second.url + f"/api/v1/packages/{PID}/maturity").json()
        assert (trusted["level"], trusted["computed_level"], trusted["reviewed"]) == (levels[0]["level"], levels[0]["computed_level"], True)
        assert trusted["review"]["origin"]["hub"] == "hub-eins"
        audit = httpx.get(second.url + f"/api/v1/packages/{PID}/audit").json()
        assert {e["action"] for e in audit} == {"harvest-records"} and audit[0]["source"] == "hub-eins"
    finally:
        first.stop()
        second.stop()
