"""The CLI says nothing it was not asked for: no library warnings before its German answer."""

from __future__ import annotations

import subprocess
import sys


def test_a_command_prints_no_warnings(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "hub", "--data", str(tmp_path / "data"), "init"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("Katalog angelegt")


def test_the_oidc_client_is_made_without_a_warning():
    # Authlib announces its httpx integration's deprecation with an "always" filter; the hub keeps it off the terminal
    code = (
        "from hub import oidc\n"
        "config = type('C', (), {'client_id': 'a', 'client_secret': 'b'})()\n"
        "oidc._client(config, 'http://127.0.0.1/anmelden/oidc/rueckruf')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
