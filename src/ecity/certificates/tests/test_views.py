"""HTML pages: verification, PDF downloads, revocation form."""

from __future__ import annotations

import datetime as dt

import pytest

from ecity.certificates import services, signing
from ecity.certificates.identifiers import certificate_identifier
from ecity.certificates.models import Certificate
from ecity.certificates.tests.conftest import issue_for_case
from ecity.certificates.verification import certificate_payload, qr_payload
from ecity.identity.tests.factories import UserFactory

VERIFY = "/certificates/verify/"

UNKNOWN = certificate_identifier(type_code="ABC", issuer_uscc="DEF", serial="1", version=1)


@pytest.fixture
def certificate(joint, cert_type, approved_case):
    return issue_for_case(approved_case, joint.approver)


def test_verify_page_shows_the_empty_form(client, db):
    response = client.get(VERIFY)

    assert response.status_code == 200
    html = response.content.decode()
    assert "电子证照核验" in html
    assert 'name="q"' in html
    assert "verification-" not in html


def test_valid_certificate_page(client, certificate):
    response = client.get(VERIFY, {"q": certificate.identifier})

    html = response.content.decode()
    assert response.status_code == 200
    assert "verification-valid" in html
    assert "有效" in html
    assert "王*明" in html
    assert "王小明" not in html
    assert "食品经营许可证" in html


def test_qr_url_lands_on_the_result(client, certificate):
    url = qr_payload(certificate)
    path_and_query = url[url.index("/certificates/") :]

    response = client.get(path_and_query)

    assert "verification-valid" in response.content.decode()


def test_revoked_certificate_page_shows_reason(client, joint, certificate):
    services.certificate_revoke(actor=joint.approver, certificate=certificate, reason="虚假材料")

    html = client.get(VERIFY, {"q": certificate.identifier}).content.decode()

    assert "verification-revoked" in html
    assert "已撤销" in html
    assert "虚假材料" in html


def test_expired_certificate_page(client, certificate):
    certificate.valid_until = dt.date(2021, 5, 1)
    certificate.signature, certificate.key = signing.sign(certificate_payload(certificate))
    certificate.save()

    html = client.get(VERIFY, {"q": certificate.identifier}).content.decode()

    assert "verification-expired" in html
    assert "已过期" in html


def test_forged_certificate_page(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="李四")

    html = client.get(VERIFY, {"q": certificate.identifier}).content.decode()

    assert "verification-forged" in html
    assert "验证失败（可能被篡改）" in html


def test_not_found_page(client, db):
    html = client.get(VERIFY, {"q": UNKNOWN}).content.decode()

    assert "verification-" in html
    assert "未找到" in html


def test_empty_query_shows_a_field_error(client, db):
    response = client.get(VERIFY, {"q": ""})

    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_english_page(client, certificate):
    html = client.get("/en" + VERIFY, {"q": certificate.identifier}).content.decode()

    assert "Verify an e-certificate" in html
    assert "This certificate is valid" in html


# --- PDF downloads ------------------------------------------------------------------------


def pdf_url(certificate):
    return f"/certificates/{certificate.identifier}/pdf"


def test_holder_downloads_the_pdf(client, joint, certificate):
    client.force_login(joint.citizen)

    response = client.get(pdf_url(certificate))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_issuing_department_staff_download_the_pdf(client, joint, certificate):
    client.force_login(joint.clerk)

    assert client.get(pdf_url(certificate)).status_code == 200


def test_enterprise_agent_downloads_the_enterprise_certificate(
    client, joint, cert_type, make_case, enterprise
):
    entity, agent = enterprise
    case = make_case(applicant=UserFactory(is_real_name_verified=True), legal_entity=entity)
    certificate = issue_for_case(case, joint.approver)
    client.force_login(agent)

    assert client.get(pdf_url(certificate)).status_code == 200


@pytest.mark.parametrize("who", ["stranger", "health_reviewer"])
def test_others_cannot_download(client, joint, certificate, who):
    user = UserFactory(is_real_name_verified=True) if who == "stranger" else joint.health_reviewer
    client.force_login(user)

    assert client.get(pdf_url(certificate)).status_code == 403


def test_anonymous_download_asks_to_log_in(client, certificate):
    response = client.get(pdf_url(certificate))

    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]


# --- revocation ---------------------------------------------------------------------------


def revoke_url(certificate):
    return f"/certificates/{certificate.identifier}/revoke/"


def test_approver_revokes_through_the_form(client, joint, certificate):
    client.force_login(joint.approver)
    assert client.get(revoke_url(certificate)).status_code == 200

    response = client.post(revoke_url(certificate), {"reason": "许可事项已变更"})

    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revocation_reason == "许可事项已变更"


def test_revocation_form_requires_a_reason(client, joint, certificate):
    client.force_login(joint.approver)

    response = client.post(revoke_url(certificate), {"reason": ""})

    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ACTIVE


def test_other_department_cannot_open_the_revocation_form(client, other_approver, certificate):
    client.force_login(other_approver)

    assert client.get(revoke_url(certificate)).status_code == 403
    assert client.post(revoke_url(certificate), {"reason": "x"}).status_code == 403


def test_verify_page_offers_revocation_to_approvers_only(client, joint, certificate):
    client.force_login(joint.approver)
    assert (
        revoke_url(certificate)
        in client.get(VERIFY, {"q": certificate.identifier}).content.decode()
    )

    client.force_login(joint.citizen)
    response = client.get(VERIFY, {"q": certificate.identifier})
    assert response.status_code == 200
    html = response.content.decode()
    assert revoke_url(certificate) not in html
    assert pdf_url(certificate) in html
