"""The e-licence store (电子证照库): certificate types, e-certificates and the keys that sign them.

A ``Certificate`` is issued from plain data by ``certificate_issue``: today when a case of a
service item linked to a ``CertificateType`` is approved (the ``case.decided`` event, see
``handlers.py``), later also when the registry or the exchange imports certificates issued
elsewhere. It names its source generically (``source_ref`` such as ``cases.case:<public id>``);
its ``identifier`` follows the national e-licence form (see ``identifiers.py``), its data is
signed with Ed25519 (see ``signing.py``), and anyone can verify it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ecity.core.fields import BlindIndexField, EncryptedJSONField, EncryptedTextField
from ecity.core.models import BaseModel

TYPE_CODE_RE = re.compile(r"^[0-9A-Z]{1,40}$")

#: Case attributes a certificate field may copy (``case.<name>``), taken from the ``case.decided``
#: event's data; ``form.<key>`` copies form data.
CASE_SOURCES = (
    "number",
    "applicant_name",
    "applicant_identifier",
    "decided_on",
    "service_name",
    "department_name",
    "legal_entity_name",
    "legal_entity_uscc",
)


def validate_type_code(value: str) -> None:
    if not TYPE_CODE_RE.match(value or ""):
        raise ValidationError(
            _("A certificate type code has 1 to 40 digits and capital letters (A-Z), no dots."),
            code="bad_type_code",
        )


def validate_data_schema(value: object) -> None:
    """Check ``[{"name", "label_zh", "label_en", "source"}]``; source: form.<key> or case.<attr>."""
    if not isinstance(value, list):
        raise ValidationError(_("The data fields must be a list."), code="bad_schema")
    names: set[str] = set()
    for index, entry in enumerate(value, start=1):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("source"):
            raise ValidationError(
                _("Data field %(index)d needs a name and a source."),
                code="bad_schema",
                params={"index": index},
            )
        name, source = str(entry["name"]), str(entry["source"])
        if not re.match(r"^[a-z][a-z0-9_]{0,49}$", name) or name in names:
            raise ValidationError(
                _("Data field %(index)d: the name must be unique, lower case letters, digits, _."),
                code="bad_schema",
                params={"index": index},
            )
        names.add(name)
        kind, _dot, key = source.partition(".")
        if not key or kind not in {"form", "case"} or (kind == "case" and key not in CASE_SOURCES):
            raise ValidationError(
                _(
                    'Data field %(index)d: the source must be "form.<field>" or one of '
                    "%(case_sources)s."
                ),
                code="bad_schema",
                params={
                    "index": index,
                    "case_sources": ", ".join(f"case.{s}" for s in CASE_SOURCES),
                },
            )


class CertificateType(BaseModel):
    """A kind of e-certificate (e.g. 食品经营许可证): its national type code and data fields."""

    code = models.CharField(
        _("certificate type code"),
        max_length=40,
        unique=True,
        validators=[validate_type_code],
        help_text=_(
            "The licence type code of the national e-licence identifier: usually the USCC of "
            "the defining authority followed by a 3-digit number, e.g. 11100000000013338W011."
        ),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("issuing department"),
        on_delete=models.PROTECT,
        related_name="certificate_types",
    )
    service_items = models.ManyToManyField(
        "catalogue.ServiceItem",
        verbose_name=_("issued by the services"),
        blank=True,
        related_name="certificate_types",
    )
    validity_years = models.PositiveSmallIntegerField(_("valid for (years)"), null=True, blank=True)
    validity_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)
    data_schema = models.JSONField(
        _("data fields"),
        default=list,
        blank=True,
        validators=[validate_data_schema],
        help_text=_(
            '[{"name": "shop_name", "label_zh": "店铺名称", "label_en": "Shop name", '
            '"source": "form.shop_name"}]; a source is form.<form field> or case.<attribute>.'
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    @property
    def has_expiry(self) -> bool:
        return bool(self.validity_years or self.validity_days)

    def clean(self) -> None:
        super().clean()
        if self.department_id and not self.department.uscc:
            raise ValidationError(
                {
                    "department": _(
                        "The issuing department needs a unified social credit code: it is part "
                        "of every certificate identifier."
                    )
                },
                code="issuer_without_uscc",
            )


class Certificate(BaseModel):
    """One issued e-certificate. Its signed fields never change; only status does."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Valid")
        REVOKED = "revoked", _("Revoked")

    class HolderKind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ENTERPRISE = "enterprise", _("Enterprise")

    class Origin(models.TextChoices):
        ISSUED = "issued", _("Issued by ecity")
        IMPORTED = "imported", _("Imported from another issuer")

    class Verification(models.TextChoices):
        # ecity's own certificates are signed by ecity; an imported one says how the department
        # that recorded it checked it: the issuer's signature, the issuer's registry, or not.
        SIGNATURE = "signature", _("Verified by signature")
        ISSUER_REGISTRY = "issuer_registry", _("Verified with the issuer's registry")
        UNVERIFIED = "unverified", _("Not verified")

    identifier = models.CharField(_("certificate identifier"), max_length=160, unique=True)
    # Issued here (signed by ecity) or imported: an imported certificate's issuer_name and
    # issuer_uscc are the outside issuer's, ``issuer`` is the department that recorded it, it
    # carries no ecity signature, and ``verification`` says how it was checked.
    origin = models.CharField(
        _("origin"), max_length=16, choices=Origin.choices, default=Origin.ISSUED
    )
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.SIGNATURE,
    )
    type = models.ForeignKey(
        CertificateType,
        verbose_name=_("certificate type"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    # Where the certificate comes from, by reference (the certificate store knows no source app):
    # ``source_type`` such as "cases.case", ``source_ref`` "<type>:<public id>", ``source_label``
    # a human reference such as the case number.
    source_type = models.CharField(_("source type"), max_length=50, blank=True)
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    source_label = models.CharField(_("source"), max_length=100, blank=True)
    # Idempotency key of the issuance: issuing again with the same key returns this certificate.
    issue_key = models.CharField(
        _("issuance key"), max_length=200, null=True, blank=True, unique=True
    )
    # Snapshots at issuance: they are signed, so later edits of the type or the department must
    # not change what the certificate says.
    type_code = models.CharField(_("certificate type code"), max_length=40)
    type_name = models.CharField(_("certificate name"), max_length=200)
    issuer = models.ForeignKey(
        "org.Department",
        verbose_name=_("issuing department"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issuer_name = models.CharField(_("issuer name"), max_length=200)
    issuer_uscc = models.CharField(_("issuer USCC"), max_length=18)
    holder_kind = models.CharField(_("holder kind"), max_length=16, choices=HolderKind.choices)
    holder_name = models.CharField(_("holder name"), max_length=200)
    # The accounts that may act as the holder (download, list in "my certificates"): the
    # applicant's account and, for an enterprise, the enterprise whose agents act for it.
    holder_account = models.ForeignKey(
        "identity.User",
        verbose_name=_("holder account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    holder_legal_entity = models.ForeignKey(
        "identity.LegalEntity",
        verbose_name=_("holder enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    # Encrypted at rest (ecity.core.fields); decrypting gives back exactly what was signed. The
    # holder's certificates are found through the blind index (same purpose as the account's ID
    # number index, so equal ID numbers have equal indexes).
    holder_identifier = EncryptedTextField(_("holder ID number or USCC"), max_length=18, blank=True)
    holder_identifier_index = BlindIndexField(
        source="holder_identifier",
        purpose="id_number",
        normaliser="ecity.core.validators.normalise_id_number",
    )
    data = EncryptedJSONField(_("certificate data"), default=dict)
    data_labels = models.JSONField(
        _("data field labels"), default=list, help_text=_("[[name, label_zh, label_en], …]")
    )
    serial = models.CharField(_("serial number"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    signature = models.CharField(_("signature (base64)"), max_length=100, blank=True)
    key = models.ForeignKey(
        "core.SigningKey",
        verbose_name=_("signing key"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/%m/", blank=True)
    issued_by = models.ForeignKey(
        "identity.User",
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_ref", "version"],
                condition=~Q(source_ref=""),
                name="certificates_source_version",
            ),
            models.UniqueConstraint(
                fields=["type_code", "issuer_uscc", "serial", "version"],
                name="certificates_serial_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.identifier

    @property
    def is_revoked(self) -> bool:
        return self.status == self.Status.REVOKED

    @property
    def is_imported(self) -> bool:
        return self.origin == self.Origin.IMPORTED

    @property
    def state(self) -> str:
        """ "valid", "expired" or "revoked" today (in the configured time zone)."""
        if self.is_revoked:
            return "revoked"
        return "valid" if self.is_valid_on(timezone.localdate()) else "expired"

    def is_valid_on(self, day: dt.date) -> bool:
        """Not revoked and not expired on ``day`` (the last day of validity counts)."""
        return not self.is_revoked and (self.valid_until is None or self.valid_until >= day)
