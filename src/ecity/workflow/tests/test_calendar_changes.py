"""A change of the working-day calendar reaches every registered subject type's clocks."""

from __future__ import annotations

import pytest
from django.db import transaction

from ecity.core.calendar import calendar_changed
from ecity.testing.events import events_deliver_all
from ecity.workflow.registry import registered_subjects, subject_register, subject_unregister

pytestmark = pytest.mark.django_db


def test_every_subject_type_recomputes_its_deadlines_for_the_changed_years():
    # Given a second subject type (tickets) beside cases, and whatever was published before
    registered_subjects()
    events_deliver_all()
    calls = []
    subject_register(
        "tickets",
        recompute_deadlines=lambda years, after, limit: calls.append((years, after)) or None,
    )
    try:
        # When the holidays of 2027 are entered
        with transaction.atomic():
            calendar_changed(years=[2027])
        events_deliver_all()
        # And the same state is announced again
        with transaction.atomic():
            calendar_changed(years=[2027])
        events_deliver_all()
    finally:
        subject_unregister("tickets")

    # Then the tickets were told once, with the year, from their first subject on
    assert calls == [([2027], 0)]
