"""Issuing decision documents and certificates, revoking them."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from ecity.cases.models import Case
from ecity.certificates import services
from ecity.certificates.identifiers import identifier_parse
from ecity.certificates.models import Certificate, DecisionDocument
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.models import SigningKey


def pdf_text(field_file) -> str:
    field_file.open("rb")
    try:
        reader = PdfReader(BytesIO(field_file.read()))
    finally:
        field_file.close()
    text = "".join(page.extract_text() for page in reader.pages)
    return text.replace(" ", "").replace("\n", "")


# --- decision documents -------------------------------------------------------------------


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

    document = services.decision_document_issue(case=case, actor=joint.approver)

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

    first = services.decision_document_issue(case=first_case, actor=joint.approver)
    again = services.decision_document_issue(case=first_case, actor=joint.approver)
    second = services.decision_document_issue(case=second_case, actor=joint.approver)

    assert again.pk == first.pk
    assert DecisionDocument.objects.count() == 2
    assert first.number.endswith("〕1号") and second.number.endswith("〕2号")


def test_decision_document_without_decision_text_uses_the_standard_sentence(joint, make_case):
    case = make_case(status=Case.Status.REJECTED)

    document = services.decision_document_issue(case=case, actor=None)

    assert "不符合法定条件、标准" in document.text
    assert "食品经营许可（测试）" in document.text


def test_decision_document_for_an_open_case_is_refused(joint, make_case):
    case = make_case(status=Case.Status.IN_PROGRESS)

    with pytest.raises(Conflict):
        services.decision_document_issue(case=case, actor=joint.approver)
    assert not DecisionDocument.objects.exists()


# --- certificate issuance -----------------------------------------------------------------


def test_service_without_certificate_type_issues_none(joint, approved_case):
    assert services.certificate_issue(case=approved_case, actor=joint.approver) is None
    assert not Certificate.objects.exists()


def test_certificate_issue_builds_identifier_data_validity_and_signature(
    joint, cert_type, make_case
):
    decided_at = timezone.make_aware(dt.datetime(2025, 3, 1, 10, 30))
    case = make_case(decided_at=decided_at)

    certificate = services.certificate_issue(case=case, actor=joint.approver)

    parts = identifier_parse(certificate.identifier)
    assert parts.type_code == cert_type.code
    assert parts.issuer_code == joint.lead.uscc
    assert parts.serial == "202500000001"
    assert parts.version == 1
    assert certificate.holder_name == "王小明"
    assert certificate.holder_identifier == joint.citizen.id_number
    assert certificate.data == {"shop_name": "小明面馆", "area": "45", "case_number": case.number}
    assert certificate.issued_on == dt.date(2025, 3, 1)
    assert certificate.valid_until == dt.date(2030, 2, 28)
    assert certificate.key.status == SigningKey.Status.CURRENT
    assert services.certificate_verify(identifier=certificate.identifier).status == "valid"


def test_first_issuance_creates_the_signing_key(joint, cert_type, approved_case):
    assert not SigningKey.objects.exists()

    services.certificate_issue(case=approved_case, actor=joint.approver)

    assert SigningKey.objects.filter(status=SigningKey.Status.CURRENT).count() == 1


def test_certificate_issue_is_idempotent_per_case(joint, cert_type, approved_case):
    first = services.certificate_issue(case=approved_case, actor=joint.approver)
    again = services.certificate_issue(case=approved_case, actor=joint.approver)

    assert again.pk == first.pk
    assert Certificate.objects.count() == 1


def test_serials_increase_per_type_and_issuer(joint, cert_type, make_case):
    serials = [
        services.certificate_issue(case=make_case(), actor=joint.approver).serial[-8:]
        for _ in range(3)
    ]
    assert serials == ["00000001", "00000002", "00000003"]


def test_certificate_pdf_shows_type_identifier_holder_and_data(joint, cert_type, approved_case):
    certificate = services.certificate_issue(case=approved_case, actor=joint.approver)

    text = pdf_text(certificate.pdf)

    assert "食品经营许可证" in text
    assert "小明面馆" in text
    assert "王小明" in text
    assert certificate.identifier in text
    assert "市市场监督管理局" in text


def test_choice_values_become_their_chinese_labels(joint, cert_type, make_case):
    joint.version.form_schema["properties"]["kind"] = {
        "type": "string",
        "title": "主体业态",
        "enum": ["catering", "retail"],
        "enumNames": ["餐饮服务经营者", "食品销售经营者"],
    }
    joint.version.save()
    cert_type.data_schema = [{"name": "kind", "label_zh": "主体业态", "source": "form.kind"}]
    cert_type.save()
    case = make_case(form_data={"kind": "retail"})

    certificate = services.certificate_issue(case=case, actor=joint.approver)

    assert certificate.data == {"kind": "食品销售经营者"}


def test_type_without_validity_issues_certificates_without_expiry(joint, cert_type, approved_case):
    cert_type.validity_years = None
    cert_type.save()

    certificate = services.certificate_issue(case=approved_case, actor=joint.approver)

    assert certificate.valid_until is None


def test_validity_end_handles_leap_days(cert_type):
    assert services._valid_until(cert_type, dt.date(2024, 2, 29)) == dt.date(2029, 2, 27)
    assert services._valid_until(cert_type, dt.date(2025, 3, 1)) == dt.date(2030, 2, 28)


def test_certificate_for_a_rejected_case_is_refused(joint, cert_type, make_case):
    with pytest.raises(Conflict):
        services.certificate_issue(case=make_case(status=Case.Status.REJECTED), actor=None)


def test_issuer_without_uscc_cannot_issue(joint, cert_type, approved_case):
    joint.lead.uscc = ""
    joint.lead.save()

    with pytest.raises(Conflict) as error:
        services.certificate_issue(case=approved_case, actor=joint.approver)
    assert error.value.code == "issuer_without_uscc"


def test_inactive_type_issues_nothing(joint, cert_type, approved_case):
    cert_type.is_active = False
    cert_type.save()

    assert services.certificate_issue(case=approved_case, actor=joint.approver) is None


# --- revocation ---------------------------------------------------------------------------


@pytest.fixture
def certificate(joint, cert_type, approved_case):
    return services.certificate_issue(case=approved_case, actor=joint.approver)


@pytest.mark.parametrize("who", ["approver", "department_admin", "platform_admin"])
def test_approvers_admins_and_platform_admins_revoke(request, joint, certificate, who):
    actor = joint.approver if who == "approver" else request.getfixturevalue(who)

    revoked = services.certificate_revoke(
        actor=actor, certificate=certificate, reason="证照信息有误"
    )

    assert revoked.status == Certificate.Status.REVOKED
    assert revoked.revoked_by == actor
    assert revoked.revocation_reason == "证照信息有误"
    assert revoked.revoked_at is not None


@pytest.mark.parametrize("who", ["other_approver", "reviewer", "citizen"])
def test_others_cannot_revoke(request, joint, certificate, who):
    actor = {
        "other_approver": lambda: request.getfixturevalue("other_approver"),
        "reviewer": lambda: joint.lead_reviewer,
        "citizen": lambda: joint.citizen,
    }[who]()

    with pytest.raises(PermissionDenied):
        services.certificate_revoke(actor=actor, certificate=certificate, reason="无权")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


def test_revocation_needs_a_reason(joint, certificate):
    with pytest.raises(ValidationFailed) as error:
        services.certificate_revoke(actor=joint.approver, certificate=certificate, reason="  ")
    assert list(error.value.fields) == ["reason"]


def test_revoking_twice_keeps_the_first_revocation(joint, certificate):
    first = services.certificate_revoke(actor=joint.approver, certificate=certificate, reason="一")
    second = services.certificate_revoke(actor=joint.approver, certificate=certificate, reason="二")

    assert second.revocation_reason == "一"
    assert second.revoked_at == first.revoked_at
