"""Validation problems in the formats forges read: GitLab Code Quality and SARIF 2.1.0.

``hub validate --format gitlab`` in a merge request pipeline puts every problem next to the
changed lines (GitLab's code quality widget); SARIF is read by GitHub code scanning, Gitea and
most IDEs. Paths are relative to the folder the command runs in, as both formats expect.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Iterable
from typing import Any

from hub import __version__
from hub.model import Problem
from hub.validate.codes import CODES

# GitLab's scale is info, minor, major, critical, blocker; an error refuses the package: major
_GITLAB_SEVERITY = {"error": "major", "hint": "info"}
_SARIF_LEVEL = {"error": "error", "hint": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

Report = tuple[str, list[Problem]]  # (the package folder as given, its problems)


def report_path(folder: str, file: str) -> str:
    """The problem's file relative to the working directory, with forward slashes."""
    base = folder if not os.path.isabs(folder) else os.path.relpath(folder)
    return posixpath.normpath(posixpath.join(base.replace(os.sep, "/"), file))


def _severity(problem: Problem) -> str:
    return problem.severity  # "error" refuses the package, "hint" is a quality hint


def _fingerprint(path: str, problem: Problem) -> str:
    # stable across runs and unique per finding, so GitLab can tell new problems from fixed ones
    key = "\x1f".join([problem.code, path, problem.pointer or "", str(problem.line or ""), problem.message])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def gitlab_report(reports: Iterable[Report]) -> list[dict[str, Any]]:
    """GitLab Code Quality: a JSON array of issues (description, check_name, fingerprint, severity, location)."""
    issues = []
    seen: set[str] = set()
    for folder, problems in reports:
        for problem in problems:
            path = report_path(folder, problem.file)
            fingerprint = _fingerprint(path, problem)
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            where = f" ({problem.pointer})" if problem.pointer else ""
            issues.append(
                {
                    "description": f"[{problem.code}]{where} {problem.message}",
                    "check_name": problem.code,
                    "fingerprint": fingerprint,
                    "severity": _GITLAB_SEVERITY.get(_severity(problem), "major"),
                    "location": {"path": path, "lines": {"begin": problem.line or 1}},
                }
            )
    return issues


def sarif_report(reports: Iterable[Report]) -> dict[str, Any]:
    """SARIF 2.1.0: one run of the tool "Transferhub" with a rule per problem code used."""
    results = []
    rules: dict[str, dict[str, Any]] = {}
    for folder, problems in reports:
        for problem in problems:
            rules.setdefault(problem.code, {"id": problem.code, "shortDescription": {"text": CODES.get(problem.code, problem.code)}})
            region: dict[str, Any] = {"startLine": problem.line or 1}
            result: dict[str, Any] = {
                "ruleId": problem.code,
                "level": _SARIF_LEVEL.get(_severity(problem), "error"),
                "message": {"text": problem.message},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": report_path(folder, problem.file)}, "region": region}}],
            }
            if problem.pointer:
                result["properties"] = {"pointer": problem.pointer}
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "Transferhub",
                        "version": __version__,
                        "informationUri": "https://transferhub.de/",
                        "rules": sorted(rules.values(), key=lambda r: r["id"]),
                    }
                },
                "results": results,
            }
        ],
    }
