"""Production settings refuse unsafe configurations; env values are parsed strictly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _import_production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ECITY_DEBUG"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "ecity.conf.production"
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_secret_key():
    result = _import_production()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _import_production(SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug_mode():
    result = _import_production(SECRET_KEY="x" * 50, ECITY_DEBUG="true")
    assert result.returncode != 0
    assert "ECITY_DEBUG must not be on" in result.stderr


def test_production_starts_with_a_secret_key_and_debug_off():
    result = _import_production(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_invalid_boolean_names_the_variable(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from ecity.conf import env

    monkeypatch.setenv("ECITY_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="ECITY_DEBUG"):
        env._bool("ECITY_DEBUG", False)


def test_email_url_configures_smtp_with_tls():
    from ecity.conf.base import _email_settings

    conf = _email_settings("smtp+tls://mailer:p%40ss@smtp.example.gov.cn:2525")
    assert conf["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert conf["EMAIL_HOST"] == "smtp.example.gov.cn"
    assert conf["EMAIL_PORT"] == 2525
    assert conf["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert conf["EMAIL_USE_TLS"] is True


def test_default_language_is_simplified_chinese_with_english(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"


def test_postgresql_connections_turn_jit_off_unless_told_otherwise():
    from django.core.exceptions import ImproperlyConfigured

    from ecity.conf.base import _database_settings

    url = "postgres://ecity@db.example.gov.cn:5432/ecity"
    default = _database_settings(url, conn_max_age=60, pg_jit="off")
    assert default["OPTIONS"]["options"] == "-c jit=off"
    assert _database_settings(url, conn_max_age=60, pg_jit="on")["OPTIONS"]["options"] == (
        "-c jit=on"
    )
    # behind PgBouncer the server's (or the database's) own setting is left alone
    assert "options" not in _database_settings(url, conn_max_age=60, pg_jit="server").get(
        "OPTIONS", {}
    )
    # SQLite has no JIT and gets no PostgreSQL option
    sqlite = _database_settings("sqlite:////tmp/ecity.sqlite3", conn_max_age=0, pg_jit="off")
    assert "options" not in sqlite.get("OPTIONS", {})
    with pytest.raises(ImproperlyConfigured, match="ECITY_PG_JIT"):
        _database_settings(url, conn_max_age=60, pg_jit="maybe")


@pytest.mark.django_db
def test_the_database_connection_runs_with_jit_off_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
