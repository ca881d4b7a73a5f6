"""The certificate factories build valid rows, and a factory certificate verifies."""

from __future__ import annotations

import pytest

from ecity.certificates.models import Certificate
from ecity.certificates.services import certificate_verify
from ecity.certificates.tests.factories import CertificateFactory, CertificateTypeFactory
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_factory_certificate_type_is_valid_and_its_issuer_has_a_uscc():
    certificate_type = CertificateTypeFactory()

    certificate_type.full_clean()
    assert certificate_type.department.uscc
    assert certificate_type.has_expiry


def test_a_factory_certificate_is_issued_signed_and_verifies():
    holder = UserFactory(real_name="王小明")

    certificate = CertificateFactory(holder_account=holder, data={"shop_name": "小明面馆"})

    certificate.full_clean()
    assert certificate.status == Certificate.Status.ACTIVE
    assert certificate.holder_name == "王小明"
    assert certificate.holder_identifier == holder.id_number
    assert certificate.data == {"shop_name": "小明面馆"}
    assert certificate.pdf.name.endswith(".pdf")
    result = certificate_verify(identifier=certificate.identifier)
    assert result.is_valid, result.message
    assert result.certificate == certificate


def test_two_factory_certificates_of_one_type_take_consecutive_serials():
    first = CertificateFactory()
    second = CertificateFactory(certificate_type=first.type)

    assert int(second.serial) == int(first.serial) + 1
    assert first.identifier != second.identifier
