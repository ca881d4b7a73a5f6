"""Ratings (好差评): only the applicant, only once, only decided cases; low ones are flagged."""

from __future__ import annotations

import pytest

from ecity.cases.models import Case, CaseEvent, Rating
from ecity.cases.services.ratings import rating_submit
from ecity.cases.tests.submission_support import submit
from ecity.core.errors import Conflict, NotFound, ValidationFailed
from ecity.identity.tests.factories import UserFactory
from ecity.notify.models import Notification
from ecity.notify.selectors import notifications_about

pytestmark = pytest.mark.django_db


def decided(joint, status=Case.Status.APPROVED):
    case = submit(joint)
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


def test_applicant_rates_a_decided_case(joint):
    case = decided(joint)

    rating = rating_submit(actor=joint.citizen, case=case, level=5, comment="很快")

    assert (rating.level, rating.comment, rating.is_flagged) == (5, "很快", False)
    assert case.events.filter(action=CaseEvent.Action.RATED).count() == 1
    assert not Notification.objects.filter(event="rating_low").exists()


def test_open_case_cannot_be_rated(joint):
    case = submit(joint)
    with pytest.raises(Conflict):
        rating_submit(actor=joint.citizen, case=case, level=4, comment="")
    assert Rating.objects.count() == 0


def test_case_is_rated_only_once(joint):
    case = decided(joint, Case.Status.REJECTED)
    rating_submit(actor=joint.citizen, case=case, level=3, comment="")
    with pytest.raises(Conflict):
        rating_submit(actor=joint.citizen, case=case, level=5, comment="")
    assert Rating.objects.get().level == 3


def test_only_the_applicant_rates(joint):
    case = decided(joint)
    with pytest.raises(NotFound):
        rating_submit(actor=UserFactory(is_real_name_verified=True), case=case, level=1, comment="")


@pytest.mark.parametrize("level", [0, 6, "5", True])
def test_level_must_be_one_to_five(joint, level):
    case = decided(joint)
    with pytest.raises(ValidationFailed) as caught:
        rating_submit(actor=joint.citizen, case=case, level=level, comment="")
    assert "level" in caught.value.fields


def test_low_rating_is_flagged_and_supervisors_are_notified(joint):
    case = decided(joint)

    rating = rating_submit(actor=joint.citizen, case=case, level=2, comment="太慢了")

    assert rating.is_flagged
    notes = notifications_about(obj=case).filter(event="rating_low")
    assert {n.recipient_id for n in notes} == {joint.supervisor.pk}
    assert any("太慢了" in n.body for n in notes)
