"""Enqueueing into the outbox, preferences, marking read, retrying."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.db.transaction import TransactionManagementError

from ecity.core.errors import NotFound, ValidationFailed
from ecity.identity.tests.factories import UserFactory
from ecity.notify import selectors, services
from ecity.notify.models import Notification, NotificationPreference
from ecity.notify.tests.conftest import CONTEXT, enqueue

pytestmark = pytest.mark.django_db


class _Rollback(Exception):
    pass


def test_enqueue_writes_one_row_per_channel_with_default_preferences(citizen):
    # given an account with an e-mail address and a phone number, no stored preferences
    # when a state change enqueues a notification
    rows = enqueue(citizen)

    # then in-app (already visible), e-mail and SMS rows exist; e-mail and SMS wait for delivery
    by_channel = {row.channel: row for row in rows}
    assert sorted(by_channel) == ["email", "in_app", "sms"]
    assert by_channel["in_app"].status == "sent"
    assert by_channel["in_app"].sent_at is not None
    assert by_channel["email"].status == "pending"
    assert by_channel["email"].to_address == "zhangsan@example.cn"
    assert by_channel["sms"].to_address == "13800000001"
    assert by_channel["email"].next_attempt_at is not None
    assert Notification.objects.count() == 3


def test_enqueue_inside_a_transaction_that_rolls_back_stores_nothing(citizen):
    # given a state change that enqueues and then fails
    with pytest.raises(_Rollback), transaction.atomic():
        services.notification_enqueue(
            recipient=citizen,
            event="case_accepted",
            context=CONTEXT,
            idempotency_key="case_accepted:rolled-back",
        )
        assert Notification.objects.count() == 3
        raise _Rollback

    # then the outbox rolled back with it
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(citizen):
    # given autocommit mode (no atomic block), as a careless caller would run
    assert not transaction.get_connection().in_atomic_block

    # then enqueueing is refused: the rows would not share the state change's fate
    with pytest.raises(TransactionManagementError):
        services.notification_enqueue(
            recipient=citizen, event="case_accepted", context=CONTEXT, idempotency_key="k"
        )
    assert Notification.objects.count() == 0


def test_second_enqueue_with_the_same_key_creates_nothing(citizen):
    # given an event already notified
    first = enqueue(citizen, key="case_accepted:42")

    # when the state change is retried with the same key
    second = enqueue(citizen, key="case_accepted:42")

    # then nothing new is written
    assert len(first) == 3
    assert second == []
    assert Notification.objects.filter(idempotency_key="case_accepted:42").count() == 3


def test_a_fresh_key_writes_the_same_rows_and_a_duplicate_is_still_refused(citizen):
    # given an event enqueued by a caller that knows its key is new (object made just now)
    rows = enqueue(citizen, key="case_accepted:fresh", fresh_key=True)
    assert sorted(row.channel for row in rows) == ["email", "in_app", "sms"]
    assert all(row.pk for row in rows)

    # when a caller wrongly claims the same key is fresh again
    with pytest.raises(IntegrityError), transaction.atomic():
        enqueue(citizen, key="case_accepted:fresh", fresh_key=True)

    # then the unique constraint refused it: nothing was written twice
    assert Notification.objects.filter(idempotency_key="case_accepted:fresh").count() == 3


def test_switched_off_email_gets_no_email_row(citizen):
    # given the citizen switched e-mail off for everything
    services.preferences_update(user=citizen, preferences={"email": {"all": False}})

    # when an event is enqueued
    rows = enqueue(citizen)

    # then in-app and SMS only
    assert sorted(row.channel for row in rows) == ["in_app", "sms"]


def test_group_preference_wins_over_the_all_choice(citizen):
    # given SMS off except for results
    services.preferences_update(user=citizen, preferences={"sms": {"all": False, "result": True}})

    # when a progress event and a result event are enqueued
    progress = enqueue(citizen, event="case_accepted", key="a")
    result = enqueue(citizen, event="case_approved", key="b")

    # then only the result goes by SMS
    assert "sms" not in {row.channel for row in progress}
    assert "sms" in {row.channel for row in result}


def test_setting_all_replaces_earlier_group_choices(citizen):
    # given a group choice and then "all" off
    services.preferences_update(user=citizen, preferences={"email": {"result": True}})
    services.preferences_update(user=citizen, preferences={"email": {"all": False}})

    # then the group row is gone and results are not e-mailed either
    assert list(
        NotificationPreference.objects.filter(user=citizen).values_list("event_group", flat=True)
    ) == ["all"]
    assert "email" not in {row.channel for row in enqueue(citizen, event="case_approved")}


def test_account_without_phone_gets_no_sms_row(db):
    # given an account without a mobile number
    user = UserFactory(username="nophone", phone="", email="np@example.cn")

    # then no SMS row is written
    assert sorted(row.channel for row in enqueue(user)) == ["email", "in_app"]


def test_walk_in_applicant_gets_email_and_sms_to_the_given_addresses(db):
    # given an applicant without an account who left an e-mail address and a phone number
    rows = enqueue(None, email="walkin@example.cn", phone="13900000009")

    # then e-mail and SMS (no in-app: nobody to show it to), in the default language
    by_channel = {row.channel: row for row in rows}
    assert sorted(by_channel) == ["email", "sms"]
    assert by_channel["email"].recipient is None
    assert by_channel["email"].to_address == "walkin@example.cn"
    assert by_channel["sms"].to_address == "13900000009"
    assert by_channel["email"].language == "zh-hans"


def test_phone_only_recipient_gets_the_sms_text_and_the_subject(db):
    # given a caller known only by a phone number
    with mock.patch.object(services, "render_message", wraps=services.render_message) as render:
        rows = enqueue(None, phone="13900000009")

    # then one SMS row with the short text and the subject; no e-mail body was rendered
    assert [(row.channel, row.to_address) for row in rows] == [("sms", "13900000009")]
    assert rows[0].subject
    assert rows[0].body.startswith("【")
    assert render.call_args.kwargs["body"] is False
    assert render.call_args.kwargs["sms"] is True


def test_walk_in_applicant_without_addresses_gets_nothing(db):
    assert enqueue(None) == []
    assert Notification.objects.count() == 0


def test_explicit_address_overrides_the_accounts_address(citizen):
    rows = enqueue(citizen, email="case-contact@example.cn")
    assert {r.channel: r.to_address for r in rows}["email"] == "case-contact@example.cn"


def test_message_is_rendered_at_enqueue_in_the_recipients_language(citizen, english_citizen):
    # when the same event is enqueued for a Chinese and an English reader
    zh = {r.channel: r for r in enqueue(citizen, key="zh")}
    en = {r.channel: r for r in enqueue(english_citizen, key="en")}

    # then each row is fixed in the reader's language
    assert zh["email"].subject == "办件 SF20250517000001 已受理"
    assert "食品经营许可" in zh["email"].body
    assert zh["email"].body.startswith("张三，您好：")
    assert en["email"].subject == "Application SF20250517000001 accepted"
    assert "Food business licence" in en["email"].body
    assert en["email"].body.startswith("Dear Alice,")
    # English readers get links to English pages
    assert "http://127.0.0.1:8000/en/cases/3fa85f64-5717-4562-b3fc-2c963f66afa6/" in (
        en["email"].body
    )
    assert en["in_app"].link_path == "/en/cases/3fa85f64-5717-4562-b3fc-2c963f66afa6/"
    assert zh["in_app"].link_path == "/cases/3fa85f64-5717-4562-b3fc-2c963f66afa6/"


def test_sms_row_carries_the_short_text_with_case_number_and_link(citizen):
    sms = next(r for r in enqueue(citizen) if r.channel == "sms")
    assert sms.body.startswith("【示范市政务服务】")
    assert "SF20250517000001" in sms.body
    assert "http://127.0.0.1:8000" in sms.body
    assert len(sms.body) <= 70


def test_subject_reference_is_stored_and_survives_case_deletion(citizen, case):
    # given a notification about a case
    rows = enqueue(citizen, obj=case, reference=case.number)
    assert {(row.object_type, row.object_id) for row in rows} == {
        ("cases.case", str(case.public_id))
    }
    assert list(selectors.notifications_about(obj=case)) == rows

    # when the case row goes away, the notification stays with its reference
    case.delete()
    row = Notification.objects.get(channel="in_app")
    assert row.object_id == str(rows[0].object_id)
    assert row.reference == "SF20250517000001"
    assert str(row.link_text) == "查看办件 SF20250517000001"


def test_unknown_event_is_a_programming_error(citizen):
    # given an event no app declares
    # when a service enqueues it, then it is refused and nothing is written
    with pytest.raises(ValueError, match="unknown notification event 'case_exploded'"):
        enqueue(citizen, event="case_exploded")
    assert not Notification.objects.exists()


def test_empty_idempotency_key_is_a_programming_error(citizen):
    with pytest.raises(ValueError, match="idempotency_key"):
        enqueue(citizen, key="")


def test_in_app_cannot_be_switched_off(citizen):
    with pytest.raises(ValidationFailed) as error:
        services.preferences_update(user=citizen, preferences={"in_app": {"all": False}})
    assert error.value.fields == {"in_app": ["站内消息不能关闭。"]}


def test_sms_cannot_be_switched_on_without_a_phone_number(db):
    user = UserFactory(username="nophone2", phone="")
    with pytest.raises(ValidationFailed) as error:
        services.preferences_update(user=user, preferences={"sms": {"all": True}})
    assert list(error.value.fields) == ["sms"]
    assert NotificationPreference.objects.count() == 0


def test_unknown_channel_and_group_are_rejected(citizen):
    with pytest.raises(ValidationFailed) as error:
        services.preferences_update(
            user=citizen, preferences={"fax": {"all": True}, "email": {"gossip": True}}
        )
    assert set(error.value.fields) == {"fax", "email"}


def test_mark_read_sets_read_time_once(citizen):
    # given an unread in-app message
    message = next(r for r in enqueue(citizen) if r.channel == "in_app")

    # when it is marked read twice
    services.notification_mark_read(user=citizen, notification=message)
    first_read_at = Notification.objects.get(pk=message.pk).read_at
    services.notification_mark_read(user=citizen, notification=message)

    # then it is read, and the first read time stays
    message.refresh_from_db()
    assert message.is_read is True
    assert message.read_at == first_read_at is not None


def test_mark_read_of_someone_elses_message_is_not_found(citizen, other_citizen):
    message = next(r for r in enqueue(citizen) if r.channel == "in_app")
    with pytest.raises(NotFound):
        services.notification_mark_read(user=other_citizen, notification=message)
    message.refresh_from_db()
    assert message.is_read is False


def test_mark_all_read_touches_only_the_users_unread_messages(citizen, other_citizen):
    enqueue(citizen, key="a")
    enqueue(citizen, key="b", event="case_approved")
    enqueue(other_citizen, key="c")

    assert services.notification_mark_all_read(user=citizen) == 2
    assert (
        Notification.objects.filter(
            recipient=other_citizen, channel="in_app", is_read=False
        ).count()
        == 1
    )


def test_retry_gives_a_failed_row_a_fresh_start(citizen):
    row = next(r for r in enqueue(citizen) if r.channel == "email")
    Notification.objects.filter(pk=row.pk).update(
        status="failed", attempts=7, next_attempt_at=None, last_error="boom"
    )
    row.refresh_from_db()

    services.notification_retry(notification=row)

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at is not None


def test_retry_leaves_sent_rows_alone(citizen):
    row = next(r for r in enqueue(citizen) if r.channel == "in_app")
    services.notification_retry(notification=row)
    row.refresh_from_db()
    assert row.status == "sent"
