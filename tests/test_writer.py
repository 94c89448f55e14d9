"""hub serve's publishes run in a writer process (hub/api/writer.py): the same use case, all or nothing, its errors
arriving as raised, at a lower priority than the process that answers the reads."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import httpx
import pygit2
import pytest

from hub.api.controllers.packages import _publish
from hub.api.writer import NICENESS, Writer, _publish_batch
from hub.errors import Forbidden, InvalidPackage, ShuttingDown, VersionExists
from hub.model import PublishResult
from hub.services import Services
from hub.validate import PackageFiles, validate_package
from tests.factory import archive, make_services, package_files, register_test_organisations
from tests.server import start_server


def where(services: Services) -> tuple[int, int]:
    """In the writer process: its pid and niceness."""
    return os.getpid(), os.nice(0)


def refuse(services: Services) -> None:
    raise InvalidPackage("kaputt", problems=validate_package(PackageFiles({"hub.yaml": b"id: [1"})).problems)


@pytest.fixture
def served(tmp_path):
    services = make_services(tmp_path)
    register_test_organisations(services.catalog)
    services.catch_up()
    writer = Writer(services.config)
    yield services, writer
    writer.close()
    services.close()


def checked(package_id: str, version: str) -> tuple[PackageFiles, object]:
    package = PackageFiles(package_files(package_id, version))
    return package, validate_package(package)


def test_a_publish_in_the_writer_is_committed_by_the_organisation_and_indexed_before_the_answer(served):
    services, writer = served
    _, token = services.tokens.create("stadt-soest", "publisher")
    result = writer.run(_publish, token, *checked("stadt-soest/laternenumzug", "1.0.0"))
    head = services.catalog.head()
    assert head is not None and str(head.id) == result.commit
    assert head.author.name == "Stadt Soest"
    assert services.catalog.repo.references.get("refs/tags/" + result.tag) is not None
    assert services.index.commit == result.commit  # the answer came once the index had the commit
    pid, niceness = writer.run(where)
    assert pid != os.getpid() and niceness >= os.nice(0) + NICENESS


def test_refusals_arrive_as_raised_and_change_nothing(served):
    services, writer = served
    _, token = services.tokens.create("stadt-soest", "publisher")
    writer.run(_publish, token, *checked("stadt-soest/laternenumzug", "1.0.0"))
    before = services.catalog.head()
    with pytest.raises(VersionExists, match="bereits veröffentlicht"):
        writer.run(_publish, token, *checked("stadt-soest/laternenumzug", "1.0.0"))
    with pytest.raises(Forbidden):
        writer.run(_publish, token, *checked("stadt-aachen/laternenumzug", "1.0.0"))
    with pytest.raises(InvalidPackage) as invalid:
        writer.run(refuse)
    assert invalid.value.problems and invalid.value.problems[0].file == "hub.yaml"
    assert services.catalog.head() == before


def missing_object(services: Services) -> None:
    """In the writer process: an error the parent cannot unpickle (pygit2's Oid), as a lookup of a missing object raises."""
    raise KeyError(pygit2.Oid(hex="b6673188dd37209a841ac9194a197a52935ce304"))


def test_an_error_the_parent_cannot_unpickle_arrives_with_its_name_and_the_childs_traceback(served):
    from hub.child import ChildError

    _, writer = served
    with pytest.raises(ChildError) as raised:
        writer.run(missing_object)
    text = str(raised.value)
    assert text.startswith("KeyError: b6673188dd37209a841ac9194a197a52935ce304") and "in missing_object" in text
    assert writer.run(where)[0] > 0  # the child goes on serving


def test_a_writer_process_that_died_is_started_again(served):
    services, writer = served
    pid, _ = writer.run(where)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):  # what was in flight when the process died fails
        writer.run(where)
    _, token = services.tokens.create("stadt-soest", "publisher")
    result = writer.run(_publish, token, *checked("stadt-soest/laternenumzug", "1.0.0"))
    assert isinstance(services.catalog.repo.get(result.commit), pygit2.Commit)
    assert writer.run(where)[0] != pid


