"""Writes of the category tree (诉求分类): add, edit, deactivate, reactivate, delete.

Only the hotline centre's dispatchers and platform administrators change the tree
(``selectors.categories.can_manage_reference_data``). Every write locks what it changes,
validates field by field (nothing is written when a field is wrong) and records the audit entry
in the same transaction.

Rules: the code is unique (case does not matter) and fixed once created (Open311 clients and the
knowledge base's public pages use it); a category is never its own ancestor; a new or moved
category goes under an active parent; the usual department exists and is active. A category in
use is deactivated, never deleted: intake no longer offers it, its tickets keep it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.hotline.models import Category, KnowledgeArticle, Open311Attribute, Ticket
from ecity.hotline.selectors.categories import (
    can_manage_reference_data,
    category_descendant_ids,
    category_open_tickets,
)
from ecity.org.models import Department

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
CODE_MAX = 32


@dataclass
class CategoryData:
    """What a dispatcher enters for a category (the HTML form and any API share it)."""

    name_zh: str
    parent: Category | None = None
    department: Department | None = None
    name_en: str = ""
    description: str = ""
    local: bool = False
    sort_order: int = 0


def require_reference_manager(actor: Account) -> None:
    """Refuse unless ``actor`` may change the category tree and the time limits."""
    if not can_manage_reference_data(actor=actor):
        raise PermissionDenied(
            _("Only the hotline centre's dispatchers may change the categories and time limits.")
        )


def _clean_code(code: str, errors: dict[str, list[str]]) -> str:
    code = (code or "").strip()
    if not code:
        errors["code"] = [_("Enter a code.")]
    elif len(code) > CODE_MAX:
        errors["code"] = [_("The code can have at most %(max)d characters.") % {"max": CODE_MAX}]
    elif not CODE_PATTERN.match(code):
        errors["code"] = [
            _("Use letters, digits, “_”, “.” and “-” only, starting with a letter or digit.")
        ]
    elif Category.objects.filter(code__iexact=code).exists():
        errors["code"] = [_("Another category already has this code.")]
    return code


def _clean(
    data: CategoryData, *, category: Category | None, errors: dict[str, list[str]]
) -> CategoryData:
    """Normalise and validate ``data`` for ``category`` (None when creating) into ``errors``."""
    cleaned = CategoryData(
        name_zh=" ".join((data.name_zh or "").split()),
        name_en=" ".join((data.name_en or "").split()),
        parent=data.parent,
        department=data.department,
        description=(data.description or "").strip(),
        local=bool(data.local),
        sort_order=data.sort_order or 0,
    )
    if not cleaned.name_zh:
        errors["name_zh"] = [_("Enter the Chinese name.")]
    elif len(cleaned.name_zh) > 100:
        errors["name_zh"] = [_("The Chinese name can have at most 100 characters.")]
    if len(cleaned.name_en) > 200:
        errors["name_en"] = [_("The English name can have at most 200 characters.")]
    if cleaned.sort_order < 0:
        errors["sort_order"] = [_("The sort order cannot be negative.")]
    department = cleaned.department
    if department is None or not Department.objects.filter(pk=department.pk).exists():
        errors["department"] = [_("Choose the department that usually handles this category.")]
    elif not department.is_active:
        errors["department"] = [_("This department is no longer active.")]
    parent = cleaned.parent
    if parent is not None:
        if category is not None and (
            parent.pk == category.pk or parent.pk in category_descendant_ids(category)
        ):
            errors["parent"] = [
                _("A category cannot be placed under itself or one of its sub-categories.")
            ]
        elif not Category.objects.filter(pk=parent.pk, is_active=True).exists():
            errors["parent"] = [_("Choose an active parent category.")]
    return cleaned


def _apply(category: Category, data: CategoryData) -> None:
    category.name_zh = data.name_zh
    category.name_en = data.name_en
    category.parent = data.parent
    category.department = data.department
    category.description = data.description
    category.local = data.local
    category.sort_order = data.sort_order


@transaction.atomic
def category_create(*, actor: Account, code: str, data: CategoryData) -> Category:
    """Add a category (under ``data.parent``, or at the root).

    Permissions: a dispatcher of the hotline centre or a platform administrator. Raises
    PermissionDenied, ValidationFailed (per field: code, name_zh, name_en, parent, department).
    """
    require_reference_manager(actor)
    errors: dict[str, list[str]] = {}
    code = _clean_code(code, errors)
    data = _clean(data, category=None, errors=errors)
    if errors:
        raise ValidationFailed(fields=errors)
    category = Category(code=code)
    _apply(category, data)
    category.save()
    audit_record(actor=actor, action="hotline.category_created", obj=category, data={"code": code})
    return category


@transaction.atomic
def category_update(*, actor: Account, category: Category, data: CategoryData) -> Category:
    """Change a category's names, parent, usual department, local flag, order or description.

    The code stays. Moving under one of its own sub-categories is refused (no cycles).
    Permissions: as ``category_create``. Raises PermissionDenied, ValidationFailed (per field).
    """
    require_reference_manager(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    errors: dict[str, list[str]] = {}
    data = _clean(data, category=category, errors=errors)
    if errors:
        raise ValidationFailed(fields=errors)
    changed = [
        name
        for name in (
            "name_zh",
            "name_en",
            "parent",
            "department",
            "description",
            "local",
            "sort_order",
        )
        if getattr(category, name) != getattr(data, name)
    ]
    _apply(category, data)
    category.save()
    audit_record(
        actor=actor,
        action="hotline.category_edited",
        obj=category,
        fields=changed,
        data={"code": category.code},
    )
    return category


@transaction.atomic
def category_deactivate(*, actor: Account, category: Category) -> int:
    """Deactivate a category and its sub-categories; return how many were deactivated.

    Intake (console, portal, Open311) no longer offers them; tickets, open or not, keep them.
    Permissions: as ``category_create``. Raises PermissionDenied, ValidationFailed (already
    inactive).
    """
    require_reference_manager(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if not category.is_active:
        raise ValidationFailed(_("This category is already inactive."))
    ids = {category.pk} | category_descendant_ids(category)
    count = Category.objects.filter(pk__in=ids, is_active=True).update(is_active=False)
    category.is_active = False
    audit_record(
        actor=actor,
        action="hotline.category_deactivated",
        obj=category,
        data={"code": category.code, "deactivated": count},
    )
    return count


@transaction.atomic
def category_reactivate(*, actor: Account, category: Category) -> Category:
    """Offer an inactive category at intake again (its sub-categories stay as they are).

    Permissions: as ``category_create``. Raises PermissionDenied, ValidationFailed (already
    active, or its parent is inactive: reactivate the parent first).
    """
    require_reference_manager(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.is_active:
        raise ValidationFailed(_("This category is already active."))
    if category.parent is not None and not category.parent.is_active:
        raise ValidationFailed(
            _("Its parent category “%(parent)s” is inactive: reactivate it first.")
            % {"parent": category.parent.name}
        )
    category.is_active = True
    category.save(update_fields=["is_active", "updated_at"])
    audit_record(
        actor=actor,
        action="hotline.category_reactivated",
        obj=category,
        data={"code": category.code},
    )
    return category


def category_delete_blocker(category: Category) -> str:
    """Why ``category`` cannot be deleted ("" when it can): it is in use somewhere."""
    open_count = category_open_tickets(category)
    if open_count:
        return _("It has %(count)d open tickets: deactivate it instead, its tickets keep it.") % {
            "count": open_count
        }
    if Ticket.objects.filter(category=category).exists():
        return _("Closed tickets have this category: deactivate it instead.")
    if Category.objects.filter(parent=category).exists():
        return _("It has sub-categories: move or delete them first.")
    if KnowledgeArticle.objects.filter(category=category).exists():
        return _("Knowledge articles have this category: deactivate it instead.")
    if Open311Attribute.objects.filter(category=category).exists():
        return _("Open311 questions belong to this category: deactivate it instead.")
    return ""


@transaction.atomic
def category_delete(*, actor: Account, category: Category) -> None:
    """Delete a category nothing uses (a mistake just made); a category in use is deactivated.

    Permissions: as ``category_create``. Raises PermissionDenied, ValidationFailed (in use: open
    or closed tickets, sub-categories, knowledge articles, Open311 questions).
    """
    require_reference_manager(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    blocker = category_delete_blocker(category)
    if blocker:
        raise ValidationFailed(_("This category cannot be deleted. %(why)s") % {"why": blocker})
    audit_record(
        actor=actor,
        action="hotline.category_deleted",
        obj=category,
        data={"code": category.code, "name": category.name_zh},
    )
    category.delete()
