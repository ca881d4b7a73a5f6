"""The service catalogue: service items (事项), their versioned guides, materials and forms.

A ``ServiceItem`` is the stable identity (code, department). Its content lives in
``ServiceItemVersion`` rows: a published version is immutable, editing happens on a draft, and
publishing a draft makes it ``ServiceItem.current_version``. Older versions stay readable.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ecity.catalogue.models.versioning import PublishedVersion
from ecity.core.models import BaseModel

#: Time limits of a service are whole working days from 1 to this (ten years of working days):
#: no law sets a longer one, and deadline arithmetic stays cheap and inside the calendar.
TIME_LIMIT_MAX_WORKING_DAYS = 3650


def validate_time_limit(value: object) -> None:
    """Refuse a time limit that is not a whole number of working days from 1 to the maximum."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(time_limit_message(), code="time_limit")
    if not 1 <= value <= TIME_LIMIT_MAX_WORKING_DAYS:
        raise ValidationError(time_limit_message(), code="time_limit")


def time_limit_message() -> str:
    """The message for a time limit out of range, in the active language."""
    from django.utils.translation import gettext

    return gettext("Enter a time limit from 1 to %(max)d working days.") % {
        "max": TIME_LIMIT_MAX_WORKING_DAYS
    }


class Audience(models.TextChoices):
    CITIZENS = "g2c", _("Citizens (G2C)")
    ENTERPRISES = "g2b", _("Enterprises (G2B)")
    GOVERNMENT = "g2g", _("Government (G2G)")


class BilingualName(models.Model):
    """``name_zh`` is authoritative; ``name_en`` is shown to English readers when present."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class Theme(BaseModel, BilingualName):
    """A subject theme for browsing (e.g. 市场监管, 社会保障)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    audience = models.CharField(_("audience"), max_length=3, choices=Audience.choices)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["sort_order", "code"]


