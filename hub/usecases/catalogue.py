"""Opening a data folder for a command, and ``hub init``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hub.config import HubConfig
from hub.model import Actor
from hub.services import Services
from hub.store import Catalog, repair_tags
from hub.store.records import actor_for


@dataclass(frozen=True)
class Initialised:
    path: str
    seeded: bool
    packages: int
    repaired_tags: list[str]


def attach(data_dir: Path) -> Services:
    """The data folder's parts; a fresh folder is created and seeded from the embedded catalogue."""
    return Services.attach(HubConfig(data_dir=data_dir))


def open_catalog(data_dir: Path) -> Catalog:
    """The data folder's catalogue, created and seeded on first use (nothing needs configuring)."""
    return attach(data_dir).catalog


def initialise(data_dir: Path) -> Initialised:
    """Create and seed the catalogue if needed, restore tags lost in a crash, bring index and exports up to date."""
    config = HubConfig(data_dir=data_dir)
    fresh = not (config.catalog_path / "HEAD").exists()
    services = Services.attach(config)
    repaired = repair_tags(services.catalog)
    services.catch_up()
    return Initialised(
        path=str(config.catalog_path),
        seeded=fresh and config.seed and not services.catalog.is_empty(),
        packages=len(services.catalog.package_ids()),
        repaired_tags=repaired,
    )


def actor(services: Services, org: str) -> Actor:
    """The organisation ``org`` as commit author."""
    return actor_for(services.catalog, org)
