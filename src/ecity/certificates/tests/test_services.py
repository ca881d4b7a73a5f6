"""Issuing decision documents and certificates, revoking them."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from ecity.audit.models import AuditEntry
from ecity.cases.models import Case
from ecity.certificates import services
from ecity.certificates.handlers import certificate_issue_for_decided_case
from ecity.certificates.identifiers import identifier_parse
from ecity.certificates.models import Certificate
from ecity.certificates.services import issuing
from ecity.certificates.tests.conftest import issue_for_case
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.events import PublishedEvent
from ecity.core.models import EventDelivery, OutboxEvent, SigningKey


def pdf_text(field_file) -> str:
    field_file.open("rb")
    try:
        reader = PdfReader(BytesIO(field_file.read()))
    finally:
        field_file.close()
    text = "".join(page.extract_text() for page in reader.pages)
    return text.replace(" ", "").replace("\n", "")


# --- certificate issuance -----------------------------------------------------------------


def test_service_without_certificate_type_issues_none(joint, approved_case):
    assert issue_for_case(approved_case, joint.approver) is None
    assert not Certificate.objects.exists()


def test_certificate_issue_builds_identifier_data_validity_and_signature(
    joint, cert_type, make_case
):
    decided_at = timezone.make_aware(dt.datetime(2025, 3, 1, 10, 30))
    case = make_case(decided_at=decided_at)

    certificate = issue_for_case(case, joint.approver)

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

    issue_for_case(approved_case, joint.approver)

    # (The decision is also published on the exchange, which signs with its own key.)
    certificate_keys = SigningKey.objects.filter(purpose=SigningKey.Purpose.CERTIFICATES)
    assert certificate_keys.filter(status=SigningKey.Status.CURRENT).count() == 1


def test_certificate_issue_is_idempotent_per_case(joint, cert_type, approved_case):
    first = issue_for_case(approved_case, joint.approver)
    again = issue_for_case(approved_case, joint.approver)

    assert again.pk == first.pk
    assert Certificate.objects.count() == 1


def test_the_decided_event_delivered_again_gives_the_same_certificate(
    joint, cert_type, approved_case
):
    first = issue_for_case(approved_case, joint.approver)
    row = OutboxEvent.objects.get(name="case.decided")
    event = PublishedEvent(
        name=row.name,
        subject=row.subject,
        data=row.data,
        key=row.key,
        public_id=str(row.public_id),
        published_at=row.created_at,
    )

    again = certificate_issue_for_decided_case(event)

    assert again.pk == first.pk
    assert Certificate.objects.count() == 1
    assert first.source_ref == f"cases.case:{approved_case.public_id}"
    assert first.source_label == approved_case.number
    assert first.holder_account == joint.citizen
    assert first.issued_by == joint.approver


def test_serials_increase_per_type_and_issuer(joint, cert_type, make_case):
    serials = [issue_for_case(make_case(), joint.approver).serial[-8:] for _ in range(3)]
    assert serials == ["00000001", "00000002", "00000003"]


def test_certificate_pdf_shows_type_identifier_holder_and_data(joint, cert_type, approved_case):
    certificate = issue_for_case(approved_case, joint.approver)

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

    certificate = issue_for_case(case, joint.approver)

    assert certificate.data == {"kind": "食品销售经营者"}


def test_type_without_validity_issues_certificates_without_expiry(joint, cert_type, approved_case):
    cert_type.validity_years = None
    cert_type.save()

    certificate = issue_for_case(approved_case, joint.approver)

    assert certificate.valid_until is None


def test_validity_end_handles_leap_days(cert_type):
    assert issuing._valid_until(cert_type, dt.date(2024, 2, 29)) == dt.date(2029, 2, 27)
    assert issuing._valid_until(cert_type, dt.date(2025, 3, 1)) == dt.date(2030, 2, 28)


def test_a_rejected_case_gets_no_certificate(joint, cert_type, make_case):
    case = make_case(status=Case.Status.REJECTED)

    assert issue_for_case(case, joint.approver) is None
    assert not Certificate.objects.exists()


def test_issuer_without_uscc_cannot_issue(joint, cert_type, approved_case):
    joint.lead.uscc = ""
    joint.lead.save()

    with pytest.raises(Conflict) as error:
        services.certificate_issue(
            certificate_type=cert_type,
            holder=CITIZEN_HOLDER,
            data={},
            source=services.Source(type="registry.licence", ref="registry.licence:1"),
            key="registry:1",
        )
    assert error.value.code == "issuer_without_uscc"
    # Through the event, the failure stays on the delivery to be retried (nothing is issued).
    assert issue_for_case(approved_case, joint.approver) is None
    delivery = EventDelivery.objects.get(handler="certificates.issue_certificate")
    assert delivery.status == EventDelivery.Status.PENDING
    assert "ecity.core.errors.Conflict" in delivery.last_error


def test_inactive_type_issues_nothing(joint, cert_type, approved_case):
    cert_type.is_active = False
    cert_type.save()

    assert issue_for_case(approved_case, joint.approver) is None


# --- issuance from plain data (any source) ---------------------------------------------------

CITIZEN_HOLDER = services.Holder(
    kind=Certificate.HolderKind.CITIZEN, name="李四", identifier="11010519491231002X"
)


def issue_plain(cert_type, key="exchange:msg-1", **extra):
    return services.certificate_issue(
        certificate_type=cert_type,
        holder=CITIZEN_HOLDER,
        data={"shop_name": "李记小吃", "area": "30", "case_number": ""},
        source=services.Source(
            type="exchange.message",
            ref=f"exchange.message:{key.partition(':')[2]}",
            label=f"外市交换 {key.partition(':')[2]}",
        ),
        key=key,
        issued_on=dt.date(2025, 6, 1),
        **extra,
    )


def test_a_certificate_from_another_source_is_issued_signed_and_audited(joint, cert_type):
    certificate = issue_plain(cert_type, issued_by=joint.approver)

    assert certificate.source_type == "exchange.message"
    assert certificate.source_ref == "exchange.message:msg-1"
    assert certificate.source_label == "外市交换 msg-1"
    assert certificate.holder_name == "李四"
    assert certificate.holder_account is None
    assert certificate.valid_until == dt.date(2030, 5, 31)
    assert services.certificate_verify(identifier=certificate.identifier).status == "valid"
    [entry] = AuditEntry.objects.filter(action="certificate.issued")
    assert entry.actor == joint.approver
    assert entry.object_id == str(certificate.public_id)
    event = OutboxEvent.objects.get(name="certificate.issued")
    assert event.data["source_ref"] == "exchange.message:msg-1"
    assert event.data["identifier"] == certificate.identifier


def test_issuing_again_with_the_same_key_returns_the_same_certificate(joint, cert_type):
    first = issue_plain(cert_type)
    again = issue_plain(cert_type)
    other = issue_plain(cert_type, key="exchange:msg-2")

    assert again.pk == first.pk
    assert other.pk != first.pk
    assert Certificate.objects.count() == 2
    assert AuditEntry.objects.filter(action="certificate.issued").count() == 2


def test_a_rolled_back_issue_leaves_no_file_and_no_serial(joint, cert_type):
    with pytest.raises(RuntimeError), transaction.atomic():
        certificate = issue_plain(cert_type)
        name = certificate.pdf.name
        assert default_storage.exists(name)
        raise RuntimeError("the caller failed after issuing")

    assert not default_storage.exists(name)
    assert not Certificate.objects.exists()
    assert issue_plain(cert_type).serial == "202500000001"


# --- revocation ---------------------------------------------------------------------------


@pytest.fixture
def certificate(joint, cert_type, approved_case):
    return issue_for_case(approved_case, joint.approver)


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
