"""Settings of a running hub, from arguments and environment; nothing needs configuring."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from hub.store.catalog import default_data_dir

DEFAULT_MAX_UPLOAD_MB = 20


@dataclass(frozen=True)
class HubConfig:
    data_dir: Path = field(default_factory=default_data_dir)
    max_upload_bytes: int = int(float(os.environ.get("HUB_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024)
    seed: bool = True  # seed a freshly created catalogue from the embedded one

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.git"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index.sqlite"

    @property
    def git_path(self) -> Path:
        """Per-package repositories for ``git clone`` (git's dumb HTTP protocol)."""
        return self.data_dir / "git"

    @property
    def tokens_path(self) -> Path:
        return self.data_dir / "tokens.sqlite"