def test_a_batch_publishes_each_on_its_own_and_a_refused_one_leaves_the_others_intact(served):
    services, writer = served
    soest = services.tokens.create("stadt-soest", "publisher")[1]
    aachen = services.tokens.create("stadt-aachen", "publisher")[1]
    before = services.catalog.head()
    assert before is not None
    batch = [
        (soest, *checked("stadt-soest/laternenumzug", "1.0.0")),
        (aachen, *checked("stadt-aachen/laternenumzug", "1.0.0")),
        (soest, *checked("stadt-aachen/fremdes-paket", "1.0.0")),  # another organisation's package: refused
        (soest, *checked("stadt-soest/laternenumzug", "1.0.0")),  # the same version again within the batch: refused
        (aachen, *checked("stadt-aachen/karneval", "2.0.0")),
    ]
    outcomes = writer.run(_publish_batch, batch)
    assert [type(o).__name__ for o in outcomes] == ["PublishResult", "PublishResult", "Forbidden", "VersionExists", "PublishResult"]
    published = [o for o in outcomes if isinstance(o, PublishResult)]
    # each its own commit, in the batch's order, authored by its own organisation, with its own tag on that commit
    commits = [services.catalog.repo.get(o.commit) for o in published]
    assert [c.author.name for c in commits] == ["Stadt Soest", "Stadt Aachen", "Stadt Aachen"]
    assert commits[0].parents[0].id == before.id and commits[1].parents[0].id == commits[0].id
    assert commits[2].parents[0].id == commits[1].id
    for outcome in published:
        tag = services.catalog.repo.references.get("refs/tags/" + outcome.tag)
        assert tag is not None and tag.peel(pygit2.Commit).id == pygit2.Oid(hex=outcome.commit)
    head = services.catalog.head()
    assert head is not None and str(head.id) == published[-1].commit
    assert services.index.commit == published[-1].commit  # one index update after the batch's last commit
    assert "stadt-aachen/fremdes-paket" not in services.catalog.package_ids()


def test_queued_publishes_each_get_their_own_answer(served):
    services, writer = served
    tokens = {org: services.tokens.create(org, "publisher")[1] for org in ("stadt-soest", "stadt-aachen")}
    writer.warm()
    futures = [writer.publish(tokens["stadt-soest"], *checked(f"stadt-soest/paket-{n}", "1.0.0")) for n in range(6)]
    futures.append(writer.publish(tokens["stadt-aachen"], *checked("stadt-soest/paket-9", "1.0.0")))  # not its organisation
    results = [f.result(timeout=120) for f in futures[:6]]
    with pytest.raises(Forbidden):
        futures[6].result(timeout=120)
    assert sorted(r.id for r in results) == [f"stadt-soest/paket-{n}" for n in range(6)]
    assert len({r.commit for r in results}) == 6 and len({r.tag for r in results}) == 6
    assert services.index.commit == str(services.catalog.head().id)  # type: ignore[union-attr]
    assert not writer.busy


