"""The audit history of one package and of all packages come from the same walk and agree."""

from __future__ import annotations

from hub.store import Catalog
from hub.store.audit import record_histories, record_history
from hub.store.seed import seed


def test_one_package_and_all_packages_give_the_same_history(tmp_path):
    catalog = Catalog.create(tmp_path / "catalog.git")
    seed(catalog)
    everything = record_histories(catalog)
    assert sum(len(v) for v in everything.values()) >= 10  # the seed has adoptions, confirmations and reviews
    for package_id in catalog.package_ids():
        assert record_history(catalog, package_id) == everything.get(package_id, []), package_id
    kinds = {e.kind for entries in everything.values() for e in entries}
    assert kinds == {"adoption", "review"}
    some = next(pid for pid, entries in everything.items() if len(entries) >= 3)
    assert record_history(catalog, some, limit=2) == everything[some][:2]
