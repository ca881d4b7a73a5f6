"""Decision documents: written by the cases handler of ``case.decided``, downloadable by the
applicant and the department's staff, numbered per department and year."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from ecity.audit.models import AuditEntry
from ecity.cases.models import Case, DecisionDocument
from ecity.cases.services.decisions import case_decided_publish, decision_document_issue
from ecity.core.errors import Conflict
from ecity.identity.tests.factories import UserFactory
from ecity.testing.events import events_deliver_all


def pdf_text(field_file) -> str:
    field_file.open("rb")
    try:
        reader = PdfReader(BytesIO(field_file.read()))
    finally:
        field_file.close()
    text = "".join(page.extract_text() for page in reader.pages)
    return text.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize(
    ("status", "kind", "title"),
    [
        (Case.Status.APPROVED, DecisionDocument.Kind.APPROVED, "行政许可决定书"),
        (Case.Status.REJECTED, DecisionDocument.Kind.REJECTED, "不予许可决定书"),
        (Case.Status.REFUSED, DecisionDocument.Kind.REFUSED, "不予受理决定书"),
    ],
)
def test_decision_document_title_follows_the_outcome(joint, make_case, status, kind, title):
    case = make_case(status=status, decision_text="经审查，申请材料齐全，符合法定形式。")

    document = decision_document_issue(case=case, actor=joint.approver)

    assert document.kind == kind
    assert document.title == title
    assert document.text == "经审查，申请材料齐全，符合法定形式。"
    year = timezone.localtime(case.decided_at).year
    assert document.number == f"SCJ〔{year}〕1号"
    text = pdf_text(document.pdf)
    assert title in text
    assert "食品经营许可（测试）" in text
    assert case.number in text
    assert "市市场监督管理局" in text


def test_decision_document_issue_is_idempotent_and_numbers_per_department(joint, make_case):
    first_case, second_case = make_case(), make_case()

    first = decision_document_issue(case=first_case, actor=joint.approver)
    again = decision_document_issue(case=first_case, actor=joint.approver)
    second = decision_document_issue(case=second_case, actor=joint.approver)

    assert again.pk == first.pk
    assert DecisionDocument.objects.count() == 2
    assert first.number.endswith("〕1号") and second.number.endswith("〕2号")


def test_decision_document_without_decision_text_uses_the_standard_sentence(joint, make_case):
    case = make_case(status=Case.Status.REJECTED)

    document = decision_document_issue(case=case, actor=None)

    assert "不符合法定条件、标准" in document.text
    assert "食品经营许可（测试）" in document.text


def test_decision_document_for_an_open_case_is_refused(joint, make_case):
    case = make_case(status=Case.Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        decision_document_issue(case=case, actor=joint.approver)
    with pytest.raises(Conflict), transaction.atomic():
        case_decided_publish(case=case, actor=joint.approver)
    assert not DecisionDocument.objects.exists()


def test_the_decided_event_issues_the_decision_document_once(joint, make_case):
    case = make_case(status=Case.Status.REJECTED, decision_text="不符合条件。")
    with transaction.atomic():
        case_decided_publish(case=case, actor=joint.approver)
    assert not DecisionDocument.objects.exists()  # written by the handler, after commit

    events_deliver_all()
    with transaction.atomic():
        case_decided_publish(case=case, actor=joint.approver)  # the same key: nothing new
    events_deliver_all()

    document = DecisionDocument.objects.get(case=case)
    assert document.issued_by == joint.approver
    assert document.kind == DecisionDocument.Kind.REJECTED


def test_a_rolled_back_decision_document_leaves_no_pdf(joint, make_case):
    case = make_case()

    with pytest.raises(RuntimeError), transaction.atomic():
        document = decision_document_issue(case=case, actor=joint.approver)
        name = document.pdf.name
        assert default_storage.exists(name)
        raise RuntimeError("the handler failed after rendering")

    assert not default_storage.exists(name)
    assert not DecisionDocument.objects.exists()


def test_decision_pdf_for_applicant_only(client, joint, make_case):
    document = decision_document_issue(case=make_case(), actor=joint.approver)
    url = f"/cases/decisions/{document.public_id}/pdf"

    client.force_login(joint.citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    client.force_login(UserFactory(is_real_name_verified=True))
    assert client.get(url).status_code == 403


def test_staff_download_of_a_decision_is_a_case_file_read(client, joint, make_case):
    case = make_case()
    document = decision_document_issue(case=case, actor=joint.approver)
    client.force_login(joint.clerk)

    response = client.get(f"/cases/decisions/{document.public_id}/pdf")

    assert response.status_code == 200
    [entry] = AuditEntry.objects.filter(action="case_file.download")
    assert entry.actor == joint.clerk and entry.subject == joint.citizen
    assert entry.data == {"case": case.number}


def test_decision_documents_in_the_admin(client, django_user_model, joint, make_case):
    document = decision_document_issue(case=make_case(), actor=joint.approver)
    root = django_user_model.objects.create_superuser("root", "root@example.cn", "x-very-long-1")
    client.force_login(root)

    listing = client.get("/admin/cases/decisiondocument/")
    detail = client.get(f"/admin/cases/decisiondocument/{document.pk}/change/")

    assert listing.status_code == 200
    assert document.number in listing.content.decode()
    assert detail.status_code == 200


def test_decision_document_is_dated_in_the_configured_time_zone(joint, make_case, settings):
    # Given a case approved at 07:00 Beijing time on 6 December, which is still 5 December in UTC
    settings.TIME_ZONE = "Asia/Shanghai"
    decided_at = dt.datetime(2026, 12, 5, 23, 0, tzinfo=dt.UTC)
    case = make_case(decided_at=decided_at)

    # When its decision document is issued
    document = decision_document_issue(case=case, actor=joint.approver)

    # Then the printed date is the Beijing date, the same day the certificate carries
    text = pdf_text(document.pdf)
    assert "2026年12月6日" in text
    assert "2026年12月5日" not in text
    assert document.number.startswith("SCJ〔2026〕")
