"""My e-licences (我的证照): the wallet page and API; recording certificates of other issuers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.certificates.models import Certificate
from ecity.certificates.selectors import certificate_valid_held, certificate_wallet
from ecity.certificates.services import Holder, certificate_import, certificate_revoke
from ecity.certificates.tests.factories import CertificateFactory, CertificateTypeFactory
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.selectors import ActingIdentity
from ecity.identity.selectors.acting import ACTING_SESSION_KEY
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    StaffRoleFactory,
    UserFactory,
    uscc_for,
)
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

OTHER_ISSUER_USCC = uscc_for(8801, region="320100")
SELF = ActingIdentity(kind=ActingIdentity.CITIZEN, display_name="")


@pytest.fixture
def admin():
    """A department administrator of the department that records imported certificates."""
    return StaffRoleFactory(role=StaffRole.Role.DEPARTMENT_ADMIN)


def _import(admin_role, certificate_type, holder, **changes):
    values = {
        "actor": admin_role.user,
        "department": admin_role.department,
        "certificate_type": certificate_type,
        "holder": holder,
        "issuer_name": "南京市市场监督管理局",
        "issuer_uscc": OTHER_ISSUER_USCC,
        "number": "NJ2024000123",
        "issued_on": dt.date(2024, 3, 1),
        "valid_until": dt.date.today() + dt.timedelta(days=365),
        "verification": Certificate.Verification.ISSUER_REGISTRY,
    }
    values.update(changes)
    return certificate_import(**values)


def _citizen_holder(user):
    return Holder(
        kind=Certificate.HolderKind.CITIZEN, name=user.real_name, identifier=user.id_number
    )


def test_a_department_administrator_records_a_certificate_of_another_issuer(admin):
    # given a verified citizen and a certificate issued by another city
    citizen = UserFactory(is_real_name_verified=True)
    certificate_type = CertificateTypeFactory()

    # when the administrator records it (verified with the issuer's registry)
    certificate = _import(
        admin, certificate_type, _citizen_holder(citizen), file=ContentFile(b"%PDF-1.4 x")
    )

    # then it has the national identifier of the issuer and number, and no ecity signature
    assert certificate.origin == Certificate.Origin.IMPORTED
    assert certificate.identifier.startswith(
        f"1.2.156.3005.2.{certificate_type.code}.{OTHER_ISSUER_USCC}.NJ2024000123.001."
    )
    assert certificate.issuer_name == "南京市市场监督管理局"
    assert certificate.issuer == admin.department
    assert certificate.verification == "issuer_registry"
    assert certificate.key is None and certificate.signature == ""
    assert certificate.pdf.read() == b"%PDF-1.4 x"
    # and the act is audited with the citizen as subject
    entry = AuditEntry.objects.get(action="certificate.imported")
    assert entry.actor == admin.user and entry.subject == citizen
    # and recording it again returns the same certificate
    assert _import(admin, certificate_type, _citizen_holder(citizen)).pk == certificate.pk
    assert Certificate.objects.count() == 1


def test_only_a_department_administrator_records_certificates(admin):
    reviewer = StaffRoleFactory(role=StaffRole.Role.REVIEWER, department=admin.department)
    citizen = UserFactory(is_real_name_verified=True)
    with pytest.raises(PermissionDenied):
        _import(reviewer, CertificateTypeFactory(), _citizen_holder(citizen))
    assert not Certificate.objects.exists()


def test_bad_import_input_is_refused_field_by_field_and_nothing_written(admin):
    citizen = UserFactory(is_real_name_verified=True)
    holder = Holder(kind=Certificate.HolderKind.CITIZEN, name="", identifier="110105199001011234")
    with pytest.raises(ValidationFailed) as raised:
        _import(
            admin,
            CertificateTypeFactory(),
            holder,
            issuer_name="",
            issuer_uscc="91320100MA1XXXXXX0",
            number="NJ 2024/1",
            issued_on=dt.date(2024, 3, 1),
            valid_until=dt.date(2024, 2, 1),
            verification="trust me",
        )
    assert set(raised.value.fields) == {
        "issuer_name",
        "issuer_uscc",
        "number",
        "valid_until",
        "verification",
        "holder_name",
        "holder_identifier",
    }
    assert citizen is not None and not Certificate.objects.exists()


def test_the_wallet_lists_issued_and_imported_certificates_of_the_citizen_only(admin):
    # given a citizen holding one issued and one imported certificate, and another citizen's
    citizen = UserFactory(is_real_name_verified=True)
    issued = CertificateFactory(holder_account=citizen)
    imported = _import(admin, CertificateTypeFactory(), _citizen_holder(citizen))
    CertificateFactory(holder_account=UserFactory(is_real_name_verified=True))

    # when they read their wallet
    wallet = list(certificate_wallet(user=citizen, identity=SELF))

    # then both of theirs are listed, and nobody else's
    assert {c.pk for c in wallet} == {issued.pk, imported.pk}


def test_a_registered_only_account_sees_no_certificates_naming_its_id_number(admin):
    # anyone can register with someone else's ID number: the wallet opens once verified
    registered = UserFactory()
    _import(admin, CertificateTypeFactory(), _citizen_holder(registered))
    assert list(certificate_wallet(user=registered, identity=SELF)) == []


def test_an_agent_acting_for_an_enterprise_sees_its_certificates(admin):
    # given a verified enterprise with an agent, and a licence recorded for it by USCC
    entity = LegalEntityFactory(verified=True)
    agent = AgentAuthorisationFactory(
        legal_entity=entity, user=UserFactory(is_real_name_verified=True)
    ).user
    holder = Holder(
        kind=Certificate.HolderKind.ENTERPRISE, name=entity.name, identifier=entity.uscc
    )
    licence = _import(admin, CertificateTypeFactory(), holder)
    as_enterprise = ActingIdentity(
        kind=ActingIdentity.ENTERPRISE, display_name=entity.name, legal_entity=entity
    )

    # then the agent sees it when acting for the enterprise, not when acting as themselves
    assert licence.holder_legal_entity == entity
    assert list(certificate_wallet(user=agent, identity=as_enterprise)) == [licence]
    assert list(certificate_wallet(user=agent, identity=SELF)) == []
    # and someone who is not its agent sees nothing
    outsider = UserFactory(is_real_name_verified=True)
    assert list(certificate_wallet(user=outsider, identity=as_enterprise)) == []


def test_only_a_valid_certificate_of_the_type_counts_as_held(admin):
    citizen = UserFactory(is_real_name_verified=True)
    certificate_type = CertificateTypeFactory()
    expired = _import(
        admin,
        certificate_type,
        _citizen_holder(citizen),
        number="OLD1",
        issued_on=dt.date(2019, 1, 1),
        valid_until=dt.date.today() - dt.timedelta(days=1),
    )
    today = dt.date.today()
    held = certificate_valid_held(
        user=citizen, identity=SELF, certificate_type_id=certificate_type.pk, on=today
    )
    assert expired.state == "expired" and held is None

    current = _import(admin, certificate_type, _citizen_holder(citizen), number="NEW1")
    held = certificate_valid_held(
        user=citizen, identity=SELF, certificate_type_id=certificate_type.pk, on=today
    )
    assert held == current

    certificate_revoke(actor=admin.user, certificate=current, reason="吊销")
    held = certificate_valid_held(
        user=citizen, identity=SELF, certificate_type_id=certificate_type.pk, on=today
    )
    assert held is None


def test_the_wallet_page_shows_number_validity_verification_and_download(client, admin):
    citizen = UserFactory(is_real_name_verified=True)
    imported = _import(admin, CertificateTypeFactory(name_zh="营业执照"), _citizen_holder(citizen))
    client.force_login(citizen)

    response = client.get(reverse("certificates:wallet"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    page = response.content.decode()
    assert "营业执照" in page
    assert imported.identifier in page
    assert "南京市市场监督管理局" in page
    assert "已通过发证机关数据库核验" in page
    assert reverse("certificates:pdf", args=[imported.identifier]) in page
    # and the holder downloads it
    download = client.get(reverse("certificates:pdf", args=[imported.identifier]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


def test_the_wallet_api_lists_the_enterprise_certificates_when_acting_for_it(client, admin):
    entity = LegalEntityFactory(verified=True)
    agent = AgentAuthorisationFactory(
        legal_entity=entity, user=UserFactory(is_real_name_verified=True)
    ).user
    holder = Holder(
        kind=Certificate.HolderKind.ENTERPRISE, name=entity.name, identifier=entity.uscc
    )
    licence = _import(admin, CertificateTypeFactory(), holder)
    client.force_login(agent)
    session = client.session
    session[ACTING_SESSION_KEY] = str(entity.public_id)
    session.save()

    response = client.get("/api/v1/certificates/mine/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["identifier"] == licence.identifier
    assert row["origin"] == "imported"
    assert row["verification"] == "issuer_registry"
    assert row["state"] == "valid"
    assert row["download_url"].endswith("/pdf")


def test_the_wallet_api_needs_a_login(client):
    assert client.get("/api/v1/certificates/mine/").status_code in (401, 403)


def test_an_imported_certificate_verifies_publicly_with_its_verification_method(client, admin):
    citizen = UserFactory(is_real_name_verified=True)
    imported = _import(admin, CertificateTypeFactory(), _citizen_holder(citizen))
    response = client.get(
        "/api/v1/certificates/verify/", {"id": imported.identifier}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "valid"
    assert "南京市市场监督管理局" in response.json()["message"]
