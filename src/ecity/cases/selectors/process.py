"""Reads on the processes of service versions, with permission filtering.

A process definition lives in ``ecity.workflow`` and names its owner generically
(``owner_ref``, "catalogue.serviceitemversion:<public id>"); these selectors translate between a
service version and its definitions.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ecity.catalogue.models import ServiceItemVersion
from ecity.catalogue.selectors import editable_item_list
from ecity.identity.models import User
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role
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
