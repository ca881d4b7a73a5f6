"""The data ecity keeps on disk is readable by its own account only."""

from __future__ import annotations

import os
import stat
from types import SimpleNamespace

import pytest

from ecity.core import crypto
from ecity.core.apps import _private_databases, sqlite_file_private


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_sqlite_database_and_its_wal_files_become_0600(tmp_path):
    database = tmp_path / "ecity.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"ecity.sqlite3{suffix}").write_bytes(b"")
        os.chmod(tmp_path / f"ecity.sqlite3{suffix}", 0o644)
    connection = SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(database)})

    sqlite_file_private(sender=None, connection=connection)

    assert [_mode(tmp_path / f"ecity.sqlite3{s}") for s in ("", "-wal", "-shm")] == [0o600] * 3
    _private_databases.discard(str(database))


@pytest.mark.django_db
def test_a_real_sqlite_connection_makes_its_file_0600(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    database = tmp_path / "fresh.sqlite3"
    wrapper = DatabaseWrapper({**_sqlite_settings(), "NAME": str(database)}, alias="scratch")
    try:
        wrapper.ensure_connection()
    finally:
        wrapper.close()

    assert _mode(database) == 0o600
    _private_databases.discard(str(database))


def _sqlite_settings() -> dict:
    from django.db import connections

    settings = dict(connections["default"].settings_dict)
    settings.update(ENGINE="django.db.backends.sqlite3", OPTIONS={}, TEST={})
    return settings


def test_the_keyring_file_and_its_folder_are_owner_only(tmp_path, settings):
    settings.ECITY_FIELD_KEYS = ""
    settings.ECITY_FIELD_KEYS_FILE = str(tmp_path / "keys" / "field_keys.json")
    crypto.reset_keyring_cache()
    try:
        crypto.keyring()
    finally:
        crypto.reset_keyring_cache()

    assert _mode(tmp_path / "keys" / "field_keys.json") == 0o600
    assert _mode(tmp_path / "keys") == 0o700
