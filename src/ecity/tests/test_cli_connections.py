"""``ecity run`` must not hand an open database connection to the web processes it forks.

gunicorn forks its workers from the ``ecity run`` process after the preparation (migrate, demo
city) has used the database: an inherited connection would be one socket shared by every worker,
whose interleaved queries corrupt each other's answers under concurrent requests.
"""

from __future__ import annotations

import argparse
import sys

from django.db import connections

from ecity import cli


def test_run_closes_database_connections_before_gunicorn_forks(monkeypatch):
    events: list[str] = []
    monkeypatch.setenv("ECITY_SECURE_COOKIES", "false")
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(cli, "_setup", lambda settings_module: None)
    monkeypatch.setattr(cli, "_prepare", lambda *, load_demo: events.append("prepare"))
    monkeypatch.setattr(connections, "close_all", lambda: events.append("close_all"))
    monkeypatch.setattr("gunicorn.app.wsgiapp.run", lambda: events.append("gunicorn"))
    args = argparse.Namespace(bind="127.0.0.1:8999", workers=2, no_demo=True, no_worker=True)

    cli.cmd_run(args)

    assert events == ["prepare", "close_all", "gunicorn"]
    assert sys.argv[sys.argv.index("--workers") + 1] == "2"
