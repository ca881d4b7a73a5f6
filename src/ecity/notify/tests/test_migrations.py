"""Upgrading a database of the previous version: notifications keep what they were about.

Before, a notification pointed at ``cases.Case`` with a foreign key and a ``case_number``; after
``notify 0004``/``0005`` it names its subject generically (type, public id, reference).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ecity.cases.models import Case
from ecity.catalogue.tests.factories import VersionFactory
from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Notification

# Upgrades from older schemas: run on PostgreSQL (scripts/test.sh; see its note on SQLite).
pytestmark = pytest.mark.migrations

BEFORE = [("notify", "0003_encrypt_personal_data_rows")]


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def back_to_latest():
    yield
    migrate_to_latest()


def _case(number: str) -> Case:
    version = VersionFactory()
    return Case.objects.create(
        number=number,
        query_code=number[-8:],
        service_version=version,
        department=version.item.department,
        applicant_kind="citizen",
        applicant_name="张三",
        channel="online",
        submitted_at=timezone.now(),
    )


def _old_state():
    # the state migrate() ends in: the models of every migration still applied
    return MigrationExecutor(connection).migrate(BEFORE).apps


@pytest.mark.django_db(transaction=True)
def test_upgrade_turns_the_case_key_into_subject_and_reference(back_to_latest):
    # given notifications of the previous version: two about a case, one whose case was
    # deleted (only the number is left), one about nothing
    citizen = UserFactory(username="citizen")
    case = _case("SF20250517000001")
    state = _old_state()
    old = state.get_model("notify", "Notification")
    common = {"recipient_id": citizen.pk, "body": "…", "status": "sent"}
    about_case = [
        old.objects.create(
            channel=channel,
            event="case_accepted",
            case_id=case.pk,
            case_number=case.number,
            idempotency_key="k1",
            to_address="13800000001" if channel == "sms" else "",
            **common,
        )
        for channel in ("in_app", "sms")
    ]
    orphan = old.objects.create(
        channel="in_app",
        event="case_submitted",
        case_id=None,
        case_number="SF20240101000009",
        idempotency_key="k2",
        **common,
    )
    plain = old.objects.create(channel="in_app", event="rating_low", idempotency_key="k3", **common)

    # when the database is upgraded
    migrate_to_latest()

    # then each row names its subject generically and keeps its reference and its address
    rows = {row.pk: row for row in Notification.objects.all()}
    for before in about_case:
        row = rows[before.pk]
        assert (row.object_type, row.object_id, row.reference) == (
            "cases.case",
            str(case.public_id),
            "SF20250517000001",
        )
    assert rows[about_case[1].pk].to_address == "13800000001"
    assert (rows[orphan.pk].object_type, rows[orphan.pk].object_id) == ("cases.case", "")
    assert rows[orphan.pk].reference == "SF20240101000009"
    assert (rows[plain.pk].object_type, rows[plain.pk].object_id, rows[plain.pk].reference) == (
        "",
        "",
        "",
    )
    # and the inbox shows the same link text as before
    assert rows[about_case[0].pk].link_text == "查看办件 SF20250517000001"
    assert not hasattr(rows[plain.pk], "case_id")


@pytest.mark.django_db(transaction=True)
def test_downgrade_finds_the_case_again(back_to_latest):
    # given an upgraded notification about a case
    citizen = UserFactory(username="citizen")
    case = _case("SF20250517000002")
    row = Notification.objects.create(
        recipient=citizen,
        channel="in_app",
        event="case_accepted",
        object_type="cases.case",
        object_id=str(case.public_id),
        reference=case.number,
        body="…",
        idempotency_key="k1",
    )

    # when the migrations are rolled back to the previous version
    state = _old_state()

    # then the foreign key and the number are back
    old = state.get_model("notify", "Notification").objects.get(pk=row.pk)
    assert (old.case_id, old.case_number) == (case.pk, "SF20250517000002")
