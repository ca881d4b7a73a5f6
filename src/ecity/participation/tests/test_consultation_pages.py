"""Consultation pages: the public sees no drafts and only published comments; verified
citizens comment; editors create, open, moderate, decide adoptions and publish the summary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ecity.cases.tests.factories import PDF_BYTES
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole
from ecity.participation.models import Consultation, ConsultationComment
from ecity.participation.tests.factories import CommentFactory, ConsultationFactory

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


def editor_of(department):
    return StaffRoleFactory(department=department, role=StaffRole.Role.PARTICIPATION_EDITOR).user


def staff_url(name, consultation, *args):
    return reverse(f"participation:{name}", args=[consultation.public_id, *args])


def test_public_list_hides_drafts_and_groups_the_others(client):
    # given a draft, an open and a summarised consultation
    draft = ConsultationFactory(title="草稿不可见")
    ConsultationFactory(open=True, title="征集中的办法")
    ConsultationFactory(closed=True, status=Consultation.Status.SUMMARISED, title="已反馈的条例")
    # when anyone opens the list
    response = client.get(reverse("participation:consultation_list"))
    # then open and summarised ones show, the draft does not (nor its page)
    page = response.content.decode()
    assert response.status_code == 200
    assert "征集中的办法" in page and "已反馈的条例" in page
    assert "草稿不可见" not in page
    assert client.get(staff_url("consultation_detail", draft)).status_code == 404


def test_consultation_page_shows_only_published_comments(client):
    consultation = ConsultationFactory(open=True)
    CommentFactory(consultation=consultation, published=True, body="已发布的意见")
    CommentFactory(consultation=consultation, body="待审核的意见")
    response = client.get(staff_url("consultation_detail", consultation))
    page = response.content.decode()
    assert response.status_code == 200
    assert "已发布的意见" in page
    assert "待审核的意见" not in page


def test_verified_citizen_comments_on_a_section_from_the_page(client):
    # given an open consultation and a verified citizen
    consultation = ConsultationFactory(open=True)
    citizen = UserFactory(is_real_name_verified=True, real_name="李娜")
    client.force_login(citizen)
    # when the citizen sends a comment on article 3
    response = client.post(
        staff_url("consultation_detail", consultation),
        {"section": "第三条", "body": "建议犬链长度不超过1.5米。"},
        follow=True,
    )
    # then the comment waits for moderation under the verified name and the page thanks them
    comment = ConsultationComment.objects.get()
    assert response.status_code == 200
    assert (comment.author_name, comment.section) == ("李娜", "第三条")
    assert comment.status == ConsultationComment.Status.PENDING
    assert "notice" in response.content.decode()


def test_anonymous_comment_is_sent_to_sign_in(client):
    consultation = ConsultationFactory(open=True)
    response = client.post(staff_url("consultation_detail", consultation), {"body": "意见"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert ConsultationComment.objects.count() == 0


def test_unverified_citizen_sees_the_error_on_the_form(client):
    consultation = ConsultationFactory(open=True)
    client.force_login(UserFactory())
    response = client.post(staff_url("consultation_detail", consultation), {"body": "意见"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert ConsultationComment.objects.count() == 0


def test_empty_comment_redisplays_with_field_error(client):
    consultation = ConsultationFactory(open=True)
    client.force_login(UserFactory(is_real_name_verified=True))
    response = client.post(staff_url("consultation_detail", consultation), {"body": ""})
    assert response.status_code == 200
    assert 'id="id_body-error"' in response.content.decode()
    assert ConsultationComment.objects.count() == 0


def test_editor_creates_opens_and_the_public_downloads_the_pdf(client):
    # given an editor of a department
    department = StaffRoleFactory(role=StaffRole.Role.PARTICIPATION_EDITOR).department
    editor = editor_of(department)
    client.force_login(editor)
    now = timezone.localtime()
    # when the editor creates a consultation with a PDF and opens it
    response = client.post(
        reverse("participation:staff_consultation_create"),
        {
            "department": department.code,
            "title": "《示范市停车管理办法（征求意见稿）》",
            "draft_text": "第一条 为规范停车秩序，制定本办法。",
            "opens_at": (now - dt.timedelta(hours=1)).strftime(LOCAL),
            "closes_at": (now + dt.timedelta(days=30)).strftime(LOCAL),
            "attachment": SimpleUploadedFile("办法.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert consultation.status == Consultation.Status.DRAFT
    client.post(staff_url("staff_consultation_action", consultation, "open"))
    consultation.refresh_from_db()
    # then it is open, and anyone downloads the draft's PDF from its public page
    assert consultation.status == Consultation.Status.OPEN
    client.logout()
    page = client.get(staff_url("consultation_detail", consultation)).content.decode()
    assert staff_url("consultation_pdf", consultation) in page
    download = client.get(staff_url("consultation_pdf", consultation))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_create_form_redisplays_field_errors(client):
    department = StaffRoleFactory(role=StaffRole.Role.PARTICIPATION_EDITOR).department
    client.force_login(editor_of(department))
    response = client.post(
        reverse("participation:staff_consultation_create"),
        {"department": department.code, "title": "", "draft_text": "正文"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_title-error"' in page and 'id="id_opens_at-error"' in page
    assert Consultation.objects.count() == 0


def test_editor_of_another_department_gets_404_on_the_staff_page(client):
    consultation = ConsultationFactory(open=True)
    other = StaffRoleFactory(role=StaffRole.Role.PARTICIPATION_EDITOR).user
    client.force_login(other)
    assert client.get(staff_url("staff_consultation", consultation)).status_code == 404
    response = client.post(staff_url("staff_consultation_action", consultation, "close"))
    assert response.status_code == 404
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN


def test_rejection_without_reason_shows_the_error_and_keeps_the_comment_pending(client):
    comment = CommentFactory()
    consultation = comment.consultation
    client.force_login(editor_of(consultation.department))
    response = client.post(
        staff_url("staff_comment_moderate", consultation, comment.public_id),
        {f"m{comment.pk}-decision": "reject", f"m{comment.pk}-reason": ""},
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == ConsultationComment.Status.PENDING


def test_moderation_adoption_and_summary_reach_the_public_page(client):
    # given an open consultation with two pending comments
    consultation = ConsultationFactory(open=True)
    kept = CommentFactory(consultation=consultation, body="建议放宽遛狗时间。")
    spam = CommentFactory(consultation=consultation, body="广告内容")
    client.force_login(editor_of(consultation.department))
    queue = client.get(staff_url("staff_consultation", consultation)).content.decode()
    assert "建议放宽遛狗时间。" in queue and "广告内容" in queue
    # when the editor publishes one, rejects the other, closes, decides and summarises
    client.post(
        staff_url("staff_comment_moderate", consultation, kept.public_id),
        {f"m{kept.pk}-decision": "publish"},
    )
    client.post(
        staff_url("staff_comment_moderate", consultation, spam.public_id),
        {f"m{spam.pk}-decision": "reject", f"m{spam.pk}-reason": "与草案无关的广告"},
    )
    client.post(staff_url("staff_consultation_action", consultation, "close"))
    client.post(
        staff_url("staff_comment_adoption", consultation, kept.public_id),
        {f"a{kept.pk}-adoption": "partly_adopted", f"a{kept.pk}-reason": "早晚各延长一小时。"},
    )
    response = client.post(
        staff_url("staff_consultation_summarise", consultation),
        {"summary": "共收到意见2条，采纳1条。"},
    )
    # then the consultation is summarised and the public page shows the adoption and reason
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.SUMMARISED
    client.logout()
    page = client.get(staff_url("consultation_detail", consultation)).content.decode()
    assert "共收到意见2条，采纳1条。" in page
    assert "早晚各延长一小时。" in page
    assert "广告内容" not in page


def test_summary_before_every_adoption_is_refused_on_the_page(client):
    consultation = ConsultationFactory(closed=True)
    CommentFactory(consultation=consultation, published=True)
    client.force_login(editor_of(consultation.department))
    response = client.post(
        staff_url("staff_consultation_summarise", consultation), {"summary": "总结"}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
