"""Verifying certificates: valid, revoked, expired, forged, not found."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest

from ecity.certificates import services, signing
from ecity.certificates.identifiers import certificate_identifier
from ecity.certificates.models import Certificate
from ecity.certificates.tests.conftest import issue_for_case
from ecity.certificates.verification import (
    certificate_payload,
    mask_name,
    qr_payload,
    signature_prefix,
)


@pytest.fixture
def certificate(joint, cert_type, approved_case):
    return issue_for_case(approved_case, joint.approver)


def wrong_check_char(identifier: str) -> str:
    last = identifier[-1]
    return identifier[:-1] + ("0" if last != "0" else "1")


def test_valid_certificate_shows_public_information_masked(joint, certificate):
    result = services.certificate_verify(identifier=certificate.identifier)

    assert result.status == "valid"
    assert result.public["holder_name"] == "王*明"
    assert result.public["holder_identifier"] == "1101**********" + joint.citizen.id_number[-4:]
    assert result.public["type_name"] == "食品经营许可证"
    assert result.public["issuer_name"] == "市市场监督管理局"
    assert "signature" not in result.public


def test_enterprise_holder_name_is_shown_in_full(joint, cert_type, make_case, enterprise):
    entity, agent = enterprise
    case = make_case(applicant=agent, legal_entity=entity)
    certificate = issue_for_case(case, joint.approver)

    result = services.certificate_verify(identifier=certificate.identifier)

    assert result.public["holder_name"] == "示范餐饮有限公司"


def test_revoked_certificate_reports_reason_and_date(joint, certificate):
    services.certificate_revoke(actor=joint.approver, certificate=certificate, reason="已注销")

    result = services.certificate_verify(identifier=certificate.identifier)

    assert result.status == "revoked"
    assert "已注销" in result.message
    assert result.public["revocation_reason"] == "已注销"


def test_certificate_past_its_validity_is_expired(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=dt.date(2020, 1, 1))
    certificate.refresh_from_db()
    # valid_until is signed: re-sign as an issuer would have, to test expiry alone.
    certificate.signature, certificate.key = signing.sign(certificate_payload(certificate))
    certificate.save()

    result = services.certificate_verify(identifier=certificate.identifier)

    assert result.status == "expired"
    assert "2020-01-01" in result.message


def test_tampered_data_in_the_database_is_forged(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(data={**certificate.data, "area": "450"})

    assert services.certificate_verify(identifier=certificate.identifier).status == "forged"


def test_tampered_holder_is_forged(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="李四")

    assert services.certificate_verify(identifier=certificate.identifier).status == "forged"


def test_unknown_identifier_is_not_found(certificate):
    other = certificate_identifier(
        type_code=certificate.type_code,
        issuer_uscc=certificate.issuer_uscc,
        serial=certificate.serial,
        version=2,
    )

    assert services.certificate_verify(identifier=other).status == "not_found"


def test_wrong_check_character_is_forged(certificate):
    result = services.certificate_verify(identifier=wrong_check_char(certificate.identifier))

    assert result.status == "forged"
    assert result.certificate is None


def test_garbage_is_not_found(db):
    assert services.certificate_verify(payload="hello").status == "not_found"
    assert services.certificate_verify(identifier="12345").status == "not_found"


def test_qr_payload_is_the_verification_url_and_verifies(settings, certificate):
    settings.ECITY_SITE_URL = "https://ecity.example.cn"

    payload = qr_payload(certificate)

    parts = urlsplit(payload)
    query = parse_qs(parts.query)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "ecity.example.cn",
        "/certificates/verify/",
    )
    assert query == {
        "id": [certificate.identifier],
        "sig": [signature_prefix(certificate.signature)],
    }
    assert len(query["sig"][0]) == 16
    assert services.certificate_verify(payload=payload).status == "valid"


def test_qr_payload_with_another_signature_is_forged(certificate):
    payload = qr_payload(certificate).replace("sig=", "sig=AAAA")[:-4]

    assert services.certificate_verify(payload=payload).status == "forged"


def test_pasted_identifier_alone_verifies(certificate):
    assert services.certificate_verify(payload=f"  {certificate.identifier} ").status == "valid"


def test_presented_data_and_signature_verify(certificate):
    data = {**certificate_payload(certificate), "key_id": certificate.key.kid}

    assert services.certificate_verify(data=data, signature=certificate.signature).status == "valid"


def test_presented_data_changed_by_the_holder_is_forged(certificate):
    data = {**certificate_payload(certificate), "key_id": certificate.key.kid}
    data["data"] = {**data["data"], "shop_name": "大明酒楼"}

    assert (
        services.certificate_verify(data=data, signature=certificate.signature).status == "forged"
    )


def test_certificate_signed_before_rotation_still_verifies(joint, cert_type, make_case):
    old = issue_for_case(make_case(), joint.approver)

    signing.key_rotate(actor=None)
    new = issue_for_case(make_case(), joint.approver)

    assert new.key != old.key
    assert services.certificate_verify(identifier=old.identifier).status == "valid"
    assert services.certificate_verify(payload=qr_payload(old)).status == "valid"
    assert services.certificate_verify(identifier=new.identifier).status == "valid"


@pytest.mark.parametrize(
    ("name", "masked"), [("王小明", "王*明"), ("李四", "李*"), ("欧阳娜娜", "欧**娜"), ("A", "A")]
)
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked
