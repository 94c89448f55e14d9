"""The git-backed catalogue: read any ref, publish versions, seed from the embedded catalogue."""

from hub.store.catalog import Catalog, default_data_dir
from hub.store.publish import publish, repair_tags
from hub.store.seed import ensure_seeded, seed

__all__ = ["Catalog", "default_data_dir", "ensure_seeded", "publish", "repair_tags", "seed"]
