"""The one-command start: ``ecity run`` migrates, loads the demo city and serves it."""

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
from pathlib import Path

import pytest

# `ecity run` on the embedded default (SQLite) whatever DATABASE_URL says: run once, in the
# SQLite run of scripts/test.sh (the PostgreSQL run deselects the marker).
pytestmark = pytest.mark.embedded


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture
def served_platform(tmp_path: Path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "ECITY_SECURE_COOKIES"}
    }
    env["ECITY_DATA_DIR"] = str(tmp_path / "data")
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "ecity", "run", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("ecity run exited early:\n" + (tmp_path / "server.log").read_text())
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("ecity run did not answer:\n" + (tmp_path / "server.log").read_text())
        yield base, tmp_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_ecity_run_serves_the_demo_city_in_chinese_and_english(served_platform):
    base, tmp_path = served_platform

    status, body, headers = _get(base + "/")
    assert status == 200
    assert "示范市" in body
    assert 'lang="zh-Hans"' in body
    assert "Content-Security-Policy" in headers
    # gunicorn, not Django's development server
    assert "WSGIServer" not in headers.get("Server", "")

    status, body, _ = _get(base + "/en/")
    assert status == 200
    assert 'lang="en"' in body

    status, body, _ = _get(base + "/api/v1/catalogue/items/?page_size=100")
    assert status == 200
    assert json.loads(body)["count"] >= 20

    # production settings: no debug page for a missing URL
    status, body, _ = _get(base + "/no-such-page/")
    assert status == 404
    assert "Traceback" not in body and "URLconf" not in body

    # the generated secret key stays in the data directory, readable by the owner only
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.exists()
    assert oct(key_file.stat().st_mode)[-3:] == "600"
