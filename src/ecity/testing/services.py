"""Local servers the tests use (MariaDB, PostgreSQL as a data source, NATS …).

``service_required(name, probe)`` skips a test when the server is unreachable on a developer
machine and fails it in CI (``CI=true``), where a missing server must not turn into a silent
pass, as the browser fixtures do (``testing.e2e``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

import pytest


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether something listens on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def service_required(name: str, probe: Callable[[], bool]) -> None:
    """Skip (developer machine) or fail (``CI=true``) unless ``probe()`` finds the server."""
    if probe():
        return
    message = f"{name} is not reachable"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)
