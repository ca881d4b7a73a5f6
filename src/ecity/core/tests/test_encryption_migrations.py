"""The encryption migrations on a database with plaintext rows: forwards, then backwards.

They run the real migrations (identity 0004–0006, cases 0004–0005) with Django's executor, on
SQLite and on PostgreSQL (where the JSON columns change from jsonb to text and back).
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState

from ecity.cases.models import CaseDraft
from ecity.catalogue.tests.factories import VersionFactory
from ecity.core import crypto
from ecity.identity.models import User
from ecity.identity.selectors import user_find_by_id_number, users_with_phone
from ecity.identity.tests.factories import UserFactory, id_number_for

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

IDENTITY_BEFORE = ("identity", "0003_security_mfa_lockout")
CASES_BEFORE = ("cases", "0003_case_number_sequence")


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        value = cursor.fetchone()[0]
    return value if isinstance(value, str) else json.dumps(value)


def migrate(*targets: tuple[str, str]) -> ProjectState:
    """Migrate to ``targets``; the project as it is then (``.apps``: its models)."""
    return MigrationExecutor(connection).migrate(list(targets))


def migrate_app_to_latest(app_label: str) -> None:
    """Apply the app's migrations (and what they depend on), not every other app's.

    Going back afterwards then only unapplies those: the whole schema goes back and forth once
    per test (in the test and in ``back_to_latest``), not twice.
    """
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes(app_label))


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_identity_migrations_encrypt_legacy_rows_and_reverse_to_plaintext(back_to_latest):
    old_apps = migrate(IDENTITY_BEFORE).apps
    legacy = old_apps.get_model("identity", "User").objects.create(
        username="legacy",
        password="!",
        id_number=id_number_for(701),
        phone="13900000701",
        address="示范市东城区旧路1号",
    )
    assert raw("identity_user", "id_number", legacy.pk) == id_number_for(701)

    migrate_app_to_latest("identity")

    assert crypto.is_ciphertext(raw("identity_user", "id_number", legacy.pk))
    assert crypto.is_ciphertext(raw("identity_user", "address", legacy.pk))
    user = user_find_by_id_number(id_number=id_number_for(701))
    assert user is not None and user.pk == legacy.pk
    assert list(users_with_phone("13900000701")) == [user]
    assert user.address == "示范市东城区旧路1号"

    migrate(IDENTITY_BEFORE)

    assert raw("identity_user", "id_number", legacy.pk) == id_number_for(701)
    assert raw("identity_user", "phone", legacy.pk) == "13900000701"


@pytest.mark.django_db(transaction=True)
def test_cases_migrations_encrypt_legacy_json_and_reverse_to_plaintext(back_to_latest):
    owner, version = UserFactory(), VersionFactory()
    old_apps = migrate(CASES_BEFORE).apps
    form = {"id_number": id_number_for(702), "address": "示范市西城区", "area": 12.5}
    legacy = old_apps.get_model("cases", "CaseDraft").objects.create(
        owner_id=owner.pk, service_version_id=version.pk, form_data=form
    )

    migrate_app_to_latest("cases")

    assert crypto.is_ciphertext(raw("cases_casedraft", "form_data", legacy.pk))
    assert CaseDraft.objects.get(pk=legacy.pk).form_data == form

    migrate(CASES_BEFORE)

    assert json.loads(raw("cases_casedraft", "form_data", legacy.pk)) == form
    assert User.objects.filter(pk=owner.pk).exists()
