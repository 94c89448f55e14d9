"""The parts a running hub works with, opened once: catalogue, search index, tokens."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from hub.config import HubConfig
from hub.index import Index
from hub.maturity import index_levels
from hub.model import Actor
from hub.store import Catalog, ensure_seeded, repair_tags
from hub.store.export import export_all, export_dir, export_package
from hub.store.records import actor_for
from hub.tokens import TokenRecord, TokenStore


@dataclass
class Services:
    config: HubConfig
    catalog: Catalog
    index: Index
    tokens: TokenStore

    @classmethod
    def open(cls, config: HubConfig) -> Services:
        fresh = not (config.catalog_path / "HEAD").exists()
        catalog = Catalog.create(config.catalog_path)
        if fresh and config.seed:
            ensure_seeded(catalog)
        repair_tags(catalog)
        services = cls(config=config, catalog=catalog, index=Index(config.index_path), tokens=TokenStore(config.tokens_path))
        services.after_write()
        return services

    _sync_lock = threading.Lock()

    def sync_index(self):
        # one sync at a time: two publishes finishing together must not index twice in parallel
        with self._sync_lock:
            return self.index.sync(self.catalog, maturity=index_levels)

    def after_write(self, package_id: str | None = None) -> None:
        """Bring the index and the clone exports up to the catalogue's HEAD."""
        self.sync_index()
        if package_id is None:
            export_all(self.catalog, self.config.git_path)
        else:
            export_package(self.catalog, package_id, export_dir(self.config.git_path, package_id))

    def actor(self, token: TokenRecord) -> Actor:
        """The organisation behind a token, as commit author."""
        return actor_for(self.catalog, token.org)
