"""lock_row: one helper that locks a row for the rest of the transaction or says NotFound."""

from __future__ import annotations

import pytest
from django.db import transaction

from ecity.core.errors import NotFound
from ecity.core.locking import lock_row
from ecity.core.models import CalendarYear

pytestmark = pytest.mark.django_db


def test_lock_row_returns_a_fresh_copy_of_the_row():
    given = CalendarYear.objects.create(year=2031, source=CalendarYear.Source.ADMINISTRATOR)
    CalendarYear.objects.filter(pk=given.pk).update(note="official notice received")

    with transaction.atomic():
        locked = lock_row(CalendarYear, pk=given.pk)

    assert locked.pk == given.pk and locked.note == "official notice received"


def test_lock_row_accepts_a_queryset_and_raises_not_found_for_a_missing_row():
    with transaction.atomic(), pytest.raises(NotFound) as caught:
        lock_row(CalendarYear.objects.filter(source=CalendarYear.Source.PACKAGE), year=1999)

    assert caught.value.status_code == 404
    assert caught.value.message == "所请求的日历年份不存在。"


@pytest.mark.django_db(transaction=True)
def test_lock_row_refuses_to_run_outside_a_transaction():
    # autocommit: a lock taken here would be released by the same statement, protecting nothing
    with pytest.raises(RuntimeError):
        lock_row(CalendarYear, pk=1)
