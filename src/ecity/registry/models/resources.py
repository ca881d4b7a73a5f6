"""The government information resource catalogue (政务信息资源目录, GB/T 21063; 编制指南 2017).

A ``Resource`` is one entry of the catalogue: what a provider department holds (name, code,
summary, format), which information items (信息项) it has, each bound to a data element, how it
is shared (无条件共享 / 有条件共享 / 不予共享, with the condition and method), whether it is open
to the public (开放属性), how often it is updated and when it was published.

Versions. The catalogue row of a code (``revision_of`` empty) is the live entry: other apps
(controlled sharing, open data) point at it and it keeps its primary key for life. A published
entry is never edited in place: a change starts a *revision*, a draft ``Resource`` with the same
code whose ``revision_of`` is the live entry and whose ``version`` is one more; once reviewed and
published its content is copied onto the live entry (items matched by data element, so item
rows keep their keys too) and the content that was replaced is kept as a ``ResourceVersion``.
So ``code`` is unique among live entries, and a live entry has at most one open revision.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel


def _localised(name: str, name_en: str) -> str:
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name


class ShareType(models.TextChoices):
    """The sharing attribute of a resource or an item (共享属性)."""

    UNCONDITIONAL = "unconditional", _("Shared unconditionally")  # 无条件共享
    CONDITIONAL = "conditional", _("Shared conditionally")  # 有条件共享
    NOT_SHARED = "not_shared", _("Not shared")  # 不予共享


class OpenType(models.TextChoices):
    """The open-data attribute of a resource (开放属性)."""

    OPEN = "open", _("Open unconditionally")  # 无条件开放
    CONDITIONAL_OPEN = "conditional_open", _("Open conditionally")  # 有条件开放
    NOT_OPEN = "not_open", _("Not open")  # 不予开放


class UpdateCycle(models.TextChoices):
    """How often the provider updates the resource (更新周期)."""

    REALTIME = "realtime", _("Real time")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")
    IRREGULAR = "irregular", _("Irregularly")


class ResourceFormat(models.TextChoices):
    """The resource format classes of the 编制指南 (信息资源格式)."""

    DATABASE = "database", _("Database")  # 数据库
    SPREADSHEET = "spreadsheet", _("Spreadsheet")  # 电子表格
    DOCUMENT = "document", _("Electronic document")  # 电子文件
    IMAGE = "image", _("Graphics and images")  # 图形图像
    STREAMING = "streaming", _("Streaming media")  # 流媒体
    SELF_DESCRIBING = "self_describing", _("Self-describing format (JSON, XML)")  # 自描述格式
    API = "api", _("Service interface")  # 服务接口


class ShareMethod(models.TextChoices):
    """How a shared resource reaches its users (共享方式)."""

    PLATFORM_API = "platform_api", _("Sharing platform: service interface")
    PLATFORM_TABLE = "platform_table", _("Sharing platform: database table exchange")
    PLATFORM_FILE = "platform_file", _("Sharing platform: file download")
    OFFLINE = "offline", _("Offline (media or document)")


class ResourceCategory(models.TextChoices):
    """The three catalogue classes of the 编制指南: base, theme and department resources."""

    BASE = "base", _("Base information resource")  # 基础信息资源
    THEME = "theme", _("Theme information resource")  # 主题信息资源
    DEPARTMENT = "department", _("Department information resource")  # 部门信息资源


class Resource(BaseModel):
    """An entry of the government information resource catalogue (政务信息资源)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("resource status", "Draft")
        IN_REVIEW = "in_review", pgettext_lazy("resource status", "In review")
        PUBLISHED = "published", pgettext_lazy("resource status", "Published")
        WITHDRAWN = "withdrawn", pgettext_lazy("resource status", "Withdrawn")

    code = models.CharField(
        _("resource code"),
        max_length=64,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9_.-]*\Z",
                _("Use letters, digits, _, . and - (it appears in web addresses)."),
            )
        ],
        help_text=_("The catalogue identifier, for example 330100-GA-0001."),
    )
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    provider = models.ForeignKey(
        "org.Department",
        verbose_name=_("provider department"),
        on_delete=models.PROTECT,
        related_name="information_resources",
    )
    summary = models.TextField(_("summary (Chinese)"))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    category = models.CharField(
        _("catalogue class"),
        max_length=16,
        choices=ResourceCategory.choices,
        default=ResourceCategory.DEPARTMENT,
    )
    format = models.CharField(
        _("format"), max_length=16, choices=ResourceFormat.choices, default=ResourceFormat.DATABASE
    )
    format_detail = models.CharField(
        _("format detail"),
        max_length=100,
        blank=True,
        help_text=_("The concrete formats, for example xlsx, csv or PostgreSQL table."),
    )
    share_type = models.CharField(
        _("share type"), max_length=16, choices=ShareType.choices, db_index=True
    )
    share_condition = models.TextField(
        _("share condition"),
        blank=True,
        help_text=_("For conditional sharing: who may use it and for what; for not shared: why."),
    )
    share_method = models.CharField(
        _("share method"), max_length=16, choices=ShareMethod.choices, blank=True
    )
    open_type = models.CharField(
        _("open type"),
        max_length=16,
        choices=OpenType.choices,
        default=OpenType.NOT_OPEN,
        db_index=True,
    )
    open_condition = models.TextField(_("open condition"), blank=True)
    update_cycle = models.CharField(
        _("update cycle"), max_length=16, choices=UpdateCycle.choices, default=UpdateCycle.IRREGULAR
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    subjects = models.ManyToManyField(
        "registry.SubjectTerm",
        verbose_name=_("subjects"),
        blank=True,
        related_name="resources",
    )
    services = models.ManyToManyField(
        "catalogue.ServiceItem",
        verbose_name=_("service items"),
        blank=True,
        related_name="information_resources",
        help_text=_("The government services that use or produce the resource."),
    )
    code_list = models.ForeignKey(
        "registry.CodeList",
        verbose_name=_("code list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
        help_text=_("When the resource is a code list, open data offers its values."),
    )
    revision_of = models.OneToOneField(
        "self",
        verbose_name=_("revision of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revision",
    )
    review_note = models.TextField(
        _("review note"), blank=True, help_text=_("The reviewer's reason when returned.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("information resource")
        verbose_name_plural = _("information resources")
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(revision_of__isnull=True),
                name="registry_resource_code_unique",
            ),
            models.CheckConstraint(
                condition=~Q(share_type="conditional") | ~Q(share_condition=""),
                name="registry_resource_conditional_needs_condition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)

    @property
    def display_summary(self) -> str:
        return _localised(self.summary, self.summary_en)

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None


class ResourceItem(BaseModel):
    """An information item (信息项) of a resource, bound to a data element."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="items"
    )
    data_element = models.ForeignKey(
        "registry.DataElement",
        verbose_name=_("data element"),
        on_delete=models.PROTECT,
        related_name="resource_items",
    )
    name = models.CharField(
        _("item name"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the data element's name."),
    )
    share_type = models.CharField(
        _("share type"),
        max_length=16,
        choices=ShareType.choices,
        null=True,
        blank=True,
        help_text=_("Empty: the resource's share type."),
    )
    is_masked_for_staff = models.BooleanField(
        _("masked for staff"),
        default=False,
        help_text=_("Users of a share see the value masked unless their grant says otherwise."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        ordering = ["resource", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "data_element"], name="registry_resourceitem_unique_element"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.data_element.display_name

    @property
    def effective_share_type(self) -> str:
        """The item's own share type, or the resource's when the item has none."""
        return self.share_type or self.resource.share_type


class ResourceVersion(BaseModel):
    """A published version of a resource that a later version replaced, as it was published."""

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    content = models.JSONField(_("content"), help_text=_("The fields and items as published."))
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        ordering = ["resource", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "version"], name="registry_resourceversion_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource.code} v{self.version}"
