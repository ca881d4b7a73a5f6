"""Reads on the processes of service versions, with permission filtering.

A process definition lives in ``ecity.workflow`` and names its owner generically
(``owner_ref``, "catalogue.serviceitemversion:<public id>"); these selectors translate between a
service version and its definitions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ecity.catalogue.models import ServiceItemVersion
from ecity.catalogue.selectors import editable_item_list
from ecity.core.errors import ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import user_has_role
from ecity.workflow.bpmn import (
    TASK_OUTPUT_NAMES,
    ProcessSpec,
    ReviewStep,
    process_build,
    process_validate,
)
from ecity.workflow.bpmn.validation import max_parallel_branches, staff_roles
from ecity.workflow.models import ProcessDefinition, owner_ref_for
from ecity.workflow.selectors import process_definition_active
from ecity.workflow.selectors import process_definition_list as workflow_definition_list

VERSION_REF_PREFIX = f"{ServiceItemVersion._meta.label_lower}:"


def process_owner_ref(service_version: ServiceItemVersion) -> str:
    """The owner reference of the processes of ``service_version``."""
    return owner_ref_for(service_version)


def process_version_of(definition: ProcessDefinition) -> ServiceItemVersion | None:
    """The service version a process definition belongs to (None if it is not a version's)."""
    if not definition.owner_ref.startswith(VERSION_REF_PREFIX):
        return None
    public_id = definition.owner_ref.removeprefix(VERSION_REF_PREFIX)
    return (
        ServiceItemVersion.objects.filter(public_id=public_id)
        .select_related("item__department")
        .first()
    )


def process_definitions_of(*, service_version: ServiceItemVersion) -> QuerySet[ProcessDefinition]:
    """Every process definition of ``service_version`` (active or not), newest first."""
    return ProcessDefinition.objects.filter(owner_ref=process_owner_ref(service_version)).order_by(
        "-created_at"
    )


def active_process_for(*, service_version: ServiceItemVersion) -> ProcessDefinition | None:
    """Return the active process definition of ``service_version``, or None if it has none."""
    return process_definition_active(owner_ref=process_owner_ref(service_version))


def can_manage_process(*, actor: User, service_version: ServiceItemVersion) -> bool:
    """Whether ``actor`` may create and activate processes of ``service_version``.

    Department administrators of the implementing department (and its parents) may; platform
    administrators may everywhere.
    """
    return user_has_role(
        user=actor,
        role=StaffRole.Role.DEPARTMENT_ADMIN,
        department=service_version.item.department,
    )


def process_version_list(*, actor: User) -> QuerySet[ServiceItemVersion]:
    """List the service versions whose processes ``actor`` may manage."""
    return (
        ServiceItemVersion.objects.filter(item__in=editable_item_list(user=actor))
        .select_related("item__department")
        .order_by("item__code", "-number")
    )


def process_definition_list(*, actor: User) -> QuerySet[ProcessDefinition]:
    """List the process definitions of the service versions ``actor`` may manage, newest first."""
    public_ids = process_version_list(actor=actor).values_list("public_id", flat=True)
    return workflow_definition_list(owner_refs=[f"{VERSION_REF_PREFIX}{p}" for p in public_ids])


def condition_names(service_version: ServiceItemVersion) -> list[str]:
    """The names a gateway condition may use: the form's fields and the task outputs."""
    properties = (service_version.form_schema or {}).get("properties") or {}
    return [*properties, *TASK_OUTPUT_NAMES]


def process_definition_check(
    *, service_version: ServiceItemVersion, xml: str | bytes
) -> ProcessSpec:
    """Validate ``xml`` as a process of ``service_version`` (its form fields); no write.

    Raises ``ProcessInvalid`` with every problem found.
    """
    return process_validate(xml, allowed_names=condition_names(service_version))


def process_definition_build_check(
    *,
    service_version: ServiceItemVersion,
    review_departments: Iterable[Department | str],
    name: str = "",
    review_role: str = StaffRole.Role.REVIEWER,
    accept_role: str = StaffRole.Role.COUNTER_CLERK,
    decision_role: str = StaffRole.Role.APPROVER,
) -> tuple[str, ProcessSpec, dict[str, Any]]:
    """Build and validate the process ``process_definition_build`` would store; no write.

    Returns the BPMN XML, its spec and the simple description. ``ValidationFailed`` for unknown
    or repeated departments, unknown roles or too many reviews.
    """
    lead = service_version.item.department
    codes = [d.code if isinstance(d, Department) else str(d) for d in review_departments]
    departments = {
        d.code: d for d in Department.objects.filter(code__in=[lead.code, *codes], is_active=True)
    }
    errors: dict[str, list[str]] = {}
    unknown = [code for code in codes if code not in departments]
    if unknown:
        errors["review_departments"] = [
            _("There is no active department with the code %(code)s.") % {"code": code}
            for code in unknown
        ]
    elif len(set(codes)) != len(codes):
        errors["review_departments"] = [_("Each department can review only once.")]
    elif len(codes) > max_parallel_branches():
        errors["review_departments"] = [
            _("At most %(limit)d departments can review in parallel.")
            % {"limit": max_parallel_branches()}
        ]
    for field, role in (
        ("review_role", review_role),
        ("accept_role", accept_role),
        ("decision_role", decision_role),
    ):
        if role not in staff_roles():
            errors[field] = [_("Choose one of the staff roles.")]
    if errors:
        raise ValidationFailed(fields=errors)
    steps: Sequence[ReviewStep] = [ReviewStep(code, review_role) for code in codes]
    title = name.strip() or _("Process of %(service)s") % {"service": service_version.name_zh}
    xml = process_build(
        lead_department=lead.code,
        review_steps=steps,
        decision_role=decision_role,
        accept_role=accept_role,
        name=title,
        department_names={code: d.name for code, d in departments.items()},
    )
    spec = process_definition_check(service_version=service_version, xml=xml)
    description = {
        "lead_department": lead.code,
        "accept_role": accept_role,
        "review_steps": [{"department": s.department, "role": s.role} for s in steps],
        "decision_role": decision_role,
        "tasks": process_task_summary(spec),
    }
    return xml, spec, description


def process_task_summary(spec: ProcessSpec) -> list[dict[str, str]]:
    """The user tasks of a process (id, name, department, role, kind), for its description."""
    return [
        {
            "id": task.id,
            "name": task.name,
            "department": task.department_code,
            "role": task.role,
            "kind": task.kind,
        }
        for task in spec.tasks.values()
    ]
