"""The hub-wide operator role ("Betrieb") and the organisation forms, in process: who may do what, each write a commit.

An operator registers and changes any organisation, harvests, issues hub-wide admin tokens and
grants the role to others; an organisation's admin changes only their own organisation's record
and reaches none of the operator's pages, by link, URL or POST. The forms go through the use case
``hub organisation add`` and ``PUT /api/v1/publishers/ID`` use, so a refused form shows the very
problems the CLI prints, each at its field. (Chromium journeys against a real ``hub serve``:
tests/test_workspace_admin.py.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pygit2
import pytest
import yaml
from litestar.testing import TestClient

from hub.api import create_app
from hub.errors import Forbidden, HubError
from hub.oidc import OidcConfig, claimed
from hub.services import Services
from hub.usecases import accounts, organisations
from tests.factory import make_services

PASSWORD = "Rathaus-Schluessel-Bund-42"
OPERATOR = "olga@soest.example"  # operator (and nothing else) for Stadt Soest
ADMIN = "anton@aachen.example"  # admin of Stadt Aachen
OTHER_ADMIN = "berta@soest.example"  # admin of Stadt Soest, operator's colleague
ADOPTER = "carl@aachen.example"
BETRIEB = "/arbeitsbereich/betrieb"
VERWALTUNG = "/arbeitsbereich/verwaltung"


@pytest.fixture
def services(tmp_path) -> Iterator[Services]:
    with make_services(tmp_path) as services:
        accounts.create(services, OPERATOR, "stadt-soest", ["operator"], PASSWORD)
        accounts.create(services, ADMIN, "stadt-aachen", ["admin"], PASSWORD)
        accounts.create(services, OTHER_ADMIN, "stadt-soest", ["admin"], PASSWORD)
        accounts.create(services, ADOPTER, "stadt-aachen", ["adopter"], PASSWORD)
        yield services


@pytest.fixture
def app(services):
    return create_app(services, live=True, interval=0.05)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def signed_in(app, email: str) -> TestClient:
    """A client with a session of ``email``; the app's start-up (following HEAD, building the site) is not needed for the workspace."""
    client = TestClient(app)
    form = client.get("/anmelden")
    answer = client.post("/anmelden", data={"csrf": csrf_of(form.text), "email": email, "passwort": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def head(services: Services) -> pygit2.Commit:
    repo = services.catalog.repo
    return repo[repo.references["refs/heads/main"].target]


def field_problems(html: str, name: str) -> list[str]:
    """The problems the page shows at the form field ``name``."""
    found = re.search(rf'<ul class="field-problems" id="f-{re.escape(name)}-fehler">(.*?)</ul>', html, re.S)
    assert found is not None, name
    return re.findall(r'<li class="error">(.*?)</li>', found.group(1), re.S)


NEW = {
    "id": "gemeinde-moehnesee",
    "name": "Gemeinde Möhnesee",
    "type": "gemeinde",
    "state": "Nordrhein-Westfalen",
    "region": "",
    "url": "https://www.moehnesee.de",
    "description": "",
    "kreisfrei": "nein",
    "kreis": "Kreis Soest",
    "ags": "05974036",
    "lat": "51,4939",
    "lon": "8.1272",
    "contact-0-name": "Bürgerbüro",
    "contact-0-role": "",
    "contact-0-email": "buergerbuero@moehnesee.example",
    "contact-0-phone": "",
}


def test_an_operator_registers_an_organisation_in_the_form_and_the_commit_is_the_operators_organisations_naming_the_person(services, app):
    olga = signed_in(app, OPERATOR)
    start = olga.get("/arbeitsbereich/")
    assert f'href="{BETRIEB}/"' in start.text and f'href="{VERWALTUNG}/"' not in start.text
    form = olga.get(f"{BETRIEB}/organisation-registrieren")
    assert form.status_code == 200 and "<h1>Organisation registrieren</h1>" in form.text
    before = head(services)
    sent = olga.post(f"{BETRIEB}/organisation-registrieren", data={"csrf": csrf_of(form.text), **NEW}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{BETRIEB}/organisationen/gemeinde-moehnesee?hinweis=registriert"
    record = services.catalog.publisher("gemeinde-moehnesee")
    assert record is not None and record.name == "Gemeinde Möhnesee" and record.kreisfrei is False and record.kreis == "Kreis Soest"
    assert record.coordinates is not None and (record.coordinates.lat, record.coordinates.lon) == (51.4939, 8.1272)
    assert [(c.name, c.email) for c in record.contacts] == [("Bürgerbüro", "buergerbuero@moehnesee.example")]
    commit = head(services)
    assert commit.parents[0].id == before.id
    assert commit.author.name == "Stadt Soest"  # the acting person's organisation, as every workspace write
    assert commit.message.startswith("Organisation Gemeinde Möhnesee registriert\n")
    assert "Hub-Organisation: gemeinde-moehnesee\n" in commit.message and "Hub-Actor: stadt-soest\n" in commit.message
    assert f"Hub-Person: {OPERATOR}\n" in commit.message
    stored = yaml.safe_load(commit.tree["publishers/gemeinde-moehnesee.yaml"].data)
    assert stored["id"] == "gemeinde-moehnesee" and "region" not in stored  # empty fields are left out, as in a hand-written file
    shown = olga.get(sent.headers["location"])
    assert shown.status_code == 200 and "Die Organisation ist registriert" in shown.text
    assert 'value="Gemeinde Möhnesee"' in shown.text and 'name="id" aria-describedby' in shown.text and "readonly" in shown.text
    listed = olga.get(f"{BETRIEB}/organisationen").text
    assert '<tr id="org-gemeinde-moehnesee">' in listed
    # and it can have accounts and tokens now
    accounts.create(services, "m@moehnesee.example", "gemeinde-moehnesee", ["adopter"], PASSWORD)


def test_an_organisation_whose_identifier_is_a_word_of_the_pages_is_registered_and_edited_at_its_own_address(services, app):
    # registration has its own address, so no identifier the schema allows ("neu") is taken by a page
    olga = signed_in(app, OPERATOR)
    form = olga.get(f"{BETRIEB}/organisation-registrieren")
    sent = olga.post(f"{BETRIEB}/organisation-registrieren", data={"csrf": csrf_of(form.text), **NEW, "id": "neu"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == f"{BETRIEB}/organisationen/neu?hinweis=registriert"
    shown = olga.get(f"{BETRIEB}/organisationen/neu")
    assert shown.status_code == 200 and "<h1>Eintrag von Gemeinde Möhnesee</h1>" in shown.text
    changed = olga.post(
        f"{BETRIEB}/organisationen/neu",
        data={"csrf": csrf_of(shown.text), **NEW, "id": "neu", "name": "Gemeinde Neu"},
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text
    record = services.catalog.publisher("neu")
    assert record is not None and record.name == "Gemeinde Neu"


def test_a_refused_form_shows_every_problem_the_cli_would_print_each_at_its_field_and_writes_nothing(services, app):
    olga = signed_in(app, OPERATOR)
    csrf = csrf_of(olga.get(f"{BETRIEB}/organisation-registrieren").text)
    bad = {
        **NEW,
        "name": "Mö",
        "type": "",
        "url": "ftp://moehnesee",
        "lat": "Norden",
        "lon": "",
        "contact-0-email": "kein-at-zeichen",
        "contact-1-name": "",
        "contact-1-role": "Leitung",
        "contact-1-email": "",
        "contact-1-phone": "",
    }
    before = head(services).id
    refused = olga.post(f"{BETRIEB}/organisation-registrieren", data={"csrf": csrf, **bad})
    assert refused.status_code == 422 and "Der Eintrag wurde nicht gespeichert." in refused.text
    assert head(services).id == before and services.catalog.publisher("gemeinde-moehnesee") is None
    assert field_problems(refused.text, "name") == ["Der Text ist zu kurz: mindestens 3 Zeichen, hier 2."]
    assert field_problems(refused.text, "type") == ["Das Pflichtfeld „type“ fehlt."]
    assert field_problems(refused.text, "url")[0].startswith("Der Wert „ftp://moehnesee“ hat nicht die erwartete Form.")
    assert field_problems(refused.text, "lat") == ["Erwartet wird eine Zahl, gefunden wurde ein Text."]
    assert field_problems(refused.text, "lon") == ["Das Pflichtfeld „lon“ fehlt."]
    assert field_problems(refused.text, "contact-0-email")[0].startswith("Der Wert „kein-at-zeichen“ hat nicht die erwartete Form.")
    assert field_problems(refused.text, "contact-1-name") == ["Das Pflichtfeld „name“ fehlt."]
    assert field_problems(refused.text, "contact-1-email") == ["Das Pflichtfeld „email“ fehlt."]
    assert 'id="f-name" name="name"' in refused.text and 'aria-invalid="true"' in refused.text
    assert 'value="Mö"' in refused.text and 'value="Leitung"' in refused.text  # what was entered stays
    # the same record through the CLI's use case: the same problems, word for word
    record = {
        "id": "gemeinde-moehnesee",
        "name": "Mö",
        "state": "Nordrhein-Westfalen",
        "url": "ftp://moehnesee",
        "kreisfrei": False,
        "kreis": "Kreis Soest",
        "ags": "05974036",
        "coordinates": {"lat": "Norden"},
        "contacts": [{"name": "Bürgerbüro", "email": "kein-at-zeichen"}, {"role": "Leitung"}],
    }
    with pytest.raises(HubError) as cli:
        organisations.register(services, yaml.safe_dump(record, allow_unicode=True).encode())
    shown = [m.replace("&#34;", '"').replace("&#39;", "'") for m in re.findall(r'<li class="error">(.*?)</li>', refused.text, re.S)]
    assert sorted(p.message for p in cli.value.problems) == sorted(shown)


def test_a_taken_identifier_is_refused_at_its_field_with_organisation_exists(services, app):
    olga = signed_in(app, OPERATOR)
    csrf = csrf_of(olga.get(f"{BETRIEB}/organisation-registrieren").text)
    before = head(services).id
    taken = olga.post(f"{BETRIEB}/organisation-registrieren", data={"csrf": csrf, **NEW, "id": "stadt-aachen", "name": "Stadt Aachen neu"})
    assert taken.status_code == 409
    assert field_problems(taken.text, "id") == [
        "Unter der Kennung „stadt-aachen“ ist schon eine Organisation registriert; bitte eine andere Kennung wählen."
    ]
    assert head(services).id == before and services.catalog.publisher("stadt-aachen").name == "Stadt Aachen"
    with pytest.raises(HubError) as refused:
        organisations.register(
            services, b"id: stadt-aachen\nname: Stadt Aachen\ntype: stadt\n", by=accounts_of(services, OPERATOR), new=True
        )
    assert [p.code for p in refused.value.problems] == ["organisation-exists"]


def accounts_of(services: Services, email: str):
    account = services.accounts.get(email)
    assert account is not None
    return account


def test_an_operator_changes_another_organisations_record(services, app):
    olga = signed_in(app, OPERATOR)
    form = olga.get(f"{BETRIEB}/organisationen/stadt-aachen")
    assert form.status_code == 200 and 'value="Stadt Aachen"' in form.text
    values = {"name": "Stadt Aachen", "type": "stadt", "state": "Nordrhein-Westfalen", "kreisfrei": "ja", "id": "wird-ignoriert"}
    changed = olga.post(f"{BETRIEB}/organisationen/stadt-aachen", data={"csrf": csrf_of(form.text), **values}, follow_redirects=False)
    assert changed.status_code == 303 and changed.headers["location"] == f"{BETRIEB}/organisationen/stadt-aachen?hinweis=gespeichert"
    record = services.catalog.publisher("stadt-aachen")
    assert record.state == "Nordrhein-Westfalen" and record.kreisfrei is True
    assert services.catalog.publisher("wird-ignoriert") is None  # the address names the record, not a form field
    commit = head(services)
    assert commit.message.startswith("Organisation Stadt Aachen geändert\n") and f"Hub-Person: {OPERATOR}\n" in commit.message
    assert commit.author.name == "Stadt Soest"
    missing = olga.get(f"{BETRIEB}/organisationen/stadt-gibt-es-nicht")
    assert missing.status_code == 404 and "ist im Katalog nicht registriert" in missing.text


def test_an_admin_changes_their_own_organisations_record_and_no_other(services, app):
    anton = signed_in(app, ADMIN)
    listed = anton.get(f"{VERWALTUNG}/organisationen").text
    assert f'href="{VERWALTUNG}/organisation"' in listed and "Organisation registrieren" not in listed
    form = anton.get(f"{VERWALTUNG}/organisation")
    assert form.status_code == 200 and "<h1>Eintrag von Stadt Aachen</h1>" in form.text
    values = {"name": "Stadt Aachen", "type": "stadt", "url": "https://www.aachen.de", "contact-0-name": "Digitalisierung"}
    values["contact-0-email"] = "digital@aachen.example"
    before = head(services).id
    saved = anton.post(
        f"{VERWALTUNG}/organisation", data={"csrf": csrf_of(form.text), **values, "id": "stadt-soest"}, follow_redirects=False
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"{VERWALTUNG}/organisation?hinweis=gespeichert"
    assert services.catalog.publisher("stadt-aachen").url == "https://www.aachen.de"
    assert services.catalog.publisher("stadt-soest").url is None  # the id field cannot aim the write elsewhere
    commit = head(services)
    assert commit.parents[0].id == before and commit.author.name == "Stadt Aachen" and f"Hub-Person: {ADMIN}\n" in commit.message
    shown = anton.get(saved.headers["location"]).text
    assert "Der Eintrag ist gespeichert" in shown and 'value="digital@aachen.example"' in shown
    # a refused save: the form again, nothing written
    refused = anton.post(f"{VERWALTUNG}/organisation", data={"csrf": csrf_of(shown), **values, "ags": "1234"})
    assert refused.status_code == 422 and field_problems(refused.text, "ags")[0].startswith("Der Wert „1234“ hat nicht die erwartete Form.")
    assert head(services).id == commit.id
    # the use case refuses another organisation, a new one, and a person without the admin role
    data = b"id: stadt-soest\nname: Stadt Soest\ntype: stadt\n"
    for by, kwargs in (
        (accounts_of(services, ADMIN), {"expected_id": "stadt-soest"}),
        (accounts_of(services, ADMIN), {"new": True}),
        (accounts_of(services, ADOPTER), {"expected_id": "stadt-aachen"}),
    ):
        with pytest.raises(Forbidden):
            organisations.register(
                services, data if "soest" in str(kwargs) or kwargs.get("new") else data.replace(b"soest", b"aachen"), by=by, **kwargs
            )
    assert head(services).id == commit.id


OPERATOR_PAGES = (
    "/",
    "/organisationen",
    "/organisation-registrieren",
    "/organisationen/stadt-aachen",
    "/organisationen/stadt-soest",
    "/quellen",
    "/quellen/liste",
    "/quellen/ernte",
    "/quellen/ernte/stand",
    "/tokens",
    "/personen",
)
OPERATOR_FORMS = (
    ("/organisation-registrieren", {**NEW}),
    ("/organisationen/stadt-soest", {"name": "Stadt Soest gekapert", "type": "stadt"}),
    ("/organisationen/stadt-aachen", {"name": "Stadt Aachen gekapert", "type": "stadt"}),
    ("/quellen/ernten", {}),
    ("/quellen/liste", {"liste": "sources: []\n"}),
    ("/tokens", {"org": "stadt-aachen", "role": "admin"}),
    ("/tokens/1/widerrufen", {}),
    ("/personen", {"email": ADMIN}),
    ("/personen/entziehen", {"email": OPERATOR}),
)


@pytest.mark.parametrize("email", [ADMIN, ADOPTER])
def test_an_organisations_admin_reaches_no_operator_page_or_form_by_url_or_post(services, app, email):
    client = signed_in(app, email)
    start = client.get("/arbeitsbereich/")
    assert BETRIEB not in start.text
    hub_token = services.tokens.create("stadt-soest", "admin", "Betrieb")[1]
    for path in OPERATOR_PAGES:
        page = client.get(BETRIEB + path)
        assert page.status_code == 403, path
        assert "<h1>Keine Berechtigung</h1>" in page.text and "Dafür ist die Rolle „Betrieb“ (operator) nötig" in page.text, path
    before, tokens_before = head(services).id, services.tokens.history()
    csrf = csrf_of(start.text)
    for path, data in OPERATOR_FORMS:
        refused = client.post(BETRIEB + path.replace("/1/", f"/{hub_token.id}/"), data={"csrf": csrf, **data})
        assert refused.status_code == 403 and "Keine Berechtigung" in refused.text, path
    assert head(services).id == before and services.tokens.history() == tokens_before
    assert services.accounts.get(OPERATOR).roles == ["operator"] and services.accounts.get(ADMIN).roles == ["admin"]
    assert not (services.config.data_dir / "harvest-run.json").exists()


def test_an_admin_neither_grants_nor_takes_the_operator_role_and_issues_no_hub_wide_token(services, app):
    berta = signed_in(app, OTHER_ADMIN)  # admin of Stadt Soest, where the operator olga works
    people = berta.get(f"{VERWALTUNG}/personen")
    csrf = csrf_of(people.text)
    assert 'value="operator"' not in people.text  # no checkbox for it
    refused = berta.post(f"{VERWALTUNG}/personen/{OTHER_ADMIN}/rollen", data={"csrf": csrf, "roles": ["admin", "operator"]})
    assert refused.status_code == 403 and "Die Rolle „Betrieb“ (operator) gilt für den ganzen Hub" in refused.text
    created = berta.post(
        f"{VERWALTUNG}/personen", data={"csrf": csrf, "email": "neu@soest.example", "roles": ["operator"], "password": PASSWORD}
    )
    assert created.status_code == 403 and services.accounts.get("neu@soest.example") is None
    # changing the operator's other roles keeps the operator role
    kept = berta.post(f"{VERWALTUNG}/personen/{OPERATOR}/rollen", data={"csrf": csrf, "roles": ["reviewer"]}, follow_redirects=False)
    assert kept.status_code == 303 and services.accounts.get(OPERATOR).roles == ["reviewer", "operator"]
    assert "Außerdem hat das Konto die Rolle Betrieb" in berta.get(f"{VERWALTUNG}/personen/{OPERATOR}").text
    admin_token = berta.post(f"{VERWALTUNG}/tokens", data={"csrf": csrf, "org": "stadt-soest", "role": "admin"})
    assert admin_token.status_code == 403 and "wer die Rolle „Betrieb“ (operator) hat" in admin_token.text
    assert all(r.role != "admin" for r, _ in services.tokens.history())
    assert not accounts_of(services, OTHER_ADMIN).has("operator") and accounts_of(services, OTHER_ADMIN).has("publisher", "reviewer")


def test_an_operator_grants_and_withdraws_the_role_but_not_from_themselves(services, app):
    olga = signed_in(app, OPERATOR)
    page = olga.get(f"{BETRIEB}/personen")
    assert page.status_code == 200 and OPERATOR in page.text and ADMIN not in page.text
    csrf = csrf_of(page.text)
    granted = olga.post(f"{BETRIEB}/personen", data={"csrf": csrf, "email": " Anton@Aachen.example "}, follow_redirects=False)
    assert granted.status_code == 303 and services.accounts.get(ADMIN).roles == ["admin", "operator"]
    assert "Die Rolle Betrieb ist vergeben" in olga.get(granted.headers["location"]).text
    anton = signed_in(app, ADMIN)
    assert anton.get(f"{BETRIEB}/quellen").status_code == 200  # at the next page
    unknown = olga.post(f"{BETRIEB}/personen", data={"csrf": csrf, "email": "niemand@aachen.example"})
    assert unknown.status_code == 404 and "gibt es nicht" in unknown.text and 'value="niemand@aachen.example"' in unknown.text
    own = olga.post(f"{BETRIEB}/personen/entziehen", data={"csrf": csrf, "email": OPERATOR})
    assert own.status_code == 409 and "können Sie Ihrem eigenen Konto nicht nehmen" in own.text
    assert services.accounts.get(OPERATOR).roles == ["operator"]
    taken = olga.post(f"{BETRIEB}/personen/entziehen", data={"csrf": csrf, "email": ADMIN}, follow_redirects=False)
    assert taken.status_code == 303 and services.accounts.get(ADMIN).roles == ["admin"]
    assert anton.get(f"{BETRIEB}/quellen").status_code == 403
    without = olga.post(f"{BETRIEB}/personen", data={"email": ADMIN})
    assert without.status_code == 403 and services.accounts.get(ADMIN).roles == ["admin"]  # no CSRF token: refused


def test_an_operator_issues_a_hub_wide_admin_token_shown_once_that_registers_organisations_in_the_api(services, app):
    olga = signed_in(app, OPERATOR)
    page = olga.get(f"{BETRIEB}/tokens")
    assert page.status_code == 200 and "<h1>Hub-weite API-Tokens</h1>" in page.text
    services.tokens.create("stadt-aachen", "adopter", "nicht hub-weit")
    assert "nicht hub-weit" not in olga.get(f"{BETRIEB}/tokens").text  # only the hub-wide ones are listed here
    made = olga.post(
        f"{BETRIEB}/tokens", data={"csrf": csrf_of(page.text), "org": "stadt-aachen", "note": "Landesportal"}, follow_redirects=False
    )
    assert made.status_code == 303 and made.headers["location"].startswith(f"{BETRIEB}/tokens/neu/")
    shown = olga.get(made.headers["location"])
    secret = re.search(r'id="secret" type="text" readonly size="60" value="(th_[^"]+)"', shown.text).group(1)
    assert olga.get(made.headers["location"]).status_code == 410
    record = services.tokens.lookup(secret)
    assert (record.org, record.role, record.note) == ("stadt-aachen", "admin", "Landesportal")
    put = TestClient(app).put(
        "/api/v1/publishers/kreis-soest",
        content=b"id: kreis-soest\nname: Kreis Soest\ntype: kreis\n",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert put.status_code == 200, put.text
    assert head(services).author.name == "Stadt Aachen" and "Hub-Person" not in head(services).message
    row = re.search(rf'<tr id="token-{record.id}">(.*?)</tr>', olga.get(f"{BETRIEB}/tokens").text, re.S).group(1)
    assert "Stadt Aachen (stadt-aachen)" in row and "Landesportal" in row
    revoked = olga.post(f"{BETRIEB}/tokens/{record.id}/widerrufen", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert revoked.status_code == 303 and services.tokens.lookup(secret) is None
    other = services.tokens.create("stadt-aachen", "publisher")[1]
    refused = olga.post(f"{BETRIEB}/tokens/{other.id}/widerrufen", data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 404 and "hub-weites Token" in refused.text  # an organisation's own token is its admin's


def test_the_operator_role_comes_from_the_shell_and_the_providers_roles_claim(services, capsys, monkeypatch):
    import io
    import sys

    from hub.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    data = str(services.config.data_dir)
    code = main(["--data", data, "user", "create", "--org", "stadt-aachen", "--role", "operator", "ops@aachen.example", "--password-stdin"])
    assert code == 0, capsys.readouterr().err
    assert services.accounts.get("ops@aachen.example").roles == ["operator"]
    assert main(["--data", data, "user", "roles", ADMIN, "--role", "admin", "--role", "operator"]) == 0
    assert services.accounts.get(ADMIN).roles == ["admin", "operator"]
    config = OidcConfig(issuer="https://idp.example", client_id="hub", client_secret="x", org_claim="org", roles_claim="rollen")
    person = claimed(config, {"email": "p@soest.example", "org": "stadt-soest", "rollen": "operator gast adopter"})
    assert person.roles == ["adopter", "operator"]


def test_an_operator_edits_the_list_of_sources_through_the_use_case_of_hub_sources_set(services, app, tmp_path):
    olga = signed_in(app, OPERATOR)
    editor = olga.get(f"{BETRIEB}/quellen/liste")
    assert editor.status_code == 200 and "sources: []" in editor.text  # no list yet: an empty one with an example to copy
    csrf = csrf_of(editor.text)
    before = head(services).id
    wrong = "sources:\n  - name: Musterstadt\n    url: https://git.musterstadt.example/pakete.git\n"
    refused = olga.post(f"{BETRIEB}/quellen/liste", data={"csrf": csrf, "liste": wrong})
    assert refused.status_code == 422 and "Die Quellenliste wurde nicht gespeichert." in refused.text
    assert re.search(r'<li class="error">Zeile 2: Der Wert „Musterstadt“ hat nicht die erwartete Form', refused.text)
    assert "name: Musterstadt" in refused.text and head(services).id == before  # what was typed stays, nothing written
    right = (
        f"sources:\r\n  - name: musterstadt\r\n    url: file://{tmp_path}/quelle\r\n    publisher: stadt-soest\r\n    enabled: false\r\n"
    )
    saved = olga.post(f"{BETRIEB}/quellen/liste", data={"csrf": csrf, "liste": right}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"{BETRIEB}/quellen?hinweis=quellen-gespeichert"
    commit = head(services)
    assert commit.author.name == "Stadt Soest" and f"Hub-Person: {OPERATOR}\n" in commit.message
    assert commit.tree["sources.yaml"].data.decode() == right.replace("\r\n", "\n")
    listed = olga.get(saved.headers["location"]).text
    assert "Die Quellenliste ist gespeichert" in listed and '<tr id="quelle-musterstadt">' in listed
    assert "name: musterstadt" in olga.get(f"{BETRIEB}/quellen/liste").text


def test_every_route_of_the_operators_pages_is_refused_to_an_organisations_admin(services, app):
    """A sweep over the app's routes, so an operator page added later cannot forget its guard."""
    anton = signed_in(app, ADMIN)
    csrf = csrf_of(anton.get("/arbeitsbereich/").text)
    concrete = {"{org:str}": "stadt-aachen", "{reveal_id:str}": "x", "{token_id:int}": "1"}
    swept = []
    before = head(services).id
    for route in app.routes:
        if not route.path.startswith(BETRIEB):
            continue
        path = route.path
        for placeholder, value in concrete.items():
            path = path.replace(placeholder, value)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            answer = anton.request(method, path, data={"csrf": csrf} if method == "POST" else None)
            assert answer.status_code == 403 and "Dafür ist die Rolle „Betrieb“ (operator) nötig" in answer.text, (method, path)
            swept.append((method, path))
    assert {("GET", BETRIEB + p) for p in OPERATOR_PAGES if p not in ("/", "/organisationen/stadt-soest")} <= set(swept)
    assert {("POST", BETRIEB + p) for p, _ in OPERATOR_FORMS if "stadt-soest" not in p} <= set(swept)
    assert head(services).id == before
