"""Mailbox pages: writing needs a citizen sign-in; form errors re-display; staff see their own."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole
from ecity.participation.models import Letter
from ecity.participation.tests.factories import LetterFactory, MailboxFactory

pytestmark = pytest.mark.django_db


def test_anonymous_post_is_sent_to_sign_in_and_writes_nothing(client):
    mailbox = MailboxFactory()
    response = client.post(
        reverse("participation:mailbox", args=[mailbox.code]), {"subject": "x", "body": "y"}
    )
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert Letter.objects.count() == 0


def test_citizen_sends_letter_and_sees_it_with_number(client):
    mailbox = MailboxFactory()
    writer = UserFactory()
    client.force_login(writer)
    response = client.post(
        reverse("participation:mailbox", args=[mailbox.code]),
        {"subject": "路灯不亮", "body": "幸福路路灯坏了。", "consent_to_publish": "on"},
        follow=True,
    )
    letter = Letter.objects.get()
    assert response.status_code == 200
    assert letter.writer == writer
    assert letter.number in response.content.decode()


def test_empty_body_redisplays_the_form_with_field_error(client):
    mailbox = MailboxFactory()
    client.force_login(UserFactory())
    response = client.post(
        reverse("participation:mailbox", args=[mailbox.code]), {"subject": "路灯", "body": ""}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Letter.objects.count() == 0


def test_writer_cannot_open_someone_elses_letter(client):
    letter = LetterFactory()
    client.force_login(UserFactory())
    response = client.get(reverse("participation:letter_detail", args=[letter.number]))
    assert response.status_code == 404


def test_editor_replies_from_the_letter_page_and_writer_rates(client):
    letter = LetterFactory()
    editor = StaffRoleFactory(
        department=letter.mailbox.department, role=StaffRole.Role.PARTICIPATION_EDITOR
    ).user
    client.force_login(editor)
    inbox = client.get(reverse("participation:staff_inbox"))
    assert letter.number in inbox.content.decode()
    client.post(
        reverse("participation:staff_letter", args=[letter.number]), {"reply": "已处理完毕。"}
    )
    letter.refresh_from_db()
    assert letter.status == Letter.Status.REPLIED
    client.force_login(letter.writer)
    client.post(
        reverse("participation:letter_detail", args=[letter.number]), {"rating": "satisfied"}
    )
    letter.refresh_from_db()
    assert letter.rating == "satisfied"


def test_published_letter_shows_on_the_public_page_without_the_writer(client):
    letter = LetterFactory(replied=True, is_public=True, published_body="公开的信件内容")
    response = client.get(reverse("participation:mailbox", args=[letter.mailbox.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "公开的信件内容" in page
    assert letter.writer.real_name not in page
