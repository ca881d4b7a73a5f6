"""Back up, verify and restore the database and uploaded files.

An archive is a ``.tar.gz`` with:

* ``database.sqlite3`` (SQLite, made with SQLite's online backup API) or ``database.dump``
  (PostgreSQL, ``pg_dump --format=custom``);
* ``media/…`` — every uploaded file under MEDIA_ROOT;
* ``manifest.json`` — when, which database vendor, the applied migrations, and for every table its
  row count and a content checksum, and for every file its size and SHA-256.

The manifest describes exactly the snapshot in the archive: on SQLite it is computed from the
backup copy itself; on PostgreSQL the counts are taken inside a REPEATABLE READ transaction whose
snapshot ``pg_dump --snapshot`` also uses, so concurrent writes cannot make them disagree.

``backup_verify`` restores the archive into a scratch database (a temporary SQLite file, or a
temporary PostgreSQL database that is dropped afterwards), recomputes counts and checksums and
compares them with the manifest, and re-hashes every file.

A table checksum is order-independent: the MD5 of the concatenation of the sorted MD5 hashes of
each row's text form (PostgreSQL: ``row::text``; SQLite: the row's values joined by a separator),
so it does not depend on physical row order. Checksums are only compared engine to engine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ecity.core.storage import private_dir_ensure

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup, verification or restore could not be completed; the message says why."""


@dataclass
class VerificationReport:
    archive: str
    ok: bool = True
    tables_checked: int = 0
    rows_checked: int = 0
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)


# --- checksums -----------------------------------------------------------------------------


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _sqlite_table_stats(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    for table in _sqlite_tables(conn):
        hashes = []
        quoted = '"' + table.replace('"', '""') + '"'
        for row in conn.execute(f"SELECT * FROM {quoted}"):  # noqa: S608 - names from sqlite_master
            text = "\x1f".join("\x00" if v is None else repr(v) for v in row)
            hashes.append(hashlib.md5(text.encode(), usedforsecurity=False).hexdigest())
        hashes.sort()
        digest = hashlib.md5("".join(hashes).encode(), usedforsecurity=False).hexdigest()
        stats[table] = {"rows": len(hashes), "checksum": digest}
    return stats


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [r[0] for r in cursor.fetchall()]


def _pg_table_stats(cursor: Any) -> dict[str, dict[str, Any]]:
    stats: dict[str, dict[str, Any]] = {}
    for table in _pg_tables(cursor):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "  # noqa: S608
            f"FROM (SELECT md5(t::text) AS h FROM {quoted} t) rows"
        )
        count, digest = cursor.fetchone()
        stats[table] = {"rows": count, "checksum": digest}
    return stats


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _media_manifest(media_root: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    if not media_root.is_dir():
        return files
    for path in sorted(media_root.rglob("*")):
        if path.is_file():
            rel = path.relative_to(media_root).as_posix()
            files[rel] = {"size": path.stat().st_size, "sha256": _file_sha256(path)}
    return files


# --- PostgreSQL helpers --------------------------------------------------------------------


def _pg_settings(
    settings_dict: dict[str, Any], *, name: str | None = None
) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore (the password goes in the environment)."""
    args = ["--host", settings_dict.get("HOST") or "127.0.0.1"]
    args += ["--port", str(settings_dict.get("PORT") or 5432)]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    args += ["--dbname", name or settings_dict["NAME"]]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _pg_admin_connection(settings_dict: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


# --- create --------------------------------------------------------------------------------


def _migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def backup_create(*, output_dir: Path, media_root: Path | None = None) -> Path:
    """Write a backup archive of the database and uploaded files into ``output_dir``.

    Returns the archive path. Raises BackupError when the database tools fail.
    """
    media_root = Path(media_root or settings.MEDIA_ROOT)
    private_dir_ensure(output_dir)  # archives hold every personal datum: owner-only
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"ecity-backup-{stamp}-{uuid.uuid4().hex[:6]}.tar.gz"
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="ecity-backup-") as tmp:
        work = Path(tmp)
        if vendor == "sqlite":
            db_file = work / SQLITE_FILE
            connection.ensure_connection()
            target = sqlite3.connect(db_file)
            try:
                connection.connection.backup(target)
                tables = _sqlite_table_stats(target)
            finally:
                target.close()
        elif vendor == "postgresql":
            db_file = work / PG_FILE
            tables = _pg_dump_consistent(db_file)
        else:
            raise BackupError(f"unsupported database vendor: {vendor}")
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "database_file": db_file.name,
            "database_sha256": _file_sha256(db_file),
            "migrations": _migrations(),
            "tables": tables,
            "media": _media_manifest(media_root),
        }
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(db_file, arcname=db_file.name)
            if media_root.is_dir():
                tar.add(media_root, arcname="media")
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(dt.datetime.now(tz=dt.UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
    archive.chmod(0o600)
    return archive


def _pg_dump_consistent(dump_file: Path) -> dict[str, dict[str, Any]]:
    """Dump with pg_dump from the same snapshot the manifest's counts are taken in."""
    import psycopg

    sd = connection.settings_dict
    conn = psycopg.connect(
        host=sd.get("HOST") or "127.0.0.1",
        port=sd.get("PORT") or 5432,
        user=sd.get("USER") or None,
        password=sd.get("PASSWORD") or None,
        dbname=sd["NAME"],
    )
    # One REPEATABLE READ snapshot for both the manifest's counts and pg_dump.
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            assert row is not None
            snapshot = row[0]
            tables = _pg_table_stats(cursor)
            args, env = _pg_settings(sd)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(dump_file),
                    *args,
                ],
                env,
            )
            conn.rollback()
    finally:
        conn.close()
    return tables


