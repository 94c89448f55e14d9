"""A real headless Chromium (Debian's package) driven by Playwright, and a static file server."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# as root, without these Chromium's background connections are refused by the closed network
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve_directory(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A plain static server on 127.0.0.1 (a free port) for ``root``: what any static host does."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def launch(playwright):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            "Debian's chromium fehlt (/usr/bin/chromium): apt-get install -y chromium (./dev test und .ci/run tun das als root selbst)."
        )
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
