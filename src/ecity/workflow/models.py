"""Process definitions, and the work item every worklist row is made of.

``ProcessDefinition`` is a BPMN 2.0 process owned by something of another app, named by a generic
reference (``owner_ref``, e.g. ``"<app>.<model>:<public id>"``): workflow never knows what owns
a process. At most one definition per owner is active.

``WorkItem`` is abstract: an app that routes its subject through a process makes a concrete
subclass with a foreign key to its subject (``cases.CaseTask`` is one) and keeps its own table;
``ecity.workflow.worklist`` claims, releases, completes and syncs any such subclass.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel


def owner_ref_for(owner: models.Model) -> str:
    """The generic reference of ``owner`` (any model with a ``public_id``): ``label:public id``."""
    return f"{owner._meta.label_lower}:{owner.public_id}"  # type: ignore[attr-defined]


class ProcessDefinition(BaseModel):
    """A BPMN 2.0 process of one owner: uploaded, or built in the admin."""

    class Source(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded BPMN file")
        BUILT = "built", _("Built from a simple description")

    owner_ref = models.CharField(
        _("owned by"),
        max_length=200,
        db_index=True,
        help_text=_("What this process belongs to: “app.model:public ID”."),
    )
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    bpmn_xml = models.TextField(_("BPMN 2.0 XML"))
    process_id = models.CharField(_("BPMN process id"), max_length=200)
    description = models.JSONField(
        _("simple description"),
        default=dict,
        blank=True,
        help_text=_("For built processes: the departments and roles of each step."),
    )
    reject_ends_case = models.BooleanField(
        _("a rejection by one department ends the case"), default=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        # The table keeps the name it had when process definitions lived in cases (issue 7).
        db_table = "cases_processdefinition"
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_ref"],
                condition=Q(is_active=True),
                name="workflow_process_one_active_per_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkItem(BaseModel):
    """A user task of a process that staff of one department and role must complete.

    Abstract: a concrete subclass adds the foreign key to its subject (and may narrow
    ``outcome`` with choices). ``lock_version`` is bumped on every write (optimistic locking).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    spiff_task_id = models.CharField(_("workflow task id"), max_length=64, blank=True)
    spec_name = models.CharField(_("BPMN task id"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    lock_version = models.PositiveIntegerField(_("row version"), default=0)

    class Meta:
        abstract = True
