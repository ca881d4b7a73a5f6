"""Fixtures for certificate tests: the shared joint service, a certificate type, approved cases.

Cases are created directly with the ORM (minimal fields, ``make_case`` of the cases tests) so
these tests do not depend on the submission and workbench services. ``issue_for_case``
publishes the case's ``case.decided`` event and delivers it, as closing the case does.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from ecity.cases.models import Case
from ecity.cases.services.decisions import case_decided_publish
from ecity.cases.tests.conftest import joint, make_case, seeded_calendar  # noqa: F401 - fixtures
from ecity.certificates.models import Certificate
from ecity.certificates.selectors import certificate_for_source
from ecity.certificates.tests.factories import CertificateTypeFactory
from ecity.identity.models import User
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    StaffRoleFactory,
    UserFactory,
    uscc_for,
)
from ecity.org.models import StaffRole
from ecity.testing.events import events_deliver_all

LEAD_USCC = uscc_for(4242, region="990100")


def issue_for_case(case: Case, actor: User | None = None) -> Certificate | None:
    """Publish ``case.decided`` for a closed case, deliver it, and return its certificate."""
    with transaction.atomic():
        case_decided_publish(case=case, actor=actor)
    events_deliver_all()
    return certificate_for_source(source_ref=f"cases.case:{case.public_id}")


@pytest.fixture
def cert_type(joint):  # noqa: F811
    """食品经营许可证 issued by the lead department for the joint service, valid 5 years."""
    joint.lead.uscc = LEAD_USCC
    joint.lead.save()
    certificate_type = CertificateTypeFactory(
        code=f"{LEAD_USCC}001",
        department=joint.lead,
        data_schema=[
            {
                "name": "shop_name",
                "label_zh": "店铺名称",
                "label_en": "Shop",
                "source": "form.shop_name",
            },
            {"name": "area", "label_zh": "经营面积", "label_en": "Area", "source": "form.area"},
            {
                "name": "case_number",
                "label_zh": "办件编号",
                "label_en": "Case",
                "source": "case.number",
            },
        ],
    )
    certificate_type.service_items.add(joint.item)
    return certificate_type


@pytest.fixture
def approved_case(make_case):  # noqa: F811
    return make_case()


@pytest.fixture
def enterprise(joint):  # noqa: F811
    """A verified enterprise with a verified agent account (not the citizen)."""
    entity = LegalEntityFactory(name="示范餐饮有限公司", verified=True)
    agent = UserFactory(real_name="赵六", is_real_name_verified=True)
    AgentAuthorisationFactory(legal_entity=entity, user=agent)
    return entity, agent


@pytest.fixture
def department_admin(joint):  # noqa: F811
    return StaffRoleFactory(department=joint.lead, role=StaffRole.Role.DEPARTMENT_ADMIN).user


@pytest.fixture
def other_approver(joint):  # noqa: F811
    """An approver of another department (health)."""
    return StaffRoleFactory(department=joint.health, role=StaffRole.Role.APPROVER).user


@pytest.fixture
def platform_admin(db):
    return StaffRoleFactory(department=None, role=StaffRole.Role.PLATFORM_ADMIN).user
