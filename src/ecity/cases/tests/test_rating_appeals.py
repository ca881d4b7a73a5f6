"""Appeals of ratings (申诉复核): the department appeals, a supervisor upholds or rejects."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.cases.models import RatingAppeal
from ecity.cases.selectors import ratings as selectors
from ecity.cases.selectors.rankings import department_rankings
from ecity.cases.services.rating_appeals import rating_appeal_decide, rating_appeal_file
from ecity.cases.tests.rating_support import rated
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db

REASON = "申请人在评价中使用侮辱性语言，且与办件无关。"


def _scj_row(month=None):
    rows = department_rankings(month=month or timezone.localdate())
    return next(r for r in rows if r.department.code == "SCJ")


def test_upheld_appeal_excludes_the_rating_and_cancels_its_rectification(joint):
    # Given a 差评 and a 5-star rating of SCJ this month
    malicious = rated(joint, 1, "乱评")
    rated(joint, 5)
    assert (_scj_row().ratings, _scj_row().satisfaction_rate) == (2, 50)

    # When SCJ's reviewer appeals the 差评 and the supervisor upholds the appeal
    appeal = rating_appeal_file(actor=joint.lead_reviewer, rating=malicious, reason=REASON)
    assert [a.pk for a in selectors.rating_supervision(actor=joint.supervisor).appeals] == [
        appeal.pk
    ]
    appeal = rating_appeal_decide(
        actor=joint.supervisor, appeal=appeal, uphold=True, note="经核实，属恶意评价。"
    )

    # Then the rating is out of the statistics and nobody has to rectify it any more
    assert appeal.status == "upheld" and appeal.decided_by == joint.supervisor
    malicious.refresh_from_db()
    malicious.rectification.refresh_from_db()
    assert malicious.is_excluded
    assert (malicious.rectification.stage, malicious.rectification.status) == (
        "cancelled",
        "cancelled",
    )
    row = _scj_row()
    assert (row.ratings, row.very_dissatisfied, row.excluded, row.satisfaction_rate) == (
        1,
        0,
        1,
        100,
    )
    # And both steps were audited; the rater does not see the appeal
    actions = list(
        AuditEntry.objects.filter(object_id=str(malicious.public_id))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["rating.appeal_filed", "rating.appeal_upheld"]
    rater_kinds = selectors.rating_follow_ups(rating=malicious, audience="rater")
    assert "appealed" not in {s.kind for s in rater_kinds}


def test_rejected_appeal_leaves_the_rating_counted_and_the_rectification_running(joint):
    rating = rated(joint, 2, "办事慢")
    appeal = rating_appeal_file(actor=joint.lead_reviewer, rating=rating, reason=REASON)

    rating_appeal_decide(actor=joint.supervisor, appeal=appeal, uphold=False, note="评价属实。")

    rating.refresh_from_db()
    assert not rating.is_excluded
    assert rating.rectification.stage == "rectifying"
    assert RatingAppeal.objects.get().status == "rejected"
    assert AuditEntry.objects.filter(action="rating.appeal_rejected").count() == 1
    assert _scj_row().dissatisfied == 1


def test_a_rating_is_appealed_once_and_only_a_low_one(joint):
    rating = rated(joint, 2)
    rating_appeal_file(actor=joint.lead_reviewer, rating=rating, reason=REASON)
    with pytest.raises(Conflict):
        rating_appeal_file(actor=joint.lead_reviewer, rating=rating, reason=REASON)
    with pytest.raises(Conflict):
        rating_appeal_file(actor=joint.lead_reviewer, rating=rated(joint, 4), reason=REASON)


def test_who_may_appeal_and_decide(joint):
    rating = rated(joint, 1)
    # Another department's staff and the applicant cannot appeal; a reason is required
    for stranger in (joint.health_reviewer, joint.citizen):
        with pytest.raises(PermissionDenied):
            rating_appeal_file(actor=stranger, rating=rating, reason=REASON)
    with pytest.raises(ValidationFailed):
        rating_appeal_file(actor=joint.lead_reviewer, rating=rating, reason=" ")

    # The department administrator appeals; he cannot decide it even if he also supervises
    admin = StaffRoleFactory(department=joint.lead, role="department_admin").user
    StaffRoleFactory(user=admin, department=joint.lead, role="supervisor")
    appeal = rating_appeal_file(actor=admin, rating=rating, reason=REASON)
    with pytest.raises(PermissionDenied):
        rating_appeal_decide(actor=admin, appeal=appeal, uphold=True, note="自己复核")
    # Nor can a reviewer, or the supervisor of another department
    health_supervisor = StaffRoleFactory(department=joint.health, role="supervisor").user
    for actor in (joint.lead_reviewer, health_supervisor):
        with pytest.raises(PermissionDenied):
            rating_appeal_decide(actor=actor, appeal=appeal, uphold=True, note="越权")
    # The department's supervisor decides, once
    rating_appeal_decide(actor=joint.supervisor, appeal=appeal, uphold=False, note="评价属实。")
    with pytest.raises(Conflict):
        rating_appeal_decide(actor=joint.supervisor, appeal=appeal, uphold=True, note="改判")
