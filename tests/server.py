"""A real ``hub serve`` process on 127.0.0.1 with a free port, for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    data: Path
    process: subprocess.Popen

    def hub(self, *args: str) -> str:
        """Run the ``hub`` CLI against the server's data directory."""
        env = {**os.environ, "HUB_DATA": str(self.data)}
        return subprocess.run([sys.executable, "-m", "hub", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout

    def register(self, org: str, name: str, kind: str = "stadt") -> None:
        """Register an organisation in the served catalogue with ``hub organisation add``."""
        record = self.data / f"{org}.organisation.yaml"
        record.write_text(f"id: {org}\nname: {name}\ntype: {kind}\n", encoding="utf-8")
        self.hub("organisation", "add", str(record))

    def token(self, org: str, role: str) -> str:
        return json.loads(self.hub("token", "create", "--org", org, "--role", role, "--json"))["token"]

    def settled(self, workers: int = 1, timeout: float = 120) -> Server:
        """Wait until ``workers`` server processes have ended their start (health no longer says ``starting``).

        A hub answers before its followers' first step and the site's warm-up are done; a test that times how fast a
        commit reaches the running hub waits for them first, so that it times the following, not the start."""
        done: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(done) < workers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"hub serve: {len(done)} of {workers} processes ended their start in time")
            # a new connection each time: any worker may answer
            request = urllib.request.Request(self.url + "/api/v1/health", headers={"Connection": "close"})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    health = json.loads(response.read())
            except (TimeoutError, urllib.error.URLError):
                # a worker busy with its start on a loaded machine may not answer within 5 s: ask again until the deadline
                continue
            if not health.get("starting"):
                done.add(health["process"])
            else:
                time.sleep(0.1)
        return self

    def kill(self) -> None:
        """A crash of the whole hub: SIGKILL to ``hub serve`` and its worker processes at once (its own process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_server(
    data: Path,
    timeout: float = 120,
    workers: int = 1,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
    pages: bool = True,
) -> Server:
    """``hub serve`` on ``data``, returned once it answers, and with ``pages`` once its site shows a commit: a first
    start answers (API, search, clones) before its pages are built, and the site answers 503 until then."""
    port = port or free_port()
    env = {**os.environ, "HUB_DATA": str(data), **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a process group of its own, so kill() reaches the workers too
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hub serve ended early: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "/api/v1/health", timeout=2) as response:
                if response.status == 200 and (not pages or json.loads(response.read()).get("site_commit") is not None):
                    return Server(url=url, data=data, process=process)
        except OSError:
            pass
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)  # the whole group: the workers and children too, not only the parent
    process.wait(timeout=10)
    raise RuntimeError("hub serve did not answer in time")
