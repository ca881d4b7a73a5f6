"""Intake remembers the categories and regions it found for a bounded time per process."""

from __future__ import annotations

import pytest

from ecity.core.errors import ValidationFailed
from ecity.hotline.models import Channel
from ecity.hotline.selectors import intake as lookups
from ecity.hotline.services.intake import ticket_receive
from ecity.hotline.tests.test_intake import _call

pytestmark = pytest.mark.django_db


@pytest.fixture
def lookup_cache(settings, monkeypatch):
    """The production bound (5 s) and a clock the test moves."""
    settings.ECITY_HOTLINE_LOOKUP_CACHE_SECONDS = 5
    now = [1000.0]
    monkeypatch.setattr(lookups._Remembered, "clock", lambda: now[0])
    monkeypatch.setattr(lookups._Remembered, "entries", {})
    return now


def test_a_deactivated_category_is_refused_within_the_bound(hotline, lookup_cache):
    # given a category intake has just used
    ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    # when it is deactivated
    hotline["roads"].is_active = False
    hotline["roads"].save()
    # then a process that remembers it may accept it until the bound, and refuses it after
    ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    lookup_cache[0] += 5.1
    with pytest.raises(ValidationFailed) as raised:
        ticket_receive(actor=hotline["agent"], channel=Channel.PHONE, data=_call())
    assert "category" in raised.value.fields


def test_an_unknown_code_is_not_remembered(hotline, lookup_cache):
    # given a category refused while inactive
    hotline["roads"].is_active = False
    hotline["roads"].save()
    assert lookups.intake_category(code="ROADS") is None
    # when it is reactivated, intake uses it at once (no wait for the bound)
    hotline["roads"].is_active = True
    hotline["roads"].save()
    assert lookups.intake_category(code="ROADS") == hotline["roads"]
    assert lookups.intake_region(code="420102001") is not None
    assert lookups.intake_region(code="999999999") is None
