"""Delivering the outbox: channels, retries with backoff, permanent failures, crash recovery."""

from __future__ import annotations

import json
import smtplib
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from ecity.core.jobs import registered_jobs
from ecity.notify import delivery
from ecity.notify.channels import sms as sms_module
from ecity.notify.delivery import (
    BACKOFF_SECONDS,
    MAX_ATTEMPTS,
    SENDING_TIMEOUT,
    deliver_due_notifications,
    retry_delay,
)
from ecity.notify.models import DeliveryAttempt, Notification
from ecity.notify.tests.conftest import enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    """A tiny SMS gateway on 127.0.0.1: answers with the queued statuses, then 200."""
    state = SimpleNamespace(statuses=[], requests=[], delay=0.0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            if state.delay:
                time.sleep(state.delay)
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/sms/send?token=s3cret&account=city"
    settings.ECITY_SMS_URL = state.url
    yield state
    server.shutdown()
    server.server_close()


def _row(channel, **filters):
    return Notification.objects.get(channel=channel, **filters)


def test_email_is_sent_with_the_subject_in_the_recipients_language(citizen, english_citizen):
    # given one Chinese and one English reader with pending e-mails
    enqueue(citizen, key="zh")
    enqueue(english_citizen, key="en")

    # when the delivery job runs
    sent = deliver_due_notifications()

    # then both e-mails (and both SMS) went out, each in its reader's language
    assert sent == 4
    by_address = {message.to[0]: message for message in mail.outbox}
    assert by_address["zhangsan@example.cn"].subject == "办件 SF20250517000001 已受理"
    assert by_address["alice@example.cn"].subject == "Application SF20250517000001 accepted"
    assert "Food business licence" in by_address["alice@example.cn"].body
    assert by_address["alice@example.cn"].from_email == "ecity <noreply@ecity.invalid>"
    row = _row("email", recipient=english_citizen)
    assert (
        by_address["alice@example.cn"].extra_headers["Message-ID"].startswith(f"<{row.public_id}@")
    )
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.sent_at is not None
    assert list(row.delivery_attempts.values_list("outcome", flat=True)) == ["sent"]


def test_sms_goes_to_the_configured_gateway(citizen, sms_outbox):
    enqueue(citizen)
    deliver_due_notifications()
    row = _row("sms")
    assert sms_outbox == [{"to": "13800000001", "text": row.body, "id": str(row.public_id)}]
    assert row.status == "sent"


def test_sms_file_backend_appends_a_json_line(citizen, settings, tmp_path):
    # given the file gateway
    settings.ECITY_SMS_URL = f"file://{tmp_path}/sms"
    enqueue(citizen, key="one")
    enqueue(citizen, key="two", event="case_approved")

    # when delivered
    deliver_due_notifications()

    # then one JSON line per message, in order
    lines = (tmp_path / "sms" / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    messages = [json.loads(line) for line in lines]
    assert [m["to"] for m in messages] == ["13800000001", "13800000001"]
    assert "SF20250517000001" in messages[0]["text"]
    assert "已受理" in messages[0]["text"]
    assert "已办结" in messages[1]["text"]
    # phone numbers and messages are readable by ecity's own account only
    assert (tmp_path / "sms" / "sms.jsonl").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "sms").stat().st_mode & 0o777 == 0o700


def test_http_gateway_5xx_is_retried_with_backoff_then_sent(citizen, gateway):
    # given a gateway that fails once
    gateway.statuses = [500]
    enqueue(citizen)
    now = timezone.now()

    # when the job runs
    deliver_due_notifications(now=now)

    # then the SMS waits for a later attempt, the error recorded
    row = _row("sms")
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at >= now + timedelta(seconds=BACKOFF_SECONDS[0] * 0.8)
    assert row.next_attempt_at <= now + timedelta(seconds=BACKOFF_SECONDS[0] * 1.2 + 5)
    assert "500" in row.last_error
    assert "s3cret" not in row.last_error

    # and a run before the backoff has passed does not touch it
    assert deliver_due_notifications(now=now + timedelta(seconds=5)) == 0
    assert len(gateway.requests) == 1

    # when the job runs after the backoff, the gateway answers 200
    deliver_due_notifications(now=row.next_attempt_at + timedelta(seconds=1))

    # then it is sent; both posts carried the same id, the token went in a header
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(gateway.requests) == 2
    first, second = gateway.requests
    assert (
        first["json"]
        == second["json"]
        == {
            "to": "13800000001",
            "text": row.body,
            "id": str(row.public_id),
        }
    )
    assert first["headers"]["Idempotency-Key"] == str(row.public_id)
    assert first["headers"]["Authorization"] == "Bearer s3cret"
    assert first["path"] == "/sms/send?account=city"
    assert list(row.delivery_attempts.values_list("outcome", flat=True)) == ["retry", "sent"]


def test_http_gateway_4xx_fails_without_retrying(citizen, gateway):
    gateway.statuses = [400]
    enqueue(citizen)

    deliver_due_notifications()
    deliver_due_notifications(now=timezone.now() + timedelta(days=2))

    row = _row("sms")
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.next_attempt_at is None
    assert "400" in row.last_error
    assert len(gateway.requests) == 1


def test_http_gateway_429_is_retried(citizen, gateway):
    gateway.statuses = [429]
    enqueue(citizen)
    deliver_due_notifications()
    assert _row("sms").status == "pending"


def test_http_gateway_timeout_is_retried(citizen, gateway, monkeypatch):
    # given a gateway slower than our timeout
    monkeypatch.setattr(sms_module, "HTTP_TIMEOUT_SECONDS", 0.2)
    gateway.delay = 1.0
    enqueue(citizen)

    deliver_due_notifications()

    row = _row("sms")
    assert (row.status, row.attempts) == ("pending", 1)
    assert "unreachable" in row.last_error


def test_unreachable_gateway_is_retried(citizen, settings):
    settings.ECITY_SMS_URL = "http://127.0.0.1:9/send"  # discard port: nothing listens
    enqueue(citizen)
    deliver_due_notifications()
    row = _row("sms")
    assert (row.status, row.attempts) == ("pending", 1)


def test_failing_sms_gateway_does_not_stop_email_in_the_same_batch(
    citizen, english_citizen, gateway
):
    # given a gateway that is down and two recipients with e-mail and SMS
    gateway.statuses = [503, 503, 503]
    enqueue(citizen, key="a")
    enqueue(english_citizen, key="b")

    # when the job runs
    sent = deliver_due_notifications()

    # then both e-mails went out; the SMS wait; the dead gateway was called only once
    assert sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.cn", "zhangsan@example.cn"]
    sms_rows = Notification.objects.filter(channel="sms")
    assert set(sms_rows.values_list("status", flat=True)) == {"pending"}
    assert len(gateway.requests) == 1
    # the row that was not tried keeps all its attempts
    assert sorted(sms_rows.values_list("attempts", flat=True)) == [0, 1]


def test_failed_channel_backend_crash_is_retried(citizen, monkeypatch):
    # given an SMS backend that raises something unexpected
    class Broken:
        def send(self, notification):
            raise RuntimeError("driver bug")

    monkeypatch.setattr(delivery, "channel_backend", lambda channel: Broken())
    enqueue(citizen)

    deliver_due_notifications()

    row = _row("sms")
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error == "RuntimeError: driver bug"


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.cn": (550, b"no such user")})


class TempFailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPResponseException(451, b"try again later")


def test_refused_email_address_fails_at_once(citizen, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    enqueue(citizen)
    deliver_due_notifications()
    row = _row("email")
    assert (row.status, row.attempts) == ("failed", 1)
    assert "refused" in row.last_error


def test_temporary_smtp_error_is_retried(citizen, settings):
    settings.EMAIL_BACKEND = f"{__name__}.TempFailBackend"
    enqueue(citizen)
    deliver_due_notifications()
    row = _row("email")
    assert (row.status, row.attempts) == ("pending", 1)
    assert "451" in row.last_error


def test_gives_up_after_the_last_attempt(citizen, gateway):
    # given an SMS that has already failed all but one attempt
    gateway.statuses = [500]
    enqueue(citizen)
    Notification.objects.filter(channel="sms").update(attempts=MAX_ATTEMPTS - 1)

    # when the last attempt fails too
    deliver_due_notifications()

    # then the row is failed with the error, and not retried
    row = _row("sms")
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.next_attempt_at is None
    assert "500" in row.last_error
    assert row.delivery_attempts.get().outcome == "failed"


def test_row_stuck_in_sending_is_delivered_again_after_the_timeout(citizen, sms_outbox):
    # given an SMS claimed by a worker that then crashed
    enqueue(citizen)
    now = timezone.now()
    Notification.objects.filter(channel__in=["sms", "email"]).update(
        status="sending", claim_token="dead-worker", claimed_at=now
    )

    # when another worker runs before the timeout, it leaves the row alone
    assert deliver_due_notifications(now=now + SENDING_TIMEOUT - timedelta(seconds=1)) == 0
    assert _row("sms").status == "sending"

    # when it runs after the timeout
    sent = deliver_due_notifications(now=now + SENDING_TIMEOUT + timedelta(seconds=1))

    # then the rows are sent, the crash counted as an attempt
    assert sent == 2
    row = _row("sms")
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(sms_outbox) == 1
    assert list(row.delivery_attempts.values_list("outcome", flat=True)) == ["retry", "sent"]


def test_late_result_of_a_worker_that_lost_its_claim_is_ignored(citizen):
    # given a row reclaimed by another worker (new token)
    enqueue(citizen)
    row = _row("sms")
    Notification.objects.filter(pk=row.pk).update(status="sending", claim_token="new-owner")

    # when the old worker's failure comes in, it changes nothing
    delivery._record_failure(
        row, "old-owner", at=timezone.now(), error="late", retryable=True, ms=1
    )
    row.refresh_from_db()
    assert (row.status, row.claim_token, row.last_error) == ("sending", "new-owner", "")


def test_in_app_rows_are_never_sent_by_the_job(citizen):
    enqueue(citizen)
    deliver_due_notifications()
    row = _row("in_app")
    assert (row.status, row.attempts) == ("sent", 0)
    assert not DeliveryAttempt.objects.filter(notification=row).exists()


def test_batch_limits_how_many_rows_one_run_takes(citizen):
    for n in range(3):
        enqueue(citizen, key=f"k{n}")
    assert deliver_due_notifications(batch=2) == 2
    assert Notification.objects.filter(status="pending").count() == 4


@pytest.mark.parametrize(("attempts", "base"), [(1, 30), (2, 120), (3, 600), (5, 21600)])
def test_backoff_grows_with_jitter(attempts, base):
    delays = [retry_delay(attempts).total_seconds() for _ in range(50)]
    assert all(base * 0.8 <= d <= base * 1.2 for d in delays)
    assert len(set(delays)) > 1


def test_backoff_stays_at_the_longest_delay():
    assert retry_delay(20).total_seconds() <= BACKOFF_SECONDS[-1] * 1.2


def test_delivery_job_is_registered_every_five_seconds():
    job = registered_jobs()["notify.deliver"]
    assert job.func is deliver_due_notifications
    assert job.every_seconds == 5
