"""Backups restore into a scratch database that matches their manifest; tampering is caught."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ecity.core.backup import BackupError, backup_create, backup_restore, backup_verify
from ecity.identity.models import User
from ecity.identity.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city_data(settings):
    media = Path(settings.MEDIA_ROOT)
    (media / "cases" / "2026").mkdir(parents=True)
    (media / "cases" / "2026" / "plan.pdf").write_bytes(b"%PDF-1.4 floor plan")
    DepartmentFactory(code="SCJ")
    users = [UserFactory(real_name=f"市民{n}") for n in range(3)]
    return media, users


def _repack(archive: Path, target: Path, change) -> Path:
    """Copy ``archive`` to ``target`` letting ``change(name, data)`` alter member contents."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
            else:
                dst.addfile(member)
    return target


def test_backup_verifies_rows_tables_and_files(city_data, tmp_path):
    archive = backup_create(output_dir=tmp_path / "backups")

    report = backup_verify(archive=archive)

    assert report.ok, report.problems
    assert report.files_checked == 1
    assert report.tables_checked > 20
    assert report.rows_checked >= User.objects.count()
    assert oct(archive.stat().st_mode)[-3:] == "600"
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["vendor"] == connection.vendor
    assert manifest["tables"]["identity_user"]["rows"] == 3
    assert "identity.0001_initial" in manifest["migrations"]


def test_changed_file_in_archive_is_named(city_data, tmp_path):
    archive = backup_create(output_dir=tmp_path / "backups")
    tampered = _repack(
        archive,
        tmp_path / "tampered.tar.gz",
        lambda name, data: b"forged" if name.endswith("plan.pdf") else data,
    )

    report = backup_verify(archive=tampered)

    assert not report.ok
    assert report.problems == ["file cases/2026/plan.pdf: checksum differs"]


def test_changed_rows_in_database_dump_are_detected(city_data, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("editing a pg_dump custom-format file in place is not meaningful")
    archive = backup_create(output_dir=tmp_path / "backups")

    def change(name, data):
        if name != "database.sqlite3":
            return data
        path = tmp_path / "db.sqlite3"
        path.write_bytes(data)
        conn = sqlite3.connect(path)
        conn.execute(
            "UPDATE identity_user SET real_name = '篡改' "
            "WHERE id = (SELECT min(id) FROM identity_user)"
        )
        conn.commit()
        conn.close()
        return path.read_bytes()

    tampered = _repack(archive, tmp_path / "tampered.tar.gz", change)

    report = backup_verify(archive=tampered)

    assert not report.ok
    assert "database file checksum differs from the manifest" in report.problems
    assert "table identity_user: content checksum differs after restore" in report.problems


def test_restore_brings_back_deleted_rows_and_files(city_data, tmp_path):
    media, users = city_data
    archive = backup_create(output_dir=tmp_path / "backups")
    User.objects.filter(pk=users[0].pk).delete()
    (media / "cases" / "2026" / "plan.pdf").unlink()
    (media / "stray.txt").write_text("written after the backup")

    backup_restore(archive=archive)

    assert User.objects.filter(real_name="市民0").exists()
    assert (media / "cases" / "2026" / "plan.pdf").read_bytes() == b"%PDF-1.4 floor plan"
    assert not (media / "stray.txt").exists()


def test_archive_with_path_traversal_is_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        info = tarfile.TarInfo("../escape.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))

    with pytest.raises(BackupError, match="unsafe entry"):
        backup_verify(archive=evil)
    assert not (tmp_path.parent / "escape.txt").exists()


def test_verify_command_fails_loudly_on_a_tampered_archive(city_data, tmp_path):
    archive = backup_create(output_dir=tmp_path / "backups")
    tampered = _repack(
        archive,
        tmp_path / "t.tar.gz",
        lambda name, data: b"x" if name.endswith("plan.pdf") else data,
    )
    out = io.StringIO()
    call_command("backup_verify", str(archive), stdout=out)
    assert out.getvalue().startswith("OK:")

    with pytest.raises(CommandError, match=r"plan\.pdf: checksum differs"):
        call_command("backup_verify", str(tampered))


def test_restore_refuses_an_archive_that_fails_verification(city_data, tmp_path):
    archive = backup_create(output_dir=tmp_path / "backups")
    tampered = _repack(
        archive,
        tmp_path / "t.tar.gz",
        lambda name, data: b"x" if name.endswith("plan.pdf") else data,
    )
    User.objects.filter(real_name="市民1").delete()

    with pytest.raises(BackupError, match="nothing restored"):
        backup_restore(archive=tampered)
    assert not User.objects.filter(real_name="市民1").exists()


def test_backups_are_owner_only(city_data, tmp_path):
    import stat

    archive = backup_create(output_dir=tmp_path / "backups")

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
