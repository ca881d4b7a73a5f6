"""Shared fixtures for case tests: a joint service handled by three departments and their staff.

``joint`` gives a namespace with:
- departments ``lead`` (market regulation, accepts and decides), ``health`` and ``fire`` (review);
- staff users ``clerk`` (lead counter clerk), ``lead_reviewer``, ``health_reviewer``,
  ``fire_reviewer``, ``approver`` (lead), ``supervisor`` (lead), and ``citizen`` (an applicant);
- ``version``: a published service version with a form schema, one mandatory material (PDF or
  image, at most 1 MB) and one optional material; statutory 20, committed 10, acceptance 5 days.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ecity.cases.models import Case
from ecity.cases.tests.factories import CaseFactory
from ecity.catalogue.tests.factories import MaterialFactory, VersionFactory, publish_version
from ecity.core.calendar import calendar_seed
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole

JOINT_SCHEMA = {
    "type": "object",
    "title": "食品经营许可申请表",
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "申请人姓名",
            "title_en": "Applicant name",
            "minLength": 2,
            "maxLength": 20,
        },
        "id_number": {
            "type": "string",
            "title": "公民身份号码",
            "title_en": "Resident ID number",
            "format": "id_number",
        },
        "phone": {"type": "string", "title": "手机号码", "title_en": "Mobile", "format": "mobile"},
        "shop_name": {
            "type": "string",
            "title": "店铺名称",
            "title_en": "Shop name",
            "maxLength": 50,
        },
        "area": {
            "type": "number",
            "title": "经营面积（平方米）",
            "title_en": "Floor area (m²)",
            "minimum": 1,
            "maximum": 100000,
        },
    },
    "required": ["applicant_name", "id_number", "phone", "shop_name", "area"],
}


@pytest.fixture
def seeded_calendar(db):
    calendar_seed()


def _staff(department, role):
    return StaffRoleFactory(department=department, role=role).user


@pytest.fixture
def joint(db, seeded_calendar):
    lead = DepartmentFactory(code="SCJ", name_zh="市市场监督管理局", name_en="Market Regulation")
    health = DepartmentFactory(code="WJW", name_zh="市卫生健康委员会", name_en="Health Commission")
    fire = DepartmentFactory(code="XFJ", name_zh="市消防救援支队", name_en="Fire and Rescue")
    version = VersionFactory(
        item__code="SCJ-XK-TEST",
        item__department=lead,
        name_zh="食品经营许可（测试）",
        name_en="Food business licence (test)",
        kind="licensing",
        statutory_days=20,
        committed_days=10,
        acceptance_days=5,
        for_g2c=True,
        for_g2b=True,
        form_schema=JOINT_SCHEMA,
    )
    mandatory = MaterialFactory(
        version=version,
        name_zh="营业场所平面图",
        name_en="Floor plan",
        is_mandatory=True,
        max_size_mb=1,
        accepted_types=["application/pdf", "image/jpeg", "image/png"],
        sort_order=1,
    )
    optional = MaterialFactory(
        version=version,
        name_zh="委托书",
        name_en="Power of attorney",
        is_mandatory=False,
        max_size_mb=1,
        accepted_types=["application/pdf"],
        sort_order=2,
    )
    publish_version(version)
    return SimpleNamespace(
        lead=lead,
        health=health,
        fire=fire,
        version=version,
        item=version.item,
        mandatory_material=mandatory,
        optional_material=optional,
        clerk=_staff(lead, StaffRole.Role.COUNTER_CLERK),
        lead_reviewer=_staff(lead, StaffRole.Role.REVIEWER),
        health_reviewer=_staff(health, StaffRole.Role.REVIEWER),
        fire_reviewer=_staff(fire, StaffRole.Role.REVIEWER),
        approver=_staff(lead, StaffRole.Role.APPROVER),
        supervisor=_staff(lead, StaffRole.Role.SUPERVISOR),
        citizen=UserFactory(real_name="王小明", is_real_name_verified=True),
    )


# Smallest valid files of each type, for upload tests (the PDF is the factories' attachment).
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


@pytest.fixture
def make_case(joint):
    """Create a case of the joint service (approved by default) for the citizen."""

    def make(*, status=Case.Status.APPROVED, applicant=None, legal_entity=None, **extra):
        applicant = applicant or joint.citizen
        extra.setdefault(
            "form_data",
            {
                "applicant_name": applicant.real_name,
                "id_number": applicant.id_number,
                "phone": "13800000000",
                "shop_name": "小明面馆",
                "area": 45.0,
            },
        )
        return CaseFactory(
            service_version=joint.version,
            applicant=applicant,
            legal_entity=legal_entity,
            status=status,
            **extra,
        )

    return make
