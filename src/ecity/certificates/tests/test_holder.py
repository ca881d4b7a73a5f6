"""A licence for a business names the business as its holder, not the person who applied."""

from __future__ import annotations

import pytest

from ecity.catalogue.models import ServiceItemVersion
from ecity.certificates.models import Certificate
from ecity.certificates.tests.conftest import issue_for_case
from ecity.identity.tests.factories import LegalEntityFactory, uscc_for

pytestmark = pytest.mark.django_db

SHOP_USCC = uscc_for(777, region="990100")


@pytest.fixture
def business_service(joint):
    """The joint service as a service for enterprises only, its form naming the business."""
    schema = dict(joint.version.form_schema)
    schema["properties"] = {
        "enterprise_name": {"type": "string", "title": "单位名称", "maxLength": 200},
        "uscc": {"type": "string", "title": "统一社会信用代码", "format": "uscc"},
        **schema["properties"],
    }
    ServiceItemVersion.objects.filter(pk=joint.version.pk).update(
        form_schema=schema, for_g2c=False, for_g2b=True
    )
    joint.version.refresh_from_db()
    return joint.version


def _answers(joint, **extra):
    return {
        "enterprise_name": "示范市东城区小明面馆",
        "uscc": SHOP_USCC,
        "applicant_name": "王小明",
        "shop_name": "小明面馆",
        "area": 45.0,
        **extra,
    }


def test_a_business_licence_applied_for_by_its_owner_names_the_business(
    joint, cert_type, business_service, make_case
):
    # given the owner of an individual business (个体工商户) who applied as himself, naming
    # the business on the form
    case = make_case(form_data=_answers(joint))

    # when the licence is issued
    certificate = issue_for_case(case, joint.approver)

    # then the business holds it; the owner's account may still act as the holder
    assert certificate.holder_kind == Certificate.HolderKind.ENTERPRISE
    assert certificate.holder_name == "示范市东城区小明面馆"
    assert certificate.holder_identifier == SHOP_USCC
    assert certificate.holder_account == joint.citizen
    assert certificate.holder_legal_entity is None  # not registered on the platform


def test_the_registered_verified_business_is_the_holder_enterprise(
    joint, cert_type, business_service, make_case
):
    entity = LegalEntityFactory(uscc=SHOP_USCC, name="示范市东城区小明面馆", is_verified=True)
    case = make_case(form_data=_answers(joint))

    certificate = issue_for_case(case, joint.approver)

    assert certificate.holder_legal_entity == entity
    assert certificate.holder_name == entity.name


def test_an_application_made_for_an_enterprise_is_held_by_that_enterprise(
    joint, cert_type, business_service, make_case
):
    entity = LegalEntityFactory(name="示范餐饮有限公司", is_verified=True)
    case = make_case(
        legal_entity=entity,
        applicant_kind="enterprise",
        applicant_name=entity.name,
        applicant_identifier=entity.uscc,
        form_data=_answers(joint),
    )

    certificate = issue_for_case(case, joint.approver)

    # the enterprise acted for wins over what the form says
    assert (certificate.holder_legal_entity, certificate.holder_name) == (entity, entity.name)
    assert certificate.holder_identifier == entity.uscc


def test_a_citizens_licence_stays_the_citizens(joint, cert_type, make_case):
    # a service open to citizens: the person who applied holds the certificate
    certificate = issue_for_case(make_case(), joint.approver)

    assert certificate.holder_kind == Certificate.HolderKind.CITIZEN
    assert certificate.holder_name == "王小明"
