"""Metadata of the information resource centre: code lists and data elements (GB/T 19488).

A ``CodeList`` is a value domain given by enumeration (GB/T 2261.1 sex, GB/T 3304 ethnic groups,
GB/T 4754 industries, GB/T 2260 regions...); its ``CodeValue`` rows may form a hierarchy
(industry section > division, province > city > district) and have a validity period, so a
withdrawn code stays readable in old records but is no longer accepted.

A ``DataElement`` (数据元) names one unit of data with its definition, data type, format and value
domain (a code list or a pattern), and its authoritative department (一数一源: one data, one
source). Base registries and resource catalogue items bind their fields to data elements.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ecity.core.models import BaseModel
from ecity.core.patterns import PatternError, pattern_compile


def validate_re2_pattern(value: str) -> None:
    """Refuse a pattern RE2 cannot run (backreferences, lookaround, syntax errors)."""
    try:
        pattern_compile(value)
    except PatternError as exc:
        raise ValidationError(str(exc), code="pattern") from exc


def _localised(name: str, name_en: str) -> str:
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name


class CodeList(BaseModel):
    """A controlled list of codes (a value domain by enumeration), such as GB/T 2261.1 sex."""

    identifier = models.CharField(
        _("identifier"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9_.-]*\Z",
                _("Use lower-case letters, digits, _, . and - (it appears in web addresses)."),
            )
        ],
        help_text=_("A short stable name used in web addresses, for example ethnic_group."),
    )
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    standard = models.CharField(
        _("standard"),
        max_length=100,
        blank=True,
        help_text=_("The standard that defines the list, for example GB/T 3304-1991."),
    )
    description = models.TextField(_("description"), blank=True)
    version = models.CharField(_("version"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("code list")
        verbose_name_plural = _("code lists")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)


class CodeValue(BaseModel):
    """One code of a code list, with its meaning and the period in which it may be used."""

    code_list = models.ForeignKey(
        CodeList, verbose_name=_("code list"), on_delete=models.CASCADE, related_name="values"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("broader code"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("The last day the code may be used.")
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("code value")
        verbose_name_plural = _("code values")
        ordering = ["code_list", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_list", "code"], name="registry_codevalue_unique"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="registry_codevalue_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether the code may be used on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to


class DataElement(BaseModel):
    """A data element (数据元, GB/T 19488): one unit of data with its meaning and value domain."""

    class DataType(models.TextChoices):
        STRING = "string", _("String")
        INTEGER = "integer", _("Integer")
        DECIMAL = "decimal", _("Decimal")
        DATE = "date", _("Date")
        DATETIME = "datetime", _("Date and time")
        BOOLEAN = "boolean", _("Boolean")
        CODE = "code", _("Code (from a code list)")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("data element status", "Draft")
        IN_FORCE = "in_force", pgettext_lazy("data element status", "In force")
        WITHDRAWN = "withdrawn", pgettext_lazy("data element status", "Withdrawn")

    class CheckRule(models.TextChoices):
        """A check beyond type and pattern, for identifiers with a check character."""

        NONE = "", pgettext_lazy("check rule", "None")
        ID_NUMBER = "id_number", _("Resident ID number (GB 11643 check digit)")
        USCC = "uscc", _("Unified social credit code (GB 32100 check character)")
        MOBILE = "mobile", _("Mainland mobile phone number")

    identifier = models.CharField(
        _("identifier"), max_length=32, unique=True, help_text=_("For example DE0001.")
    )
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    data_type = models.CharField(
        _("data type"), max_length=16, choices=DataType.choices, default=DataType.STRING
    )
    format = models.CharField(
        _("format"),
        max_length=32,
        blank=True,
        help_text=_("The representation format of GB/T 19488, for example an..18 or n8."),
    )
    pattern = models.CharField(
        _("pattern"),
        max_length=500,
        blank=True,
        validators=[validate_re2_pattern],
        help_text=_("A regular expression the whole value must match (RE2 syntax)."),
    )
    code_list = models.ForeignKey(
        CodeList,
        verbose_name=_("code list"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="data_elements",
    )
    check_rule = models.CharField(
        _("check rule"),
        max_length=16,
        choices=CheckRule.choices,
        default=CheckRule.NONE,
        blank=True,
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    authority = models.ForeignKey(
        "org.Department",
        verbose_name=_("authoritative department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="authoritative_data_elements",
        help_text=_("The one department whose value is authoritative (一数一源)."),
    )
    synonyms = models.JSONField(
        _("synonyms"), default=list, blank=True, help_text=_("Other names of the element.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["identifier"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(data_type="code") | Q(code_list__isnull=False),
                name="registry_dataelement_code_needs_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}"

    @property
    def display_name(self) -> str:
        return _localised(self.name, self.name_en)

    def clean(self) -> None:
        if self.data_type == self.DataType.CODE and self.code_list_id is None:
            raise ValidationError(
                {"code_list": _("A data element of type code needs a code list.")}
            )
