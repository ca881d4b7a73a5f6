"""What a case ends with: the decision document (the rating is ``ratings.py``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.cases.models.case import Case
from ecity.core.models import BaseModel


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
