"""Deadlines in a year without official holidays: shown as provisional, recomputed once entered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ecity.cases.deadlines import case_deadlines_compute, provisional_deadline_years
from ecity.cases.models import Case
from ecity.cases.tests.workbench_support import at, make_case
from ecity.core.calendar import calendar_changed, calendar_year_ensure, invalidate_cache
from ecity.core.models import CalendarDay, CalendarYear, EventDelivery, OutboxEvent
from ecity.testing.events import events_deliver_all

pytestmark = pytest.mark.django_db

ACCEPTED_ON = dt.date(2026, 12, 28)  # Monday; 10 working days reach into 2027
DAYS_URL = "/admin/core/calendarday/"


@pytest.fixture
def without_2027(joint):
    """2027 as it is today: nobody has entered its official holidays."""
    CalendarDay.objects.filter(date__year=2027).delete()
    CalendarYear.objects.filter(year=2027).delete()
    invalidate_cache()
    events_deliver_all()  # the seed's own announcement is old news


@pytest.fixture
def case_into_2027(joint, without_2027):
    """A case accepted on 28 December 2026 whose committed deadline falls in January 2027."""
    case = make_case(joint, status=Case.Status.IN_PROGRESS, accepted_at=at(ACCEPTED_ON))
    case_deadlines_compute(case, accepted_on=ACCEPTED_ON)
    case.save()
    return case


def test_a_deadline_counted_in_a_year_without_holidays_is_provisional(joint, case_into_2027):
    # Monday to Friday only: 29, 30, 31 Dec, then 1 Jan 2027 counts as a working day
    assert case_into_2027.committed_due_on == dt.date(2027, 1, 11)
    assert provisional_deadline_years(case_into_2027) == [2027]


def test_a_deadline_within_a_year_with_official_data_is_not_provisional(joint, without_2027):
    case = make_case(joint, status=Case.Status.IN_PROGRESS, accepted_at=at(dt.date(2026, 11, 2)))
    case_deadlines_compute(case, accepted_on=dt.date(2026, 11, 2))
    case.save()

    assert case.statutory_due_on.year == 2026
    assert provisional_deadline_years(case) == []


def test_staff_and_applicant_pages_and_apis_warn_of_a_provisional_deadline(
    client, api_client, joint, case_into_2027
):
    number = case_into_2027.number
    warning = "2027 年的法定节假日尚未录入"

    client.force_login(joint.lead_reviewer)
    staff_page = client.get(reverse("cases:workbench_case", args=[number]))
    assert staff_page.status_code == 200
    assert warning in staff_page.content.decode()

    client.force_login(joint.citizen)
    applicant_page = client.get(reverse("cases:detail", args=[number]))
    assert applicant_page.status_code == 200
    assert warning in applicant_page.content.decode()

    api_client.force_authenticate(joint.lead_reviewer)
    staff_api = api_client.get(f"/api/v1/cases/workbench/cases/{number}/")
    assert staff_api.status_code == 200
    assert staff_api.json()["provisional_deadline_years"] == [2027]

    api_client.force_authenticate(joint.citizen)
    applicant_api = api_client.get(f"/api/v1/cases/my/{number}/")
    assert applicant_api.status_code == 200
    assert applicant_api.json()["provisional_deadline_years"] == [2027]


def test_entering_the_years_holidays_recomputes_open_cases_and_records_it(
    client, admin_client, joint, case_into_2027
):
    # Given a closed case whose (old) deadline also fell in 2027
    closed = make_case(
        joint,
        status=Case.Status.APPROVED,
        accepted_at=at(ACCEPTED_ON),
        committed_due_on=dt.date(2027, 1, 11),
    )

    # When an administrator enters New Year's Day 2027 and marks the year complete
    response = admin_client.post(
        DAYS_URL + "add/",
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": "国办发明电"},
    )
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2027)
    response = admin_client.post(
        f"/admin/core/calendaryear/{year.pk}/change/",
        {"year": "2027", "is_complete": "on", "note": "国务院办公厅通知"},
    )
    assert response.status_code == 302
    events_deliver_all()

    # Then the open case's deadline moves past the holiday, once, with old and new dates on
    # its timeline, and it is no longer provisional
    case = Case.objects.get(pk=case_into_2027.pk)
    assert case.committed_due_on == dt.date(2027, 1, 12)
    entries = list(case.events.filter(action="deadline_recomputed"))
    assert len(entries) == 1
    assert entries[0].is_public
    assert entries[0].note == "2027-01-11 → 2027-01-12"
    assert entries[0].data["committed_due_on"] == {"old": "2027-01-11", "new": "2027-01-12"}
    assert provisional_deadline_years(case) == []
    # And a closed case keeps the dates it closed with
    closed.refresh_from_db()
    assert closed.committed_due_on == dt.date(2027, 1, 11)
    assert not closed.events.filter(action="deadline_recomputed").exists()

    # And the applicant reads it on the case page
    client.force_login(joint.citizen)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "办理期限已重新计算" in page
    assert "2027-01-11 → 2027-01-12" in page


def _holidays_2027_entered():
    """An administrator's entry of New Year's Day 2027, announced as the admin does."""
    with transaction.atomic():
        calendar_year_ensure(year=2027)
        CalendarDay.objects.create(date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
        calendar_changed(years=[2027])


def _batches_of_2027() -> list[int]:
    """Where each published batch of cases of the 2027 change starts (the primary key it goes on
    after); other subjects (the registry's sharing requests, …) have batches of their own."""
    events = OutboxEvent.objects.filter(name="workflow.deadlines_recompute")
    return sorted(
        e.data["after"]
        for e in events
        if e.data["years"] == [2027] and e.data["subject"] == "cases"
    )


def test_a_calendar_change_recomputes_every_open_case_in_small_batches(
    joint, without_2027, settings
):
    # Given batches of 2 cases, five open cases whose deadline falls on 11 January 2027 and a
    # closed one with the same old deadline
    settings.ECITY_DEADLINE_RECOMPUTE_BATCH_SIZE = 2
    open_cases = []
    for _ in range(5):
        case = make_case(joint, status=Case.Status.IN_PROGRESS, accepted_at=at(ACCEPTED_ON))
        case_deadlines_compute(case, accepted_on=ACCEPTED_ON)
        case.save()
        open_cases.append(case)
    closed = make_case(
        joint,
        status=Case.Status.APPROVED,
        accepted_at=at(ACCEPTED_ON),
        committed_due_on=dt.date(2027, 1, 11),
    )

    # When New Year's Day 2027 is entered and the events are delivered
    _holidays_2027_entered()
    with CaptureQueriesContext(connection) as queries:
        events_deliver_all()

    # Then every open case moved past the holiday, once
    for case in open_cases:
        case.refresh_from_db()
        assert case.committed_due_on == dt.date(2027, 1, 12)
        assert case.events.filter(action="deadline_recomputed").count() == 1
    # And the closed case kept its dates
    closed.refresh_from_db()
    assert closed.committed_due_on == dt.date(2027, 1, 11)
    assert not closed.events.filter(action="deadline_recomputed").exists()
    # And the cases were read in batches of at most two, by primary key (2 + 2 + 1)
    batches = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "cases_case"' in q["sql"] and '"cases_case"."id" >' in q["sql"]
    ]
    assert len(batches) == 3
    assert all("LIMIT 2" in sql for sql in batches)
    # And each batch was its own delivery
    assert _batches_of_2027() == [0, open_cases[1].pk, open_cases[3].pk]


def test_a_calendar_change_delivered_twice_moves_each_deadline_once(joint, without_2027, settings):
    # Given batches of 2 and three open cases into 2027
    settings.ECITY_DEADLINE_RECOMPUTE_BATCH_SIZE = 2
    cases = []
    for _ in range(3):
        case = make_case(joint, status=Case.Status.IN_PROGRESS, accepted_at=at(ACCEPTED_ON))
        case_deadlines_compute(case, accepted_on=ACCEPTED_ON)
        case.save()
        cases.append(case)
    _holidays_2027_entered()
    events_deliver_all()

    # When every delivery of the change and of its batches comes again (at least once)
    EventDelivery.objects.filter(
        event__name__in=["calendar.changed", "workflow.deadlines_recompute"]
    ).update(status=EventDelivery.Status.PENDING, next_attempt_at=timezone.now())
    events_deliver_all()

    # Then each case still moved once, to the right day, and no batch was published twice
    for case in cases:
        case.refresh_from_db()
        assert case.committed_due_on == dt.date(2027, 1, 12)
        assert case.events.filter(action="deadline_recomputed").count() == 1
    assert _batches_of_2027() == [0, cases[1].pk]
