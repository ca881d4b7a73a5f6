"""One-stop parallel approval in the demo city 示范市: processes, certificate types, demo cases.

``demo_approval_ensure`` runs after the city itself is loaded, and also on a database where the
demo city is already there (``load_demo --if-empty``, i.e. ``ecity run``), so an existing demo
database gains what later versions added. It only ever *adds* what is missing: departments and
staff accounts of the demo data (passwords set on creation only), staff roles, a fictional USCC
for departments that issue documents, the certificate types, one active process per joint
service (left alone once the service version has any process), the joint applications
(一件事一次办, ``demo.services.joint``) and five demo cases of 张伟 (zhangwei) when he has none:
waiting for acceptance, in review, approved, due soon and overdue (the last two accepted and then
moved back in time with ``cases.services.case_backdate`` when ``ECITY_TRAINING_MODE`` is on, so
that supervision shows them and urging can be tried; with it off they stay accepted today).
Everything goes through the services of the owning apps (org, identity, certificates, catalogue,
cases: submission, acceptance, reviews, decision), so the demo cases look
exactly like cases made in the browser.

Nothing happens on a database without the demo city (the region 990100 示范市).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ecity.cases import services as case_services
from ecity.cases.models import Case, CaseTask
from ecity.cases.selectors import process_definitions_of
from ecity.cases.selectors.materials import material_key, materials_of
from ecity.cases.services.training import is_training_mode
from ecity.catalogue.models import ServiceItem
from ecity.certificates import services as certificate_services
from ecity.core.calendar import add_working_days
from ecity.core.events import events_deliver
from ecity.demo import selectors
from ecity.demo.blank_forms import blank_form_pdf
from ecity.demo.data import accounts, cases, certificate_types, regions
from ecity.demo.services import people, structure
from ecity.demo.services.joint import demo_joint_services_ensure
from ecity.demo.services.ratings import demo_ratings_ensure
from ecity.identity.models import User
from ecity.identity.selectors import acting_identity
from ecity.org.models import Region

logger = logging.getLogger(__name__)


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
    joint_services: int = 0
    ratings: int = 0


@transaction.atomic
def demo_approval_ensure(*, with_cases: bool = True) -> DemoApprovalResult:
    """Add whatever the approval demo is missing; see the module docstring. Idempotent.

    Permissions: the account ``admin``, if it exists, must be a platform administrator.
    Errors from the services (``ApplicationError``) propagate: they mean the demo data breaks a
    rule, and nothing is written then.
    """
    result = DemoApprovalResult()
    if not selectors.demo_city_present():
        result.skipped = True
        return result
    admin = _ensure_staff(result)
    result.certificate_types = demo_certificate_types_ensure(actor=admin)
    for process in cases.PROCESSES:
        _ensure_process(result, process=process, actor=admin)
    result.joint_services = demo_joint_services_ensure(actor=admin)
    if with_cases:
        _ensure_cases(result, admin=admin)
        result.ratings = demo_ratings_ensure()
    logger.info("demo approval ensured: %s", result)
    return result


def _ensure_staff(result: DemoApprovalResult) -> User:
    admin, created = people.admin_ensure()
    result.accounts += created
    city = Region.objects.get(code=regions.CITY_CODE)
    result.departments = structure.departments_ensure(actor=admin, city=city, only_missing=True)
    for account in accounts.STAFF:
        _user, created, granted = people.staff_ensure(actor=admin, account=account)
        result.accounts += created
        result.roles += granted
    return admin


def demo_certificate_types_ensure(*, actor: User) -> int:
    """Define the demo certificate types through the certificates service; return how many new.

    Gives the issuing departments a fictional USCC when they have none (it is part of every
    certificate identifier). Skips a type whose department or service item is missing.
    """
    created_count = 0
    for (
        suffix,
        item_code,
        code,
        name_zh,
        name_en,
        years,
        fields,
    ) in certificate_types.CERTIFICATE_TYPES:
        department = structure.department_uscc_ensure(actor=actor, code=code)
        item = ServiceItem.objects.filter(code=item_code).first()
        if department is None or item is None:
            continue
        _type, created = certificate_services.certificate_type_ensure(
            actor=actor,
            code=f"{department.uscc}{suffix}",
            name_zh=name_zh,
            name_en=name_en,
            department=department,
            validity_years=years,
            data_schema=[
                {"name": name, "label_zh": zh, "label_en": en, "source": source}
                for name, zh, en, source in fields
            ],
            service_items=[item],
        )
        created_count += created
    return created_count


def _ensure_process(
    result: DemoApprovalResult, *, process: cases.JointProcess, actor: User
) -> None:
    version = selectors.current_version(item_code=process.item_code)
    if version is None:
        return
    for code in (version.item.department.code, *process.review_departments):
        structure.department_uscc_ensure(actor=actor, code=code)
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


def _handler(task: CaseTask) -> User:
    user = selectors.staff_member_for(task=task)
    if user is None:  # the demo staff above hold every role of the demo processes
        raise LookupError(f"no demo staff for {task.role} in {task.department}")
    return user


def _days_back_to_be(case: Case, *, stage: str) -> int:
    """Calendar days to move a case accepted today back so that it is due soon or overdue.

    Due soon: its committed deadline becomes the next working day; overdue: three working days
    ago (the working-day calendar decides which calendar days those are).
    """
    version = case.service_version
    limit = version.committed_days or version.statutory_days or 0
    today = timezone.localdate()
    left = 1 if stage == "due_soon" else -3
    accepted = add_working_days(today, left - limit)
    return max((today - accepted).days, 1)


def _ensure_cases(result: DemoApprovalResult, *, admin: User) -> None:
    applicant = User.objects.filter(username=cases.DEMO_APPLICANT).first()
    if applicant is None or Case.objects.filter(applicant=applicant).exists():
        return
    identity = acting_identity(user=applicant, session={})
    clerk = User.objects.get(username="clerk_zwb")
    for item_code, form_data, stage in cases.DEMO_CASES:
        version = selectors.current_version(item_code=item_code)
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
            if material.is_required_upload
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
        if stage in ("due_soon", "overdue") and is_training_mode():
            # Without ECITY_TRAINING_MODE the case stays as accepted today (nothing is due yet).
            case_services.case_backdate(
                actor=admin, case=case, days=_days_back_to_be(case, stage=stage)
            )
        if stage != "approved":
            continue
        for task in selectors.open_tasks(case=case, kind=CaseTask.Kind.REVIEW):
            case_services.task_complete(
                actor=_handler(task),
                task=task,
                outcome=CaseTask.Outcome.APPROVE,
                opinion="经审查，符合许可条件。",
            )
        # The decision issues the e-certificate (through the certificates app, as for any case).
        for task in selectors.open_tasks(case=case, kind=CaseTask.Kind.DECIDE):
            case_services.case_decide(
                actor=_handler(task),
                task=task,
                outcome=CaseTask.Outcome.APPROVE,
                decision_text="准予许可。",
            )
    # The decision documents and the certificate follow from case.decided; deliver it now so
    # that the demo city is complete when loading ends (also inside an outer transaction, where
    # the after-commit delivery waits for the commit).
    events_deliver()
