"""Shared model base classes and kernel models (working-day calendar)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every domain model: a public UUID for URLs and APIs, creation and update times.

    The integer primary key stays internal (joins, ordering); only ``public_id`` leaves the
    platform, so identifiers cannot be enumerated.
    """

    public_id = models.UUIDField(_("public ID"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
