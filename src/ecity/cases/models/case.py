"""Cases and drafts: the application and its attachments."""

from __future__ import annotations

from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import EncryptedJSONField, EncryptedTextField
from ecity.core.models import BaseModel
from ecity.workflow.clocks import DeadlineState


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
    # The applicant's base-registry record (the snapshot below is history, this is the
    # reference): the person record of a citizen (their account's, or a walk-in's found by ID
    # number), the legal-entity record of an enterprise. Empty when the registry has none.
    applicant_person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("applicant's person record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_legal_entity = models.ForeignKey(
        "registry.LegalEntityRecord",
        verbose_name=_("applicant's legal-entity record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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
            # The due-soon and overdue queues in their order: a page reads its 20 rows in index
            # order instead of sorting every open case in that state.
            models.Index(
                fields=["deadline_state", "committed_due_on", "acceptance_due_on", "id"],
                condition=Q(status__in=["submitted", "in_progress", "awaiting_correction"]),
                name="cases_open_deadline_order",
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
    """A saved, not yet submitted application, or the files kept from a refused submission.

    ``purpose`` says which: the applicant's online application draft (one per account, identity
    and service version, kept until submitted), or the files a counter clerk's or an applicant's
    correction form kept when it was refused for another mistake (one per account and counter
    form, ``form_key``, or per account and case under correction, ``case``). Those expire
    (``ECITY_KEPT_FILES_HOURS``) and only their owner can use them.

    A joint application's draft (一件事) names the joint application version instead of a
    service version: its ``form_data`` has the combined form's shape (``{"shared": …,
    "services": …}``) and each kept file is filed under the first material of its slot.
    """

    class Purpose(models.TextChoices):
        APPLICATION = "application", _("Online application")
        COUNTER = "counter", _("Counter application")
        CORRECTION = "correction", _("Correction")

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
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    joint_version = models.ForeignKey(
        "catalogue.JointServiceVersion",
        verbose_name=_("joint application version"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.APPLICATION
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("case under correction"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The one-time key of the counter form the files were kept from.
    form_key = models.CharField(_("form key"), max_length=64, blank=True)
    form_data = EncryptedJSONField(_("form data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "owner",
                    "legal_entity",
                    "service_version",
                    "joint_version",
                    "purpose",
                    "case",
                    "form_key",
                ],
                name="cases_draft_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(service_version__isnull=False, joint_version__isnull=True)
                | models.Q(service_version__isnull=True, joint_version__isnull=False),
                name="cases_draft_one_subject",
            ),
        ]
