"""Fixtures for certificate tests: the shared joint service, a certificate type, approved cases.

Cases are created directly with the ORM (minimal fields) so these tests do not depend on the
submission and workbench services.
"""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from ecity.cases.models import Case
from ecity.cases.tests.conftest import joint, seeded_calendar  # noqa: F401 - fixtures
from ecity.certificates.models import CertificateType
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    StaffRoleFactory,
    UserFactory,
    uscc_for,
)
from ecity.org.models import StaffRole

LEAD_USCC = uscc_for(4242, region="990100")
_numbers = itertools.count(1)


@pytest.fixture
def cert_type(joint):  # noqa: F811
    """食品经营许可证 issued by the lead department for the joint service, valid 5 years."""
    joint.lead.uscc = LEAD_USCC
    joint.lead.save()
    certificate_type = CertificateType.objects.create(
        code=f"{LEAD_USCC}001",
        name_zh="食品经营许可证",
        name_en="Food business licence",
        department=joint.lead,
        validity_years=5,
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
def make_case(joint):  # noqa: F811
    """Create a case of the joint service (approved by default) for the citizen."""

    def make(*, status=Case.Status.APPROVED, applicant=None, legal_entity=None, **extra):
        applicant = applicant or joint.citizen
        n = next(_numbers)
        values = {
            "number": f"SCJ2025{n:06d}",
            "query_code": f"Q{n:07d}",
            "service_version": joint.version,
            "department": joint.lead,
            "applicant": applicant,
            "applicant_kind": Case.ApplicantKind.ENTERPRISE
            if legal_entity
            else Case.ApplicantKind.CITIZEN,
            "legal_entity": legal_entity,
            "applicant_name": legal_entity.name if legal_entity else applicant.real_name,
            "applicant_identifier": legal_entity.uscc if legal_entity else applicant.id_number,
            "channel": Case.Channel.ONLINE,
            "form_data": {
                "applicant_name": applicant.real_name,
                "id_number": applicant.id_number,
                "phone": "13800000000",
                "shop_name": "小明面馆",
                "area": 45.0,
            },
            "status": status,
            "submitted_at": timezone.now(),
            "decided_at": timezone.now() if status in Case.CLOSED_STATUSES else None,
        }
        values.update(extra)
        return Case.objects.create(**values)

    return make


@pytest.fixture
def approved_case(make_case):
    return make_case()


@pytest.fixture
def enterprise(joint):  # noqa: F811
    """An enterprise with an agent account (not the citizen)."""
    entity = LegalEntityFactory(name="示范餐饮有限公司")
    agent = UserFactory(real_name="赵六")
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
