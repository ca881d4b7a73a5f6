"""Ratings (好差评): only the applicant, only once, only decided cases; low ones are flagged and
rectified; the counter's rating device and the invitation to rate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.cases.models import Case, CaseEvent, Rating, RatingInvitation, Rectification
from ecity.cases.services.decisions import case_decided_publish
from ecity.cases.services.ratings import (
    rating_invitation_issue,
    rating_invite,
    rating_submit,
    rating_submit_with_token,
)
from ecity.cases.tests.rating_support import decided_case
from ecity.cases.tests.submission_support import submit
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.notify.models import Notification
from ecity.notify.selectors import notifications_about
from ecity.testing.events import events_deliver_all

pytestmark = pytest.mark.django_db


def decided(joint, status=Case.Status.APPROVED, **fields):
    return decided_case(joint, status, **fields)


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


# --- a 差评 opens a rectification ---------------------------------------------------------------


def test_low_rating_opens_a_rectification_for_the_lead_department(joint):
    # Given a decided case of the joint service (led by SCJ, reviewed by others)
    case = decided(joint)

    # When its applicant rates it "very dissatisfied"
    rating = rating_submit(actor=joint.citizen, case=case, level=1, comment="窗口推诿")

    # Then SCJ's reviewers must rectify it within 15 working days from today
    rectification = Rectification.objects.get(rating=rating)
    today = timezone.localdate()
    assert (rectification.department, rectification.role) == (joint.lead, "reviewer")
    assert (rectification.stage, rectification.status) == ("rectifying", "open")
    assert rectification.started_on == today
    assert rectification.due_on == add_working_days(today, 15)
    assert rectification.limit_days == 15
    # And SCJ's reviewer is told, not the health commission's
    told = notifications_about(obj=case).filter(event="rectification_opened")
    assert {n.recipient_id for n in told} == {joint.lead_reviewer.pk}
    assert any("窗口推诿" in n.body for n in told)
    # And the supervisors' and the staff's messages link to the rating's page
    staff_page = reverse("cases:rating_staff", kwargs={"public_id": rating.public_id})
    for event in ("rating_low", "rectification_opened"):
        links = notifications_about(obj=case).filter(event=event)
        assert {n.link_path for n in links} == {staff_page}
    # And the rater's follow-up says the department took it over
    assert list(rating.follow_ups.values_list("kind", flat=True)) == ["opened"]


def test_rectification_limit_follows_the_setting(joint, settings):
    settings.ECITY_RECTIFICATION_WORKING_DAYS = 5
    rating = rating_submit(actor=joint.citizen, case=decided(joint), level=2)

    rectification = rating.rectification
    assert rectification.limit_days == 5
    assert rectification.due_on == add_working_days(timezone.localdate(), 5)


@pytest.mark.parametrize("level", [3, 4, 5])
def test_fair_and_good_ratings_open_no_rectification(joint, level):
    rating = rating_submit(actor=joint.citizen, case=decided(joint), level=level)

    assert not Rectification.objects.filter(rating=rating).exists()
    assert not rating.is_flagged


# --- the counter's rating device (评价器) -------------------------------------------------------


def test_counter_clerk_opens_the_rating_device_and_the_applicant_rates_once(joint):
    # Given a decided case and the lead department's counter clerk
    case = decided(joint)

    # When the clerk opens the rating device and the applicant rates on it
    invitation, token = rating_invitation_issue(actor=joint.clerk, case=case)
    rating = rating_submit_with_token(token=token, level=4, comment="窗口热情")

    # Then the rating is the case's, made at the counter, and the link is used up
    assert (rating.case, rating.level, rating.channel) == (case, 4, "counter")
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.token_hash != token  # only the hash is stored
    with pytest.raises(Conflict) as caught:
        rating_submit_with_token(token=token, level=1)
    assert caught.value.code == "rating_invitation_invalid"
    assert Rating.objects.get(case=case).level == 4
    # And opening the device was audited, rating on it was not done by any account
    assert AuditEntry.objects.filter(
        action="rating.counter_invitation_issued", object_id=str(case.public_id)
    ).exists()
    assert case.events.get(action=CaseEvent.Action.RATED).actor is None


def test_only_a_counter_clerk_of_the_lead_department_opens_the_rating_device(joint):
    case = decided(joint)
    other_clerk = StaffRoleFactory(department=joint.health, role="counter_clerk").user

    for actor in (other_clerk, joint.lead_reviewer, joint.citizen):
        with pytest.raises(PermissionDenied):
            rating_invitation_issue(actor=actor, case=case)
    assert not RatingInvitation.objects.exists()


def test_the_rating_device_needs_a_decided_unrated_case(joint):
    with pytest.raises(Conflict):
        rating_invitation_issue(actor=joint.clerk, case=submit(joint))
    rated_case = decided(joint)
    rating_submit(actor=joint.citizen, case=rated_case, level=5)
    with pytest.raises(Conflict):
        rating_invitation_issue(actor=joint.clerk, case=rated_case)


def test_a_new_rating_device_link_ends_the_previous_one(joint):
    case = decided(joint)
    _first, old_token = rating_invitation_issue(actor=joint.clerk, case=case)
    _second, new_token = rating_invitation_issue(actor=joint.clerk, case=case)

    with pytest.raises(Conflict):
        rating_submit_with_token(token=old_token, level=5)
    assert rating_submit_with_token(token=new_token, level=5).level == 5


def test_expired_and_unknown_rating_links_are_refused(joint):
    case = decided(joint)
    invitation, token = rating_invitation_issue(actor=joint.clerk, case=case)
    RatingInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    with pytest.raises(Conflict):
        rating_submit_with_token(token=token, level=5)
    with pytest.raises(NotFound):
        rating_submit_with_token(token="no-such-token", level=5)
    assert not Rating.objects.exists()


def test_a_low_rating_on_the_rating_device_is_rectified_too(joint):
    case = decided(joint)
    _invitation, token = rating_invitation_issue(actor=joint.clerk, case=case)

    rating = rating_submit_with_token(token=token, level=2, comment="等了两个小时")

    assert rating.is_flagged
    assert rating.rectification.stage == "rectifying"


# --- the invitation to rate when a case is decided ----------------------------------------------


def test_applicant_is_invited_to_rate_when_the_case_is_decided(joint):
    # Given a case that has just been decided (the case.decided event is published)
    case = decided(joint)
    with transaction.atomic():
        case_decided_publish(case=case, actor=joint.approver)

    # When the event is delivered (twice, as at-least-once delivery may)
    events_deliver_all()
    rating_invite(case=case)

    # Then the applicant got one invitation linking to the case's rating page
    (invitation,) = notifications_about(obj=case).filter(event="rating_invited", channel="in_app")
    assert invitation.recipient == joint.citizen
    assert invitation.link_path == reverse("cases:rate", args=[case.number])


def test_walk_in_applicant_is_invited_with_a_one_time_link(joint):
    case = decided(
        joint,
        applicant=None,
        applicant_name="李大爷",
        applicant_identifier="",
        channel=Case.Channel.COUNTER,
        contact_phone="13700001111",
    )

    assert rating_invite(case=case) is True

    (sms,) = notifications_about(obj=case).filter(event="rating_invited")
    assert (sms.channel, sms.to_address) == ("sms", "13700001111")
    assert sms.link_path.startswith("/cases/rate/")
    token = sms.link_path.removeprefix("/cases/rate/").strip("/")
    assert rating_submit_with_token(token=token, level=5).channel == "link"
    # A second delivery of the event sends nothing more
    assert rating_invite(case=case) is False
    assert RatingInvitation.objects.filter(case=case).count() == 1


def test_rated_and_withdrawn_cases_are_not_invited(joint):
    rated_case = decided(joint)
    rating_submit(actor=joint.citizen, case=rated_case, level=5)
    withdrawn = decided(joint, Case.Status.WITHDRAWN)

    assert rating_invite(case=rated_case) is False
    assert rating_invite(case=withdrawn) is False
    assert not Notification.objects.filter(event="rating_invited").exists()
