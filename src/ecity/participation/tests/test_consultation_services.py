"""Consultations: moderated comments, verified names, summary only after closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.identity.errors import IdentityLevelRequired
from ecity.identity.tests.factories import StaffRoleFactory, StaffUserFactory, UserFactory
from ecity.org.models import StaffRole
from ecity.participation.models import Consultation, ConsultationComment
from ecity.participation.selectors.consultations import comments_public
from ecity.participation.services.consultations import (
    comment_adoption_set,
    comment_moderate,
    comment_submit,
    consultation_close,
    consultation_open,
    consultation_summarise,
)
from ecity.participation.tests.factories import CommentFactory, ConsultationFactory

pytestmark = pytest.mark.django_db


def editor_of(department):
    return StaffRoleFactory(department=department, role=StaffRole.Role.PARTICIPATION_EDITOR).user


def test_verified_citizen_comments_under_verified_name_and_waits_for_moderation():
    # given an open consultation and a real-name verified citizen
    consultation = ConsultationFactory(open=True)
    citizen = UserFactory(is_real_name_verified=True, real_name="王芳")
    # when the citizen comments on article 3
    comment = comment_submit(
        author=citizen, consultation=consultation, body="犬链长度应明确。", section="第三条"
    )
    # then the comment carries the verified name, awaits moderation and is not public
    assert comment.author_name == "王芳"
    assert comment.status == ConsultationComment.Status.PENDING
    assert list(comments_public(consultation=consultation)) == []


def test_unverified_account_cannot_comment():
    consultation = ConsultationFactory(open=True)
    with pytest.raises(IdentityLevelRequired):
        comment_submit(author=UserFactory(), consultation=consultation, body="意见")
    assert ConsultationComment.objects.count() == 0


def test_staff_account_cannot_comment():
    consultation = ConsultationFactory(open=True)
    with pytest.raises(PermissionDenied):
        comment_submit(author=StaffUserFactory(), consultation=consultation, body="意见")


def test_no_comment_on_a_draft_or_after_closing_time():
    citizen = UserFactory(is_real_name_verified=True)
    draft = ConsultationFactory()
    ended = ConsultationFactory(
        open=True,
        opens_at=timezone.now() - dt.timedelta(days=10),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    for consultation in (draft, ended):
        with pytest.raises(ApplicationError) as refused:
            comment_submit(author=citizen, consultation=consultation, body="意见")
        assert refused.value.code == "consultation_not_open"


def test_empty_comment_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        comment_submit(
            author=UserFactory(is_real_name_verified=True),
            consultation=ConsultationFactory(open=True),
            body="  ",
        )
    assert "body" in refused.value.fields


def test_published_comment_is_public_rejected_never():
    # given two pending comments
    consultation = ConsultationFactory(open=True)
    good = CommentFactory(consultation=consultation)
    bad = CommentFactory(consultation=consultation, body="广告内容")
    editor = editor_of(consultation.department)
    # when the editor publishes one and rejects the other with a reason
    comment_moderate(actor=editor, comment=good, publish=True)
    comment_moderate(actor=editor, comment=bad, publish=False, reason="与征求意见内容无关")
    # then only the published one is public
    assert list(comments_public(consultation=consultation)) == [good]
    bad.refresh_from_db()
    assert bad.rejection_reason == "与征求意见内容无关"


def test_rejection_needs_a_reason():
    comment = CommentFactory()
    with pytest.raises(ValidationFailed) as refused:
        comment_moderate(
            actor=editor_of(comment.consultation.department), comment=comment, publish=False
        )
    assert "reason" in refused.value.fields


def test_editor_of_another_department_cannot_moderate():
    comment = CommentFactory()
    outsider = editor_of(ConsultationFactory().department)
    with pytest.raises(PermissionDenied):
        comment_moderate(actor=outsider, comment=comment, publish=True)
    comment.refresh_from_db()
    assert comment.status == ConsultationComment.Status.PENDING


def test_summary_only_after_closing():
    # given an open consultation with one published comment
    consultation = ConsultationFactory(open=True)
    comment = CommentFactory(consultation=consultation, published=True)
    editor = editor_of(consultation.department)
    # when the editor writes the summary before closing, then it is refused
    with pytest.raises(ApplicationError) as refused:
        consultation_summarise(actor=editor, consultation=consultation, summary="总体情况")
    assert refused.value.code == "consultation_wrong_status"
    with pytest.raises(ApplicationError):
        comment_adoption_set(actor=editor, comment=comment, adoption="adopted", reason="合理")
    # when the consultation closes and every comment is answered
    consultation_close(actor=editor, consultation=consultation)
    comment_adoption_set(
        actor=editor, comment=comment, adoption="partly_adopted", reason="长度由规章规定"
    )
    consultation = consultation_summarise(
        actor=editor, consultation=consultation, summary="共收到意见1条，部分采纳1条。"
    )
    # then the summary is published
    assert consultation.status == Consultation.Status.SUMMARISED
    comment.refresh_from_db()
    assert comment.adoption == ConsultationComment.Adoption.PARTLY_ADOPTED


def test_summary_refused_while_a_published_comment_is_unanswered_or_one_is_pending():
    consultation = ConsultationFactory(closed=True)
    CommentFactory(consultation=consultation, published=True)
    editor = editor_of(consultation.department)
    with pytest.raises(ApplicationError) as refused:
        consultation_summarise(actor=editor, consultation=consultation, summary="总结")
    assert refused.value.code == "consultation_summary_incomplete"
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    assert consultation.summary == ""


def test_open_then_close_by_the_owning_department():
    consultation = ConsultationFactory()
    editor = editor_of(consultation.department)
    assert consultation_open(actor=editor, consultation=consultation).status == "open"
    with pytest.raises(PermissionDenied):
        consultation_close(actor=UserFactory(), consultation=consultation)
    assert consultation_close(actor=editor, consultation=consultation).status == "closed"