def test_concurrent_publishes_over_a_real_server_each_get_their_own_commit_tag_and_answer(tmp_path):
    server = start_server(tmp_path / "served")
    try:
        server.register("stadt-lippstadt", "Stadt Lippstadt")
        server.register("stadt-werl", "Stadt Werl")
        tokens = {org: server.token(org, "publisher") for org in ("stadt-lippstadt", "stadt-werl")}
        before = httpx.get(server.url + "/api/v1/health").json()["commit"]
        # eight publishes of two organisations at once, and a ninth whose token is not the package's organisation
        wanted = [(org, f"{org}/paket-{n}") for n in range(4) for org in tokens]
        wanted.append(("stadt-werl", "stadt-lippstadt/untergeschoben"))

        def post(item: tuple[str, str]) -> httpx.Response:
            org, package_id = item
            body = archive(package_files(package_id, "1.0.0"), "tar.gz")
            return httpx.post(
                server.url + "/api/v1/packages",
                files={"archive": ("p.tar.gz", body, "application/gzip")},
                headers={"Authorization": f"Bearer {tokens[org]}"},
                timeout=120,
            )

        with ThreadPoolExecutor(len(wanted)) as pool:
            answers = list(pool.map(post, wanted))
        assert [a.status_code for a in answers] == [201] * 8 + [403], [a.text for a in answers]
        results = [a.json() for a in answers[:8]]
        assert [r["id"] for r in results] == [package_id for _, package_id in wanted[:8]]
        assert len({r["commit"] for r in results}) == 8 and len({r["tag"] for r in results}) == 8
        repo = pygit2.Repository(str(tmp_path / "served" / "catalog.git"))
        for (org, _), result in zip(wanted, results, strict=False):
            commit = repo.get(result["commit"])
            assert commit.author.name == ("Stadt Lippstadt" if org == "stadt-lippstadt" else "Stadt Werl")
            assert repo.references.get("refs/tags/" + result["tag"]).peel(pygit2.Commit).id == commit.id
            # every answer came once the index had its commit: the package is found and read at once
            assert httpx.get(f"{server.url}/api/v1/packages/{result['id']}").json()["manifest"]["version"] == "1.0.0"
        # the catalogue: the eight commits in a row on top of what was there, nothing of the refused one
        head = repo.head.peel(pygit2.Commit)
        chain = [head]
        while len(chain) < 8:
            chain.append(chain[-1].parents[0])
        assert chain[-1].parents[0].id == pygit2.Oid(hex=before)
        assert {str(c.id) for c in chain} == {r["commit"] for r in results}
        ids = [h["id"] for h in httpx.get(server.url + "/api/v1/packages", params={"q": "paket", "limit": 50}).json()["items"]]
        assert "stadt-lippstadt/untergeschoben" not in ids and not any(p.startswith("stadt-lippstadt/untergeschoben") for p in ids)
        assert httpx.get(server.url + "/api/v1/packages/stadt-lippstadt/untergeschoben").status_code == 404
    finally:
        server.stop()


def pause(services: Services, seconds: float) -> None:
    """In the writer process: keeps it busy, as a long batch would."""
    time.sleep(seconds)


def test_a_publish_whose_client_went_away_before_its_batch_was_taken_is_not_written(served):
    services, writer = served
    token = services.tokens.create("stadt-soest", "publisher")[1]
    writer.warm()
    with ThreadPoolExecutor(1) as pool:
        busy = pool.submit(writer.run, pause, 2.0)  # the child is busy: what is queued now waits
        time.sleep(0.2)
        first = writer.publish(token, *checked("stadt-soest/erstes", "1.0.0"))  # taken at once, waits for the child
        time.sleep(0.2)
        gone = writer.publish(token, *checked("stadt-soest/abgebrochen", "1.0.0"))  # still queued behind it
        assert gone.cancel()
        busy.result(timeout=60)
    assert first.result(timeout=120).id == "stadt-soest/erstes"
    writer.publish(token, *checked("stadt-soest/danach", "1.0.0")).result(timeout=120)
    ids = services.catalog.package_ids()
    assert "stadt-soest/erstes" in ids and "stadt-soest/danach" in ids and "stadt-soest/abgebrochen" not in ids


def test_a_publish_arriving_while_the_writer_closes_is_refused_as_503_and_nothing_is_written(served):
    services, writer = served
    _, token = services.tokens.create("stadt-soest", "publisher")
    head = services.catalog.head()
    writer.close()
    with pytest.raises(ShuttingDown) as refused:
        writer.publish(token, *checked("stadt-soest/laternenumzug", "1.0.0"))
    assert refused.value.status == 503 and refused.value.code == "shutting-down"
    assert services.catalog.head() == head
