"""The CLI says nothing it was not asked for: no library warnings before its German answer."""

from __future__ import annotations

import subprocess
import sys

from tests.factory import make_package


def test_a_command_prints_no_warnings(tmp_path):
    folder = make_package(tmp_path)
    done = subprocess.run([sys.executable, "-m", "hub", "validate", str(folder)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "gültig" in done.stdout


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
