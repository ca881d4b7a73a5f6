"""Base registries (基础库): persons, legal entities and addresses as versioned records.

A record (``Person``, ``LegalEntityRecord``, ``places.Address``) holds the current value of
each attribute. Beside it, for every attribute:

- ``RecordAttribute``: where the current value came from (source, department, reference) and
  whether it is authoritative, i.e. written by the data element's authority department
  (一数一源, ``DataElement.authority``);
- ``RecordChange``: the versioned change log, one row per attribute changed (old → new), who,
  when, from which source; hash-chained per record (``ecity.registry.change_chain``);
- ``RecordConflict``: a value another department (or a second source) proposed that disagrees
  with the authoritative value; stored and listed, never silently written.

Records are written only through ``ecity.registry.services.records``. Personal values (ID
numbers, phone numbers, addresses) are encrypted at rest (``ecity.core.fields``) and found
through blind indexes, as on ``identity.User``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ecity.core.fields import BlindIndexField, EncryptedTextField, refresh_blind_indexes
from ecity.core.masking import mask_id_number, mask_name, mask_phone
from ecity.core.models import BaseModel
from ecity.core.validators import validate_id_number, validate_mobile, validate_uscc
from ecity.registry.models.places import Address


class Source(models.TextChoices):
    """Where a value written to a record came from."""

    FORM = "form", pgettext_lazy("record source", "Application form")
    IMPORT = "import", pgettext_lazy("record source", "Import")
    EXCHANGE = "exchange", pgettext_lazy("record source", "Data exchange")
    COUNTER = "counter", pgettext_lazy("record source", "Service counter")


class Person(BaseModel):
    """A natural person in the person registry (人口库), identified by the resident ID number."""

    id_number = EncryptedTextField(
        _("resident ID number"), max_length=18, validators=[validate_id_number]
    )
    id_number_index = BlindIndexField(
        source="id_number",
        purpose="id_number",
        normaliser="ecity.core.validators.normalise_id_number",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    # Codes of the national code lists: GB/T 2261.1 (sex), GB/T 3304 (ethnic group),
    # GB/T 2260 (administrative region).
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    ethnic_group = models.CharField(_("ethnic group"), max_length=2, blank=True)
    birth_on = models.DateField(_("date of birth"), null=True, blank=True)
    address = EncryptedTextField(_("address"), max_length=300, blank=True)
    phone = EncryptedTextField(
        _("mobile phone"), max_length=20, blank=True, validators=[validate_mobile]
    )
    phone_index = BlindIndexField(
        source="phone", purpose="phone", normaliser="ecity.core.validators.normalise_mobile"
    )
    region_code = models.CharField(_("region code"), max_length=12, blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person_record",
        help_text=_("The platform account of this person, once real-name verified."),
    )
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], name="registry_person_unique_id_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.name)} ({mask_id_number(self.id_number)})"

    def clean(self) -> None:
        super().clean()
        refresh_blind_indexes(self)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class LegalEntityRecord(BaseModel):
    """A legal person in the legal-entity registry (法人库), identified by its USCC.

    ``identity.LegalEntity`` is the enterprise's account on the platform; this is the
    registry's authoritative record of the enterprise, linked to it once verified.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("registration status", "Active")
        REVOKED = "revoked", pgettext_lazy("registration status", "Licence revoked")
        DEREGISTERED = "deregistered", pgettext_lazy("registration status", "Deregistered")
        MOVED_OUT = "moved_out", pgettext_lazy("registration status", "Moved out")

    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=200)
    entity_type = models.CharField(_("legal-entity type"), max_length=8, blank=True)
    legal_representative_name = models.CharField(
        _("legal representative"), max_length=100, blank=True
    )
    legal_representative_id_number = EncryptedTextField(
        _("legal representative's ID number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
    )
    legal_representative_id_number_index = BlindIndexField(
        source="legal_representative_id_number",
        purpose="id_number",
        normaliser="ecity.core.validators.normalise_id_number",
    )
    # GB/T 4754-2017: a section letter or a division's two digits.
    industry_code = models.CharField(_("industry"), max_length=8, blank=True)
    registered_address = EncryptedTextField(_("registered address"), max_length=300, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    enterprise = models.OneToOneField(
        "identity.LegalEntity",
        verbose_name=_("enterprise account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registry_record",
        help_text=_("The enterprise's account on the platform, once verified."),
    )
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("legal-entity record")
        verbose_name_plural = _("legal-entity records")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"

    def clean(self) -> None:
        super().clean()
        refresh_blind_indexes(self)


class RecordReference(BaseModel):
    """Rows about one attribute of one record: a person's, a legal entity's or an address's.

    Exactly one of the three is set (a check constraint).
    """

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    legal_entity = models.ForeignKey(
        LegalEntityRecord,
        verbose_name=_("legal-entity record"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    address = models.ForeignKey(
        "registry.Address",
        verbose_name=_("address"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    attribute = models.CharField(_("attribute"), max_length=64)
    # The data element the attribute was bound to when the row was written (GB/T 19488).
    data_element = models.CharField(_("data element"), max_length=32, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, legal_entity__isnull=True, address__isnull=True)
                    | Q(person__isnull=True, legal_entity__isnull=False, address__isnull=True)
                    | Q(person__isnull=True, legal_entity__isnull=True, address__isnull=False)
                ),
                name="%(app_label)s_%(class)s_one_record",
            ),
        ]

    @property
    def record(self) -> Person | LegalEntityRecord | Address:
        if self.person_id is not None:
            return self.person  # type: ignore[return-value]
        if self.legal_entity_id is not None:
            return self.legal_entity  # type: ignore[return-value]
        return self.address  # type: ignore[return-value]


class RecordAttribute(RecordReference):
    """Provenance of an attribute's current value: its source and whether it is authoritative."""

    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_authoritative = models.BooleanField(_("authoritative"), default=False)
    written_at = models.DateTimeField(_("written at"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(RecordReference.Meta):
        verbose_name = _("record attribute")
        verbose_name_plural = _("record attributes")
        ordering = ["attribute"]
        constraints = [
            *RecordReference.Meta.constraints,
            models.UniqueConstraint(
                fields=["person", "attribute"],
                condition=Q(person__isnull=False),
                name="registry_attribute_unique_person",
            ),
            models.UniqueConstraint(
                fields=["legal_entity", "attribute"],
                condition=Q(legal_entity__isnull=False),
                name="registry_attribute_unique_legal_entity",
            ),
            models.UniqueConstraint(
                fields=["address", "attribute"],
                condition=Q(address__isnull=False),
                name="registry_attribute_unique_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attribute} ({self.get_source_display()})"


class RecordChange(RecordReference):
    """One attribute changed in one version of a record (the versioned change log).

    The values are kept encrypted; pages show them masked where they are personal
    (``ecity.registry.attributes.value_shown``).
    """

    version = models.PositiveIntegerField(_("version"))
    old_value = EncryptedTextField(_("old value"), blank=True)
    new_value = EncryptedTextField(_("new value"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_authoritative = models.BooleanField(_("authoritative"), default=False)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The record's hash chain (``ecity.registry.change_chain``): the hash of the change before
    # this one of the same record, and this change's own hash over its content.
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    change_hash = models.CharField(_("change hash"), max_length=64, blank=True, editable=False)

    class Meta(RecordReference.Meta):
        verbose_name = _("record change")
        verbose_name_plural = _("record changes")
        ordering = ["-version", "attribute"]
        constraints = [
            *RecordReference.Meta.constraints,
            models.UniqueConstraint(
                fields=["person", "version", "attribute"],
                condition=Q(person__isnull=False),
                name="registry_change_unique_person_version",
            ),
            models.UniqueConstraint(
                fields=["legal_entity", "version", "attribute"],
                condition=Q(legal_entity__isnull=False),
                name="registry_change_unique_legal_entity_version",
            ),
            models.UniqueConstraint(
                fields=["address", "version", "attribute"],
                condition=Q(address__isnull=False),
                name="registry_change_unique_address_version",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.attribute}"


class RecordConflict(RecordReference):
    """A value that disagrees with an attribute's authoritative value, kept for the authority.

    Written instead of the value (一数一源: only the authority department writes the
    authoritative value); listed for both departments until the authority resolves it.
    """

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("conflict status", "Open")
        RESOLVED = "resolved", pgettext_lazy("conflict status", "Resolved")

    authoritative_value = EncryptedTextField(_("authoritative value"), blank=True)
    authoritative_source = models.CharField(
        _("authoritative source"), max_length=16, choices=Source.choices
    )
    authoritative_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("authoritative department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_value = EncryptedTextField(_("proposed value"), blank=True)
    proposed_source = models.CharField(_("proposed source"), max_length=16, choices=Source.choices)
    proposed_source_reference = models.CharField(
        _("proposed source reference"), max_length=200, blank=True
    )
    proposed_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("proposing department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Resolution(models.TextChoices):
        TAKEN = "taken", pgettext_lazy("conflict resolution", "Proposed value taken")
        KEPT = "kept", pgettext_lazy("conflict resolution", "Authoritative value kept")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolution = models.CharField(
        _("resolution"), max_length=8, choices=Resolution.choices, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(RecordReference.Meta):
        verbose_name = _("record conflict")
        verbose_name_plural = _("record conflicts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.attribute} ({self.get_status_display()})"
