from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from hub.store import Catalog
from tests.factory import make_catalog
from tests.nowrites import untracked

ROOT = Path(__file__).resolve().parent.parent
_BEFORE = pytest.StashKey[set[str] | None]()  # the project's untracked files when the session started

# Hypothesis keeps its example database (and a cache of constants) under ./.hypothesis by default, i.e. in the
# repository; a folder in the temp directory keeps failing examples across runs on this machine, outside it.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "transferhub-hypothesis")


@pytest.fixture
def catalog(tmp_path) -> Catalog:
    return make_catalog(tmp_path, packages=[("stadt-test/testpaket", "1.0.0")])


def pytest_sessionstart(session: pytest.Session) -> None:
    # in CI only (a clean checkout), and once per run: in the xdist controller, not in each worker
    if os.environ.get("CI") and not hasattr(session.config, "workerinput"):
        session.config.stash[_BEFORE] = untracked(ROOT)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BEFORE, None)
    after = untracked(ROOT) if before is not None else None
    if before is None or after is None:
        return
    written = sorted(after - before)
    if written:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "tests wrote into the project folder (write into tmp_path or the temp folder instead): " + ", ".join(written)
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
