"""``ecity run`` on a loopback address serves plain-HTTP (non-Secure) cookies unless told otherwise.

The settings are resolved in a fresh interpreter, exactly as ``ecity run`` resolves them: the
command line is parsed, ``ecity.conf.env`` has already been imported, and the server start is
replaced by a report of the settings the web workers would inherit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# `ecity run` on the embedded default (SQLite) whatever DATABASE_URL says: run once, in the
# SQLite run of scripts/test.sh (the PostgreSQL run deselects the marker).
pytestmark = pytest.mark.embedded

_RESOLVE = """
import json, sys
from unittest import mock
from ecity import cli

def report():
    from django.conf import settings
    print(json.dumps({
        "session": settings.SESSION_COOKIE_SECURE,
        "csrf": settings.CSRF_COOKIE_SECURE,
        "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0),
    }))

with mock.patch.object(cli, "_prepare"), mock.patch("gunicorn.app.wsgiapp.run", report):
    cli.main(["run", "--bind", sys.argv[1], "--no-worker"])
"""


def _resolved_settings(tmp_path: Path, bind: str, secure_cookies: str | None) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ECITY_SECURE_COOKIES"}
    }
    env["ECITY_DATA_DIR"] = str(tmp_path / "data")
    if secure_cookies is not None:
        env["ECITY_SECURE_COOKIES"] = secure_cookies
    result = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-c", _RESOLVE, bind],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_run_on_a_loopback_address_serves_non_secure_cookies_by_default(tmp_path, host):
    resolved = _resolved_settings(tmp_path, f"{host}:8123", None)

    assert resolved == {"session": False, "csrf": False, "hsts": 0}


def test_run_on_a_loopback_address_keeps_secure_cookies_when_set_explicitly(tmp_path):
    resolved = _resolved_settings(tmp_path, "127.0.0.1:8123", "true")

    assert resolved["session"] is True
    assert resolved["csrf"] is True
    assert resolved["hsts"] > 0


def test_run_on_a_public_address_serves_secure_cookies_by_default(tmp_path):
    resolved = _resolved_settings(tmp_path, "0.0.0.0:8123", None)

    assert resolved["session"] is True
    assert resolved["csrf"] is True
