"""Pessimistic row locks: one helper for every service that locks the row it is about to change.

``lock_row(Case.objects.select_related("department"), pk=case.pk)`` runs
``SELECT … FOR UPDATE OF <the model's table>`` and returns a fresh instance. The lock is taken on
the model's own table only (``of=("self",)``): PostgreSQL refuses ``FOR UPDATE`` on the nullable
side of the outer joins that ``select_related`` adds, and the related rows need no lock. SQLite
ignores ``FOR UPDATE``; its writers are serialised by IMMEDIATE transactions instead.

Optimistic checks stay where a user may have read an old version (``lock_version`` fields): the
row lock only orders concurrent writers, it does not tell a user that the page was stale.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound

M = TypeVar("M", bound=models.Model)


def lock_row(model_or_queryset: type[M] | models.QuerySet[M], /, **lookup: Any) -> M:
    """Lock the row matching ``lookup`` until the current transaction ends and return it.

    Rules: must run inside ``transaction.atomic`` (a lock outside one would be released at
    once). Errors: ``NotFound`` when no row matches; ``RuntimeError`` outside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_row must run inside transaction.atomic")
    queryset = (
        model_or_queryset._default_manager.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    try:
        return queryset.select_for_update(of=("self",)).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise NotFound(
            _("The requested %(object)s does not exist.")
            % {"object": queryset.model._meta.verbose_name}
        ) from exc
