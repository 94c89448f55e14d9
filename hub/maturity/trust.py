"""Which other hubs are trusted for reviews: ``trust: [reviews]`` on a hub source in ``sources.yaml``.

Read at the same catalogue commit as everything else a level rests on, so evaluating an old
commit again gives the same answer. ``sources.yaml`` is checked against its schema when it is
saved (hub.federation.sources); here only the trusted names are picked out of it.
"""

from __future__ import annotations

from hub.store.catalog import Catalog
from hub.store.trees import blob_at
from hub.validate.yamlsafe import YamlError, load_yaml

SOURCES_FILE = "sources.yaml"


def trusted_hubs(catalog: Catalog, *, ref: str | None = None) -> frozenset[str]:
    commit = catalog.resolve(ref)
    if commit is None:
        return frozenset()
    try:
        data = load_yaml(blob_at(catalog.repo, commit.tree[SOURCES_FILE].id).data).data
    except (KeyError, YamlError):
        return frozenset()
    sources = data.get("sources") if isinstance(data, dict) else None
    return frozenset(
        s["name"]
        for s in sources or []
        if isinstance(s, dict)
        and isinstance(s.get("name"), str)
        and s.get("hub") is True
        and isinstance(s.get("trust"), list)
        and "reviews" in s["trust"]
    )
