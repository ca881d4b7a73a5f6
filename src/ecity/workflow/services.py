"""Writes on process definitions: store a validated process as its owner's active one, activate.

An owner (anything named by a generic reference, see ``owner_ref_for``) has at most one active
process definition; storing or activating one deactivates the previous one. Definitions are
never edited in place: a running process keeps the definition it started with, and a new file
makes a new definition. Who may manage an owner's processes is the owner's app's business: it
checks before calling these functions.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.core.accounts import Account
from ecity.core.errors import Conflict
from ecity.workflow.bpmn import ProcessSpec
from ecity.workflow.models import ProcessDefinition


def _conflict() -> Conflict:
    return Conflict(_("Someone else has just changed this process. Try again."))


@transaction.atomic
def process_definition_store(
    *,
    owner_ref: str,
    xml: str,
    spec: ProcessSpec,
    name: str,
    source: str,
    description: dict[str, Any],
    reject_ends_case: bool,
    created_by: Account | None,
    active: bool = True,
) -> ProcessDefinition:
    """Store the validated process ``xml`` (``spec``) as a process of ``owner_ref``.

    Rules: an ``active`` definition replaces the owner's previously active one (which is
    deactivated); an inactive one (e.g. a built-in fallback) changes nothing else. ``name``
    falls back to the process's own name, then its id. Permissions: none (the owner's app
    checks). Side effects: one row created, at most one deactivated. Errors: ``Conflict`` when
    a concurrent writer made another definition of the same owner active first.
    """
    if active:
        ProcessDefinition.objects.filter(owner_ref=owner_ref, is_active=True).update(
            is_active=False, updated_at=timezone.now()
        )
    try:
        with transaction.atomic():
            return ProcessDefinition.objects.create(
                owner_ref=owner_ref,
                name=name or spec.name or spec.process_id,
                source=source,
                bpmn_xml=xml,
                process_id=spec.process_id,
                description=description,
                reject_ends_case=reject_ends_case,
                is_active=active,
                created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
            )
    except IntegrityError:
        raise _conflict() from None


@transaction.atomic
def process_definition_make_active(*, definition: ProcessDefinition) -> ProcessDefinition:
    """Make ``definition`` the active process of its owner (deactivating the other).

    Rules: an active definition is returned unchanged; the caller has validated the XML again.
    Permissions: none (the owner's app checks). Side effects: up to two rows updated.
    Errors: ``Conflict`` when a concurrent writer activated another definition first.
    """
    definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.is_active:
        return definition
    ProcessDefinition.objects.filter(owner_ref=definition.owner_ref, is_active=True).update(
        is_active=False, updated_at=timezone.now()
    )
    definition.is_active = True
    try:
        with transaction.atomic():
            definition.save(update_fields=["is_active", "updated_at"])
    except IntegrityError:
        raise _conflict() from None
    return definition


@transaction.atomic
def process_definition_settings_set(
    *, definition: ProcessDefinition, name: str, reject_ends_case: bool
) -> list[str]:
    """Change the two settings a stored definition may change: its name and rejection rule.

    The process itself never changes in place (a new file is a new definition). Permissions:
    none (the owner's app checks). Returns the names of the fields that changed.
    """
    definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    changed = [
        field
        for field, value in (("name", name), ("reject_ends_case", reject_ends_case))
        if getattr(definition, field) != value
    ]
    if changed:
        definition.name = name
        definition.reject_ends_case = reject_ends_case
        definition.save(update_fields=[*changed, "updated_at"])
    return changed
