"""Reading a manifest already in the catalogue (valid when it was published): YAML decoded, nothing checked.

Kept apart from ``hub.validate.manifest`` so that the catalogue's reads load none of the manifest's
checks (JSON Schema, SPDX licences, versions): a server starts without them.
"""

from __future__ import annotations

from typing import Any

import msgspec

from hub.model import Manifest
from hub.validate.yamlsafe import load_yaml


def manifest_from_bytes(data: bytes) -> Manifest:
    """Decode a manifest already known to be valid (catalogue reads: no re-validation)."""
    return msgspec.convert(load_yaml(data).data, Manifest)


def raw_manifest(data: bytes) -> Any:
    return load_yaml(data).data
