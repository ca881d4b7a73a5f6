"""Schema conformance: run schemathesis against a live ecity with the demo city.

Starts gunicorn on a fresh SQLite database with the demo city, then runs schemathesis over every
API operation three times: anonymous, as a citizen (zhangwei) and as a reviewer (reviewer_scj).
The run is bounded and repeatable (a fixed seed, a fixed number of examples per operation) and
fails on any server error or any answer the published OpenAPI schema does not describe.

Usage: python scripts/schema_check.py [--examples N] [--seed S] [--port P]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
ROLES = {"anonymous": None, "citizen": "zhangwei", "reviewer": "reviewer_scj"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {seconds} s")


def _session_headers(username: str) -> list[str]:
    """Log ``username`` in the way the login page does (MFA done) and return the request headers."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from ecity.identity.models import User
    from ecity.identity.security import flow

    user = User.objects.get(username=username)
    request = RequestFactory().get("/")
    request.session = SessionStore()
    flow.login_complete(
        request, user, backend=settings.AUTHENTICATION_BACKENDS[0], mfa_verified=True
    )
    request.session.save()
    csrf = get_token(request)
    cookie = request.META["CSRF_COOKIE"]
    return [
        f"Cookie: {settings.SESSION_COOKIE_NAME}={request.session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={cookie}",
        f"{settings.CSRF_HEADER_NAME.removeprefix('HTTP_').replace('_', '-')}: {csrf}",
    ]


def _check_signed_in(url: str, headers: list[str], username: str) -> None:
    """Fail unless the headers really sign ``username`` in (or the run would test anonymously)."""
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    with urllib.request.urlopen(request, timeout=10) as response:  # our own loopback server
        body = json.loads(response.read())
    if body.get("username") != username:
        raise SystemExit(f"the session for {username} did not sign in: {body}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5, help="examples per operation")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="ecity-schema-"))
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="ecity.conf.test",
        ECITY_DATA_DIR=str(data_dir),
        ECITY_SUPERVISION_DEPARTMENT_CODE=env.get("ECITY_SUPERVISION_DEPARTMENT_CODE", "ZWB"),
        # Throttling is documented (429) but would hide the rest of each operation's answers.
        ECITY_API_RATE_ANON="100000/min",
        ECITY_API_RATE_USER="100000/min",
        PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{env.get('PYTHONPATH', '')}",
    )
    os.environ.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], check=True, env=env)
    subprocess.run([*manage, "load_demo", "-v", "0"], check=True, env=env)

    port = args.port or _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ecity.conf.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    failed: list[str] = []
    try:
        _wait_for(f"{base}/api/schema/")
        for role, username in ROLES.items():
            headers = _session_headers(username) if username else []
            if username:
                _check_signed_in(f"{base}/api/v1/identity/me/", headers, username)
            command = [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{base}/api/schema/",
                "--checks",
                CHECKS,
                "--max-examples",
                str(args.examples),
                "--seed",
                str(args.seed),
                "--generation-deterministic",
                "--phases",
                "examples,coverage,fuzzing",
                "--workers",
                "2",
                "--request-timeout",
                "30",
                "--no-color",
                "--warnings",
                "off",
            ]
            for header in headers:
                command += ["-H", header]
            print(f"== schemathesis as {role}", flush=True)
            if subprocess.run(command, env=env).returncode != 0:
                failed.append(role)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failed:
        print(f"schema conformance FAILED for: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("schema conformance: no server error and no undocumented answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
