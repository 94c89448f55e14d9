"""The outcome of validating a package: its manifest when valid, and every problem found."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.model import Manifest, Problem


@dataclass
class ValidationResult:
    manifest: Manifest | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        # hints (severity "hint") never block publishing
        return self.manifest is not None and not any(p.severity == "error" for p in self.problems)