# --- read archives -------------------------------------------------------------------------


def _safe_extract(archive: Path, target: Path) -> dict[str, Any]:
    """Extract an archive refusing absolute paths, '..' and links; return its manifest."""
    if not archive.is_file():
        raise BackupError(f"no such archive: {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                name = Path(member.name)
                if (
                    name.is_absolute()
                    or ".." in name.parts
                    or not (member.isfile() or member.isdir())
                ):
                    raise BackupError(f"unsafe entry in archive: {member.name}")
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"cannot read archive {archive}: {exc}") from exc
    manifest_path = target / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("the archive has no manifest.json: not an ecity backup")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unsupported backup format: {manifest.get('format')}")
    return manifest


def _compare_tables(report: VerificationReport, expected: dict, actual: dict) -> None:
    for table, stats in sorted(expected.items()):
        got = actual.get(table)
        if got is None:
            report.fail(f"table {table} is missing after restore")
            continue
        report.tables_checked += 1
        report.rows_checked += got["rows"]
        if got["rows"] != stats["rows"]:
            report.fail(f"table {table}: {got['rows']} rows restored, {stats['rows']} expected")
        elif got["checksum"] != stats["checksum"]:
            report.fail(f"table {table}: content checksum differs after restore")
    for table in sorted(set(actual) - set(expected)):
        report.fail(f"table {table} appears after restore but is not in the manifest")


def _compare_media(report: VerificationReport, media_dir: Path, expected: dict) -> None:
    for rel, meta in sorted(expected.items()):
        path = media_dir / rel
        if not path.is_file():
            report.fail(f"file {rel} is missing from the archive")
            continue
        report.files_checked += 1
        if _file_sha256(path) != meta["sha256"]:
            report.fail(f"file {rel}: checksum differs")


# --- verify --------------------------------------------------------------------------------


def backup_verify(*, archive: Path) -> VerificationReport:
    """Restore ``archive`` into a scratch database and compare it with its manifest."""
    report = VerificationReport(archive=str(archive))
    with tempfile.TemporaryDirectory(prefix="ecity-verify-") as tmp:
        work = Path(tmp)
        manifest = _safe_extract(archive, work)
        db_file = work / manifest["database_file"]
        if _file_sha256(db_file) != manifest["database_sha256"]:
            report.fail("database file checksum differs from the manifest")
        if manifest["vendor"] == "sqlite":
            scratch = sqlite3.connect(db_file)
            try:
                if scratch.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    report.fail("SQLite integrity check failed")
                actual = _sqlite_table_stats(scratch)
            finally:
                scratch.close()
        elif manifest["vendor"] == "postgresql":
            actual = _pg_restore_scratch(db_file)
        else:
            raise BackupError(f"unsupported database vendor in archive: {manifest['vendor']}")
        _compare_tables(report, manifest["tables"], actual)
        _compare_media(report, work / "media", manifest["media"])
    return report


def _pg_restore_scratch(dump_file: Path) -> dict[str, dict[str, Any]]:
    import psycopg

    sd = connection.settings_dict
    scratch = f"ecity_verify_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_connection(sd)
    try:
        admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            args, env = _pg_settings(sd, name=scratch)
            _run(["pg_restore", "--no-owner", "--exit-on-error", *args, str(dump_file)], env)
            with (
                psycopg.connect(
                    host=sd.get("HOST") or "127.0.0.1",
                    port=sd.get("PORT") or 5432,
                    user=sd.get("USER") or None,
                    password=sd.get("PASSWORD") or None,
                    dbname=scratch,
                ) as conn,
                conn.cursor() as cursor,
            ):
                return _pg_table_stats(cursor)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    finally:
        admin.close()


# --- restore -------------------------------------------------------------------------------


def backup_restore(*, archive: Path, media_root: Path | None = None) -> VerificationReport:
    """Verify ``archive``, then replace the current database and uploaded files with it.

    Stop every web process and worker first. The archive must come from the same database
    vendor. Raises BackupError (and changes nothing) when verification fails.
    """
    report = backup_verify(archive=archive)
    if not report.ok:
        raise BackupError("verification failed, nothing restored: " + "; ".join(report.problems))
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="ecity-restore-") as tmp:
        work = Path(tmp)
        manifest = _safe_extract(archive, work)
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"archive is from {manifest['vendor']}, this installation uses {connection.vendor}"
            )
        db_file = work / manifest["database_file"]
        if connection.vendor == "sqlite":
            source = sqlite3.connect(db_file)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            sd = connection.settings_dict
            connection.close()
            args, env = _pg_settings(sd)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    str(db_file),
                ],
                env,
            )
        restored_media = work / "media"
        if media_root.exists():
            shutil.rmtree(media_root)
        if restored_media.is_dir():
            shutil.copytree(restored_media, media_root)
        private_dir_ensure(media_root)
    return report
