"""The outbox in the admin: read-only records, filters, retry of failed rows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Notification
from ecity.notify.tests.conftest import enqueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_changelist_filters_by_status_and_masks_addresses(client, superuser, citizen):
    enqueue(citizen)
    Notification.objects.filter(channel="sms").update(status="failed", last_error="gateway 500")
    client.force_login(superuser)

    response = client.get(
        reverse("admin:notify_notification_changelist"), {"status__exact": "failed"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "138****0001" in html
    assert "13800000001" not in html


def test_notification_page_is_read_only(client, superuser, citizen):
    enqueue(citizen)
    row = Notification.objects.get(channel="email")
    client.force_login(superuser)

    response = client.get(reverse("admin:notify_notification_change", args=[row.pk]))

    assert response.status_code == 200
    assert 'name="body"' not in response.content.decode()
    assert not response.context["has_change_permission"]


def test_retry_now_action_requeues_failed_rows(client, superuser, citizen):
    enqueue(citizen)
    Notification.objects.filter(channel="sms").update(
        status="failed", attempts=7, next_attempt_at=None
    )
    failed = Notification.objects.get(channel="sms")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:notify_notification_changelist"),
        {"action": "retry_now", "_selected_action": [failed.pk]},
        follow=True,
    )

    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert failed.next_attempt_at is not None


def test_retry_action_needs_change_permission(client, citizen):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(viewer)

    response = client.get(reverse("admin:notify_notification_changelist"))

    assert response.status_code == 200
    assert "retry_now" not in response.content.decode()
