from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from hub.store import Catalog
from tests.factory import make_catalog

# Hypothesis keeps its example database (and a cache of constants) under ./.hypothesis by default, i.e. in the
# repository; a folder in the temp directory keeps failing examples across runs on this machine, outside it.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "transferhub-hypothesis")


@pytest.fixture
def catalog(tmp_path) -> Catalog:
    return make_catalog(tmp_path, packages=[("stadt-test/testpaket", "1.0.0")])
