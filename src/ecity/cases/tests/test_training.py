"""Moving an open case back in time, for demo and training cities."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.cases import services
from ecity.cases.models import Case
from ecity.cases.tests.workbench_support import make_case, parallel_process
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_superuser=True, is_staff=True)


def test_a_case_moved_back_past_its_deadline_is_overdue_and_audited(joint, platform_admin):
    # Given a case accepted today (committed limit: 10 working days)
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    today = timezone.localdate()
    accepted = add_working_days(today, -13)
    days = (today - accepted).days

    # When the platform administrator moves it back to 13 working days ago
    services.case_backdate(actor=platform_admin, case=case, days=days)

    # Then its deadline was three working days ago, it is overdue, and the act is audited
    case.refresh_from_db()
    assert timezone.localdate(case.accepted_at) == accepted
    assert case.committed_due_on == add_working_days(accepted, 10)
    assert case.committed_due_on < today
    assert case.deadline_state == Case.DeadlineState.OVERDUE
    assert AuditEntry.objects.filter(action="case.backdated").count() == 1


def test_only_platform_administrators_move_open_cases_within_a_year(joint, platform_admin):
    parallel_process(joint)
    case = make_case(joint)

    with pytest.raises(PermissionDenied):
        services.case_backdate(actor=joint.supervisor, case=case, days=5)
    with pytest.raises(ValidationFailed):
        services.case_backdate(actor=platform_admin, case=case, days=400)
    closed = make_case(joint, status=Case.Status.APPROVED)
    with pytest.raises(Conflict):
        services.case_backdate(actor=platform_admin, case=closed, days=5)

    services.case_backdate(actor=platform_admin, case=case, days=7)
    case.refresh_from_db()
    assert case.submitted_at < timezone.now() - dt.timedelta(days=6)


def test_with_the_training_switch_off_no_case_is_moved_in_time(joint, platform_admin, settings):
    # Given a production city (ECITY_TRAINING_MODE off) and an accepted case
    settings.ECITY_TRAINING_MODE = False
    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    case.refresh_from_db()
    submitted_at, due = case.submitted_at, case.committed_due_on

    # When even a platform administrator tries to move it back a week
    with pytest.raises(PermissionDenied) as refused:
        services.case_backdate(actor=platform_admin, case=case, days=7)

    # Then it is refused with its own code, and the case and the audit trail are unchanged
    assert refused.value.code == "training_mode_off"
    case.refresh_from_db()
    assert (case.submitted_at, case.committed_due_on) == (submitted_at, due)
    assert not AuditEntry.objects.filter(action="case.backdated").exists()


def test_with_the_training_switch_on_a_case_is_moved_in_time(joint, platform_admin, settings):
    # Given a training city
    settings.ECITY_TRAINING_MODE = True
    parallel_process(joint)
    case = make_case(joint)
    before = case.submitted_at

    # When the platform administrator moves the case back three days
    services.case_backdate(actor=platform_admin, case=case, days=3)

    # Then it was submitted three days earlier
    case.refresh_from_db()
    assert before - case.submitted_at == dt.timedelta(days=3)
