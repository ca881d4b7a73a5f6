"""Certificates API: verification and revocation."""

from __future__ import annotations

import datetime as dt

import pytest

from ecity.certificates import services, signing
from ecity.certificates.identifiers import certificate_identifier
from ecity.certificates.models import Certificate
from ecity.certificates.tests.conftest import issue_for_case
from ecity.certificates.verification import certificate_payload, qr_payload

VERIFY = "/api/v1/certificates/verify/"

UNKNOWN = certificate_identifier(type_code="ABC", issuer_uscc="DEF", serial="1", version=1)


@pytest.fixture
def certificate(joint, cert_type, approved_case):
    return issue_for_case(approved_case, joint.approver)


def revoke_url(certificate):
    return f"/api/v1/certificates/{certificate.identifier}/revoke/"


def test_get_valid(api_client, joint, certificate):
    response = api_client.get(VERIFY, {"id": certificate.identifier})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid"
    assert body["certificate"]["identifier"] == certificate.identifier
    assert body["certificate"]["holder_name"] == "王*明"
    assert body["certificate"]["valid_until"] == certificate.valid_until.isoformat()
    assert "signature" not in body["certificate"]


def test_get_not_found_and_forged(api_client, certificate):
    unknown_response = api_client.get(VERIFY, {"id": UNKNOWN})
    wrong_check = certificate.identifier[:-1] + ("0" if certificate.identifier[-1] != "0" else "1")
    forged_response = api_client.get(VERIFY, {"id": wrong_check})

    assert unknown_response.status_code == forged_response.status_code == 200
    unknown, forged = unknown_response.json(), forged_response.json()
    assert unknown["status"] == "not_found" and unknown["certificate"] is None
    assert forged["status"] == "forged"


def test_get_without_id_is_a_field_error(api_client, db):
    response = api_client.get(VERIFY)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["id"]


def test_post_qr_payload(api_client, certificate):
    response = api_client.post(VERIFY, {"payload": qr_payload(certificate)}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "valid"


def test_post_revoked_and_expired(api_client, joint, cert_type, make_case):
    revoked = issue_for_case(make_case(), joint.approver)
    services.certificate_revoke(actor=joint.approver, certificate=revoked, reason="吊销")
    expired = issue_for_case(make_case(), joint.approver)
    expired.valid_until = dt.date(2022, 1, 1)
    expired.signature, expired.key = signing.sign(certificate_payload(expired))
    expired.save()

    revoked_body = api_client.post(VERIFY, {"payload": qr_payload(revoked)}, format="json").json()
    expired_body = api_client.post(VERIFY, {"payload": qr_payload(expired)}, format="json").json()

    assert revoked_body["status"] == "revoked"
    assert revoked_body["certificate"]["revocation_reason"] == "吊销"
    assert expired_body["status"] == "expired"


def test_post_data_and_signature(api_client, certificate):
    data = {**certificate_payload(certificate), "key_id": certificate.key.kid}

    ok = api_client.post(
        VERIFY, {"data": data, "signature": certificate.signature}, format="json"
    ).json()
    data["holder"]["name"] = "李四"
    bad = api_client.post(
        VERIFY, {"data": data, "signature": certificate.signature}, format="json"
    ).json()

    assert ok["status"] == "valid"
    assert bad["status"] == "forged"


def test_post_needs_payload_or_data(api_client, db):
    response = api_client.post(VERIFY, {}, format="json")

    assert response.status_code == 400
    assert "payload" in response.json()["fields"]


def test_messages_follow_the_requested_language(api_client, certificate):
    zh = api_client.get(VERIFY, {"id": certificate.identifier}).json()
    en = api_client.get(VERIFY, {"id": certificate.identifier, "lang": "en"}).json()

    assert "该证照有效" in zh["message"]
    assert en["message"].startswith("This certificate is valid")


def test_approver_revokes(api_client, joint, certificate):
    api_client.force_authenticate(joint.approver)

    response = api_client.post(revoke_url(certificate), {"reason": "违法经营"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["certificate"]["revocation_reason"] == "违法经营"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_revoke_without_reason_is_a_field_error(api_client, joint, certificate):
    api_client.force_authenticate(joint.approver)

    response = api_client.post(revoke_url(certificate), {"reason": ""}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert list(response.json()["fields"]) == ["reason"]


def test_other_department_gets_403(api_client, other_approver, certificate):
    api_client.force_authenticate(other_approver)

    response = api_client.post(revoke_url(certificate), {"reason": "x"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


def test_anonymous_revoke_is_refused(api_client, certificate):
    response = api_client.post(revoke_url(certificate), {"reason": "x"}, format="json")

    assert response.status_code == 403


def test_revoke_unknown_certificate_is_404(api_client, joint, db):
    api_client.force_authenticate(joint.approver)

    response = api_client.post(
        f"/api/v1/certificates/{UNKNOWN}/revoke/", {"reason": "x"}, format="json"
    )

    assert response.status_code == 404


def test_schema_documents_the_endpoints(api_client, db):
    response = api_client.get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert "/api/v1/certificates/verify/" in paths
    assert "/api/v1/certificates/{identifier}/revoke/" in paths
