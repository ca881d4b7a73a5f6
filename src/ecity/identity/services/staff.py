"""Writes about staff: staff accounts, department roles, platform administrators.

Each service validates all its input first and reports every problem at once as
``ValidationFailed(fields=...)``; nothing is written unless everything is valid.
"""

from __future__ import annotations

import logging

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.validators import (
    normalise_mobile,
)
from ecity.identity import checks
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole

logger = logging.getLogger("ecity.identity")


# --- staff -----------------------------------------------------------------------------------


@transaction.atomic
def staff_account_create(
    *,
    actor: User,
    username: str,
    password: str,
    real_name: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Create the account of a civil servant (no roles yet) and return it.

    Rules: username, real name and password are required (password policy applies); e-mail and
    mainland mobile are optional and unique when given. Roles are given afterwards with
    ``staff_role_grant``. Permissions: platform administrators only. Side effects: an
    ``account.created`` audit entry. Errors: ``PermissionDenied``, ``ValidationFailed`` listing
    every field problem (nothing is written then).
    """
    if not org_selectors.is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can do this."))
    username = username.strip()
    real_name = real_name.strip()
    email = checks.normalise_email(email)
    phone = normalise_mobile(phone) if phone else ""
    errors: checks.Errors = {}
    checks.check_username(errors, username)
    if checks.check_required(errors, "real_name", real_name) and len(real_name) > 100:
        errors.setdefault("real_name", []).append(_("Use at most 100 characters."))
    checks.check_email(errors, email, required=False)
    if phone:
        checks.check_phone(errors, phone)
    user = User(
        username=username, real_name=real_name, email=email, phone=phone, is_staff_account=True
    )
    checks.check_password(errors, password, user)
    checks.raise_if(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise checks.unique_violation(exc) from exc
    audit_record(actor=actor, action="account.created", obj=user, subject=user)
    logger.info("staff account created: user=%s by=%s", user.public_id, actor.public_id)
    return user


_ADMIN_SITE_ROLES = {StaffRole.Role.DEPARTMENT_ADMIN, StaffRole.Role.PLATFORM_ADMIN}


def _check_staff_permission(
    *, actor: User, user: User, role: str, department: Department | None
) -> None:
    """The right to grant or revoke, checked before anything about the role or the account."""
    if org_selectors.can_grant_role(actor=actor, user=user, role=role, department=department):
        return
    if user.pk == actor.pk:
        raise PermissionDenied(_("No one can grant or revoke their own roles."))
    if (
        role not in org_selectors.DEPARTMENT_GRANTABLE_ROLES
        or department is None
        or not org_selectors.departments_where(
            user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN
        ).exists()
    ):
        raise PermissionDenied(_("Only a platform administrator can grant or revoke this role."))
    raise PermissionDenied(_("You can manage staff only in your own department."))


def _sync_staff_flags(user: User) -> None:
    """Admin-site access follows the administrator roles a user holds."""
    roles = set(StaffRole.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    user.is_staff = bool(roles & _ADMIN_SITE_ROLES) or user.is_superuser
    user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def staff_role_grant(
    *, actor: User, user: User, role: str, department: Department | None = None
) -> StaffRole:
    """Give ``user`` a staff ``role`` in ``department`` (none for platform_admin); return it.

    Rules (segregation of duties, ``org.selectors.can_grant_role``): no one grants a role to
    themselves; platform administrators may grant any role anywhere; department administrators
    only the case-handling roles (counter clerk, reviewer, approver) in their department and
    its sub-units. Roles go to active staff accounts only (``User.is_staff_account``), never to
    a citizen's account. The right is checked before anything about the role or the account. A
    revoked role is reactivated. Side effects: a ``role.granted`` audit entry. Errors:
    ``PermissionDenied``, ``ValidationFailed``.
    """
    errors: checks.Errors = {}
    if role not in StaffRole.Role.values:
        errors["role"] = [_("Choose a role from the list.")]
        checks.raise_if(errors)
    if role == StaffRole.Role.PLATFORM_ADMIN:
        department = None
    elif department is None:
        errors["department"] = [_("Choose the department this role is held in.")]
        checks.raise_if(errors)
    _check_staff_permission(actor=actor, user=user, role=role, department=department)
    if department is not None and not department.is_active:
        errors["department"] = [_("This department is no longer active.")]
    if not user.is_active:
        errors["user"] = [_("This account is disabled.")]
    elif not user.is_staff_account:
        errors["user"] = [
            _("Staff roles are given only to staff accounts, never to a citizen's account.")
        ]
    existing = (
        StaffRole.objects.select_for_update().filter(user=user, role=role, department=department)
        # NULL departments are not equal in a unique index: look them up explicitly.
        if department is not None
        else StaffRole.objects.select_for_update().filter(
            user=user, role=role, department__isnull=True
        )
    ).first()
    if existing is not None and existing.is_active:
        errors.setdefault("role", []).append(_("This person already holds this role here."))
    checks.raise_if(errors)
    if existing is None:
        staff_role = StaffRole.objects.create(user=user, role=role, department=department)
    else:
        existing.is_active = True
        existing.save(update_fields=["is_active", "updated_at"])
        staff_role = existing
    if role == StaffRole.Role.PLATFORM_ADMIN:
        user.is_superuser = True
    _sync_staff_flags(user)
    audit_record(
        actor=actor,
        action="role.granted",
        obj=staff_role,
        subject=user,
        data={"role": role, "department": department.code if department else ""},
    )
    logger.info(
        "staff role granted: user=%s role=%s department=%s by=%s",
        user.public_id,
        role,
        department.code if department else "-",
        actor.public_id,
    )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, actor: User, staff_role: StaffRole) -> StaffRole:
    """Deactivate ``staff_role`` (kept for the record) under the same rules as granting it.

    No one revokes their own roles. The right is checked first; then a role already revoked
    and the last platform administrator are refused. Side effects: a ``role.revoked`` audit
    entry. Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    staff_role = StaffRole.objects.select_for_update().select_related("user").get(pk=staff_role.pk)
    user = staff_role.user
    _check_staff_permission(
        actor=actor, user=user, role=staff_role.role, department=staff_role.department
    )
    if not staff_role.is_active:
        raise ValidationFailed(_("This role has already been revoked."))
    if staff_role.role == StaffRole.Role.PLATFORM_ADMIN:
        others = (
            StaffRole.objects.filter(role=StaffRole.Role.PLATFORM_ADMIN, is_active=True)
            .exclude(pk=staff_role.pk)
            .exists()
        )
        if not others:
            raise ValidationFailed(_("The platform must keep at least one platform administrator."))
        user.is_superuser = False
    staff_role.is_active = False
    staff_role.save(update_fields=["is_active", "updated_at"])
    _sync_staff_flags(user)
    audit_record(
        actor=actor,
        action="role.revoked",
        obj=staff_role,
        subject=user,
        data={
            "role": staff_role.role,
            "department": staff_role.department.code if staff_role.department else "",
        },
    )
    logger.info("staff role revoked: role=%s by=%s", staff_role.public_id, actor.public_id)
    return staff_role


@transaction.atomic
def platform_admin_create(
    *, username: str, password: str, email: str = "", real_name: str = ""
) -> User:
    """Create a platform administrator (staff, superuser, platform_admin role) and return it.

    Used by ``manage.py create_platform_admin`` / ``ecity createadmin`` and the demo city.
    Side effects: ``account.created`` and ``role.granted`` audit entries without an actor.
    Raises ``ValidationFailed`` for a taken username or e-mail, a name longer than 100
    characters, or a password the policy refuses.
    """
    username = username.strip()
    email = checks.normalise_email(email)
    real_name = real_name.strip()
    errors: checks.Errors = {}
    if not checks.check_required(errors, "username", username):
        checks.raise_if(errors)
    checks.run(errors, "username", UnicodeUsernameValidator(), username)
    if User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("This username is already taken."))
    checks.check_email(errors, email, required=False)
    if len(real_name) > 100:
        errors["real_name"] = [_("Use at most 100 characters.")]
    user = User(
        username=username,
        email=email,
        real_name=real_name,
        is_staff=True,
        is_superuser=True,
        is_staff_account=True,
    )
    checks.check_password(errors, password, user)
    checks.raise_if(errors)
    user.set_password(password)
    user.save()
    staff_role = StaffRole.objects.create(user=user, role=StaffRole.Role.PLATFORM_ADMIN)
    # Made from the command line (no actor): the grant is still evidence in the trail.
    audit_record(actor=None, action="account.created", obj=user, subject=user)
    audit_record(
        actor=None,
        action="role.granted",
        obj=staff_role,
        subject=user,
        data={"role": StaffRole.Role.PLATFORM_ADMIN, "department": "", "command": True},
    )
    logger.info("platform administrator created: user=%s", user.public_id)
    return user
