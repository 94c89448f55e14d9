"""hub serve's publishes run in a writer process (hub/api/writer.py): the same use case, all or nothing, its errors
arriving as raised, at a lower priority than the process that answers the reads."""

from __future__ import annotations

import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pygit2
import pytest

from hub.api.controllers.packages import _publish
from hub.api.writer import NICENESS, Writer
from hub.errors import Forbidden, InvalidPackage, VersionExists
from hub.services import Services
from hub.validate import PackageFiles, validate_package
from tests.factory import make_services, package_files, register_test_organisations


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
