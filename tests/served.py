"""Data folders and harvest sources for tests against a running hub (test_live, test_replica, the workspace)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def silent_git_address() -> Iterator[str]:
    """A git address on 127.0.0.1 that accepts connections and never answers: a source that takes its whole timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/pakete.git"
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        server.close()


def slow_and_example_sources(folder: Path, silent: str, *, timeout: int, slow_first: bool = True) -> Path:
    """A ``sources.yaml`` with the example source (musterstadt) and a source at ``silent`` that gives up after ``timeout`` seconds."""
    example = example_source(folder).read_text(encoding="utf-8").removeprefix("sources:\n")
    slow = f"  - name: langsam\n    url: {silent}\n    publisher: stadt-musterstadt\n    timeout_seconds: {timeout}\n"
    listing = folder / "zwei-quellen.yaml"
    listing.write_text("sources:\n" + (slow + example if slow_first else example + slow), encoding="utf-8")
    return listing
