"""What every ``hub`` command shares: the catalogue of ``--data``, JSON output, problem lists, package refs.

Separate from ``hub.cli`` so that command groups of other packages (``hub.adopt``,
``hub.federation``) can use it without importing the module that imports them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import msgspec

from hub.errors import BadRequest
from hub.model import Problem
from hub.services import Services
from hub.store import Catalog, default_data_dir
from hub.usecases import catalogue


def catalog_path(args: argparse.Namespace) -> Path:
    return (getattr(args, "data", None) or default_data_dir()) / "catalog.git"


def open_catalog(args: argparse.Namespace) -> Catalog:
    """The data repository; created and seeded on first use, so nothing needs configuring."""
    return catalogue.open_catalog(data_dir(args))


def data_dir(args: argparse.Namespace) -> Path:
    return getattr(args, "data", None) or default_data_dir()


def open_services(args: argparse.Namespace) -> Services:
    """The data folder's catalogue, index and tokens, for a command that writes (through ``hub.usecases``)."""
    return catalogue.attach(data_dir(args))


def print_json(value: Any) -> None:
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(value), indent=2).decode() + "\n")


def print_problems(problems: list[Problem], stream: Any, indent: str = "  ") -> None:
    for problem in problems:
        label = "Hinweis: " if problem.is_hint else ""
        print(f"{indent}{label}{problem.place()}: [{problem.code}] {problem.message}", file=stream)


def split_ref(ref: str) -> tuple[str, str | None]:
    """``publisher/slug[@version]`` as (id, version or None)."""
    package_id, _, version = ref.partition("@")
    if package_id.count("/") != 1:
        raise BadRequest(f"„{ref}“ ist keine Paketkennung der Form <herausgeber>/<kurzname>[@version].")
    return package_id, version or None
