"""Validation in a budget worker (hub/budget.py), for package files from anyone, however they came.

An upload is unpacked and validated there (hub/validate/archive.py). A harvest source's package
folders are just as untrusted: a YAML alias chain, a pattern or Markdown built to be expensive in
a repository someone registered as a source costs the same as in an upload, so it gets the same
time and memory budget, off the thread that harvests (and off the server's event loop).
"""

from __future__ import annotations

import functools

from hub.budget import BudgetExceeded, Pool, shared_pool
from hub.model import Problem
from hub.validate import PackageFiles, ValidationResult, validate_package


def budget_problem(exc: BudgetExceeded, file: str) -> Problem:
    return Problem(
        code="validation-budget-exceeded",
        file=file,
        message=f"{exc} Das Paket ist zu aufwendig zu prüfen; bitte verkleinern oder vereinfachen.",
    )


def validate_bounded(
    package: PackageFiles, *, expected_id: str | None = None, pool: Pool | None = None, file: str = "hub.yaml"
) -> ValidationResult:
    """:func:`hub.validate.validate_package` in a budget worker; past the budget, one problem placed at ``file``."""
    try:
        return (pool or shared_pool()).run(functools.partial(validate_package, expected_id=expected_id), package)
    except BudgetExceeded as exc:
        return ValidationResult(None, [budget_problem(exc, file)])
