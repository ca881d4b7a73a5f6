"""Upgrading a database to the kernel's sequences and idempotency records loses nothing.

Given rows in the old tables (cases.CaseNumberSequence, cases.IdempotencyRecord), the
migrations copy them into core, so numbering continues without a gap or a repeat and a retried
submission still finds its case. Runs the real migrations with Django's executor on SQLite and
PostgreSQL; the backward direction is exercised too.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ecity.cases.models import Case
from ecity.cases.tests.submission_support import submit
from ecity.core.models import IdempotencyRecord, Sequence

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

CASES_BEFORE = ("cases", "0007_department_in_org")


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
def test_case_numbers_continue_and_retries_find_their_case_after_the_upgrade(joint, back_to_latest):
    # given: a database before the upgrade, with 41 numbers taken this year and one keyed case
    first = submit(joint, idempotency_key="upgrade-key-0001")
    migrate(CASES_BEFORE)
    apps = old_apps(CASES_BEFORE)
    year = timezone.localdate().year
    code = joint.lead.code
    apps.get_model("cases", "CaseNumberSequence").objects.filter(
        year=year, department_code=code
    ).update(last=41)
    apps.get_model("cases", "CaseNumberSequence").objects.create(
        year=year - 1, department_code=code, last=977
    )
    old_record = apps.get_model("cases", "IdempotencyRecord").objects.get()
    assert old_record.case_id == first.pk

    # when
    migrate_to_latest()

    # then: the series continue, the old year's series is kept, the retry finds the case
    assert Sequence.objects.get(scope=f"cases:{year - 1}:{code}").last == 977
    second = submit(joint, idempotency_key="upgrade-key-0002")
    assert second.number == f"{year}-{code}-000042"
    retry = submit(joint, idempotency_key="upgrade-key-0001")
    assert retry.pk == first.pk and retry.is_replay
    record = IdempotencyRecord.objects.get(key="upgrade-key-0001")
    assert record.public_id == old_record.public_id
    assert (record.result_type, record.result_id) == ("cases.case", first.public_id)
    assert Case.objects.count() == 2
