"""Writes about regions and departments: create them, or bring them up to date, by code.

Staff roles are granted and revoked by ``identity.services`` (account administration, audited).
These services are not audited: ``org`` sits below ``audit`` and cannot call it. They are meant
for setting up a city (an import, the demo city) by a platform administrator; the admin site
remains the place for day-to-day edits.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.org.models import Department, Region
from ecity.org.selectors import is_platform_admin


def _require_platform_admin(actor: Account) -> None:
    if not is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can do this."))


def _validated_save(obj: Region | Department, *, is_new: bool) -> None:
    try:
        obj.full_clean(validate_unique=is_new)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    obj.save()


@transaction.atomic
def region_ensure(
    *,
    actor: Account,
    code: str,
    name_zh: str,
    name_en: str = "",
    level: str,
    parent: Region | None = None,
) -> tuple[Region, bool]:
    """Create the region ``code``, or update its names, level and parent; return it and created.

    Rules: idempotent by code (the statistical division code); every field is validated by the
    model (level from ``Region.Level``, required Chinese name); a region cannot be its own
    parent. Permissions: platform administrators only. Side effects: none; not audited (``org``
    sits below ``audit``). Errors: ``PermissionDenied``, ``ValidationFailed`` (field messages).
    """
    _require_platform_admin(actor)
    code = code.strip()
    region = Region.objects.select_for_update().filter(code=code).first()
    is_new = region is None
    if region is None:
        region = Region(code=code)
    elif parent is not None and parent.pk == region.pk:
        raise ValidationFailed(fields={"parent": [_("A region cannot be its own parent.")]})
    region.name_zh = name_zh.strip()
    region.name_en = name_en.strip()
    region.level = level
    region.parent = parent
    _validated_save(region, is_new=is_new)
    return region, is_new


@transaction.atomic
def department_ensure(
    *,
    actor: Account,
    code: str,
    name_zh: str,
    region: Region,
    name_en: str = "",
    short_name: str = "",
    address: str = "",
    phone: str = "",
    parent: Department | None = None,
    sort_order: int = 0,
    uscc: str | None = None,
) -> tuple[Department, bool]:
    """Create the department ``code``, or update it and reactivate it; return it and created.

    Rules: idempotent by code; every field is validated by the model (``uscc`` by GB 32100);
    ``uscc=None`` leaves the code on file unchanged; a department cannot be its own parent.
    Permissions: platform administrators only. Side effects: none; not audited (``org`` sits
    below ``audit``). Errors: ``PermissionDenied``, ``ValidationFailed`` (field messages).
    """
    _require_platform_admin(actor)
    code = code.strip()
    department = Department.objects.select_for_update().filter(code=code).first()
    is_new = department is None
    if department is None:
        department = Department(code=code)
    elif parent is not None and parent.pk == department.pk:
        raise ValidationFailed(fields={"parent": [_("A department cannot be its own parent.")]})
    department.name_zh = name_zh.strip()
    department.name_en = name_en.strip()
    department.short_name = short_name.strip()
    department.address = address.strip()
    department.phone = phone.strip()
    department.parent = parent
    department.region = region
    department.sort_order = sort_order
    department.is_active = True
    if uscc is not None:
        department.uscc = uscc.strip().upper()
    _validated_save(department, is_new=is_new)
    return department, is_new


@transaction.atomic
def department_uscc_set(*, actor: Account, department: Department, uscc: str) -> Department:
    """Record the unified social credit code (GB 32100) of ``department``; return it.

    A department needs one before it can issue documents (it is part of every certificate
    identifier). Permissions: platform administrators only. Side effects: none; not audited
    (``org`` sits below ``audit``). Errors: ``PermissionDenied``, ``ValidationFailed``.
    """
    _require_platform_admin(actor)
    department = Department.objects.select_for_update().get(pk=department.pk)
    department.uscc = uscc.strip().upper()
    try:
        department.full_clean(validate_unique=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    department.save(update_fields=["uscc", "updated_at"])
    return department
