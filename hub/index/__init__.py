"""Search and facets over one catalogue commit, in an embedded SQLite file.

    index = Index(data_dir / "index.sqlite")
    index.sync(catalog)                      # reused / updated n packages / rebuilt
    result = index.search("Gewerbe anmelden", {"themenfeld": ["Unternehmensführung & -entwicklung"]})

May import ``hub.model``, ``hub.store``, ``hub.validate`` and ``hub.errors``; never the API,
the CLI or the site.
"""

from hub.index.facets import FACETS
from hub.index.index import SORTS, Index, MaturityProvider
from hub.index.results import FacetValue, SearchHit, SearchResult, SyncReport

__all__ = ["FACETS", "SORTS", "FacetValue", "Index", "MaturityProvider", "SearchHit", "SearchResult", "SyncReport"]
