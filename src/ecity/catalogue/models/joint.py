"""Joint applications (一件事一次办): a life event applied for once across several services.

A ``JointService`` is the stable identity (code, life event, lead department); its content lives
in ``JointServiceVersion`` rows, versioned and published like service guides: the member
services (each a published service version), the fields asked once and copied into several
member forms, and the materials uploaded once and filed with several member cases.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ecity.catalogue.models.service import (
    BilingualName,
    LifeEvent,
    RequiredMaterial,
    ServiceItemVersion,
)
from ecity.catalogue.models.versioning import PublishedVersion
from ecity.core.models import BaseModel


class JointService(BaseModel):
    """A life event applied for once (一件事): several services, one form, one submission.

    The stable identity (code, life event, lead department); the content is versioned like a
    service guide in ``JointServiceVersion``. The lead department owns and maintains it; the
    member services stay their own departments' (each handles its own case).
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    life_event = models.ForeignKey(
        LifeEvent,
        verbose_name=_("life event"),
        on_delete=models.PROTECT,
        related_name="joint_services",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="joint_services",
    )
    current_version = models.OneToOneField(
        "JointServiceVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("joint application (一件事)")
        verbose_name_plural = _("joint applications (一件事)")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class JointServiceVersion(PublishedVersion, BilingualName):
    """One version of a joint application's configuration; published versions never change."""

    service = models.ForeignKey(
        JointService,
        verbose_name=_("joint application (一件事)"),
        on_delete=models.CASCADE,
        related_name="versions",
    )

    class Meta:
        verbose_name = _("joint application version")
        verbose_name_plural = _("joint application versions")
        ordering = ["service", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "number"], name="catalogue_joint_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(status="draft"),
                name="catalogue_joint_version_one_draft",
            ),
        ]


class JointServiceMember(BaseModel):
    """A service of a joint application: one published service version, one case per submission.

    ``waived_fields`` and ``waived_materials`` are what this service's guide asks but the joint
    application does not, because another member's result provides it (for example the business
    licence and its USCC, issued by the registration in the same application).
    """

    version = models.ForeignKey(
        JointServiceVersion,
        verbose_name=_("joint application version"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    service_version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("service version"),
        on_delete=models.PROTECT,
        related_name="joint_memberships",
    )
    waived_fields = models.JSONField(
        _("form fields not asked"),
        default=list,
        blank=True,
        help_text=_("Field names of this service's form that another member's result provides."),
    )
    waived_materials = models.ManyToManyField(
        RequiredMaterial,
        verbose_name=_("materials not asked"),
        blank=True,
        related_name="+",
    )
    waiver_note = models.CharField(
        _("why they are not asked"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the applicant and to the department, e.g. shared from the licence."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("member service")
        verbose_name_plural = _("member services")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "service_version"], name="catalogue_joint_member_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.service_version)


class JointSharedField(BaseModel):
    """A field asked once and copied into several member forms (``targets``: item code → field).

    For example 经营场所地址 → ``business_address`` of the registration and
    ``premises_address`` of the fire safety check.
    """

    version = models.ForeignKey(
        JointServiceVersion,
        verbose_name=_("joint application version"),
        on_delete=models.CASCADE,
        related_name="shared_fields",
    )
    key = models.CharField(_("field name"), max_length=64)
    title_zh = models.CharField(_("label (Chinese)"), max_length=200)
    title_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    targets = models.JSONField(
        _("mapped fields"),
        default=dict,
        help_text=_('Service item code → that form\'s field name, e.g. {"SCJ-XK-001": "address"}'),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("shared field")
        verbose_name_plural = _("shared fields")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="catalogue_joint_field_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.title_zh

    @property
    def title(self) -> str:
        if (get_language() or "").startswith("en") and self.title_en:
            return self.title_en
        return self.title_zh


class JointSharedMaterial(BaseModel, BilingualName):
    """A material several member services need: uploaded once, filed with each of their cases."""

    version = models.ForeignKey(
        JointServiceVersion,
        verbose_name=_("joint application version"),
        on_delete=models.CASCADE,
        related_name="shared_materials",
    )
    materials = models.ManyToManyField(
        RequiredMaterial,
        verbose_name=_("materials of the member services"),
        related_name="joint_shared_in",
    )
    notes = models.TextField(_("notes"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("shared material")
        verbose_name_plural = _("shared materials")
        ordering = ["sort_order", "id"]
