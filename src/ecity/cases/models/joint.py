"""Joint applications (一件事一次办): one submission that created several linked cases.

A ``JointApplication`` records one submission of a joint application version (the catalogue's
``JointServiceVersion``): its number and query code, who applied (an account, or a walk-in
applicant for whom a counter clerk submitted: ``applicant`` empty, their name, ID number and
phone kept, ``submitted_by`` the clerk), and its member cases (one per member service, each
handled by its own department as any case is).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecity.cases.models.case import Case
from ecity.catalogue.models import JointServiceMember
from ecity.core.fields import EncryptedTextField
from ecity.core.models import BaseModel


class JointApplication(BaseModel):
    """One submission of a joint application, linking the cases it created."""

    number = models.CharField(_("joint application number"), max_length=40, unique=True)
    query_code = models.CharField(_("query code"), max_length=16)
    joint_version = models.ForeignKey(
        "catalogue.JointServiceVersion",
        verbose_name=_("joint application version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        "identity.User",
        verbose_name=_("applicant account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_applications",
        help_text=_("Empty for a walk-in applicant without an account."),
    )
    legal_entity = models.ForeignKey(
        "identity.LegalEntity",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_applications",
    )
    # The applicant's base-registry record, as on the member cases (``Case.applicant_person``).
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
    # A walk-in applicant's details as the counter clerk entered them (as on the member cases),
    # encrypted at rest like the case's (ecity.core.fields); empty for an account holder.
    applicant_identifier = EncryptedTextField(_("applicant ID number"), max_length=18, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), max_length=20, blank=True)
    submitted_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The counter clerk when submitted on behalf of a walk-in applicant."),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Case.Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)

    class Meta:
        verbose_name = _("joint application")
        verbose_name_plural = _("joint applications")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"], name="cases_joint_applicant"),
        ]

    def __str__(self) -> str:
        return self.number


class JointApplicationCase(BaseModel):
    """A member case of a joint application (one per member service)."""

    joint_application = models.ForeignKey(
        JointApplication,
        verbose_name=_("joint application"),
        on_delete=models.CASCADE,
        related_name="links",
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="joint_link"
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("member case")
        verbose_name_plural = _("member cases")
        ordering = ["sort_order", "id"]

    @property
    def member(self) -> JointServiceMember | None:
        """The joint application's configuration of this case's service (what it waived)."""
        return self.joint_application.joint_version.members.filter(
            service_version_id=self.case.service_version_id
        ).first()
