"""Service ratings (好差评) and what follows them: invitations, rectification, appeals, rankings.

National practice (国办发〔2019〕51号): an applicant rates a decided case on five levels; a low
rating (差评: dissatisfied or very dissatisfied) is verified and rectified (整改) by the
responsible department within a limit, which answers the rater (回访); the rater says whether
the problem is resolved. A department may appeal a malicious rating to the supervisors (申诉复核);
an upheld appeal takes the rating out of the statistics. Monthly rankings of the departments are
published (公开), and a month's published numbers are frozen once it has ended.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ecity.cases.models.case import Case
from ecity.core.models import BaseModel
from ecity.workflow.clocks import DeadlineState
from ecity.workflow.models import WorkItem


class Rating(BaseModel):
    """The applicant's rating of a decided case (好差评)."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")  # 非常满意
        SATISFIED = 4, _("Satisfied")  # 满意
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")  # 基本满意
        DISSATISFIED = 2, _("Dissatisfied")  # 不满意
        VERY_DISSATISFIED = 1, _("Very dissatisfied")  # 非常不满意

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online, logged in")
        COUNTER = "counter", _("At the counter (rating device)")
        LINK = "link", _("Link in a message")

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="rating"
    )
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    is_flagged = models.BooleanField(_("flagged to the supervisor"), default=False)
    is_excluded = models.BooleanField(
        _("excluded from the statistics"),
        default=False,
        help_text=_("Set when a supervisor upholds the department's appeal (malicious rating)."),
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.case.number} ({self.level})"

    @property
    def is_low(self) -> bool:
        """A 差评: dissatisfied or very dissatisfied."""
        return self.level <= self.Level.DISSATISFIED


class RatingInvitation(BaseModel):
    """A one-time link to rate one case without logging in (评价器 at the counter, or a message).

    Only the SHA-256 of the token is stored; the token itself is shown once (the counter's
    tablet and QR code) or sent once (a walk-in applicant's SMS or e-mail).
    """

    class Channel(models.TextChoices):
        COUNTER = "counter", _("Counter")
        MESSAGE = "message", _("Message to the applicant")

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="rating_invitations",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")


class Rectification(WorkItem):
    """The rectification of a low rating (差评整改) by the case's lead department.

    A work item of the department's staff with a working-day clock (``due_on``, refreshed by the
    periodic job ``workflow.deadlines``). ``status`` is the work item's (open until the
    department answers the rater); ``stage`` is where the follow-up stands as a whole.
    """

    class Stage(models.TextChoices):
        RECTIFYING = "rectifying", _("Being rectified")  # 整改中
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Answered, awaiting the rater")
        RESOLVED = "resolved", _("Resolved (confirmed by the rater)")
        UNRESOLVED = "unresolved", _("Not resolved, with the supervisors")
        CLOSED = "closed", _("Closed without further rectification")
        CANCELLED = "cancelled", _("Cancelled (appeal upheld)")

    rating = models.OneToOneField(
        Rating,
        verbose_name=_("rating"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    stage = models.CharField(
        _("stage"),
        max_length=24,
        choices=Stage.choices,
        default=Stage.RECTIFYING,
        db_index=True,
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    started_on = models.DateField(_("started on"))
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    due_on = models.DateField(_("due on"))
    deadline_state = models.CharField(
        _("deadline state"),
        max_length=16,
        choices=DeadlineState.choices,
        default=DeadlineState.NORMAL,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["department", "stage", "due_on"], name="cases_rect_queue"),
            models.Index(
                fields=["due_on"],
                condition=Q(stage="rectifying"),
                name="cases_rect_running",
            ),
        ]


class RatingFollowUp(BaseModel):
    """One step of a rating's follow-up: the department's answers, the rater's verdicts, …"""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Rectification opened")
        ANSWERED = "answered", _("The department answered")
        RESOLVED = "resolved", _("The rater confirmed it is resolved")
        NOT_RESOLVED = "not_resolved", _("The rater said it is not resolved")
        REOPENED = "reopened", _("Sent back for rectification by a supervisor")
        CLOSED = "closed", _("Closed by a supervisor")
        APPEALED = "appealed", _("Appeal filed by the department")
        APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld: rating excluded")
        APPEAL_REJECTED = "appeal_rejected", _("Appeal rejected")

    # What the rater sees of the follow-up; appeals stay internal.
    RATER_KINDS = ("opened", "answered", "resolved", "not_resolved", "reopened", "closed")

    rating = models.ForeignKey(
        Rating,
        verbose_name=_("rating"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
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
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("rating follow-up")
        verbose_name_plural = _("rating follow-ups")
        ordering = ["created_at", "id"]


class RatingAppeal(BaseModel):
    """A department's appeal of a rating as malicious (申诉复核), decided by a supervisor."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        UPHELD = "upheld", _("Appeal upheld")
        REJECTED = "rejected", _("Appeal rejected")

    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="appeal"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons of the decision"), blank=True)

    class Meta:
        verbose_name = _("rating appeal")
        verbose_name_plural = _("rating appeals")


class RankingPublication(BaseModel):
    """The frozen monthly ranking of the departments for one month (published when it ended)."""

    month = models.DateField(_("month (its first day)"), unique=True)
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("published monthly ranking")
        verbose_name_plural = _("published monthly rankings")
        ordering = ["-month"]


class RankingEntry(BaseModel):
    """One department's line of a published monthly ranking."""

    publication = models.ForeignKey(
        RankingPublication,
        verbose_name=_("publication"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rank = models.PositiveIntegerField(_("rank"))
    ratings = models.PositiveIntegerField(_("ratings counted"))
    very_satisfied = models.PositiveIntegerField(_("very satisfied"))
    satisfied = models.PositiveIntegerField(_("satisfied"))
    fairly_satisfied = models.PositiveIntegerField(_("fairly satisfied"))
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"))
    very_dissatisfied = models.PositiveIntegerField(_("very dissatisfied"))
    excluded = models.PositiveIntegerField(_("ratings excluded after an appeal"))
    satisfaction_rate = models.DecimalField(
        _("satisfaction rate (%)"), max_digits=4, decimal_places=1, null=True
    )
    decided = models.PositiveIntegerField(_("cases decided"))
    on_time = models.PositiveIntegerField(_("cases decided on time"))
    on_time_rate = models.DecimalField(
        _("on-time rate (%)"), max_digits=4, decimal_places=1, null=True
    )

    class Meta:
        verbose_name = _("monthly ranking entry")
        verbose_name_plural = _("monthly ranking entries")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "department"], name="cases_ranking_entry_unique"
            )
        ]
