"""The adopting city's side: a package as its own git repository, and later updates from the hub.

``adopt`` clones a package (from a hub data directory, the hub's or its static site's
``/git/<publisher>/<slug>.git``, or a repository path) into a new repository and records
where it came from; ``upstream_status``, ``upstream_diff`` and ``upstream_merge`` show what
changed upstream since then and merge it, keeping local changes. All git work in-process
with pygit2; no Litestar, no API.
"""

from hub.adopt.adopt import adopt
from hub.adopt.errors import BadSource, DirtyWorkTree, MergeConflict, NotAnAdoption, TargetNotEmpty, UpstreamUnreachable
from hub.adopt.model import (
    AdoptResult,
    ConfigDelta,
    FieldDelta,
    FieldInfo,
    FileDelta,
    MergeResult,
    NodeDelta,
    SemanticDiff,
    UpstreamStatus,
)
from hub.adopt.semantic import config_keys, flow_nodes, form_fields, semantic_diff
from hub.adopt.text import render_adopt, render_diff, render_merge, render_status
from hub.adopt.upstream import upstream_diff, upstream_merge, upstream_status

__all__ = [
    "AdoptResult",
    "BadSource",
    "ConfigDelta",
    "DirtyWorkTree",
    "FieldDelta",
    "FieldInfo",
    "FileDelta",
    "MergeConflict",
    "MergeResult",
    "NodeDelta",
    "NotAnAdoption",
    "SemanticDiff",
    "TargetNotEmpty",
    "UpstreamStatus",
    "UpstreamUnreachable",
    "adopt",
    "config_keys",
    "flow_nodes",
    "form_fields",
    "render_adopt",
    "render_diff",
    "render_merge",
    "render_status",
    "semantic_diff",
    "upstream_diff",
    "upstream_merge",
    "upstream_status",
]
