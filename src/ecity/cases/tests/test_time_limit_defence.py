"""A time limit out of range that is already stored never turns a case action into a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from ecity.cases import services
from ecity.cases.models import Case
from ecity.cases.tests.workbench_support import make_case
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def _store_limit(version, **days):
    # Written past every validation, as a row from before the bounds (or a direct edit) would be.
    ServiceItemVersion.objects.filter(pk=version.pk).update(**days)


def test_accepting_a_case_of_a_service_with_a_billion_day_limit_is_a_clear_error(joint):
    case = make_case(joint)
    _store_limit(joint.version, statutory_days=10**9, committed_days=10**9)
    case.refresh_from_db()

    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        services.case_accept(actor=joint.clerk, case=case)

    assert caught.value.code == "time_limit_out_of_range"
    assert "service guide" in caught.value.message
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_api_accept_answers_a_400_envelope_not_a_server_error(api_client, joint):
    case = make_case(joint)
    _store_limit(joint.version, statutory_days=10**9, committed_days=10**9)
    api_client.force_authenticate(joint.clerk)

    response = api_client.post(
        f"/api/v1/cases/workbench/cases/{case.number}/accept/", {}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "time_limit_out_of_range"
    assert "办事指南" in body["message"]


def test_calendar_refuses_arithmetic_past_its_range():
    from ecity.core.calendar import WorkingDaysOutOfRange, add_working_days

    with pytest.raises(WorkingDaysOutOfRange):
        add_working_days(dt.date(2026, 1, 5), 10**9)
