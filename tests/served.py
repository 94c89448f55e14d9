"""Data folders and harvest sources for tests against a running hub (test_live, test_replica, the workspace)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from hub.config import HubConfig
from hub.services import Services
from hub.web import site
from tests.factory import make_package
from tests.server import ROOT


def seeded_data(data: Path, scratch: Path, base: str) -> Path:
    """``data`` seeded, with index, exports and the served site for ``base``; servers start from copies of it.

    One commit of today comes first, as on a hub in use: the seed's history is dated in the past, and the
    first commit of a new month changes the "months in production" evidence on every package page (a full
    re-render, once, here rather than inside a timed test).
    """
    subprocess.run([sys.executable, "-m", "hub", "--data", str(data), "init"], cwd=ROOT, check=True, capture_output=True)
    folder = make_package(scratch, "stadt-vorlauf/vorlauf", "1.0.0")
    subprocess.run([sys.executable, "-m", "hub", "--data", str(data), "publish", str(folder)], cwd=ROOT, check=True, capture_output=True)
    with Services.attach(HubConfig(data_dir=data)) as services:
        site.build(services, services.head(), base)
    return data


def example_source(folder: Path) -> Path:
    """The example repository (examples/quelle) as a git repository in ``folder``, and a ``sources.yaml`` naming it."""
    source = folder / "quelle"
    shutil.copytree(ROOT / "examples" / "quelle", source)
    for step in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=Musterstadt", "-c", "user.email=it@musterstadt.example", "commit", "-q", "-m", "Pakete"],
    ):
        subprocess.run(["git", "-C", str(source), *step], check=True, capture_output=True)
    listing = folder / "sources.yaml"
    listing.write_text(
        f'sources:\n  - name: musterstadt\n    url: {source}\n    branch: main\n    publisher: stadt-musterstadt\n    folders:\n      - "pakete/*"\n',
        encoding="utf-8",
    )
    return listing
