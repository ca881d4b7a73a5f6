"""Fixtures for the notify tests: accounts with known contact details, SMS in memory."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from ecity.cases.tests.factories import CaseFactory
from ecity.identity.tests.factories import UserFactory
from ecity.notify.channels import LOCMEM_OUTBOX
from ecity.notify.services import notification_enqueue

PASSWORD = "correct-horse-battery"

CONTEXT = {
    "case_number": "SF20250517000001",
    "service_name": {"zh-hans": "食品经营许可", "en": "Food business licence"},
    "link_path": "/cases/3fa85f64-5717-4562-b3fc-2c963f66afa6/",
    "due_on": "2025-06-03",
}


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts (and ends) in the default language, whatever a request activated."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS go to the in-memory outbox unless a test chooses another gateway."""
    settings.ECITY_SMS_URL = "locmem://"
    LOCMEM_OUTBOX.clear()
    yield LOCMEM_OUTBOX
    LOCMEM_OUTBOX.clear()


@pytest.fixture
def citizen(db):
    return UserFactory(
        username="citizen",
        real_name="张三",
        email="zhangsan@example.cn",
        phone="13800000001",
        preferred_language="zh-hans",
    )


@pytest.fixture
def english_citizen(db):
    return UserFactory(
        username="alice",
        real_name="Alice",
        email="alice@example.cn",
        phone="13800000002",
        preferred_language="en",
    )


@pytest.fixture
def other_citizen(db):
    return UserFactory(username="other", email="other@example.cn", phone="13800000003")


@pytest.fixture
def case(db):
    """A submitted case (the notify app only references cases, it never handles them)."""
    return CaseFactory(number="SF20250517000001", applicant_name="张三")


def enqueue(recipient, event="case_accepted", key="case_accepted:1", **kwargs):
    """Enqueue like a state change would: inside a transaction."""
    kwargs.setdefault("context", CONTEXT)
    kwargs.setdefault("reference", kwargs["context"].get("case_number", ""))
    with transaction.atomic():
        return notification_enqueue(recipient=recipient, event=event, idempotency_key=key, **kwargs)
