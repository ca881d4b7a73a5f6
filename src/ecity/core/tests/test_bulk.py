"""Setting one column of many rows at once (bulk loaders keeping past timestamps)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.core.bulk import column_values_set
from ecity.core.models import CalendarDay, Sequence

pytestmark = pytest.mark.django_db


def test_sets_each_row_its_own_value_and_leaves_the_others_alone():
    rows = [Sequence.objects.create(scope=f"bulk:{n}", last=0) for n in range(1203)]
    chosen = {row.pk: n * 7 for n, row in enumerate(rows) if n % 3 == 0}

    updated = column_values_set(Sequence, "last", chosen)

    assert updated == len(chosen)
    stored = dict(Sequence.objects.filter(scope__startswith="bulk:").values_list("pk", "last"))
    assert stored == {row.pk: chosen.get(row.pk, 0) for row in rows}


def test_keeps_past_moments_that_auto_now_replaced():
    past = timezone.now() - dt.timedelta(days=200, hours=3, microseconds=17)
    day = CalendarDay.objects.create(
        date=dt.date(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    assert day.updated_at > past + dt.timedelta(days=199)

    column_values_set(CalendarDay, "updated_at", {day.pk: past})

    day.refresh_from_db()
    assert day.updated_at == past


def test_refuses_the_primary_key_and_unknown_fields():
    with pytest.raises(ValueError):
        column_values_set(Sequence, "id", {1: 2})
    with pytest.raises(Exception):  # noqa: B017 (Django's FieldDoesNotExist)
        column_values_set(Sequence, "nothing", {1: 2})
