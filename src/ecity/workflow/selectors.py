"""Reads on process definitions (by their owner's generic reference)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from ecity.workflow.models import ProcessDefinition


def process_definition_active(*, owner_ref: str) -> ProcessDefinition | None:
    """Return the active process definition of ``owner_ref``, or None if it has none."""
    return ProcessDefinition.objects.filter(owner_ref=owner_ref, is_active=True).first()


def process_definition_list(*, owner_refs: Iterable[str]) -> QuerySet[ProcessDefinition]:
    """List the process definitions of the owners ``owner_refs``, newest first."""
    return (
        ProcessDefinition.objects.filter(owner_ref__in=list(owner_refs))
        .select_related("created_by")
        .order_by("-created_at")
    )
