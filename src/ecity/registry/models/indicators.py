"""The macro-economic indicators base registry (宏观经济数据库): time series by region and period.

An ``Indicator`` (指标) says what is measured: its meaning, unit, frequency (annual, quarterly,
monthly), how values aggregate (flow, stock, rate, index), how many decimal places a value has
and the one department whose figures are authoritative (一数一源, usually the statistics bureau).

An ``Observation`` is one figure: an indicator's value for a region (GB/T 2260 code) and a
period (``2025``, ``2025Q3`` or ``2025-09``, with the period's first and last day), with its
status (preliminary, final, revised) and source. A figure is never silently overwritten: every
change keeps the replaced value as an ``ObservationRevision`` and bumps the version.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel


class Frequency(models.TextChoices):
    """How often an indicator is compiled; decides the period's format."""

    ANNUAL = "annual", _("Annual")
    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")


class Aggregation(models.TextChoices):
    """What kind of quantity an indicator is (and so which values are sensible)."""

    FLOW = "flow", _("Flow (total over the period)")  # 流量: GDP, retail sales
    STOCK = "stock", _("Stock (level at the end of the period)")  # 存量: population
    RATE = "rate", _("Rate (per cent)")  # 比率: growth, unemployment rate
    INDEX = "index", _("Index")  # 指数: CPI (previous year = 100)


class Subject(models.TextChoices):
    """The statistical yearbook's chapters, used to group indicators on the public pages."""

    NATIONAL_ACCOUNTS = "national_accounts", _("National accounts")
    POPULATION = "population", _("Population")
    PRICES = "prices", _("Prices")
    DOMESTIC_TRADE = "domestic_trade", _("Domestic trade")
    INVESTMENT = "investment", _("Fixed-asset investment")
    EMPLOYMENT = "employment", _("Employment")
    PUBLIC_FINANCE = "public_finance", _("Public finance")
    OTHER = "other", _("Other")


class ObservationStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary")  # 初步数
    FINAL = "final", _("Final")  # 最终核实数
    REVISED = "revised", _("Revised")  # 修订数


def _localised(name: str, name_en: str) -> str:
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name


class Indicator(BaseModel):
    """A macro-economic indicator (指标): what is measured, in which unit, by whom."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("indicator status", "Draft")
        IN_FORCE = "in_force", pgettext_lazy("indicator status", "In force")
        WITHDRAWN = "withdrawn", pgettext_lazy("indicator status", "Withdrawn")

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z0-9][A-Z0-9_.-]*\Z",
                _("Use capital letters, digits, _, . and - (it appears in web addresses)."),
            )
        ],
        help_text=_("For example GDP or CPI_Q."),
    )
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    subject = models.CharField(
        pgettext_lazy("indicator", "subject"),
        max_length=32,
        choices=Subject.choices,
        default=Subject.OTHER,
    )
    unit = models.CharField(_("unit"), max_length=32, help_text=_("For example 亿元, 万人 or %."))
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    aggregation = models.CharField(_("aggregation"), max_length=16, choices=Aggregation.choices)
    decimal_places = models.PositiveSmallIntegerField(
        _("decimal places"), default=2, validators=[MaxValueValidator(6)]
    )
    authority = models.ForeignKey(
        "org.Department",
        verbose_name=_("authoritative department"),
        on_delete=models.PROTECT,
        related_name="indicators",
        help_text=_("The one department whose figures are authoritative (一数一源)."),
    )
    data_element = models.ForeignKey(
        "registry.DataElement",
        verbose_name=_("data element"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the figures come from, for example 示范市统计年鉴."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["subject", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decimal_places__lte=6), name="registry_indicator_decimal_places"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)

    def value_text(self, value: Decimal) -> str:
        """``value`` with the indicator's decimal places, as published (``5678.90``)."""
        return f"{value:.{self.decimal_places}f}"


class Observation(BaseModel):
    """One figure of an indicator for a region and a period; its current version."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    region_code = models.CharField(_("region code"), max_length=12)
    period = models.CharField(_("period"), max_length=7, help_text=_("2025, 2025Q3 or 2025-09."))
    period_start = models.DateField(_("first day of the period"))
    period_end = models.DateField(_("last day of the period"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ObservationStatus.choices,
        default=ObservationStatus.PRELIMINARY,
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("written for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "region_code", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region_code", "period"],
                name="registry_observation_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="registry_observation_period",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.region_code} {self.period}: {self.value}"

    @property
    def value_text(self) -> str:
        """The value with the indicator's decimal places (reads ``indicator``)."""
        return self.indicator.value_text(self.value)


class ObservationRevision(BaseModel):
    """A replaced version of an observation (the history of a figure): never changed."""

    observation = models.ForeignKey(
        Observation,
        verbose_name=_("observation"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    version = models.PositiveIntegerField(_("version"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    status = models.CharField(_("status"), max_length=16, choices=ObservationStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("written for"), on_delete=models.PROTECT, related_name="+"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"))

    class Meta:
        verbose_name = _("observation revision")
        verbose_name_plural = _("observation revisions")
        ordering = ["observation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "version"], name="registry_observationrevision_unique"
            ),
        ]
