"""Defining certificate types through ``certificate_type_ensure`` (setting up a city)."""

from __future__ import annotations

import pytest

from ecity.audit.models import AuditEntry
from ecity.catalogue.tests.factories import department_admin, platform_admin, published_item
from ecity.certificates import services
from ecity.certificates.models import CertificateType
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import DepartmentFactory, uscc_for

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "shop_name", "label_zh": "店铺名称", "label_en": "Shop", "source": "form.shop_name"},
    {"name": "case_number", "label_zh": "办件编号", "label_en": "Case", "source": "case.number"},
]


@pytest.fixture
def issuer():
    return DepartmentFactory(code="SCJ", uscc=uscc_for(7001, region="990100"))


def _ensure(actor, department, **changes):
    values = {
        "actor": actor,
        "code": f"{department.uscc}001",
        "name_zh": "食品经营许可证",
        "name_en": "Food business licence",
        "department": department,
        "validity_years": 5,
        "data_schema": SCHEMA,
        **changes,
    }
    return services.certificate_type_ensure(**values)


def test_a_department_admin_defines_a_type_once_and_links_its_services(issuer):
    admin = department_admin(issuer)
    item = published_item()

    # When defined twice with the same values
    certificate_type, created = _ensure(admin, issuer, service_items=[item])
    again, created_again = _ensure(admin, issuer, service_items=[item])

    # Then one type, linked once, one audit entry
    assert (created, created_again, again.pk) == (True, False, certificate_type.pk)
    certificate_type.refresh_from_db()
    assert (certificate_type.name_zh, certificate_type.validity_years) == ("食品经营许可证", 5)
    assert certificate_type.data_schema == SCHEMA
    assert list(certificate_type.service_items.all()) == [item]
    assert AuditEntry.objects.filter(action="certificate_type.defined").count() == 1


def test_a_changed_definition_is_updated_reactivated_and_audited(issuer):
    admin = platform_admin()
    certificate_type, _ = _ensure(admin, issuer)
    CertificateType.objects.filter(pk=certificate_type.pk).update(is_active=False)

    _same, created = _ensure(admin, issuer, validity_years=None, validity_days=90)

    certificate_type.refresh_from_db()
    assert created is False
    assert (certificate_type.validity_years, certificate_type.validity_days) == (None, 90)
    assert certificate_type.is_active
    assert AuditEntry.objects.filter(action="certificate_type.defined").count() == 2


def test_an_issuer_without_uscc_or_a_bad_schema_is_refused(issuer):
    admin = platform_admin()
    no_uscc = DepartmentFactory(code="WJW", uscc="")

    with pytest.raises(ValidationFailed) as excinfo:
        _ensure(admin, no_uscc, code=f"{issuer.uscc}002")
    assert "department" in excinfo.value.fields
    with pytest.raises(ValidationFailed) as excinfo:
        _ensure(admin, issuer, data_schema=[{"name": "x", "source": "nowhere"}])
    assert "data_schema" in excinfo.value.fields

    assert not CertificateType.objects.exists()


def test_only_administrators_of_the_issuing_department_define_its_types(issuer):
    other_admin = department_admin(DepartmentFactory(code="GAJ"))

    with pytest.raises(PermissionDenied):
        _ensure(other_admin, issuer)

    assert not CertificateType.objects.exists()
