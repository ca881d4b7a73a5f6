"""Organisations: regions, departments and the roles civil servants hold in them.

The platform floor every domain stands on: a work item is assigned to a department and a role,
an audit entry names the actor's departments, a service item has an implementing department.
Tables keep the names they had when these models lived in ``identity`` (identity_region, …).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel
from ecity.core.validators import validate_uscc


def localised_name(name_zh: str, name_en: str) -> str:
    """``name_zh`` is authoritative; English readers see ``name_en`` when it is filled in."""
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name_zh


class Region(BaseModel):
    """An administrative area: city → district → sub-district → community."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Sub-district")
        COMMUNITY = "community", _("Community")

    code = models.CharField(_("region code"), max_length=12, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        db_table = "identity_region"
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        return localised_name(self.name_zh, self.name_en)


class Department(BaseModel):
    """A government department (委办局) or one of its sub-units."""

    code = models.CharField(_("department code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_uscc]
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        db_table = "identity_department"
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        return localised_name(self.name_zh, self.name_en)


class StaffRole(BaseModel):
    """A role a civil servant holds in a department. Platform administrators need no department."""

    class Role(models.TextChoices):
        COUNTER_CLERK = "counter_clerk", _("Counter clerk")
        REVIEWER = "reviewer", _("Reviewer")
        APPROVER = "approver", _("Approver")
        DEPARTMENT_ADMIN = "department_admin", _("Department administrator")
        SUPERVISOR = "supervisor", _("Supervisor")
        PLATFORM_ADMIN = "platform_admin", _("Platform administrator")
        AUDITOR = "auditor", _("Auditor")
        # 12345 hotline: the hotline centre's agents (话务员) and dispatchers (派单员, who also
        # review answers and urge), and a department's or sub-district's ticket handler (承办人).
        HOTLINE_AGENT = "hotline_agent", _("Hotline agent")
        HOTLINE_DISPATCHER = "hotline_dispatcher", _("Hotline dispatcher")
        TICKET_HANDLER = "ticket_handler", _("Ticket handler")
        # Participation: a department's editor of consultations, surveys and its mailbox.
        PARTICIPATION_EDITOR = "participation_editor", _("Participation editor")
        # Department sub-sites (cms): a content editor drafts pages on the department's sub-site,
        # a content reviewer approves and publishes them.
        CONTENT_EDITOR = "content_editor", _("Content editor")
        CONTENT_REVIEWER = "content_reviewer", _("Content reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_roles",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "identity_staffrole"
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="identity_staffrole_unique"
            ),
            models.CheckConstraint(
                condition=Q(role="platform_admin") | Q(department__isnull=False),
                name="identity_staffrole_department_required",
            ),
        ]

    def __str__(self) -> str:
        # The holder by login name, never by real name: this label appears in admin pages,
        # messages and audit entries seen by people who may not see the name.
        where = self.department or _("platform")
        return f"{self.user.get_username()} · {self.get_role_display()} · {where}"
