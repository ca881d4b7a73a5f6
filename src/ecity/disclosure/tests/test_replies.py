"""Replies: the fields each statutory type needs, late replies, the signed PDF and its check."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ecity.audit.models import AuditEntry
from ecity.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from ecity.disclosure.models import DisclosureRequest, ReplyType
from ecity.disclosure.services.replies import ReplyInput, reply_verify, request_reply
from ecity.disclosure.services.requests import correction_ask
from ecity.disclosure.tests.factories import staff_of, submit
from ecity.identity.tests.factories import DepartmentFactory, UserFactory
from ecity.notify.models import Notification

pytestmark = pytest.mark.django_db

FULL = {
    "content": "经审查，现将相关信息提供如下。",
    "withheld": "报告第3章涉及商业秘密的数据",
    "reason": "涉及第三方商业秘密，第三方不同意公开",
    "legal_ground": "《政府信息公开条例》第十五条",
    "right_body": "示范市生态环境局",
    "right_body_contact": "0571-12345678",
    "earlier_number": "GK-2026-ENV-000001",
}


@pytest.mark.parametrize(
    ("reply_type", "required"),
    [
        (ReplyType.DISCLOSED, {"content"}),
        (ReplyType.PARTIALLY_DISCLOSED, {"content", "withheld", "reason", "legal_ground"}),
        (ReplyType.NOT_DISCLOSED, {"content", "reason", "legal_ground"}),
        (ReplyType.NOT_AVAILABLE, {"content", "reason"}),
        (ReplyType.OTHER_BODY, {"content", "right_body"}),
        (ReplyType.REPEATED, {"content", "earlier_number"}),
        (ReplyType.NOT_PROCESSED, {"content", "reason"}),
    ],
)
def test_each_reply_type_requires_its_fields(reply_type, required):
    department = DepartmentFactory()
    request = submit(department)
    staff = staff_of(department)
    with pytest.raises(ValidationFailed) as refused:
        request_reply(
            actor=staff, request=request, data=ReplyInput(reply_type=reply_type, content="")
        )
    assert set(refused.value.fields) == required
    # with exactly the required fields the reply goes out
    given = {field: FULL[field] for field in required}
    reply = request_reply(
        actor=staff, request=request, data=ReplyInput(reply_type=reply_type, **given)
    )
    assert reply.reply_type == reply_type
    assert DisclosureRequest.objects.get(pk=request.pk).status == DisclosureRequest.Status.REPLIED


def test_partial_disclosure_reply_is_a_signed_pdf_that_verifies_and_a_changed_one_does_not():
    department = DepartmentFactory(name_zh="示范市规划和自然资源局")
    applicant = UserFactory()
    request = submit(department, applicant=applicant)
    reply = request_reply(
        actor=staff_of(department),
        request=request,
        data=ReplyInput(reply_type=ReplyType.PARTIALLY_DISCLOSED, **FULL),
    )
    pdf = bytes(reply.pdf)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert request.number in text
    assert "部分公开" in text
    assert "《政府信息公开条例》第十五条" in text
    assert reply_verify(pdf=pdf).is_valid
    assert reply_verify(pdf=pdf).details["number"] == request.number
    # one bit changed anywhere makes it another document
    middle = len(pdf) // 2
    tampered = pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :]
    assert not reply_verify(pdf=tampered).is_valid
    assert Notification.objects.filter(event="disclosure_replied", recipient=applicant).exists()
    assert AuditEntry.objects.filter(action="disclosure_request.replied").count() == 1


def test_a_reply_whose_stored_signature_was_altered_does_not_verify():
    department = DepartmentFactory()
    reply = request_reply(
        actor=staff_of(department),
        request=submit(department),
        data=ReplyInput(reply_type=ReplyType.DISCLOSED, content="同意公开"),
    )
    type(reply).objects.filter(pk=reply.pk).update(reply_type=ReplyType.NOT_DISCLOSED)
    assert not reply_verify(pdf=bytes(reply.pdf)).is_valid


def test_reply_past_the_limit_is_flagged_late():
    department = DepartmentFactory()
    request = submit(department)
    DisclosureRequest.objects.filter(pk=request.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    request.refresh_from_db()
    reply = request_reply(
        actor=staff_of(department),
        request=request,
        data=ReplyInput(reply_type=ReplyType.DISCLOSED, content="同意公开"),
    )
    assert reply.is_late
    on_time = request_reply(
        actor=staff_of(department),
        request=submit(department),
        data=ReplyInput(reply_type=ReplyType.DISCLOSED, content="同意公开"),
    )
    assert not on_time.is_late


def test_no_reply_while_awaiting_correction_or_twice_or_by_another_department():
    department = DepartmentFactory()
    staff = staff_of(department)
    data = ReplyInput(reply_type=ReplyType.DISCLOSED, content="同意公开")
    request = submit(department)
    with pytest.raises(PermissionDenied):
        request_reply(actor=staff_of(DepartmentFactory()), request=request, data=data)
    correction_ask(actor=staff, request=request, what="请补充")
    request.refresh_from_db()
    with pytest.raises(ApplicationError):
        request_reply(actor=staff, request=request, data=data)
    other = submit(department)
    request_reply(actor=staff, request=other, data=data)
    other.refresh_from_db()
    with pytest.raises(ApplicationError):
        request_reply(actor=staff, request=other, data=data)


def test_an_applicant_without_an_account_is_told_of_the_reply_by_sms_and_e_mail():
    department = DepartmentFactory()
    request = submit(department, email="wang.xiaoming@example.cn")

    request_reply(
        actor=staff_of(department),
        request=request,
        data=ReplyInput(reply_type=ReplyType.DISCLOSED, content="同意公开"),
    )

    sent = {n.channel: n for n in Notification.objects.filter(event="disclosure_replied")}
    assert set(sent) == {"sms", "email"}
    assert request.query_code in sent["sms"].body
    assert "下载" in sent["email"].body and "登录" not in sent["email"].body
    assert sent["email"].link_path == "/disclosure/requests/lookup/"
