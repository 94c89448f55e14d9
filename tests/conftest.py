from __future__ import annotations

import pytest

from hub.store import Catalog
from tests.factory import make_catalog


@pytest.fixture
def catalog(tmp_path) -> Catalog:
    return make_catalog(tmp_path, packages=[("stadt-test/testpaket", "1.0.0")])
