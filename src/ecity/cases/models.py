"""Cases (办件): one application being handled, from submission to decision.

A ``Case`` is created only when an application is submitted (drafts live in ``CaseDraft``). After
acceptance the case runs a BPMN process (SpiffWorkflow) whose serialized state is kept in
``Case.workflow_state``; each ready user task is mirrored as a ``CaseTask`` row that staff queues
read and act on. Every action is recorded as a ``CaseEvent`` (the case timeline).
"""

from __future__ import annotations

from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import EncryptedJSONField, EncryptedTextField
from ecity.core.models import BaseModel
from ecity.workflow.clocks import DeadlineState
from ecity.workflow.models import WorkItem


class Case(BaseModel):
    """One application for one service version, handled by one or more departments."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting acceptance")  # 待受理
        REFUSED = "refused", _("Not accepted")  # 不予受理
        IN_PROGRESS = "in_progress", _("Being processed")  # 办理中
        AWAITING_CORRECTION = "awaiting_correction", _("Awaiting correction")  # 补正中
        APPROVED = "approved", _("Completed: approved")  # 办结（准予）
        REJECTED = "rejected", _("Completed: not approved")  # 办结（不予）
        WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        COUNTER = "counter", _("Counter")
        MOBILE = "mobile", _("Mobile")
        API = "api", _("API")

    class ApplicantKind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ENTERPRISE = "enterprise", _("Enterprise")

    # The states of a working-day clock (ecity.workflow.clocks): normal, due soon, overdue,
    # suspended.
    DeadlineState = DeadlineState

    CLOSED_STATUSES = ("refused", "approved", "rejected", "withdrawn")

    number = models.CharField(_("case number"), max_length=40, unique=True)
    query_code = models.CharField(_("query code"), max_length=16)
    service_version = models.ForeignKey(
        "catalogue.ServiceItemVersion",
        verbose_name=_("service version"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    process = models.ForeignKey(
        "workflow.ProcessDefinition",
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant = models.ForeignKey(
        "identity.User",
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("Empty for a walk-in applicant without an account."),
    )
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=16, choices=ApplicantKind.choices
    )
    legal_entity = models.ForeignKey(
        "identity.LegalEntity",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    # Personal data, encrypted at rest (ecity.core.fields): the identifier, contact details, the
    # form data and the workflow state (which carries the form data for process conditions).
    applicant_identifier = EncryptedTextField(
        _("applicant ID number or USCC"), max_length=18, blank=True
    )
    contact_phone = EncryptedTextField(_("contact phone"), max_length=20, blank=True)
    contact_email = EncryptedTextField(
        _("contact e-mail"), max_length=254, blank=True, validators=[validate_email]
    )
    submitted_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The counter clerk when submitted on behalf of a walk-in applicant."),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    form_data = EncryptedJSONField(_("form data"), default=dict)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # Deadlines (working days from the holiday calendar), recomputed on suspension/resumption.
    acceptance_due_on = models.DateField(_("acceptance due on"), null=True, blank=True)
    committed_due_on = models.DateField(_("committed deadline"), null=True, blank=True)
    statutory_due_on = models.DateField(_("statutory deadline"), null=True, blank=True)
    suspended_working_days = models.PositiveIntegerField(_("working days suspended"), default=0)
    extension_working_days = models.PositiveIntegerField(_("working days of extension"), default=0)
    deadline_state = models.CharField(
        _("deadline state"),
        max_length=16,
        choices=DeadlineState.choices,
        default=DeadlineState.NORMAL,
        db_index=True,
    )
    # Set while the clock is stopped (awaiting correction); cleared when it resumes.
    clock_suspended_on = models.DateField(_("clock stopped on"), null=True, blank=True)
    # Working days from acceptance to decision, less the stopped clock (set when decided).
    handling_working_days = models.PositiveIntegerField(
        _("handling time (working days)"), null=True, blank=True
    )
    workflow_state = EncryptedJSONField(_("workflow state"), null=True, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    lock_version = models.PositiveIntegerField(_("row version"), default=0)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(
                fields=["department", "status", "-submitted_at"], name="cases_dept_status"
            ),
            models.Index(fields=["applicant", "-submitted_at"], name="cases_applicant"),
            models.Index(fields=["deadline_state", "statutory_due_on"], name="cases_deadline"),
            # Deadline refresh and the staff queues only look at open cases (partial indexes).
            # "id" is included so that the review queues' counts are index-only scans.
            models.Index(
                fields=["committed_due_on"],
                include=["id"],
                condition=Q(status="in_progress"),
                name="cases_open_committed",
            ),
            # The case queues' counts (awaiting correction, due soon, overdue), index-only.
            models.Index(
                fields=["status", "deadline_state"],
                include=["department", "id"],
                condition=Q(status__in=["submitted", "in_progress", "awaiting_correction"]),
                name="cases_open_queue",
            ),
            # The public lookup matches the case number case-insensitively (iexact = UPPER()).
            models.Index(Upper("number"), name="cases_number_upper"),
            models.Index(
                fields=["acceptance_due_on"],
                condition=Q(status="submitted"),
                name="cases_open_acceptance",
            ),
            models.Index(
                fields=["department", "decided_at"],
                condition=Q(decided_at__isnull=False),
                name="cases_decided",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES


class CaseDraft(BaseModel):
    """A saved, not yet submitted application; one per account, identity and service version."""

    owner = models.ForeignKey(
        "identity.User",
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="case_drafts",
    )
    legal_entity = models.ForeignKey(
        "identity.LegalEntity",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    service_version = models.ForeignKey(
        "catalogue.ServiceItemVersion",
        verbose_name=_("service version"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    form_data = EncryptedJSONField(_("form data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "legal_entity", "service_version"],
                name="cases_draft_unique",
                nulls_distinct=False,
            )
        ]


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


class Rating(BaseModel):
    """The applicant's rating of a closed case (好差评)."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")  # 非常满意
        SATISFIED = 4, _("Satisfied")  # 满意
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")  # 基本满意
        DISSATISFIED = 2, _("Dissatisfied")  # 不满意
        VERY_DISSATISFIED = 1, _("Very dissatisfied")  # 非常不满意

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="rating"
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    is_flagged = models.BooleanField(_("flagged to the supervisor"), default=False)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")


class DecisionDocument(BaseModel):
    """The written decision on a closed case: approval, rejection or refusal to accept.

    Issued by the cases handler of ``case.decided`` (outside the case's row locks). The table
    keeps the name it had when the model lived in the certificates app.
    """

    class Kind(models.TextChoices):
        APPROVED = "approved", _("Approval")  # 准予（行政许可决定书）
        REJECTED = "rejected", _("Rejection")  # 不予许可决定书
        REFUSED = "refused", _("Refusal to accept")  # 不予受理决定书

    case = models.OneToOneField(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="decision_document",
    )
    number = models.CharField(_("document number"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("decision text"))
    pdf = models.FileField(_("PDF"), upload_to="decisions/%Y/%m/", blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "certificates_decisiondocument"
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number
