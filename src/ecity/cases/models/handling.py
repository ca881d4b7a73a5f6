"""How a case is handled: attachments, tasks, copies, the timeline, corrections, extensions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecity.cases.models.case import Case, CaseDraft
from ecity.core.models import BaseModel
from ecity.workflow.models import WorkItem


class Attachment(BaseModel):
    """An uploaded material file, on a draft until submission and then on the case."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    draft = models.ForeignKey(
        CaseDraft,
        verbose_name=_("draft"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    material = models.ForeignKey(
        "catalogue.RequiredMaterial",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to="cases/%Y/%m/")  # generated safe names
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("detected content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(draft__isnull=False),
                name="cases_attachment_on_case_or_draft",
            )
        ]


class CaseTask(WorkItem):
    """A user task of the case's process that staff of one department and role must complete.

    The worklist mechanics (status, claim, completion, optimistic locking) are
    ``ecity.workflow``'s ``WorkItem``; a case task adds its case and its kind.
    """

    class Kind(models.TextChoices):
        ACCEPT = "accept", _("Acceptance")  # 受理
        REVIEW = "review", _("Review")  # 审查
        DECIDE = "decide", _("Decision")  # 决定

    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        ACCEPT = "accept", _("Accept")
        REFUSE = "refuse", _("Refuse to accept")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # False once the case is closed (set when it closes with a decision, and by the periodic job
    # ``cases.closed_case_tasks`` for the other ways a case ends). True may be stale, never
    # False for an open case: queries that need open cases still filter on the case's status;
    # the flag only keeps the partial index below to the tasks of open cases, so that "which
    # open cases has this department worked on" does not grow with the department's history.
    on_open_case = models.BooleanField(_("on an open case"), default=True, db_default=True)

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["department", "role", "status"], name="cases_task_queue"),
            # The workbench's review and decision queues read only open tasks ("case" included
            # for index-only counts).
            models.Index(
                fields=["department", "role", "kind"],
                include=["case"],
                condition=Q(status__in=["open", "claimed"]),
                name="cases_task_open_queue",
            ),
            # Which cases a department has a task on (queue visibility), index-only.
            models.Index(fields=["department", "case"], name="cases_task_department_case"),
            # The same for open cases only (the deadline queues and their counts).
            models.Index(
                fields=["department", "case"],
                condition=Q(on_open_case=True),
                name="cases_task_open_case",
            ),
            # The "done" queue: a member of staff's completed tasks, newest first.
            models.Index(
                fields=["completed_by", "-completed_at"],
                condition=Q(status="completed"),
                name="cases_task_done",
            ),
        ]


class CaseCopy(BaseModel):
    """A related department copied on the case (抄报): it may read the case, not act on it."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="copies"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="copied_cases",
    )

    class Meta:
        verbose_name = _("copied department")
        verbose_name_plural = _("copied departments")
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="cases_copy_unique")
        ]


class CaseEvent(BaseModel):
    """One entry of the case timeline: who did what, when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Not accepted")
        CORRECTION_REQUESTED = "correction_requested", _("Correction requested")
        CORRECTED = "corrected", _("Correction submitted")
        TASK_CLAIMED = "task_claimed", _("Task claimed")
        TASK_RELEASED = "task_released", _("Task released")
        APPROVED = "approved", _("Approved by a department")
        REJECTED = "rejected", _("Rejected by a department")
        DECIDED = "decided", _("Decision made")
        EXTENDED = "extended", _("Time limit extended")
        DEADLINE_RECOMPUTED = "deadline_recomputed", _("Deadline recomputed")
        URGED = "urged", _("Urged by a supervisor")
        COPIED = "copied", _("Related departments copied")
        CERTIFICATE_ISSUED = "certificate_issued", _("Certificate issued")
        RATED = "rated", _("Rated by the applicant")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    actor = models.ForeignKey(
        "identity.User",
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task = models.ForeignKey(
        CaseTask,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    is_public = models.BooleanField(
        _("shown to the applicant"),
        default=True,
        help_text=_("Internal notes (e.g. urging) are shown to staff only."),
    )

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "id"]


class CorrectionRequest(BaseModel):
    """A request to the applicant to correct or complete the application (补正); stops the clock."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="corrections"
    )
    task = models.ForeignKey(
        CaseTask,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        "identity.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(
        _("what to correct"),
        default=list,
        help_text=_('[{"field" or "material": name, "message": text}]'),
    )
    note = models.TextField(_("note"), blank=True)
    suspended_on = models.DateField(_("clock stopped on"))
    resolved_at = models.DateTimeField(_("corrected at"), null=True, blank=True)
    resumed_on = models.DateField(_("clock resumed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(resolved_at__isnull=True),
                name="cases_one_open_correction",
            )
        ]


class Extension(BaseModel):
    """An approved extension (延期) of the statutory time limit."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="extensions"
    )
    working_days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        "identity.User", verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        "identity.User", verbose_name=_("approved by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")


class CaseMaterialReference(BaseModel):
    """A required material satisfied by reference (免提交) instead of an uploaded file.

    The applicant's own e-certificate of the material's type, valid when the case was
    submitted, or their own base-registry record (a person's or an enterprise's). Exactly one
    of the three is named; ``label`` is what the applicant and the reviewer read (the
    certificate number, or the registry and the record's key masked).
    """

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="material_references",
    )
    material = models.ForeignKey(
        "catalogue.RequiredMaterial",
        verbose_name=_("material"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate = models.ForeignKey(
        "certificates.Certificate",
        verbose_name=_("e-certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_entity_record = models.ForeignKey(
        "registry.LegalEntityRecord",
        verbose_name=_("legal-entity record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("reference"), max_length=200)
    verified_at = models.DateTimeField(_("verified at"))

    class Meta:
        verbose_name = _("material by reference")
        verbose_name_plural = _("materials by reference")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "material"], name="cases_material_reference_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        certificate__isnull=False,
                        person__isnull=True,
                        legal_entity_record__isnull=True,
                    )
                    | Q(
                        certificate__isnull=True,
                        person__isnull=False,
                        legal_entity_record__isnull=True,
                    )
                    | Q(
                        certificate__isnull=True,
                        person__isnull=True,
                        legal_entity_record__isnull=False,
                    )
                ),
                name="cases_material_reference_one_source",
            ),
        ]

    @property
    def record(self) -> object | None:
        """The registry record referred to, if the reference is not a certificate."""
        return self.person or self.legal_entity_record
