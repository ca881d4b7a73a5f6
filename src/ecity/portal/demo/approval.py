"""One-stop parallel approval in the demo city 示范市: processes, certificate types, demo cases.

``demo_approval_ensure`` runs after the city itself is loaded, and also on a database where the
demo city is already there (``load_demo --if-empty``, i.e. ``ecity run``), so an existing demo
database gains what later versions added. It only ever *adds* what is missing: departments and
staff accounts of the demo data (passwords set on creation only), staff roles, a fictional USCC
for departments that issue documents, the certificate types, one active process per joint
service (left alone once the service version has any process), and three demo cases of 张伟
(zhangwei) when he has none. Cases go through the real services (submission, acceptance,
reviews, decision), so they look exactly like cases made in the browser.

Nothing happens on a database without the demo city (the region 990100 示范市).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ecity.cases import services as case_services
from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors import process_definitions_of
from ecity.cases.services.applicant_rules import material_key, materials_of
from ecity.catalogue.models import ServiceItem, ServiceItemVersion
from ecity.certificates.demo import demo_certificate_types, demo_department_uscc
from ecity.core.validators import uscc_check_char
from ecity.identity.models import User
from ecity.identity.selectors import acting_identity
from ecity.org.models import Department, Region, StaffRole
from ecity.portal.demo import accounts, departments, regions
from ecity.portal.demo.blank_forms import blank_form_pdf

logger = logging.getLogger(__name__)


class JointProcess(NamedTuple):
    """A joint service: the lead department accepts and decides, these departments review."""

    item_code: str
    name: str
    review_departments: tuple[str, ...]


PROCESSES: list[JointProcess] = [
    # 食品经营许可: market regulation leads; its food division and the health commission review.
    JointProcess("SCJ-XK-001", "食品经营许可并联审批（市场监管、卫生健康）", ("SCJ", "WJW")),
    # 公共场所卫生许可: health leads; fire safety of the venue is checked at the same time.
    JointProcess("WJW-XK-001", "公共场所卫生许可并联审批（卫生健康、消防救援）", ("WJW", "XFJ")),
    # 建设工程消防验收: housing and construction leads with the fire and rescue detachment.
    JointProcess("ZJW-XK-001", "建设工程消防验收并联审批（住建、消防救援）", ("ZJW", "XFJ")),
]

DEMO_APPLICANT = "zhangwei"
_ADMIN_SITE_ROLES = {StaffRole.Role.DEPARTMENT_ADMIN, StaffRole.Role.PLATFORM_ADMIN}


def individual_business_uscc(organisation: str) -> str:
    """A USCC (GB 32100) of an individual business (个体工商户, "92") in the demo city."""
    body = f"92{regions.CITY_CODE}{organisation}"
    return body + uscc_check_char(body)


# 张伟 runs two small individual businesses (个体工商户) in the demo city.
RESTAURANT = {
    "enterprise_name": "示范市东城区张记小馆",
    "uscc": individual_business_uscc("MA2CJ8X31"),
    "contact_name": "张伟",
    "mobile": "13800990001",
}
SALON = {
    "enterprise_name": "示范市东城区伟丽美发店",
    "uscc": individual_business_uscc("MA2WL6H57"),
    "contact_name": "张伟",
    "mobile": "13800990001",
}

# (item code, form answers, how far the case goes: "submitted" | "in_review" | "approved")
DEMO_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "SCJ-XK-001",
        {
            **RESTAURANT,
            "business_address": "示范市东城区东华社区人民路18号一层",
            "business_type": "catering",
            "business_items": "热食类食品制售、冷食类食品制售",
            "floor_area": 86,
            "delivery": "post",
        },
        "approved",
    ),
    (
        "SCJ-XK-001",
        {
            **RESTAURANT,
            "enterprise_name": "示范市东城区张记小馆（滨江店）",
            "business_address": "示范市滨江区望湖社区江滨大道88号",
            "business_type": "catering",
            "business_items": "热食类食品制售",
            "floor_area": 120,
            "delivery": "counter",
        },
        "in_review",
    ),
    (
        "WJW-XK-001",
        {
            **SALON,
            "venue_address": "示范市东城区和平路26号",
            "venue_type": "beauty",
            "floor_area": 65,
            "commitment": "no",
        },
        "submitted",
    ),
]


@dataclass
class DemoApprovalResult:
    """What ``demo_approval_ensure`` added (counts of rows created)."""

    skipped: bool = False
    departments: int = 0
    accounts: int = 0
    roles: int = 0
    certificate_types: int = 0
    processes: int = 0
    cases: int = 0


def demo_city_present() -> bool:
    """Whether this database holds the demo city (its fictional region 990100 示范市)."""
    return Region.objects.filter(code=regions.CITY_CODE).exists()


@transaction.atomic
def demo_approval_ensure(*, with_cases: bool = True) -> DemoApprovalResult:
    """Add whatever the approval demo is missing; see the module docstring. Idempotent.

    Errors from the case services (``ApplicationError``) propagate: they mean the demo data
    breaks a rule, and nothing is written then.
    """
    result = DemoApprovalResult()
    if not demo_city_present():
        result.skipped = True
        return result
    admin = _ensure_staff(result)
    result.certificate_types = demo_certificate_types()
    for process in PROCESSES:
        _ensure_process(result, process=process, actor=admin)
    if with_cases:
        _ensure_cases(result)
    logger.info("demo approval ensured: %s", result)
    return result


def _ensure_staff(result: DemoApprovalResult) -> User:
    city = Region.objects.get(code=regions.CITY_CODE)
    for index, dept in enumerate(departments.DEPARTMENTS):
        if Department.objects.filter(code=dept.code).exists():
            continue
        Department.objects.create(
            code=dept.code,
            name_zh=dept.name_zh,
            name_en=dept.name_en,
            short_name=dept.short_name,
            address=dept.address,
            phone=dept.phone,
            parent=Department.objects.filter(code=dept.parent).first() if dept.parent else None,
            region=city,
            is_active=True,
            sort_order=index * 10,
        )
        result.departments += 1
    for account in [accounts.ADMIN, *accounts.STAFF]:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(
                username=account.username,
                real_name=account.real_name,
                email=account.email,
                phone=account.phone,
                is_superuser=account.is_superuser,
                # Admin-site access follows the administrator roles, as in identity.services.
                is_staff=account.is_superuser
                or any(role in _ADMIN_SITE_ROLES for role, _code in account.staff_roles),
            )
            user.set_password(accounts.DEMO_PASSWORD)
            user.save()
            result.accounts += 1
        for role, code in account.staff_roles:
            department = Department.objects.filter(code=code).first() if code else None
            # get_or_create: a role an administrator has deactivated stays deactivated.
            _, created = StaffRole.objects.get_or_create(
                user=user, role=role, department=department, defaults={"is_active": True}
            )
            result.roles += created
    return User.objects.get(username=accounts.ADMIN.username)


def _current_version(item_code: str) -> ServiceItemVersion | None:
    item = ServiceItem.objects.filter(code=item_code, is_active=True).first()
    if item is None or item.current_version_id is None:
        return None
    version = item.current_version
    if version is None or version.status != ServiceItemVersion.Status.PUBLISHED:
        return None
    return version


def _ensure_process(result: DemoApprovalResult, *, process: JointProcess, actor: User) -> None:
    version = _current_version(process.item_code)
    if version is None:
        return
    for code in (version.item.department.code, *process.review_departments):
        department = Department.objects.filter(code=code).first()
        if department is not None and not department.uscc:
            department.uscc = demo_department_uscc(department)
            department.save(update_fields=["uscc", "updated_at"])
    # Once a service version has any process (perhaps one an administrator uploaded or
    # deactivated), the demo leaves it alone.
    if process_definitions_of(service_version=version).exists():
        return
    case_services.process_definition_build(
        actor=actor,
        service_version=version,
        review_departments=list(process.review_departments),
        name=process.name,
    )
    result.processes += 1


def _sample_pdf(title: str, department: str) -> bytes:
    return blank_form_pdf(
        title=f"{title}（示例材料）",
        department=department,
        fields=["示例"],
        city=regions.REGIONS[0][1],
    )


def _staff(username: str) -> User:
    return User.objects.get(username=username)


def _open_tasks(case: Case, kind: str) -> list[CaseTask]:
    return list(
        case.tasks.filter(kind=kind, status__in=(CaseTask.Status.OPEN, CaseTask.Status.CLAIMED))
    )


def _reviewer_for(task: CaseTask) -> User:
    role = StaffRole.objects.filter(
        role=task.role, department=task.department, is_active=True, user__is_active=True
    ).select_related("user")
    return role.order_by("user__username").first().user  # type: ignore[union-attr]


def _ensure_cases(result: DemoApprovalResult) -> None:
    applicant = User.objects.filter(username=DEMO_APPLICANT).first()
    if applicant is None or Case.objects.filter(applicant=applicant).exists():
        return
    identity = acting_identity(user=applicant, session={})
    clerk = _staff("clerk_zwb")
    for item_code, form_data, stage in DEMO_CASES:
        version = _current_version(item_code)
        if version is None:
            continue
        department = version.item.department.name_zh
        files = {
            material_key(material): SimpleUploadedFile(
                f"material-{index + 1}.pdf",
                _sample_pdf(material.name_zh, department),
                content_type="application/pdf",
            )
            for index, material in enumerate(materials_of(version))
            if material.is_mandatory
        }
        case = case_services.case_submit(
            actor=applicant,
            session_identity=identity,
            service_version=version,
            form_data=form_data,
            attachments=files,
        )
        result.cases += 1
        if stage == "submitted":
            continue
        case = case_services.case_accept(actor=clerk, case=case, note="材料齐全，予以受理。")
        if stage == "in_review":
            continue
        for task in _open_tasks(case, CaseTask.Kind.REVIEW):
            case_services.task_complete(
                actor=_reviewer_for(task),
                task=task,
                outcome=CaseTask.Outcome.APPROVE,
                opinion="经审查，符合许可条件。",
            )
        for task in _open_tasks(case, CaseTask.Kind.DECIDE):
            case_services.case_decide(
                actor=_reviewer_for(task),
                task=task,
                outcome=CaseTask.Outcome.APPROVE,
                decision_text="准予许可。",
            )