class LifeEvent(BaseModel, BilingualName):
    """A life event (e.g. 开办企业, 生育, 就业, 养老) grouping the services it needs."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    audience = models.CharField(_("audience"), max_length=3, choices=Audience.choices)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["sort_order", "code"]


class ServiceItem(BaseModel):
    """The stable identity of a government service item; its content is in its versions."""

    code = models.CharField(_("service item code"), max_length=64, unique=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("implementing department"),
        on_delete=models.PROTECT,
        related_name="service_items",
    )
    current_version = models.OneToOneField(
        "ServiceItemVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Applications in the last 90 days (kept by the cases app's job): search ranks used services
    # higher.
    recent_applications = models.PositiveIntegerField(
        _("recent applications"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ServiceItemVersion(PublishedVersion, BilingualName):
    """One version of a service guide. Published versions are never changed again."""

    class Kind(models.TextChoices):
        LICENSING = "licensing", _("Administrative licensing")  # 行政许可
        CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
        PAYMENT = "payment", _("Administrative payment")  # 行政给付
        ADJUDICATION = "adjudication", _("Administrative adjudication")  # 行政裁决
        AWARD = "award", _("Administrative award")  # 行政奖励
        OTHER_POWER = "other_power", _("Other administrative power")  # 其他行政权力
        PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务

    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("service item"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, blank=True)
    # Drafts may be incomplete; version_publish checks that every guide element is filled in.
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    statutory_days = models.PositiveIntegerField(
        _("statutory time limit (working days)"),
        null=True,
        blank=True,
        validators=[validate_time_limit],
    )
    committed_days = models.PositiveIntegerField(
        _("committed time limit (working days)"),
        null=True,
        blank=True,
        validators=[validate_time_limit],
    )
    acceptance_days = models.PositiveIntegerField(
        _("time limit for acceptance (working days)"),
        default=5,
        validators=[validate_time_limit],
        help_text=_(
            "Working days to accept the application or tell the applicant, once and completely, "
            "what is missing."
        ),
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    fee_description = models.TextField(_("fees"), blank=True)
    fee_basis = models.TextField(_("basis of fees"), blank=True)
    is_online = models.BooleanField(_("can apply online"), default=True)
    is_counter = models.BooleanField(_("can apply at a counter"), default=True)
    is_mobile = models.BooleanField(_("can apply on a mobile phone"), default=False)
    # One boolean per audience (not a JSON list) so that filtering works the same on SQLite and
    # PostgreSQL and can use plain indexes.
    for_g2c = models.BooleanField(_("for citizens (G2C)"), default=False)
    for_g2b = models.BooleanField(_("for enterprises (G2B)"), default=False)
    for_g2g = models.BooleanField(_("for government (G2G)"), default=False)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="versions"
    )
    life_events = models.ManyToManyField(
        LifeEvent, verbose_name=_("life events"), blank=True, related_name="versions"
    )
    process_description = models.TextField(_("procedure"), blank=True)
    result_description = models.TextField(_("result of the service"), blank=True)
    contact_phone = models.CharField(_("enquiry phone"), max_length=100, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=100, blank=True)
    form_schema = models.JSONField(_("application form schema"), default=dict, blank=True)

    class Meta:
        verbose_name = _("service item version")
        verbose_name_plural = _("service item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "number"], name="catalogue_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="draft"), name="catalogue_version_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(committed_days__lte=models.F("statutory_days")),
                name="catalogue_version_committed_within_statutory",
            ),
        ]

    @property
    def audiences(self) -> list[str]:
        """The audience codes (``g2c``, ``g2b``, ``g2g``) this version serves."""
        return [a for a in Audience.values if getattr(self, f"for_{a}")]

    @audiences.setter
    def audiences(self, codes: list[str]) -> None:
        for audience in Audience.values:
            setattr(self, f"for_{audience}", audience in (codes or []))

    @property
    def audience_labels(self) -> list[str]:
        return [str(label) for value, label in Audience.choices if getattr(self, f"for_{value}")]


class RegistrySource(models.TextChoices):
    """The base registry whose record of the applicant can stand for a material."""

    PERSON = "person", _("Person registry (人口库)")
    LEGAL_ENTITY = "legal_entity", _("Legal-entity registry (法人库)")


class RequiredMaterial(BaseModel, BilingualName):
    """A document the applicant must (or may) provide."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")
        ELECTRONIC = "electronic", _("Electronic")

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    form = models.CharField(_("form"), max_length=32, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    # 免提交: the law asks for the material but the department obtains it itself (an
    # e-certificate or a registry record through data sharing), so applicants never have to
    # upload it; they may still do so. The notes say when and how (已实现电子证照共享的).
    is_exempt = models.BooleanField(
        _("exempt (免提交)"),
        default=False,
        help_text=_(
            "The department obtains this material itself (for example through e-certificate "
            "sharing); applicants need not upload it."
        ),
    )
    # Satisfied by reference (免提交 from the e-licence store or a base registry): when the
    # applicant holds a valid certificate of ``certificate_type``, or the registry holds their
    # own record (with a value of ``registry_element``, a data element identifier, if given),
    # the material needs no upload and the case records the reference.
    certificate_type = models.ForeignKey(
        "certificates.CertificateType",
        verbose_name=_("satisfied by the e-certificate type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registry_source = models.CharField(
        _("satisfied by the base registry"),
        max_length=20,
        choices=RegistrySource.choices,
        blank=True,
        default="",
    )
    registry_element = models.CharField(
        _("data element"),
        max_length=20,
        blank=True,
        help_text=_("The data element the registry record must hold, e.g. DE0008 (USCC)."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    template = models.FileField(_("blank template"), upload_to="catalogue/templates/", blank=True)
    example = models.FileField(_("filled-in example"), upload_to="catalogue/examples/", blank=True)
    max_size_mb = models.PositiveSmallIntegerField(_("maximum upload size (MB)"), default=10)
    accepted_types = models.JSONField(
        _("accepted file types"),
        default=list,
        blank=True,
        help_text=_("MIME types, e.g. application/pdf, image/jpeg"),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")
        ordering = ["sort_order", "id"]

    @property
    def is_by_reference(self) -> bool:
        """Whether an e-certificate or a registry record of the applicant can stand for it."""
        return self.certificate_type_id is not None or bool(self.registry_source)

    def clean(self) -> None:
        super().clean()
        if self.registry_element and not self.registry_source:
            raise ValidationError(
                {"registry_element": _("Choose the base registry the data element belongs to.")}
            )

    @property
    def is_required_upload(self) -> bool:
        """Whether an application is incomplete without a file for this material."""
        return self.is_mandatory and not self.is_exempt


class ServiceLocation(BaseModel):
    """Where (and when) the service can be handled in person."""

    version = models.ForeignKey(
        ServiceItemVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    hours = models.CharField(_("opening hours"), max_length=300)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("service location")
        verbose_name_plural = _("service locations")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class FAQ(BaseModel):
    """A frequently asked question about the service."""

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="faqs"
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("FAQ")
        verbose_name_plural = _("FAQs")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.question
