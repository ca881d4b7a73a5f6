"""Words for what an entry records: action names, object types and field names, translated.

Action labels are declared by the apps that record the actions (``ecity.audit.registry``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from ecity.audit.registry import action_label

__all__ = ["action_label", "field_labels", "object_type_label"]


def _model(object_type: str):  # type: ignore[no-untyped-def]
    """The model of "app_label.model"; for a model that moved app, the one owning its table.

    Entries are immutable, so an entry written before a model moved (identity.staffrole, now
    org.staffrole with the same table) keeps its old type: it is found by the table name.
    """
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        table = object_type.replace(".", "_")
        return next((m for m in apps.get_models() if m._meta.db_table == table), None)


def object_type_label(object_type: str) -> str:
    """The model's verbose name for "app_label.model", or the raw text for unknown types."""
    model = _model(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def field_labels(object_type: str, names: Iterable[str]) -> list[str]:
    """Verbose names of the model's fields (unknown names are shown as they are)."""
    model = _model(object_type)
    labels = []
    for name in names:
        label = name
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist, AttributeError):
                label = str(model._meta.get_field(name).verbose_name)
        labels.append(label)
    return labels
