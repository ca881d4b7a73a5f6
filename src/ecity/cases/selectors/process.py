"""Reads on process definitions, with permission filtering."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ecity.cases.models import ProcessDefinition
from ecity.catalogue.models import ServiceItemVersion
from ecity.catalogue.selectors import editable_item_list
from ecity.org.models import StaffRole
from ecity.org.selectors import user_has_role


def active_process_for(*, service_version: ServiceItemVersion) -> ProcessDefinition | None:
    """Return the active process definition of ``service_version``, or None if it has none."""
    return (
        ProcessDefinition.objects.filter(service_version=service_version, is_active=True)
        .select_related("service_version")
        .first()
    )


def can_manage_process(*, actor: Any, service_version: ServiceItemVersion) -> bool:
    """Whether ``actor`` may create and activate processes of ``service_version``.

    Department administrators of the implementing department (and its parents) may; platform
    administrators may everywhere.
    """
    return user_has_role(
        user=actor,
        role=StaffRole.Role.DEPARTMENT_ADMIN,
        department=service_version.item.department,
    )


def process_version_list(*, actor: Any) -> QuerySet[ServiceItemVersion]:
    """List the service versions whose processes ``actor`` may manage."""
    return (
        ServiceItemVersion.objects.filter(item__in=editable_item_list(user=actor))
        .select_related("item__department")
        .order_by("item__code", "-number")
    )


def process_definition_list(*, actor: Any) -> QuerySet[ProcessDefinition]:
    """List the process definitions of the service versions ``actor`` may manage, newest first."""
    return (
        ProcessDefinition.objects.filter(
            service_version__in=process_version_list(actor=actor).values("id")
        )
        .select_related("service_version__item__department", "created_by")
        .order_by("-created_at")
    )
