"""The follower's site builds while commits keep coming: one build covers the commits made meanwhile (hub/web/follow.py)."""

from __future__ import annotations

import time

from hub.usecases.publish import publish
from hub.validate import PackageFiles
from hub.web.follow import Follower
from hub.web.site import build, clone_base
from tests.factory import make_services, package_files

PAUSE = 4.0  # longer than two publishes take on a busy machine: the pause is what the test sees, not the load


def test_while_commits_keep_coming_a_build_waits_and_then_covers_every_commit_made_meanwhile(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    built: list[str | None] = []
    during = ["1.1.1", "1.1.0"]  # published while the second and third build run, as another process would

    def site(commit: str | None) -> str | None:
        built.append(commit)
        shown = build(services, commit, clone_base())  # the served site's own incremental build
        if len(built) in (2, 3):
            publish(services, PackageFiles(package_files("stadt-test/testpaket", during.pop())))
        return shown

    follower = Follower(services, site=site, site_pause=1000, site_pause_max=PAUSE)
    assert follower.step() and follower.site_commit == services.head()  # the first step builds at once
    publish(services, PackageFiles(package_files("stadt-test/testpaket", "1.0.1")))
    assert follower.step() and len(built) == 2  # after a quiet build: built at once (and HEAD moved meanwhile)
    assert follower.step() and len(built) == 3  # one busy build is no stream of commits yet: built at once
    heads = [services.head()]
    publish(services, PackageFiles(package_files("stadt-test/testpaket", "1.2.0")))
    heads.append(services.head())
    for _ in heads:
        follower.step()  # index and exports follow at once; the site waits out its pause
    assert len(built) == 3 and follower.commit == heads[-1] and follower.site_commit != heads[-1]
    assert services.index.commit == heads[-1]
    time.sleep(max(0.0, follower.site_due - time.monotonic()) + 0.05)
    assert follower.step() and built[-1] == heads[-1] == follower.site_commit and len(built) == 4
    assert not follower.step()  # nothing new: nothing built


def test_a_commit_after_a_quiet_build_is_built_at_once(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    follower = Follower(services, site=lambda commit: build(services, commit, clone_base()), site_pause=1000, site_pause_max=PAUSE)
    follower.step()
    for version in ("1.1.0", "1.2.0"):
        publish(services, PackageFiles(package_files("stadt-test/testpaket", version)))
        assert follower.step() and follower.site_commit == services.head()


def test_while_the_writer_writes_a_batch_the_follower_waits_for_its_end_at_most_hold_max(tmp_path):
    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    writing = [True]
    follower = Follower(services, writing=lambda: writing[0], hold_max=1000)
    follower.writing = None
    assert follower.step()  # caught up to the start
    follower.writing = lambda: writing[0]
    publish(services, PackageFiles(package_files("stadt-test/testpaket", "1.1.0")))
    assert not follower.step() and follower.commit != services.head()  # the batch is still being written: held back
    writing[0] = False
    assert follower.step() and follower.commit == services.head()  # the batch ended: one catch-up covers it
    writing[0] = True
    follower.hold_max = 0.2
    publish(services, PackageFiles(package_files("stadt-test/testpaket", "1.2.0")))
    assert not follower.step()
    time.sleep(0.3)
    assert follower.step() and follower.commit == services.head()  # publishes kept coming: held no longer than hold_max


def test_a_follower_stopped_before_it_started_starts_nothing(tmp_path):
    # a server stopped before its first answer: the follower, which starts behind that answer, must not start after
    # the stop (its first step then ran with nobody to stop it, and logged into a closed stream)
    import threading

    services = make_services(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    steps: list[str | None] = []
    follower = Follower(services, site=lambda commit: steps.append(commit) or commit, interval=0.01)
    follower.stop()
    assert follower.start() is False
    time.sleep(0.2)
    assert steps == [] and not services.followed
    assert not [t for t in threading.enumerate() if t.name == follower.name]
    running = Follower(services, site=lambda commit: steps.append(commit) or commit, interval=0.01)
    assert running.start() is True
    deadline = time.monotonic() + 30
    while not steps:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    running.stop()
    assert services.followed is False and steps
