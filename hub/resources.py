"""Where the hub finds its shipped data: the JSON Schemas and the embedded catalogue.

An installed wheel carries them under ``hub/_data``; a source checkout (editable
install, tests) uses the top-level ``schemas/`` and ``catalog/`` folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _locate(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"hub data folder {name!r} not found next to {_PACKAGE_DIR}")


@cache
def schemas_dir() -> Path:
    return _locate("schemas")


@cache
def catalog_dir() -> Path:
    return _locate("catalog")


@cache
def site_dir() -> Path:
    return _locate("site")


def vendor_dir() -> Path:
    """Front-end libraries from npm, copied by ``./dev`` into ``site/vendor/<package>/``."""
    return site_dir() / "vendor"
