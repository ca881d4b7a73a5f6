"""Controlled sharing (共享) of the catalogue's resources with department systems.

An item of a published resource is shared unconditionally (any registered department system
reads it), conditionally (a ``SharingGrant`` is needed) or not at all (never returned), as the
catalogue says (``ResourceItem.effective_share_type``). A requesting department asks for
conditional items with a ``SharingRequest`` naming its registered system (an SSO client), the
purpose, the legal basis and the period; the provider answers within 10 working days
(国发〔2016〕51号) on a working-day clock of the workflow app; an approval creates the grant,
which expires at the end of the period and can be revoked (checked on every read).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from oauth2_provider.settings import oauth2_settings

from ecity.core.models import BaseModel
from ecity.workflow.clocks import DeadlineState


class SharingRequest(BaseModel):
    """A department's request (共享申请) for conditional items of another department's resource."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("sharing request", "Awaiting the provider")
        APPROVED = "approved", pgettext_lazy("sharing request", "Approved")
        REFUSED = "refused", pgettext_lazy("sharing request", "Refused")

    resource = models.ForeignKey(
        "registry.Resource",
        verbose_name=_("resource"),
        on_delete=models.PROTECT,
        related_name="sharing_requests",
    )
    items = models.ManyToManyField(
        "registry.ResourceItem", verbose_name=_("information items"), related_name="+"
    )
    provider = models.ForeignKey(
        "org.Department",
        verbose_name=_("provider department"),
        on_delete=models.PROTECT,
        related_name="sharing_requests_received",
    )
    requester = models.ForeignKey(
        "org.Department",
        verbose_name=_("requesting department"),
        on_delete=models.PROTECT,
        related_name="sharing_requests_sent",
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("department system"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The requesting department's registered system that will read the data."),
    )
    purpose = models.TextField(_("purpose"))
    legal_basis = models.TextField(_("legal basis"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The provider's working-day clock (ecity.workflow.clocks): the answer is due on ``due_on``.
    submitted_on = models.DateField(_("submitted on"))
    due_on = models.DateField(_("answer due on"))
    deadline_state = models.CharField(
        _("deadline state"),
        max_length=16,
        choices=DeadlineState.choices,
        default=DeadlineState.NORMAL,
        db_index=True,
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    decided_at = models.DateTimeField(
        pgettext_lazy("sharing request", "decided at"), null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("sharing request", "decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("sharing request")
        verbose_name_plural = _("sharing requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="registry_sharingrequest_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.resource}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class SharingGrant(BaseModel):
    """A provider's grant (共享授权): one system may read some conditional items for a period."""

    request = models.OneToOneField(
        SharingRequest,
        verbose_name=_("sharing request"),
        on_delete=models.PROTECT,
        related_name="grant",
    )
    resource = models.ForeignKey(
        "registry.Resource",
        verbose_name=_("resource"),
        on_delete=models.PROTECT,
        related_name="sharing_grants",
    )
    items = models.ManyToManyField(
        "registry.ResourceItem", verbose_name=_("information items"), related_name="+"
    )
    provider = models.ForeignKey(
        "org.Department",
        verbose_name=_("provider department"),
        on_delete=models.PROTECT,
        related_name="sharing_grants_given",
    )
    grantee = models.ForeignKey(
        "org.Department",
        verbose_name=_("grantee department"),
        on_delete=models.PROTECT,
        related_name="sharing_grants_held",
    )
    application = models.ForeignKey(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("department system"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    starts_on = models.DateField(_("from"))
    expires_on = models.DateField(_("expires on"), help_text=_("The last day of the grant."))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("sharing grant")
        verbose_name_plural = _("sharing grants")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["application", "expires_on"], name="registry_grant_app_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.grantee}: {self.resource}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
