"""Upgrading a database to the kernel's sequences and signing-key vault loses nothing.

Given rows in the old tables (certificates.SerialCounter), the migrations copy them into core,
so numbering continues without a gap or a repeat. Runs the real migrations with
Django's executor on SQLite and PostgreSQL; the backward direction is exercised too.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from ecity.core.sequences import sequence_next

CERTIFICATES_BEFORE = ("certificates", "0003_encrypt_personal_data_rows")


def migrate(*targets: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate(list(targets))


def old_apps(*targets: tuple[str, str]):
    return MigrationExecutor(connection).loader.project_state(list(targets)).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


@pytest.mark.django_db(transaction=True)
def test_certificate_and_decision_serials_continue_after_the_upgrade(back_to_latest):
    # given
    migrate(CERTIFICATES_BEFORE)
    counters = old_apps(CERTIFICATES_BEFORE).get_model("certificates", "SerialCounter")
    counters.objects.create(scope="decision:SCJ:2026", last_value=12)
    counters.objects.create(scope="certificate:FOOD:91310000MA1FL0XX0X", last_value=3)

    # when
    migrate_to_latest()

    # then
    with transaction.atomic():
        assert sequence_next(scope="decision:SCJ:2026") == 13
        assert sequence_next(scope="certificate:FOOD:91310000MA1FL0XX0X") == 4
