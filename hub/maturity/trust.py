"""Which other hubs are trusted for reviews: ``trust: [reviews]`` on a hub source in ``sources.yaml``.

Read at the same catalogue commit as everything else a level rests on, so evaluating an old
commit again gives the same answer.
"""

from __future__ import annotations

from hub.errors import HubError
from hub.federation.sources import load_sources
from hub.store.catalog import Catalog


def trusted_hubs(catalog: Catalog, *, ref: str | None = None) -> frozenset[str]:
    try:
        sources = load_sources(catalog, ref=ref)
    except HubError:  # an invalid sources.yaml trusts nobody
        return frozenset()
    return frozenset(s.name for s in sources if s.hub and "reviews" in s.trust)
