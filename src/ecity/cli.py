"""The ``ecity`` command: run the platform, migrate, load demo data, create an administrator.

``ecity run`` is the embedded, one-command start: it prepares the database (SQLite by default),
loads the demo city when the database is empty and serves it with gunicorn, a production WSGI
server, using the production settings. Everything else is a Django management command and can
also be reached through ``ecity manage <command>``.
"""

from __future__ import annotations

import argparse
import atexit
import os
import secrets
import subprocess
import sys
from pathlib import Path

from ecity.conf import env


def _ensure_secret_key(data_dir: Path) -> None:
    """Embedded mode: keep a generated secret key in the data directory (never in the repo)."""
    if os.environ.get("SECRET_KEY"):
        return
    _data_dir_ensure(data_dir)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    os.environ["SECRET_KEY"] = key_file.read_text().strip()
    env.SECRET_KEY = os.environ["SECRET_KEY"]  # env.py was read before the key existed


def _setup(settings_module: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    if os.environ["DJANGO_SETTINGS_MODULE"].endswith("production"):
        _ensure_secret_key(env.DATA_DIR)
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _data_dir_ensure(data_dir: Path) -> None:
    """The data folder (database, keys, uploads) is owner-only (0700) when ecity creates it."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)


def _prepare(*, load_demo: bool) -> None:
    _data_dir_ensure(env.DATA_DIR)
    _call("migrate", "--no-input", "-v", "0")
    _call("createcachetable")  # shared cache for rate limits (no-op unless ECITY_CACHE_URL=db://)
    _call("collectstatic", "--no-input", "-v", "0")
    _call("calendar_seed")
    if load_demo:
        _call("load_demo", "--if-empty")


def cmd_run(args: argparse.Namespace) -> None:
    bind = args.bind
    host = bind.rsplit(":", 1)[0]
    if host in {"127.0.0.1", "localhost", "[::1]"} and not os.environ.get("ECITY_SECURE_COOKIES"):
        # Plain HTTP on the loopback address: cookies cannot require HTTPS there. env.py was read
        # when this module was imported, so its value is corrected too (settings read env.py);
        # the environment variable carries the choice to the worker process.
        os.environ["ECITY_SECURE_COOKIES"] = "false"
        env.SECURE_COOKIES = False
    _setup("ecity.conf.production")
    _prepare(load_demo=not args.no_demo)
    from django.db import connections
    from gunicorn.app.wsgiapp import run as gunicorn_run

    # gunicorn forks its workers from this process: a database connection opened by the
    # preparation above would be inherited and shared by every worker (one socket, interleaved
    # queries). Close it so that each worker opens its own.
    connections.close_all()

    if not args.no_worker:
        # Background jobs (notification delivery, deadline refresh, workflow timers) run in one
        # worker process next to the web server; it stops when this process exits.
        worker = subprocess.Popen([sys.executable, "-m", "ecity", "worker"])  # noqa: S603
        atexit.register(worker.terminate)
    print(f"ecity is serving on http://{bind}/  (Ctrl+C to stop)", flush=True)
    sys.argv = [
        "gunicorn",
        "ecity.conf.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
        "--timeout",
        "60",
        "--graceful-timeout",
        "20",
    ]
    gunicorn_run()


def cmd_worker(args: argparse.Namespace) -> None:
    _setup("ecity.conf.production")
    _call("run_worker", *(["--once"] if args.once else []))


def cmd_migrate(args: argparse.Namespace) -> None:
    _setup("ecity.conf.production")
    _call("migrate", "--no-input")
    _call("createcachetable")
    _call("calendar_seed")


def cmd_demo(args: argparse.Namespace) -> None:
    _setup("ecity.conf.production")
    _call("load_demo")


def cmd_createadmin(args: argparse.Namespace) -> None:
    _setup("ecity.conf.production")
    options = ["create_platform_admin", "--username", args.username]
    if args.email:
        options += ["--email", args.email]
    _call(*options)


def cmd_manage(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecity.conf.production")
    _setup(os.environ["DJANGO_SETTINGS_MODULE"])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ecity manage", *args.rest])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ecity", description="ecity e-government platform")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="migrate, load the demo city if empty, and serve")
    run.add_argument("--bind", default=env.BIND, help="address:port (default %(default)s)")
    run.add_argument("--workers", type=int, default=env.WEB_WORKERS, help="web processes")
    run.add_argument("--no-demo", action="store_true", help="do not load the demo city")
    run.add_argument("--no-worker", action="store_true", help="do not start the job worker")
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="run background jobs (embedded mode)")
    worker.add_argument("--once", action="store_true", help="run every job once and exit")
    worker.set_defaults(func=cmd_worker)

    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load (or refresh) the demo city").set_defaults(func=cmd_demo)

    admin = sub.add_parser("createadmin", help="create a platform administrator")
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", default="")
    admin.set_defaults(func=cmd_createadmin)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
