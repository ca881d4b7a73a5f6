"""Consultation drafts: only the owning department's editors create and edit them; the PDF is
checked by the safe upload rules; an opened consultation no longer changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.cases.tests.factories import PDF_BYTES
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole
from ecity.participation.models import Consultation
from ecity.participation.services.consultations import (
    ConsultationInput,
    consultation_create,
    consultation_update,
)
from ecity.participation.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def editor_of(department):
    return StaffRoleFactory(department=department, role=StaffRole.Role.PARTICIPATION_EDITOR).user


def draft_input(**changes):
    now = timezone.now()
    values = {
        "title": "《示范市停车管理办法（征求意见稿）》",
        "introduction": "现公开征求意见。",
        "draft_text": "第一条 为规范停车秩序，制定本办法。",
        "opens_at": now + dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=31),
    }
    values.update(changes)
    return ConsultationInput(**values)


def test_editor_creates_a_draft_with_its_pdf():
    # given an editor of the transport bureau
    department = DepartmentFactory()
    editor = editor_of(department)
    # when the editor creates a consultation with the draft as PDF
    pdf = SimpleUploadedFile("停车办法.pdf", PDF_BYTES, content_type="application/pdf")
    consultation = consultation_create(
        actor=editor, department=department, data=draft_input(), pdf=pdf
    )
    # then it is a draft of that department, the PDF is stored and the act audited
    assert consultation.status == Consultation.Status.DRAFT
    assert consultation.department == department
    assert consultation.created_by == editor
    assert consultation.attachment_name == "停车办法.pdf"
    assert default_storage.exists(consultation.attachment.name)
    assert AuditEntry.objects.filter(action="consultation.created").count() == 1


def test_editor_of_another_department_cannot_create():
    department = DepartmentFactory()
    with pytest.raises(PermissionDenied):
        consultation_create(
            actor=editor_of(DepartmentFactory()), department=department, data=draft_input()
        )
    assert Consultation.objects.count() == 0


def test_missing_fields_and_reversed_period_give_field_messages():
    department = DepartmentFactory()
    now = timezone.now()
    with pytest.raises(ValidationFailed) as raised:
        consultation_create(
            actor=editor_of(department),
            department=department,
            data=draft_input(title=" ", draft_text="", closes_at=now - dt.timedelta(days=1)),
        )
    assert set(raised.value.fields) == {"title", "draft_text", "closes_at"}
    assert Consultation.objects.count() == 0


def test_a_picture_posing_as_pdf_is_refused():
    department = DepartmentFactory()
    fake = SimpleUploadedFile("draft.pdf", PNG_BYTES, content_type="application/pdf")
    with pytest.raises(ValidationFailed) as raised:
        consultation_create(
            actor=editor_of(department), department=department, data=draft_input(), pdf=fake
        )
    assert "attachment" in raised.value.fields
    assert Consultation.objects.count() == 0


def test_editor_changes_a_draft_and_removes_its_pdf(django_capture_on_commit_callbacks):
    # given a draft with a PDF
    department = DepartmentFactory()
    editor = editor_of(department)
    pdf = SimpleUploadedFile("v1.pdf", PDF_BYTES, content_type="application/pdf")
    consultation = consultation_create(
        actor=editor, department=department, data=draft_input(), pdf=pdf
    )
    stored = consultation.attachment.name
    # when the editor changes the title and removes the PDF (and the change commits)
    with django_capture_on_commit_callbacks(execute=True):
        consultation_update(
            actor=editor,
            consultation=consultation,
            data=draft_input(title="《示范市停车管理办法（第二稿）》"),
            remove_pdf=True,
        )
    # then the draft has the new title, no PDF, and the old file is gone
    consultation.refresh_from_db()
    assert consultation.title == "《示范市停车管理办法（第二稿）》"
    assert not consultation.attachment
    assert not default_storage.exists(stored)
    assert AuditEntry.objects.filter(action="consultation.updated").count() == 1


def test_an_open_consultation_cannot_be_edited():
    consultation = ConsultationFactory(open=True)
    with pytest.raises(ApplicationError) as raised:
        consultation_update(
            actor=editor_of(consultation.department),
            consultation=consultation,
            data=draft_input(title="改过的标题"),
        )
    assert raised.value.code == "consultation_wrong_status"
    consultation.refresh_from_db()
    assert consultation.title != "改过的标题"
