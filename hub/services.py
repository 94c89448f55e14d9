"""The parts a running hub works with, opened once: catalogue, search index, tokens."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from hub.config import HubConfig
from hub.index import Index
from hub.maturity import index_levels
from hub.model import Actor
from hub.store import Catalog, ensure_seeded, repair_tags
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
        services.sync_index()
        return services

    _sync_lock = threading.Lock()

    def sync_index(self):
        # one sync at a time: two publishes finishing together must not index twice in parallel
        with self._sync_lock:
            return self.index.sync(self.catalog, maturity=index_levels)

    def actor(self, token: TokenRecord) -> Actor:
        """The organisation behind a token, as commit author."""
        publisher = self.catalog.publisher(token.org)
        name = publisher.name if publisher is not None else token.org
        email = publisher.contacts[0].email if publisher is not None and publisher.contacts else f"{token.org}@transferhub.invalid"
        return Actor(id=token.org, name=name, email=email)
