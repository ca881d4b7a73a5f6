"""Reads about exchange parties (members, subsystems), with permission filtering built in.

Who sees what: platform administrators see every member and subsystem; a department
administrator sees the members of their departments (sub-units included) and their subsystems.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound
from ecity.exchange.models import Member, Subsystem
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.sso.selectors import SystemClient


def can_manage_subsystems(*, actor: User, department: Department | None) -> bool:
    """Whether ``actor`` may register and change the subsystems of ``department``'s member.

    Platform administrators may everywhere; a department administrator (the department's IT and
    data administrator, as for registry metadata) in their departments and sub-units.
    """
    if org_selectors.is_platform_admin(user=actor):
        return True
    if department is None:
        return False
    return org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department
    )


def _visible_departments(actor: User) -> QuerySet[Department] | None:
    """None for everything (platform administrators), else the departments ``actor`` runs."""
    if org_selectors.is_platform_admin(user=actor):
        return None
    return org_selectors.departments_where(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN)


def member_list(*, actor: User, instance: str | None = None) -> QuerySet[Member]:
    """List the members ``actor`` may see (of ``instance``, if given), department joined."""
    members = Member.objects.select_related("department").order_by(
        "instance", "member_class", "code"
    )
    if instance:
        members = members.filter(instance=instance)
    departments = _visible_departments(actor)
    if departments is not None:
        members = members.filter(department__in=departments)
    return members


def subsystem_list(*, actor: User, member: Member | None = None) -> QuerySet[Subsystem]:
    """List the subsystems ``actor`` may see (of ``member``, if given), member joined."""
    subsystems = Subsystem.objects.select_related("member", "member__department", "application")
    if member is not None:
        subsystems = subsystems.filter(member=member)
    departments = _visible_departments(actor)
    if departments is not None:
        subsystems = subsystems.filter(member__department__in=departments)
    return subsystems.order_by("identifier")


def subsystem_get(identifier: str) -> Subsystem:
    """Return the subsystem ``identifier`` (local or federated). Raises ``NotFound``."""
    subsystem = (
        Subsystem.objects.select_related("member", "member__department")
        .filter(identifier=identifier)
        .first()
    )
    if subsystem is None:
        raise NotFound(_("There is no subsystem %(identifier)s.") % {"identifier": identifier})
    return subsystem


def subsystem_for_client(
    system_client: SystemClient, *, active_only: bool = True
) -> Subsystem | None:
    """Return the subsystem bound to the calling SSO application (client credentials), or None.

    Maps a bearer token (``sso.authentication.ClientCredentialsAuthentication``) to the
    exchange party that calls. With ``active_only`` (the default) a disabled subsystem or a
    subsystem of a disabled member counts as none, so a caller cannot forget to check; the
    binding also requires the application's department to still be the member's department.
    """
    subsystem = (
        Subsystem.objects.select_related("member")
        .filter(application_id=system_client.application.pk)
        .first()
    )
    if subsystem is None or subsystem.member.department_id != system_client.department.pk:
        return None
    if active_only and not subsystem.is_active:
        return None
    return subsystem
