"""Settings of a running hub, from arguments and environment; nothing needs configuring."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hub.settings import environment
from hub.store.catalog import default_data_dir


@dataclass(frozen=True)
class HubConfig:
    data_dir: Path = field(default_factory=default_data_dir)
    max_upload_bytes: int = field(default_factory=lambda: environment().max_upload_bytes)
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

    @property
    def accounts_path(self) -> Path:
        """People, sessions and failed sign-ins of the workspace (hashes only)."""
        return self.data_dir / "accounts.sqlite"
