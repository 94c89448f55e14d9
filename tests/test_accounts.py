"""Local accounts of the workspace: created by the CLI with an Argon2 hash, sessions and the sign-in throttle."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from hub.accounts import OwnAccountProtected, ProviderAccount, ResetLinkInvalid, SignInFailed, SignInThrottle, SignInThrottled
from hub.cli import main
from hub.errors import Conflict, Forbidden
from hub.oidc import OidcConfig, OidcRefused, check_id_token, claimed
from hub.sessions import REVEAL_MINUTES, CsrfRefused, SessionStore
from hub.usecases import accounts
from tests.factory import make_services

PASSWORD = "Fahrradkette-Rathaus-42"


@pytest.fixture
def hub(capsys, monkeypatch):
    """The ``hub`` command in this process (a new interpreter per call costs seconds), ``stdin`` as its input."""

    def run(data: Path, *args: str, stdin: str = "") -> SimpleNamespace:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--data", str(data), *args])
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)

    return run


def stored_bytes(data: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data.glob("accounts.sqlite*"))


@pytest.fixture
def services(tmp_path):
    with make_services(tmp_path) as services:
        yield services


def test_cli_creates_lists_and_disables_accounts_storing_only_an_argon2_hash(services, hub):
    data = services.config.data_dir
    created = hub(
        data,
        "user",
        "create",
        "--org",
        "stadt-soest",
        "--role",
        "adopter",
        "--role",
        "publisher",
        "Anna@Soest.example",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    assert "anna@soest.example" in created.stdout and "adopter, publisher" in created.stdout
    with sqlite3.connect(data / "accounts.sqlite") as db:
        (hashed,) = db.execute("SELECT hash FROM accounts WHERE email = 'anna@soest.example'").fetchone()
    assert hashed.startswith("$argon2id$")
    assert PASSWORD.encode() not in stored_bytes(data)
    listed = json.loads(hub(data, "user", "list", "--json").stdout)
    assert listed == [
        {"email": "anna@soest.example", "org": "stadt-soest", "roles": ["adopter", "publisher"], "created": listed[0]["created"]}
    ]
    assert "argon2" not in hub(data, "user", "list").stdout
    again = hub(
        data, "user", "create", "--org", "stadt-soest", "--role", "adopter", "anna@soest.example", "--password-stdin", stdin=PASSWORD
    )
    assert (again.returncode, again.stderr.strip()) == (4, "Fehler: Für anna@soest.example gibt es bereits ein Konto.")
    disabled = hub(data, "user", "disable", "anna@soest.example")
    assert disabled.returncode == 0 and "gesperrt" in disabled.stdout
    assert json.loads(hub(data, "user", "list", "--json").stdout)[0]["disabled"] is True
    assert hub(data, "user", "disable", "niemand@soest.example").returncode == 3


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (["--org", "stadt-soest", "--role", "adopter"], "kurz\n", 2, "mindestens 12 Zeichen"),
        (["--org", "stadt-unbekannt", "--role", "adopter"], PASSWORD, 1, "nicht registriert"),
    ],
)
def test_cli_refuses_bad_accounts_and_creates_nothing(services, hub, args, stdin, code, message):
    data = services.config.data_dir
    result = hub(data, "user", "create", *args, "bernd@soest.example", "--password-stdin", stdin=stdin)
    assert result.returncode == code and message in result.stderr
    assert accounts.listed(services) == []


def test_without_a_terminal_the_password_must_come_from_stdin(services, hub):
    result = hub(services.config.data_dir, "user", "create", "--org", "stadt-soest", "--role", "adopter", "c@soest.example")
    assert result.returncode == 2 and "--password-stdin" in result.stderr
    assert accounts.listed(services) == []


def test_not_an_email_address_is_refused(services):
    with pytest.raises(Exception, match="keine gültige E-Mail-Adresse"):
        accounts.create(services, "anna <anna@soest.example>", "stadt-soest", ["adopter"], PASSWORD)


def test_sign_in_gives_the_same_answer_for_unknown_account_disabled_account_and_wrong_password(services):
    accounts.create(services, "anna@soest.example", "stadt-soest", ["adopter"], PASSWORD)
    accounts.create(services, "gesperrt@soest.example", "stadt-soest", ["adopter"], PASSWORD)
    accounts.disable(services, "gesperrt@soest.example")
    messages = set()
    for email, password in [
        ("anna@soest.example", "falsch-falsch-falsch"),
        ("niemand@soest.example", PASSWORD),
        ("gesperrt@soest.example", PASSWORD),
    ]:
        with pytest.raises(SignInFailed) as refused:
            accounts.sign_in(services, accounts.begin(services), email, password, "192.0.2.1")
        messages.add(refused.value.detail)
    assert messages == {"E-Mail-Adresse oder Passwort ist falsch."}
    form = accounts.begin(services)
    session, account = accounts.sign_in(services, form, " Anna@Soest.example ", PASSWORD, "192.0.2.1")
    assert (account.email, account.org, session.email) == ("anna@soest.example", "stadt-soest", "anna@soest.example")
    assert session.id != form.id and services.sessions.get(form.id) is None  # a fresh id at sign-in
    assert accounts.current(services, session.id) == (session, account)
    accounts.disable(services, "anna@soest.example")  # ends the sessions at once
    assert accounts.current(services, session.id) is None


def test_throttle_locks_a_key_for_a_growing_window_after_the_free_attempts(tmp_path):
    now = [1000.0]
    throttle = SignInThrottle(tmp_path / "a.sqlite", free=2, base=1.0, ceiling=8.0, forget=100.0, clock=lambda: now[0])
    waits = []
    for _ in range(7):
        throttle.failed("account:x")
        waits.append(throttle.wait("account:x"))
    assert waits == [0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert throttle.wait("address:y") == 0.0  # keys are separate
    now[0] += 200.0  # long quiet: counting starts again
    throttle.failed("account:x")
    assert throttle.wait("account:x") == 0.0
    throttle.clear("account:x")
    assert throttle.wait("account:x") == 0.0


def test_a_locked_account_is_refused_even_with_the_right_password(services):
    accounts.create(services, "anna@soest.example", "stadt-soest", ["adopter"], PASSWORD)
    for _ in range(4):  # three free, the fourth locks
        with pytest.raises(SignInFailed):
            accounts.sign_in(services, accounts.begin(services), "anna@soest.example", "falsch-falsch-falsch", "192.0.2.7")
    with pytest.raises(SignInThrottled) as throttled:
        accounts.sign_in(services, accounts.begin(services), "anna@soest.example", PASSWORD, "192.0.2.8")
    assert throttled.value.retry_after >= 1 and "erneut versuchen" in throttled.value.detail


def test_sessions_expire_when_idle_or_too_old_and_end_on_sign_out(tmp_path):
    now = [0.0]
    store = SessionStore(tmp_path / "s.sqlite", idle=600, absolute=3600, clock=lambda: now[0])
    session = store.start("anna@soest.example")
    assert store.get(session.id) == session
    now[0] = 599
    assert store.get(session.id) is not None
    now[0] = 1100  # idle 501 s since the last touch at 599
    assert store.get(session.id) is not None
    now[0] = 1800  # idle 700 s
    assert store.get(session.id) is None
    old = store.start("anna@soest.example")
    for step in range(1, 9):  # active all the time, but the absolute lifetime ends it
        now[0] = 1800 + step * 500
        alive = store.get(old.id)
    assert alive is None
    ended = store.start("anna@soest.example")
    store.end(ended.id)
    assert store.get(ended.id) is None
    assert store.get("erfunden") is None and store.get(None) is None
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        ids = [row[0] for row in db.execute("SELECT hash FROM sessions")]
    assert ended.id not in ids and old.id not in ids  # only hashes are stored


def test_csrf_token_must_match_the_session(tmp_path):
    store = SessionStore(tmp_path / "s.sqlite", idle=600, absolute=3600)
    one, other = store.start(), store.start()
    one.check_csrf(one.csrf)
    for wrong in (None, "", other.csrf, one.csrf + "x"):
        with pytest.raises(CsrfRefused):
            one.check_csrf(wrong)


def test_the_providers_claims_map_to_a_person_by_the_documented_rule():
    config = OidcConfig(issuer="https://id.example", client_id="transferhub", client_secret="x", org_claim="org", roles_claim="rollen")
    person = claimed(config, {"email": "a@soest.example", "org": "stadt-soest", "rollen": "adopter gast reviewer"})
    assert (person.email, person.org, person.roles) == ("a@soest.example", "stadt-soest", ["adopter", "reviewer"])
    assert claimed(config, {"email": "a@soest.example", "org": "stadt-soest", "rollen": ["admin"]}).roles == ["admin"]
    for claims, reason in [
        ({"email": "a@soest.example", "email_verified": False, "org": "stadt-soest", "rollen": "adopter"}, "bestätigte E-Mail"),
        ({"org": "stadt-soest", "rollen": "adopter"}, "bestätigte E-Mail"),
        ({"email": "a@soest.example", "rollen": "adopter"}, "Claim „org“"),
        ({"email": "a@soest.example", "org": "stadt-soest", "rollen": "gast"}, "keine Rolle"),
    ]:
        with pytest.raises(OidcRefused, match=reason):
            claimed(config, claims)


def test_a_provider_account_follows_the_claims_but_never_takes_over_a_local_or_disabled_one(services):
    first = services.accounts.from_provider("Erika@Soest.example", "stadt-soest", ["adopter"])
    again = services.accounts.from_provider("erika@soest.example", "stadt-aachen", ["publisher", "adopter"])
    assert (first.org, again.org, again.roles) == ("stadt-soest", "stadt-aachen", ["publisher", "adopter"])
    with pytest.raises(SignInFailed):  # no password signs in as a provider's person
        accounts.sign_in(services, accounts.begin(services), "erika@soest.example", "!oidc", "192.0.2.9")
    accounts.create(services, "anna@soest.example", "stadt-soest", ["adopter"], PASSWORD)
    with pytest.raises(Forbidden, match="lokales Konto"):
        services.accounts.from_provider("anna@soest.example", "stadt-soest", ["admin"])
    accounts.disable(services, "erika@soest.example")
    with pytest.raises(Forbidden, match="gesperrt"):
        services.accounts.from_provider("erika@soest.example", "stadt-soest", ["adopter"])
    with pytest.raises(Forbidden, match="nicht registriert"):
        services.accounts.from_provider("neu@nirgendwo.example", "stadt-nirgendwo", ["adopter"])


def test_an_id_token_must_be_signed_by_the_provider_for_this_hub_current_and_with_our_nonce():
    key, stranger = RSAKey.generate_key(2048, parameters={"kid": "a"}), RSAKey.generate_key(2048, parameters={"kid": "a"})
    keys = KeySet([key]).as_dict(private=False)
    now = int(time.time())
    good = {"iss": "https://id.example", "aud": "transferhub", "sub": "erika", "nonce": "n1", "iat": now, "exp": now + 300}

    def token(claims: dict, signer=key, alg: str = "RS256") -> str:
        return jwt.encode({"alg": alg, "kid": "a"}, claims, signer)

    assert check_id_token(token(good), keys, "https://id.example", "transferhub", "n1")["sub"] == "erika"
    for forged, reason in [
        (token(good, stranger), "Signatur"),
        (token(good | {"nonce": "n2"}), "nonce"),
        (token(good | {"aud": "anderer-client"}), "aud"),
        (token(good | {"iss": "https://boese.example"}), "iss"),
        (token(good | {"exp": now - 3600, "iat": now - 7200}), "exp"),
        (token({k: v for k, v in good.items() if k != "nonce"}), "nonce"),
        (jwt.encode({"alg": "HS256"}, good, OctKey.import_key("x" * 32)), "Signatur"),
    ]:
        with pytest.raises(OidcRefused, match=reason):
            check_id_token(forged, keys, "https://id.example", "transferhub", "n1")


def test_cli_sets_roles_enables_and_resets_passwords_ending_every_session(services, hub):
    data = services.config.data_dir
    accounts.create(services, "anna@soest.example", "stadt-soest", ["adopter"], PASSWORD)
    session, _ = accounts.sign_in(services, accounts.begin(services), "anna@soest.example", PASSWORD, "192.0.2.1")
    roles = hub(data, "user", "roles", "Anna@Soest.example", "--role", "reviewer", "--role", "publisher")
    assert roles.returncode == 0 and "Rollen jetzt reviewer, publisher" in roles.stdout
    assert services.accounts.get("anna@soest.example").roles == ["reviewer", "publisher"]
    assert hub(data, "user", "roles", "niemand@soest.example", "--role", "adopter").returncode == 3
    assert hub(data, "user", "disable", "anna@soest.example").returncode == 0
    enabled = hub(data, "user", "enable", "anna@soest.example")
    assert enabled.returncode == 0 and "wieder zugelassen" in enabled.stdout and not services.accounts.get("anna@soest.example").disabled
    session, _ = accounts.sign_in(services, accounts.begin(services), "anna@soest.example", PASSWORD, "192.0.2.1")
    # a new password from stdin: set at once, the rules of a new account, every session ends
    short = hub(data, "user", "reset-password", "anna@soest.example", "--password-stdin", stdin="kurz\n")
    assert short.returncode == 2 and "mindestens 12 Zeichen" in short.stderr and accounts.current(services, session.id) is not None
    reset = hub(data, "user", "reset-password", "anna@soest.example", "--password-stdin", stdin="Ganz-neues-Passwort-9\n")
    assert reset.returncode == 0 and "Neues Passwort für anna@soest.example gesetzt" in reset.stdout
    assert accounts.current(services, session.id) is None
    assert services.accounts.verify("anna@soest.example", "Ganz-neues-Passwort-9") is not None
    assert services.accounts.verify("anna@soest.example", PASSWORD) is None
    # a one-time link: printed under the hub's address, stored only as a hash
    made = hub(data, "user", "reset-password", "anna@soest.example", "--base-url", "https://hub.example/")
    assert made.returncode == 0 and "gültig bis" in made.stderr
    link = made.stdout.strip()
    assert link.startswith("https://hub.example/passwort/")
    token = link.rsplit("/", 1)[1]
    assert token.encode() not in stored_bytes(data)
    bare = hub(data, "user", "reset-password", "anna@soest.example")  # no address known: the path, and how to complete it
    assert bare.stdout.startswith("/passwort/") and "an die Adresse des Hubs anhängen" in bare.stderr
    with pytest.raises(ResetLinkInvalid):  # the newer link replaced it
        accounts.reset_for(services, token)


def test_a_reset_link_works_once_within_its_time_and_not_for_disabled_or_provider_accounts(services):
    store = services.accounts
    accounts.create(services, "anna@soest.example", "stadt-soest", ["adopter"], PASSWORD)
    token, expires = store.reset_link("anna@soest.example", now=1000.0)
    assert expires == 1000.0 + 24 * 3600
    assert store.reset_for(token, now=expires - 1).email == "anna@soest.example"
    with pytest.raises(ResetLinkInvalid):
        store.reset_for(token, now=expires + 1)
    with pytest.raises(ResetLinkInvalid):
        store.use_reset(token, "Ganz-neues-Passwort-9", now=expires + 1)
    assert store.verify("anna@soest.example", PASSWORD) is not None  # an expired link changed nothing
    token, _ = store.reset_link("anna@soest.example")
    session, _ = accounts.sign_in(services, accounts.begin(services), "anna@soest.example", PASSWORD, "192.0.2.1")
    assert accounts.use_reset_link(services, token, "Ganz-neues-Passwort-9").email == "anna@soest.example"
    assert accounts.current(services, session.id) is None
    with pytest.raises(ResetLinkInvalid):
        accounts.use_reset_link(services, token, "Noch-ein-Passwort-10")
    assert store.verify("anna@soest.example", "Ganz-neues-Passwort-9") is not None
    token, _ = store.reset_link("anna@soest.example")
    accounts.disable(services, "anna@soest.example")  # its link goes with it
    with pytest.raises(ResetLinkInvalid):
        accounts.reset_for(services, token)
    with pytest.raises(Conflict, match="deaktiviert"):
        store.reset_link("anna@soest.example")
    store.from_provider("olga@soest.example", "stadt-soest", ["adopter"])
    with pytest.raises(ProviderAccount):
        accounts.reset_link(services, "olga@soest.example")
    with pytest.raises(ProviderAccount):
        accounts.set_roles(services, "olga@soest.example", ["admin"])


def test_in_the_workspace_an_admin_acts_only_on_their_own_organisation_and_keeps_their_own_admin_role(services):
    admin = accounts.create(services, "ada@soest.example", "stadt-soest", ["admin"], PASSWORD)
    accounts.create(services, "anna@soest.example", "stadt-soest", ["adopter"], PASSWORD)
    other = accounts.create(services, "otto@other.example", "stadt-aachen", ["adopter"], PASSWORD)
    assert [a.email for a in accounts.listed(services, by=admin)] == ["ada@soest.example", "anna@soest.example"]
    assert accounts.set_roles(services, "anna@soest.example", ["adopter", "reviewer"], by=admin).roles == ["adopter", "reviewer"]
    for change in (
        lambda: accounts.set_roles(services, other.email, ["admin"], by=admin),
        lambda: accounts.enable(services, other.email, by=admin),
        lambda: accounts.disable(services, other.email, by=admin),
        lambda: accounts.reset_link(services, other.email, by=admin),
        lambda: accounts.create(services, "neu@other.example", "stadt-aachen", ["adopter"], PASSWORD, by=admin),
    ):
        with pytest.raises(Forbidden, match="nur Konten Ihrer eigenen Organisation"):
            change()
    assert services.accounts.get(other.email) == other and services.accounts.get("neu@other.example") is None
    with pytest.raises(OwnAccountProtected):
        accounts.set_roles(services, admin.email, ["adopter"], by=admin)
    with pytest.raises(OwnAccountProtected):
        accounts.disable(services, admin.email, by=admin)
    not_admin = services.accounts.get("anna@soest.example")
    with pytest.raises(Forbidden):
        accounts.set_roles(services, admin.email, ["adopter"], by=not_admin)
    assert services.accounts.get(admin.email).roles == ["admin"]
    # the shell (the operator) may do what an admin may not
    assert accounts.set_roles(services, admin.email, ["adopter"]).roles == ["adopter"]


def test_a_held_secret_is_sealed_shown_once_to_its_own_session_and_gone_with_time_or_the_session(tmp_path):
    now = [0.0]
    store = SessionStore(tmp_path / "s.sqlite", idle=3600, absolute=7200, clock=lambda: now[0])
    mine, other = store.start("ada@soest.example"), store.start("max@soest.example")
    secret = "th_" + "geheim" * 8
    held = store.hold_secret(mine.id, secret)
    assert secret.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("s.sqlite*"))  # sealed with the session's id
    assert store.reveal(other.id, held) is None  # another session cannot take it, nor use it up
    assert store.reveal(mine.id, held) == secret
    assert store.reveal(mine.id, held) is None  # once
    late = store.hold_secret(mine.id, secret)
    now[0] = REVEAL_MINUTES * 60 + 1
    assert store.reveal(mine.id, late) is None  # too old
    ended = store.hold_secret(mine.id, secret)
    store.end_all("ada@soest.example")
    with sqlite3.connect(tmp_path / "s.sqlite") as db:
        assert db.execute("SELECT count(*) FROM reveals").fetchone() == (0,)  # gone with the session
    assert store.reveal(mine.id, ended) is None
