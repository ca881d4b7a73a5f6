"""Disclosure on request (依申请公开), 《政府信息公开条例》(2019) articles 27–45.

A request moves ``received ──reply──▶ replied``; a correction request (补正, art. 30) moves it to
``awaiting_correction`` (clock stopped) and the applicant's answer back to ``received`` with the
limit counted again from the day the corrected request arrived. The reply is due 20 working days
after the clock started (art. 33), plus one extension of at most 20 working days approved by the
department's head.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel
from ecity.workflow.clocks import DeadlineState

#: The statutory limit and the one extension (working days, art. 33).
REPLY_LIMIT_DAYS = 20
EXTENSION_MAX_DAYS = 20


class ApplicantType(models.TextChoices):
    PERSON = "person", _("Citizen")  # 公民
    ENTERPRISE = "enterprise", _("Enterprise or other organisation")  # 法人或者其他组织


class Medium(models.TextChoices):
    PAPER = "paper", _("On paper")  # 纸质
    ELECTRONIC = "electronic", _("Electronic")  # 电子


class Delivery(models.TextChoices):
    POST = "post", _("By post")  # 邮寄
    PICKUP = "pickup", _("Collected in person")  # 自行领取
    EMAIL = "email", _("By e-mail")  # 电子邮件
    ONLINE = "online", pgettext_lazy("disclosure", "Online")  # 网上获取


class ReplyType(models.TextChoices):
    DISCLOSED = "disclosed", _("Disclosed")  # 予以公开
    PARTIALLY_DISCLOSED = "partially_disclosed", _("Partially disclosed")  # 部分公开
    NOT_DISCLOSED = "not_disclosed", _("Not disclosed")  # 不予公开
    NOT_AVAILABLE = "not_available", _("Information does not exist")  # 无法提供/信息不存在
    OTHER_BODY = "other_body", _("Not held by this body")  # 非本机关负责公开
    REPEATED = "repeated", _("Repeated request")  # 重复申请
    NOT_PROCESSED = "not_processed", _("Not processed")  # 不予处理 (信访、咨询 …)


class DisclosureRequest(BaseModel):
    """One request for government information to one department."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")  # 已受理
        AWAITING_CORRECTION = "awaiting_correction", _("Awaiting correction")  # 待补正
        REPLIED = "replied", _("Replied")  # 已答复

    OPEN_STATUSES = ("received", "awaiting_correction")

    number = models.CharField(_("request number"), max_length=60, unique=True)
    query_code = models.CharField(_("query code"), max_length=16)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department addressed"),
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
    )
    applicant_type = models.CharField(
        _("applicant type"), max_length=16, choices=ApplicantType.choices
    )
    # A citizen: name and ID number. An enterprise: name, USCC and legal representative.
    name = EncryptedTextField(_("name"), max_length=200)
    id_number = EncryptedTextField(_("ID number"), max_length=18, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    legal_representative = EncryptedTextField(_("legal representative"), max_length=100, blank=True)
    contact_name = EncryptedTextField(_("contact person"), max_length=100, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=20)
    email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    address = EncryptedTextField(_("postal address"), max_length=300, blank=True)
    description = models.TextField(_("information requested"))
    purpose = models.TextField(_("purpose"), blank=True)
    medium = models.CharField(_("form of the information"), max_length=16, choices=Medium.choices)
    delivery = models.CharField(
        pgettext_lazy("disclosure", "delivery"), max_length=16, choices=Delivery.choices
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    received_on = models.DateField(pgettext_lazy("disclosure", "received on"))
    # The day the limit counts from: receipt, or receipt of the corrected request (art. 30).
    clock_started_on = models.DateField(_("limit counted from"))
    due_on = models.DateField(_("reply due on"), db_index=True)
    clock_stopped_on = models.DateField(_("clock stopped on"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("working days of extension"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("extension approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    deadline_state = models.CharField(
        _("deadline state"),
        max_length=16,
        choices=DeadlineState.choices,
        default=DeadlineState.NORMAL,
        db_index=True,
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")
        indexes = [
            models.Index(fields=["department", "status"], name="disclosure_req_dept_st"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(extension_days__lte=EXTENSION_MAX_DAYS),
                name="disclosure_req_extension_max",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CorrectionRequest(BaseModel):
    """A request to the applicant to correct or complete the request (补正, art. 30)."""

    request = models.ForeignKey(
        DisclosureRequest,
        verbose_name=_("disclosure request"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    asked_on = models.DateField(_("asked on"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    what = models.TextField(_("what to correct"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["asked_on", "id"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")


class DisclosureReply(BaseModel):
    """The department's reply (答复) of a statutory type, issued as a signed PDF."""

    request = models.OneToOneField(
        DisclosureRequest,
        verbose_name=_("disclosure request"),
        on_delete=models.PROTECT,
        related_name="reply",
    )
    reply_type = models.CharField(_("reply type"), max_length=24, choices=ReplyType.choices)
    content = models.TextField(_("reply text"))
    withheld = models.TextField(_("information withheld"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    legal_ground = models.CharField(_("legal ground"), max_length=300, blank=True)
    right_body = models.CharField(_("body responsible"), max_length=200, blank=True)
    right_body_contact = models.CharField(_("contact of that body"), max_length=200, blank=True)
    earlier_number = models.CharField(_("earlier request number"), max_length=60, blank=True)
    replied_on = models.DateField(_("replied on"))
    replied_at = models.DateTimeField(_("replied at"))
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_late = models.BooleanField(_("replied after the limit"), default=False)
    pdf = models.BinaryField(_("reply document (PDF)"))
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, db_index=True)
    signature = models.TextField(_("signature"))
    key_id = models.CharField(_("signing key"), max_length=64)

    class Meta:
        verbose_name = _("disclosure reply")
        verbose_name_plural = _("disclosure replies")

    def __str__(self) -> str:
        return f"{self.request.number} {self.get_reply_type_display()}"
