"""The server's periodic steps (follower, replica sync) outlive a child process that was killed."""

from __future__ import annotations

import logging
import os
import time

from hub.child import ServicesChild
from hub.config import HubConfig
from hub.web.ticker import Ticker
from tests.factory import make_catalog


def _killed(services) -> None:
    os._exit(9)  # as a signal to the process group ends the child: no answer, no exception of its own


class _Killed(Ticker):
    interval = 0.05
    name = "test-ticker"
    failure = "the test's step failed"

    def __init__(self, child: ServicesChild) -> None:
        super().__init__()
        self.child = child
        self.steps = 0

    def step(self) -> bool:
        self.steps += 1
        self.child.run(_killed)
        return True


def test_a_killed_child_is_one_line_in_the_log_and_the_next_step_starts_a_new_one(tmp_path, caplog):
    make_catalog(tmp_path, [("stadt-test/testpaket", "1.0.0")])
    child = ServicesChild(HubConfig(data_dir=tmp_path))
    ticker = _Killed(child)
    caplog.set_level(logging.INFO, logger="hub")
    ticker.start()
    try:
        deadline = time.monotonic() + 60
        while ticker.steps < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        ticker.stop()
        child.close()
    assert ticker.steps >= 3  # each step after a killed child ran in a new one
    records = [r for r in caplog.records if r.name == "hub"]
    assert records and all(r.levelno == logging.WARNING and r.exc_info is None for r in records), [r.getMessage() for r in records]
    assert "its child process ended" in records[0].getMessage()
