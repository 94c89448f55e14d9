"""One harvest at a time per data folder, and the workspace's run in the background with its progress (in-process)."""

from __future__ import annotations

import time

import msgspec
import pytest

from hub.federation import runs
from hub.federation.errors import HarvestRunning
from hub.federation.runs import HarvestLock, HarvestRun, SourceStep
from hub.usecases import harvest, sources
from tests.factory import make_services
from tests.served import example_source


@pytest.fixture
def services(tmp_path):
    with make_services(tmp_path / "daten") as services:
        sources.replace(services, example_source(tmp_path).read_bytes())
        yield services


def finished(services, seconds: float = 60) -> HarvestRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = harvest.status(services)
        if run is not None and run.state != "running":
            return run
        time.sleep(0.05)
    raise AssertionError("the harvest run did not end")


def test_a_run_harvests_in_the_background_records_each_sources_result_and_frees_the_lock(services):
    assert harvest.status(services) is None
    data = services.config.data_dir
    run = harvest.start(services, by="ada@ministerium.example")
    assert [s.name for s in run.sources] == ["musterstadt"] and run.by == "ada@ministerium.example"
    done = finished(services)
    assert (done.id, done.state, done.done, done.current) == (run.id, "done", 1, None) and done.finished
    [step] = done.sources
    assert step.state == "done" and step.report is not None and step.report.status == "ok"
    assert [a.id for a in step.report.accepted] == ["stadt-musterstadt/sperrmuell-termin"]
    assert services.catalog.get("stadt-musterstadt/sperrmuell-termin").manifest.version == "1.0.0"
    # the thread frees the lock right after it wrote the run's end, which the test may read first
    deadline = time.monotonic() + 10
    while runs.running(data) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not runs.running(data)
    # the next run starts (the lock went with the first) and finds nothing new
    harvest.start(services, by=None)
    again = finished(services)
    assert again.id != run.id and [len(s.report.unchanged) for s in again.sources if s.report] == [1]


def test_while_a_harvest_runs_a_second_is_refused_at_once_and_changes_nothing(services):
    data = services.config.data_dir
    head = services.catalog.repo.head.target
    lock = HarvestLock(data)  # another harvest (another process, a cron run) holds the folder
    try:
        assert runs.running(data)
        with pytest.raises(HarvestRunning, match="Eine Ernte läuft bereits"):
            harvest.start(services, by="max@ministerium.example")
        with pytest.raises(HarvestRunning):
            harvest.harvest(services)
        assert harvest.status(services) is None and services.catalog.repo.head.target == head
    finally:
        lock.release()
    assert [r.status for r in harvest.harvest(services)] == ["ok"]


def test_a_run_whose_process_ended_reads_as_aborted(services):
    data = services.config.data_dir
    left = HarvestRun(id="abc", started="2026-12-01T10:00:00+00:00", by=None, sources=[SourceStep(name="musterstadt", state="running")])
    runs.write_run(data, left)  # written by a process that was killed: nobody holds the lock
    run = harvest.status(services)
    assert run is not None and run.state == "aborted" and run.current == "musterstadt"
    assert msgspec.json.decode((data / runs.RUN_FILE).read_bytes(), type=HarvestRun).state == "running"  # the file is only read
