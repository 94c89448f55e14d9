"""Federation and standards: harvest packages from git sources and other hubs, tell publishers what was refused,
export publiccode.yml, DCAT-AP and Atom, import publiccode.yml.

Domain code: it imports the model, validation, store and errors, never Litestar or
the CLI; ``commands`` (argparse) and ``routes`` (Litestar) are the thin edges.

``export_dcat`` is taken from ``hub.federation.dcat`` on first use: a server loads rdflib with its first DCAT-AP
export, not at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.federation.atom import atom_feed, feedback_feed
from hub.federation.harvest import harvest
from hub.federation.model import HarvestReport, PublisherFeedback, Source, SourceStatus
from hub.federation.publiccode import export_publiccode, import_publiccode
from hub.federation.reports import publisher_feedback, read_report, read_reports
from hub.federation.sources import load_sources, parse_sources, save_sources

if TYPE_CHECKING:
    from hub.federation.dcat import export_dcat

__all__ = [
    "HarvestReport",
    "PublisherFeedback",
    "Source",
    "SourceStatus",
    "atom_feed",
    "export_dcat",
    "export_publiccode",
    "feedback_feed",
    "harvest",
    "import_publiccode",
    "load_sources",
    "parse_sources",
    "publisher_feedback",
    "read_report",
    "read_reports",
    "save_sources",
]


def __getattr__(name: str) -> object:
    if name == "export_dcat":
        from hub.federation.dcat import export_dcat

        return export_dcat
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
