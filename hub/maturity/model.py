"""The maturity model as data: ``schemas/maturity.json`` (levels, criteria, rule parameters)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import msgspec

from hub.resources import schemas_dir


class Criterion(msgspec.Struct, frozen=True):
    id: str
    label: str
    rule: str
    params: dict[str, Any] = {}


class Level(msgspec.Struct, frozen=True):
    level: int
    name: str
    summary: str
    criteria: list[Criterion]


class MaturityModel(msgspec.Struct, frozen=True):
    title: str
    version: str
    levels: list[Level]
    description: str = ""

    def name(self, level: int) -> str:
        return self.levels[level].name


@cache
def maturity_model() -> MaturityModel:
    data = json.loads((schemas_dir() / "maturity.json").read_text(encoding="utf-8"))
    data.pop("$id", None)
    return msgspec.convert(data, MaturityModel)
