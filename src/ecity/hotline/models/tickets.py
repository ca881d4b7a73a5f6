"""Tickets (工单): one citizen's request to the hotline, from intake to callback.

The closed loop of 国办发〔2020〕53号 maps to ``Ticket.Status``::

    received ──dispatch──▶ dispatched ──sign──▶ handling ──answer──▶ answered ──review──▶ closed
       │  ▲                    │                   │  ▲                  │                 │
       │  └──────return────────┴────return─────────┘  └────reject────────┘                 │
       └─resolve_at_intake──▶ closed                      (transfer: back to dispatched)     │
    closed ──callback 不满意 / not solved──▶ handling (reopen, same department)  ◀────────────┘
    any open ──merge──▶ merged (into its main ticket; its callers are told the main outcome)

Every change is a ``TicketEvent`` (the timeline), written in the same transaction. The current
handling assignment is ``Ticket.department`` (+ ``region`` for a sub-district); a second
department's assistance (协办) is a ``TicketAssist``. Time limits (``TicketLimit``) are data by kind
and urgency, in working hours or working days from the calendar.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel
from ecity.workflow.clocks import DeadlineState


class TicketKind(models.TextChoices):
    ENQUIRY = "enquiry", _("Enquiry")  # 咨询
    HELP = "help", _("Request for help")  # 求助
    COMPLAINT = "complaint", _("Complaint")  # 投诉
    REPORT = "report", _("Report")  # 举报
    SUGGESTION = "suggestion", _("Suggestion")  # 建议
    PRAISE = "praise", _("Praise")  # 表扬


class Urgency(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")  # 一般
    URGENT = "urgent", _("Urgent")  # 紧急
    EMERGENCY = "emergency", _("Emergency")  # 特急


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    WEB = "web", pgettext_lazy("ticket channel", "Portal")
    MOBILE = "mobile", _("Mobile")
    OPEN311 = "open311", _("Open311 API")
    MAILBOX = "mailbox", _("Mailbox letter")
    API = "api", _("API")


class Ticket(BaseModel):
    """One request (诉求) to the hotline."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting dispatch")  # 待派单
        DISPATCHED = "dispatched", _("Dispatched, awaiting sign-for")  # 待签收
        HANDLING = "handling", _("Being handled")  # 办理中
        RETURNED = "returned", _("Returned to the dispatcher")  # 已退单
        ANSWERED = "answered", _("Answered, awaiting review")  # 待审核
        CLOSED = "closed", _("Closed")  # 已办结
        MERGED = "merged", _("Merged into another ticket")  # 已并单

    OPEN_STATUSES = ("received", "dispatched", "handling", "returned", "answered")

    number = models.CharField(_("ticket number"), max_length=40, unique=True)
    query_code = models.CharField(_("query code"), max_length=16)
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ORDINARY
    )
    category = models.ForeignKey(
        "hotline.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # The caller. Anonymous callers leave name and account empty; a phone number is still kept
    # (encrypted) when given, so that the agent sees the caller's earlier tickets. ``confidential``
    # hides the caller from the department handling the ticket (only the hotline centre sees them).
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("citizen account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_tickets",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    confidential = models.BooleanField(_("keep my identity confidential"), default=False)
    caller_name = EncryptedTextField(_("caller name"), max_length=100, blank=True)
    caller_phone = EncryptedTextField(_("caller phone"), max_length=20, blank=True)
    # ``core.crypto.blind_index`` of the normalised phone number: finds the caller's history
    # without decrypting every row.
    caller_phone_index = models.CharField(_("caller phone index"), max_length=64, blank=True)
    # The place: an address, a region of the city (street or community), coordinates (WGS 84).
    address = models.CharField(_("address"), max_length=300, blank=True)
    region = models.ForeignKey(
        "org.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_tickets",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    # The handling assignment: the department (or the sub-district's office) that handles it now.
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_tickets",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agent who took the call; empty for self-service channels."),
    )
    received_at = models.DateTimeField(
        pgettext_lazy("hotline ticket", "received at"), db_index=True
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, db_index=True)
    # Time limits, computed from ``TicketLimit`` in working time when the ticket is dispatched.
    sign_due_at = models.DateTimeField(_("sign for by"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer by"), null=True, blank=True, db_index=True)
    # The answer to the citizen (回复), and whether the ticket was answered at intake (直接办结).
    answer = models.TextField(pgettext_lazy("hotline ticket", "answer"), blank=True)
    resolved_at_intake = models.BooleanField(_("resolved at intake"), default=False)
    main_ticket = models.ForeignKey(
        "self",
        verbose_name=_("main ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_tickets",
    )
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    # Handling (services/handling.py): returns to the dispatcher (退单) and urgings (督办) are
    # counted for the statistics; a sign-for after ``sign_due_at`` is allowed but recorded late.
    return_count = models.PositiveIntegerField(_("times returned"), default=0)
    urge_count = models.PositiveIntegerField(_("times urged"), default=0)
    signed_late = models.BooleanField(_("signed for late"), default=False)
    # Refreshed by the periodic job (hotline/jobs.py) and by every handling action: the running
    # limit is ``sign_due_at`` while dispatched and ``due_at`` while handling.
    deadline_state = models.CharField(
        _("deadline state"),
        max_length=16,
        choices=DeadlineState.choices,
        default=DeadlineState.NORMAL,
        db_index=True,
    )
    # Published (with the citizen's consent, personal data removed) with its answer.
    public_consent = models.BooleanField(_("may be published"), default=False)
    is_public = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["department", "status"], name="hotline_ticket_dept_status"),
            models.Index(fields=["category", "received_at"], name="hotline_ticket_cat_time"),
            models.Index(fields=["region", "received_at"], name="hotline_ticket_region_time"),
            # A caller's newest tickets (the console's caller history) without sorting them all.
            models.Index(
                fields=["caller_phone_index", "-received_at"], name="hotline_ticket_caller_time"
            ),
            # How closed tickets of a category were shared among departments (the dispatch
            # suggestion's history), read from the index alone.
            models.Index(
                fields=["category", "status", "department"], name="hotline_ticket_cat_status_dept"
            ),
            # Tickets near a point (repeated places, duplicates): a box on the coordinates.
            models.Index(fields=["latitude", "longitude"], name="hotline_ticket_place"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class TicketEvent(BaseModel):
    """One step of a ticket's timeline (who did what, when, with which note)."""

    class Action(models.TextChoices):
        RECEIVE = "receive", _("Received")  # 受理
        RESOLVE_AT_INTAKE = "resolve_at_intake", _("Resolved at intake")  # 直接办结
        DISPATCH = "dispatch", _("Dispatched")  # 派单
        SIGN = "sign", _("Signed for")  # 签收
        RETURN = "return", _("Returned")  # 退单
        TRANSFER = "transfer", _("Transferred")  # 转办
        EXTENSION_REQUEST = "extension_request", _("Extension requested")  # 申请延期
        EXTENSION_DECISION = "extension_decision", _("Extension decided")
        ASSIST_REQUEST = "assist_request", _("Assistance requested")  # 申请协办
        URGE = "urge", _("Urged")  # 督办
        ANSWER = "answer", pgettext_lazy("ticket action", "Answered")  # 回复
        REVIEW_REJECT = "review_reject", _("Answer sent back")  # 审核退回
        CLOSE = "close", _("Closed")  # 办结
        CALLBACK = "callback", _("Callback")  # 回访
        REOPEN = "reopen", _("Reopened")  # 重办
        MERGE = "merge", _("Merged")  # 并单
        NOTE = "note", _("Note")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
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
        help_text=_("The department the step concerns (dispatched to, transferred to…)."),
    )
    note = models.TextField(_("note"), blank=True)
    # Shown to the citizen on the progress page (internal notes are not).
    public = models.BooleanField(_("shown to the citizen"), default=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket} {self.action}"


class TicketAttachment(BaseModel):
    """A file the caller or a handler attached (photo, document), stored by ``core`` uploads."""

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="hotline/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ticket attachment")
        verbose_name_plural = _("ticket attachments")


class TicketLimit(BaseModel):
    """How long a department has, by kind and urgency (data, editable by the hotline centre).

    E.g. emergency: sign for within 0.5 working hours, answer within 2 working hours; ordinary:
    sign for within 4 working hours, answer within 5 working days. ``kind`` empty = any kind.
    """

    class Unit(models.TextChoices):
        WORKING_HOURS = "working_hours", _("working hours")
        WORKING_DAYS = "working_days", _("working days")

    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices, blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    sign_within = models.DecimalField(_("sign for within"), max_digits=6, decimal_places=2)
    sign_unit = models.CharField(
        _("unit"), max_length=16, choices=Unit.choices, default=Unit.WORKING_HOURS
    )
    answer_within = models.DecimalField(_("answer within"), max_digits=6, decimal_places=2)
    answer_unit = models.CharField(
        _("unit"), max_length=16, choices=Unit.choices, default=Unit.WORKING_DAYS
    )

    class Meta:
        verbose_name = _("ticket time limit")
        verbose_name_plural = _("ticket time limits")
        constraints = [
            models.UniqueConstraint(fields=["kind", "urgency"], name="hotline_limit_unique")
        ]
