#!/usr/bin/env python3
"""Upgrade a database made by an earlier release with this checkout, and check nothing was lost.

1. ``prepare``: check out ``--from`` (a commit of an earlier release) into a scratch worktree,
   create a database with it (migrate, demo city with its cases and e-certificate, an OIDC key),
   and record facts about it with the old code: row counts of every table, case numbers and
   the last number of each sequence, certificate identifiers, and an ID token signed with the
   old OIDC key.
2. ``check``: migrate the same database with this checkout's code and check, with the new
   code: no table lost rows; a new case number continues each old sequence (no gap, no
   repeat); every old certificate still verifies; the old ID token still validates against the
   JWKS the platform now publishes.

Usage (the test command runs it on SQLite and on PostgreSQL; a PostgreSQL database named in the
URL is dropped and made afresh, so give a scratch name)::

    .venv/bin/python scripts/upgrade_check.py [--from REV] [--database-url URL] [--keep]

Exits non-zero, naming every failed check, when something was lost.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The last release before the platform floor (issue 7): org, workflow, events, key vault.
DEFAULT_FROM = "fe67ca8166fc5a2d82009e809af4ccf3d1b95d0a"

OLD_SIDE = r"""
import json, os, sys, time
from django.apps import apps
from django.db import connection
from jwcrypto import jwt
from ecity.cases.models import Case, CaseNumberSequence
from ecity.certificates.models import Certificate, SerialCounter
from ecity.sso import keys

def counts():
    out = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            out[table] = cursor.fetchone()[0]
    return out

key = keys.current_signing_key()
token = jwt.JWT(
    header={"alg": "RS256", "kid": key.key_id},
    claims={"iss": "upgrade-check", "sub": "old-release", "exp": int(time.time()) + 86400},
)
token.make_signed_token(key)
facts = {
    "tables": counts(),
    "cases": sorted(Case.objects.values_list("number", flat=True)),
    "case_sequences": [
        {"year": s.year, "department_code": s.department_code, "last": s.last}
        for s in CaseNumberSequence.objects.all()
    ],
    "serial_counters": [
        {f.name: getattr(c, f.attname) for f in SerialCounter._meta.concrete_fields}
        for c in SerialCounter.objects.all()
    ],
    "certificates": sorted(Certificate.objects.values_list("identifier", flat=True)),
    "id_token": token.serialize(),
    "kid": key.key_id,
}
with open(os.environ["UPGRADE_FACTS"], "w") as out:
    json.dump(facts, out)
"""


def _run(cmd: list[str], *, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return done.stdout


def prepare(*, rev: str, database_url: str, workdir: Path) -> dict:
    """Create the database with the old release's code; return the facts it recorded."""
    old = workdir / "old"
    subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(old), rev],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(old / "src"),
        "DJANGO_SETTINGS_MODULE": "ecity.conf.test",
        "DATABASE_URL": database_url,
        "ECITY_DATA_DIR": str(workdir / "data"),
    }
    python = sys.executable
    _run([python, "manage.py", "migrate", "-v0"], env=env, cwd=old)
    _run([python, "manage.py", "calendar_seed"], env=env, cwd=old)
    _run([python, "manage.py", "load_demo"], env=env, cwd=old)
    env["UPGRADE_FACTS"] = str(workdir / "facts.json")
    _run([python, "manage.py", "shell", "-c", OLD_SIDE], env=env, cwd=old)
    facts = json.loads((workdir / "facts.json").read_text())
    subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)
    return facts


def _postgres(database_url: str, sql: str) -> None:
    import psycopg

    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--from", dest="rev", default=DEFAULT_FROM)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ecity-upgrade-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'upgrade.sqlite3'}"
    is_postgres = database_url.startswith(("postgres://", "postgresql://"))
    name = database_url.rsplit("/", 1)[1]
    if is_postgres:  # a scratch database, made afresh (and dropped unless --keep)
        _postgres(database_url, f'DROP DATABASE IF EXISTS "{name}"')
        _postgres(database_url, f'CREATE DATABASE "{name}"')
    try:
        prepare(rev=args.rev, database_url=database_url, workdir=workdir)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "ecity.conf.test",
            "DATABASE_URL": database_url,
            "ECITY_DATA_DIR": str(workdir / "data"),
        }
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts" / "upgrade_check_new.py"),
                str(workdir / "facts.json"),
            ],
            env=env,
            cwd=ROOT,
            check=False,
        )
        return done.returncode
    finally:
        if args.keep:
            print(f"kept {workdir}" + (f" and the database {name}" if is_postgres else ""))
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if is_postgres:
                _postgres(database_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    sys.exit(main())
