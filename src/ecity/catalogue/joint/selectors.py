"""Reads of joint applications: the published ones for applicants, all of them for their editors.

Applicants only ever see a joint application's current published version; drafts are read
through ``joint_version_get_for_editing`` by the lead department's administrators (and platform
administrators).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from ecity.catalogue.models import (
    JointService,
    JointServiceMember,
    JointServiceVersion,
    JointSharedMaterial,
    RequiredMaterial,
)
from ecity.core.errors import NotFound
from ecity.org.models import StaffRole
from ecity.org.selectors import departments_where, is_platform_admin, user_has_role

PUBLISHED = JointServiceVersion.Status.PUBLISHED


def joint_version_prefetch(
    versions: QuerySet[JointServiceVersion],
) -> QuerySet[JointServiceVersion]:
    """``versions`` with what the combined form needs, in a constant number of queries."""
    return versions.select_related(
        "service", "service__department", "service__life_event"
    ).prefetch_related(
        Prefetch(
            "members",
            queryset=JointServiceMember.objects.select_related(
                "service_version", "service_version__item", "service_version__item__department"
            ).order_by("sort_order", "id"),
        ),
        Prefetch(
            "members__service_version__materials",
            queryset=RequiredMaterial.objects.order_by("sort_order", "id"),
        ),
        "members__waived_materials",
        "shared_fields",
        Prefetch(
            "shared_materials",
            queryset=JointSharedMaterial.objects.order_by("sort_order", "id"),
        ),
        "shared_materials__materials",
    )


# --- permissions ----------------------------------------------------------------------------


def can_edit_joint(*, user: Any, service: JointService) -> bool:
    """Whether ``user`` may edit and publish ``service``: administrators of its lead department
    (a role in a parent department counts) and platform administrators."""
    return user_has_role(
        user=user, role=StaffRole.Role.DEPARTMENT_ADMIN, department=service.department
    )


def editable_joint_service_list(*, user: Any) -> QuerySet[JointService]:
    """List the joint applications ``user`` may maintain, drafts included."""
    services = JointService.objects.select_related("department", "life_event", "current_version")
    if is_platform_admin(user=user):
        return services
    return services.filter(
        department__in=departments_where(user=user, role=StaffRole.Role.DEPARTMENT_ADMIN)
    )


def joint_version_get_for_editing(*, user: Any, public_id: Any) -> JointServiceVersion:
    """Return the version ``public_id`` if ``user`` may edit its joint application; NotFound."""
    try:
        uuid.UUID(str(public_id))
    except ValueError as exc:
        raise NotFound(_("No joint application version you can edit has this ID.")) from exc
    version = (
        joint_version_prefetch(JointServiceVersion.objects.all())
        .filter(public_id=public_id)
        .first()
    )
    if version is None or not can_edit_joint(user=user, service=version.service):
        raise NotFound(_("No joint application version you can edit has this ID."))
    return version


# --- applicants -------------------------------------------------------------------------------


def joint_service_list_published(*, life_event: str | None = None) -> QuerySet[JointService]:
    """List active joint applications with a published version (of one life event, if given).

    The current version comes with its members, shared fields and materials prefetched, so a
    page costs a constant number of queries. Ordered by code.
    """
    services = JointService.objects.filter(
        is_active=True, current_version__status=PUBLISHED
    ).select_related("department", "life_event")
    if life_event:
        services = services.filter(life_event__code=life_event)
    return services.prefetch_related(
        Prefetch(
            "current_version",
            queryset=joint_version_prefetch(JointServiceVersion.objects.all()),
        )
    ).order_by("code")


def joint_service_get_published(*, code: str) -> JointService:
    """Return the active joint application ``code`` with its current version prefetched.

    Raises ``NotFound`` when there is none, it is inactive or it has no published version.
    """
    service = joint_service_list_published().filter(code=code).first()
    if service is None:
        raise NotFound(_("No published joint application has this code."))
    return service


# --- the configuration as data ----------------------------------------------------------------


def joint_spec(version: JointServiceVersion) -> dict[str, Any]:
    """The version's configuration as plain data, in the shape ``joint_draft_update`` takes.

    Members are named by service item code, materials by their Chinese name, so the same data
    can be applied again to the items' current versions.
    """
    members = list(version.members.all())
    code_of = {m.service_version_id: m.service_version.item.code for m in members}
    return {
        "name_zh": version.name_zh,
        "name_en": version.name_en,
        "summary_zh": version.summary_zh,
        "summary_en": version.summary_en,
        "members": [
            {
                "service": m.service_version.item.code,
                "waived_fields": list(m.waived_fields or []),
                "waived_materials": [mat.name_zh for mat in m.waived_materials.all()],
                "waiver_note": m.waiver_note,
            }
            for m in members
        ],
        "shared_fields": [
            {
                "key": row.key,
                "title_zh": row.title_zh,
                "title_en": row.title_en,
                "targets": dict(row.targets or {}),
            }
            for row in version.shared_fields.all()
        ],
        "shared_materials": [
            {
                "name_zh": row.name_zh,
                "name_en": row.name_en,
                "notes": row.notes,
                "targets": {
                    code_of[mat.version_id]: mat.name_zh
                    for mat in row.materials.all()
                    if mat.version_id in code_of
                },
            }
            for row in version.shared_materials.all()
        ],
    }
