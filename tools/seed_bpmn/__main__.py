"""Rewrite the process model of every seed package version from tools/seed_bpmn/processes.py."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tools.seed_bpmn.layout import write
from tools.seed_bpmn.processes import PROCESSES

ROOT = Path(__file__).resolve().parents[2] / "catalog" / "packages"


def main() -> int:
    for folder in sorted(ROOT.glob("*/*@*")):
        manifest = yaml.safe_load((folder / "hub.yaml").read_text(encoding="utf-8"))
        build = PROCESSES.get(manifest["id"])
        if build is None:
            continue
        for artefact in manifest["artefacts"]:
            if artefact["kind"] == "process-model":
                (folder / artefact["path"]).write_text(write(build(manifest["version"])), encoding="utf-8")
                print(f"{folder.relative_to(ROOT)}/{artefact['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
