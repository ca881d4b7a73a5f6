"""Accounts: one's own contact changes waiting for confirmation; accounts in the back office."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ecity.core.masking import mask_name
from ecity.identity.models import ContactChange, User
from ecity.org.models import StaffRole
from ecity.org.selectors import departments_where, is_platform_admin


def contact_changes_pending(*, user: User | Any) -> dict[str, ContactChange]:
    """The user's own e-mail and phone changes waiting for confirmation, by kind.

    Expired ones are left out (their link or code no longer works). Empty for anonymous users.
    """
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = ContactChange.objects.filter(
        user=user, status=ContactChange.Status.PENDING, expires_at__gt=timezone.now()
    )
    return {row.kind: row for row in rows}


# --- accounts in the back office --------------------------------------------------------------


def accounts_visible(*, actor: User | Any) -> QuerySet[User]:
    """List the accounts ``actor`` may find in the back office (the admin's account search).

    Platform administrators: every account. Department administrators: the staff accounts that
    hold or held a role in a department they administer (sub-units included), and staff
    accounts that hold no active role yet (a new colleague waiting for a first role); never a
    citizen's account, never themselves. Anyone else: none. Show them with ``account_label``.
    """
    if is_platform_admin(user=actor):
        return User.objects.all()
    departments = departments_where(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN)
    if not getattr(actor, "is_authenticated", False) or not departments.exists():
        return User.objects.none()
    in_departments = StaffRole.objects.filter(department__in=departments).values("user_id")
    with_active_role = StaffRole.objects.filter(is_active=True).values("user_id")
    return (
        User.objects.filter(is_staff_account=True, is_active=True)
        .filter(Q(pk__in=in_departments) | ~Q(pk__in=with_active_role))
        .exclude(pk=actor.pk)
    )


def account_label(*, actor: User | Any, user: User) -> str:
    """How ``user`` is named to ``actor`` in back-office lists and searches.

    Platform administrators see the real name; everyone else the login name and the real name
    masked (``wangfang · 王**``), which is enough to pick a colleague and tells no more.
    """
    if is_platform_admin(user=actor):
        return str(user)
    masked = mask_name(user.real_name)
    return f"{user.get_username()} · {masked}" if masked else user.get_username()
