"""Validation of solution packages: every problem at once, each with its place.

``validate_package`` is the one entry point: the CLI, the API and the store call
it on a :class:`PackageFiles`, whatever the files came from.

Importing this package (or a light module of it, such as ``hub.validate.yamlsafe`` for reading a stored
manifest) loads none of the checks: ``hub.validate.package`` and the libraries its checks need (lxml,
jsonschema, markdown-it, …) come with the first validation, so a server starts without them.
"""

from __future__ import annotations

from hub.validate.files import PackageFiles
from hub.validate.result import ValidationResult

__all__ = ["PackageFiles", "ValidationResult", "validate_package"]


def validate_package(package: PackageFiles, *, expected_id: str | None = None) -> ValidationResult:
    """Validate a package; ``expected_id`` is its id when its place in a catalogue is known (``hub.validate.package``)."""
    from hub.validate.package import validate_package as validate

    return validate(package, expected_id=expected_id)
